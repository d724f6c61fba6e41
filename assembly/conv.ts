// Direct 2-D convolution kernels (f32, NHWC), for src/wasm/conv.ts. They read the input from a copy
// padded with zeros on every side, so no tap needs a bounds check, and the filter from panels of 8
// output channels packed k-major (pack_f32's layout: panel q holds B[k, 8q + s] at (q*K + k)*8 + s),
// with k running over (kh, kw, c) like an HWIO filter's rows. The register tile is gemm_f32's: 4
// output pixels by 8 output channels kept in vector registers through the whole sum, so im2col
// never exists in memory. Every pointer is a byte offset; every count and stride is in elements.

/**
 * y[m, 0..O) = sum over taps and channels of xp[pixel m's tap] * B, for the M = imgs*OH*OW output
 * pixels (row m at y + m*ldy). xp is [imgs, Hp, Wp, C]; the channels read start at c0 (a group's
 * first) and number Cg. `edge` is scratch for one 4 x 8 tile, for tiles that overhang M or O.
 */
export function conv_f32(
  xp: usize, Hp: i32, Wp: i32, C: i32, c0: i32, Cg: i32,
  imgs: i32, OH: i32, OW: i32, sh: i32, sw: i32, dh: i32, dw: i32, KH: i32, KW: i32,
  bp: usize, O: i32, y: usize, ldy: i32, edge: usize,
): void {
  const M = imgs * OH * OW, K = KH * KW * Cg, pix = OH * OW;
  // With dilation 1 along w and every channel read, one kernel row's taps are one contiguous run.
  const merged = dw == 1 && Cg == C;
  const runs = merged ? 1 : KW, run = merged ? KW * C : Cg;
  const rowStep = <usize>(dh * Wp * C) << 2, tapStep = <usize>(dw * C) << 2;
  const ldyb = <usize>ldy << 2;
  const MB = 64; // pixels per block: their input rows stay in L1/L2 while every panel passes over them
  for (let b0 = 0; b0 < M; b0 += MB) {
    const b1 = min(M, b0 + MB);
    for (let q = 0; q * 8 < O; q++) {
      const panel = bp + (<usize>(q * K * 8) << 2);
      const cols = min(8, O - q * 8);
      for (let m = b0; m < b1; m += 4) {
        const rows = min(4, M - m);
        // pixel bases (the tail repeats the last pixel; its sums are discarded)
        let p0: usize = 0, p1: usize = 0, p2: usize = 0, p3: usize = 0;
        for (let r = 0; r < 4; r++) {
          const mm = m + min(r, rows - 1);
          const n = mm / pix, rem = mm % pix, oh = rem / OW, ow = rem % OW;
          const p = xp + (<usize>(((n * Hp + oh * sh) * Wp + ow * sw) * C + c0) << 2);
          if (r == 0) p0 = p; else if (r == 1) p1 = p; else if (r == 2) p2 = p; else p3 = p;
        }
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
        let b = panel;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < runs; kw++) {
            const t = <usize>kh * rowStep + <usize>kw * tapStep;
            let a0 = p0 + t, a1 = p1 + t, a2 = p2 + t, a3 = p3 + t;
            for (let c = 0; c < run; c++) {
              const b0v = v128.load(b), b1v = v128.load(b, 16);
              let av = v128.load32_splat(a0);
              c00 = f32x4.add(c00, f32x4.mul(av, b0v)); c01 = f32x4.add(c01, f32x4.mul(av, b1v));
              av = v128.load32_splat(a1);
              c10 = f32x4.add(c10, f32x4.mul(av, b0v)); c11 = f32x4.add(c11, f32x4.mul(av, b1v));
              av = v128.load32_splat(a2);
              c20 = f32x4.add(c20, f32x4.mul(av, b0v)); c21 = f32x4.add(c21, f32x4.mul(av, b1v));
              av = v128.load32_splat(a3);
              c30 = f32x4.add(c30, f32x4.mul(av, b0v)); c31 = f32x4.add(c31, f32x4.mul(av, b1v));
              a0 += 4; a1 += 4; a2 += 4; a3 += 4; b += 32;
            }
          }
        }
        const full = rows == 4 && cols == 8;
        const dst = full ? y + (<usize>m * ldyb) + (<usize>(q * 8) << 2) : edge;
        const ld = full ? ldyb : 32;
        v128.store(dst, c00); v128.store(dst, c01, 16);
        v128.store(dst + ld, c10); v128.store(dst + ld, c11, 16);
        v128.store(dst + 2 * ld, c20); v128.store(dst + 2 * ld, c21, 16);
        v128.store(dst + 3 * ld, c30); v128.store(dst + 3 * ld, c31, 16);
        if (!full) {
          for (let r = 0; r < rows; r++) {
            for (let s = 0; s < cols; s++) {
              store<f32>(y + <usize>(m + r) * ldyb + (<usize>(q * 8 + s) << 2), load<f32>(edge + (<usize>(r * 8 + s) << 2)));
            }
          }
        }
      }
    }
  }
}

/**
 * The filter gradient: df[k, 0..O) (+)= sum over the M output pixels of xp[pixel m's tap k] *
 * dy[m, 0..O), for k over (kh, kw, c) of Cg channels from c0. dy rows are `ldd` apart and readable
 * to a multiple of 8 columns (the caller pads them); df rows are `ldf` apart. `acc` 0: df is
 * overwritten; 1: added to. Tiles are 4 rows of k by 8 of O; the pixel sum runs image by image so
 * an image's input and dy stay in cache while every tile passes over them.
 */
export function convFilter_f32(
  xp: usize, Hp: i32, Wp: i32, C: i32, c0: i32, Cg: i32,
  imgs: i32, OH: i32, OW: i32, sh: i32, sw: i32, dh: i32, dw: i32, KH: i32, KW: i32,
  dy: usize, ldd: i32, O: i32, df: usize, ldf: i32, acc: i32, edge: usize,
): void {
  const K = KH * KW * Cg;
  const lddb = <usize>ldd << 2, ldfb = <usize>ldf << 2;
  const image = <usize>(Hp * Wp * C) << 2, dyImage = <usize>(OH * OW) * lddb;
  const swb = <usize>(sw * C) << 2, shb = <usize>(sh * Wp * C) << 2;
  for (let n = 0; n < imgs; n++) {
    const xn = xp + <usize>n * image + (<usize>c0 << 2), dn = dy + <usize>n * dyImage;
    const first = n == 0 && acc == 0;
    for (let k = 0; k < K; k += 4) {
      const rows = min(4, K - k);
      let t0: usize = 0, t1: usize = 0, t2: usize = 0, t3: usize = 0;
      for (let r = 0; r < 4; r++) {
        const kk = k + min(r, rows - 1);
        const c = kk % Cg, tap = kk / Cg, kh = tap / KW, kw = tap % KW;
        const t = <usize>((kh * dh * Wp + kw * dw) * C + c) << 2;
        if (r == 0) t0 = t; else if (r == 1) t1 = t; else if (r == 2) t2 = t; else t3 = t;
      }
      for (let q = 0; q * 8 < O; q++) {
        const cols = min(8, O - q * 8);
        const full = rows == 4 && cols == 8;
        const dst = full ? df + <usize>k * ldfb + (<usize>(q * 8) << 2) : edge;
        const ld: usize = full ? ldfb : 32;
        if (!full) {
          for (let r = 0; r < 4; r++) {
            for (let s = 0; s < 8; s++) {
              const v: f32 = first || r >= rows || s >= cols ? 0 : load<f32>(df + <usize>(k + r) * ldfb + (<usize>(q * 8 + s) << 2));
              store<f32>(edge + (<usize>(r * 8 + s) << 2), v);
            }
          }
        }
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
        if (!first || !full) {
          c00 = v128.load(dst); c01 = v128.load(dst, 16);
          c10 = v128.load(dst + ld); c11 = v128.load(dst + ld, 16);
          c20 = v128.load(dst + 2 * ld); c21 = v128.load(dst + 2 * ld, 16);
          c30 = v128.load(dst + 3 * ld); c31 = v128.load(dst + 3 * ld, 16);
        }
        let d = dn + (<usize>(q * 8) << 2);
        for (let oh = 0; oh < OH; oh++) {
          let x = xn + <usize>oh * shb;
          for (let ow = 0; ow < OW; ow++) {
            const b0v = v128.load(d), b1v = v128.load(d, 16);
            let av = v128.load32_splat(x + t0);
            c00 = f32x4.add(c00, f32x4.mul(av, b0v)); c01 = f32x4.add(c01, f32x4.mul(av, b1v));
            av = v128.load32_splat(x + t1);
            c10 = f32x4.add(c10, f32x4.mul(av, b0v)); c11 = f32x4.add(c11, f32x4.mul(av, b1v));
            av = v128.load32_splat(x + t2);
            c20 = f32x4.add(c20, f32x4.mul(av, b0v)); c21 = f32x4.add(c21, f32x4.mul(av, b1v));
            av = v128.load32_splat(x + t3);
            c30 = f32x4.add(c30, f32x4.mul(av, b0v)); c31 = f32x4.add(c31, f32x4.mul(av, b1v));
            x += swb; d += lddb;
          }
        }
        v128.store(dst, c00); v128.store(dst, c01, 16);
        v128.store(dst + ld, c10); v128.store(dst + ld, c11, 16);
        v128.store(dst + 2 * ld, c20); v128.store(dst + 2 * ld, c21, 16);
        v128.store(dst + 3 * ld, c30); v128.store(dst + 3 * ld, c31, 16);
        if (!full) {
          for (let r = 0; r < rows; r++) {
            for (let s = 0; s < cols; s++) {
              store<f32>(df + <usize>(k + r) * ldfb + (<usize>(q * 8 + s) << 2), load<f32>(edge + (<usize>(r * 8 + s) << 2)));
            }
          }
        }
      }
    }
  }
}
