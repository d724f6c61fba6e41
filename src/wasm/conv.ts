/**
 * 2-D convolution in WebAssembly SIMD, float32 (assembly/conv.ts): the input is copied once into the
 * scratch memory with its zero padding around it, the filter packed into panels of 8 output
 * channels, and the register-tiled kernel reads the taps straight from the padded input, so the
 * im2col matrix never exists. Three products share it:
 * - forward: y = conv(x, f);
 * - input gradient (stride 1): dx = conv(dy padded, f flipped in space with its channel axes swapped);
 * - filter gradient: df[k, o] = sum over pixels of x's tap k times dy[pixel, o].
 * Each returns false (nothing done) when it does not apply, and the caller runs its JavaScript path.
 */
import { wasmCalls, wasmScratch, type Scratch } from './runtime.js';

/** The sizes of a convolution y = conv(x, f), Cg = C / groups, Og = O / groups (src/kernels/conv.ts calls it ConvGeometry). */
export interface ConvSizes {
  readonly N: number; readonly H: number; readonly W: number; readonly C: number;
  readonly OH: number; readonly OW: number; readonly O: number;
  readonly KH: number; readonly KW: number;
  readonly sh: number; readonly sw: number; readonly dh: number; readonly dw: number;
  readonly pt: number; readonly pl: number;
  readonly groups: number; readonly Cg: number; readonly Og: number;
}

/** A dense array and where it starts; the kernels run on float32 only, and decline anything else. */
export type Dense = { readonly data: ArrayLike<number>; readonly off: number };
type F32 = { readonly data: Float32Array; readonly off: number };

const align = (n: number): number => (n + 3) & ~3;

/**
 * Copies images [N, H, W, C] (dense at src) into view at `at` as [N, Hp, Wp, C], image pixel (h, w)
 * landing at (h + top, w + left); everything else is zero. Pixels past Hp or Wp are never read.
 */
function stagePadded(view: Float32Array, at: number, src: F32, N: number, H: number, W: number, C: number, Hp: number, Wp: number, top: number, left: number): void {
  view.fill(0, at, at + N * Hp * Wp * C);
  const w0 = Math.max(0, -left), w1 = Math.min(W, Wp - left);
  const h0 = Math.max(0, -top), h1 = Math.min(H, Hp - top);
  if (w1 <= w0) return;
  const run = (w1 - w0) * C;
  for (let n = 0; n < N; n++) {
    for (let h = h0; h < h1; h++) {
      const s = src.off + ((n * H + h) * W + w0) * C;
      view.set(src.data.subarray(s, s + run), at + ((n * Hp + h + top) * Wp + w0 + left) * C);
    }
  }
}

/** The extent of the padded input a forward convolution reads: every tap of every output pixel, no more. */
const paddedInput = ({ OH, OW, KH, KW, sh, sw, dh, dw }: ConvSizes): { Hp: number; Wp: number } =>
  ({ Hp: (OH - 1) * sh + (KH - 1) * dh + 1, Wp: (OW - 1) * sw + (KW - 1) * dw + 1 });

function ready(bytes: number): Scratch | undefined {
  const s = wasmScratch();
  if (s) s.ensure(bytes);
  return s;
}

const is32 = (...xs: Dense[]): boolean => xs.every((x) => x.data instanceof Float32Array);

/** y = conv2d(x, f), x [N, H, W, C], f [KH, KW, Cg, O], y [N, OH, OW, O], all dense. */
export function wasmConv2d(g: ConvSizes, x: Dense, f: Dense, y: Dense): boolean {
  if (!is32(x, f, y) || g.N === 0) return false;
  return conv(g, x as F32, f as F32, y as F32);
}

function conv(g: ConvSizes, x: F32, f: F32, y: F32): boolean {
  const { N, C, OH, OW, O, KH, KW, sh, sw, dh, dw, Cg, Og } = g;
  const { Hp, Wp } = paddedInput(g);
  const K = KH * KW * Cg, M = N * OH * OW;
  const xp = 0, fr = align(xp + N * Hp * Wp * C), bp = align(fr + K * O);
  const out = align(bp + Math.ceil(Og / 8) * 8 * K), edge = align(out + M * O);
  const s = ready((edge + 32) * 4);
  if (!s) return false;
  const view = s.f32;
  stagePadded(view, xp, x, N, g.H, g.W, C, Hp, Wp, g.pt, g.pl);
  view.set(f.data.subarray(f.off, f.off + K * O), fr);
  for (let gi = 0; gi < g.groups; gi++) {
    s.kernels.pack_f32(bp * 4, (fr + gi * Og) * 4, 1, O, Og, K, 8);
    s.kernels.conv_f32(xp * 4, Hp, Wp, C, gi * Cg, Cg, N, OH, OW, sh, sw, dh, dw, KH, KW, bp * 4, Og, (out + gi * Og) * 4, O, edge * 4);
  }
  y.data.set(view.subarray(out, out + M * O), y.off);
  wasmCalls.conv++;
  return true;
}

/**
 * dx = conv2dTranspose(dy, f) for stride 1: dx[ih] gathers dy[ih + pt - kh*dh] f[kh], a convolution
 * of dy padded by (KH-1)*dh - pt on top with the filter turned around. Not for strides > 1, or for
 * pads larger than the dilated window (which would need a negative padding).
 */
export function wasmConv2dTranspose(g: ConvSizes, dy: Dense, f: Dense, dx: Dense): boolean {
  if (!is32(dy, f, dx) || g.N === 0 || g.sh !== 1 || g.sw !== 1) return false;
  return transpose(g, dy as F32, f as F32, dx as F32);
}

function transpose(g: ConvSizes, dy: F32, f: F32, dx: F32): boolean {
  const { N, H, W, C, OH, OW, O, KH, KW, dh, dw, Cg, Og } = g;
  const top = (KH - 1) * dh - g.pt, left = (KW - 1) * dw - g.pl;
  if (top < 0 || left < 0) return false;
  const Hp = H + (KH - 1) * dh, Wp = W + (KW - 1) * dw;
  const K = KH * KW * Og, M = N * H * W, panels = Math.ceil(Cg / 8);
  const yp = 0, bp = align(yp + N * Hp * Wp * O), out = align(bp + panels * 8 * K), edge = align(out + M * C);
  const s = ready((edge + 32) * 4);
  if (!s) return false;
  const view = s.f32;
  stagePadded(view, yp, dy, N, OH, OW, O, Hp, Wp, top, left);
  const fd = f.data;
  for (let gi = 0; gi < g.groups; gi++) {
    // panel q holds B[k, 8q + j] at (q*K + k)*8 + j, k = (kh', kw', o): B = f[KH-1-kh', KW-1-kw', c, o]
    let p = bp;
    for (let q = 0; q < panels; q++) {
      for (let kh = KH - 1; kh >= 0; kh--) {
        for (let kw = KW - 1; kw >= 0; kw--) {
          const tap = f.off + (kh * KW + kw) * Cg * O + gi * Og;
          for (let o = 0; o < Og; o++) {
            for (let j = 0; j < 8; j++) {
              const c = q * 8 + j;
              view[p++] = c < Cg ? fd[tap + c * O + o] : 0;
            }
          }
        }
      }
    }
    s.kernels.conv_f32(yp * 4, Hp, Wp, O, gi * Og, Og, N, H, W, 1, 1, dh, dw, KH, KW, bp * 4, Cg, (out + gi * Cg) * 4, C, edge * 4);
  }
  dx.data.set(view.subarray(out, out + M * C), dx.off);
  wasmCalls.conv++;
  return true;
}

/** df = the filter gradient of y = conv2d(x, f): df [KH, KW, Cg, O] from x and dy [N, OH, OW, O]. */
export function wasmConv2dFilter(g: ConvSizes, x: Dense, dy: Dense, df: Dense): boolean {
  if (!is32(x, dy, df) || g.N === 0) return false;
  return filter(g, x as F32, dy as F32, df as F32);
}

function filter(g: ConvSizes, x: F32, dy: F32, df: F32): boolean {
  const { N, C, OH, OW, O, KH, KW, sh, sw, dh, dw, Cg, Og } = g;
  const { Hp, Wp } = paddedInput(g);
  const K = KH * KW * Cg, M = N * OH * OW;
  // dy gets 8 floats of slack: a last panel narrower than 8 reads (and discards) past its row
  const xp = 0, yr = align(xp + N * Hp * Wp * C), out = align(yr + M * O + 8), edge = align(out + K * O);
  const s = ready((edge + 32) * 4);
  if (!s) return false;
  const view = s.f32;
  stagePadded(view, xp, x, N, g.H, g.W, C, Hp, Wp, g.pt, g.pl);
  view.set(dy.data.subarray(dy.off, dy.off + M * O), yr);
  for (let gi = 0; gi < g.groups; gi++) {
    s.kernels.convFilter_f32(xp * 4, Hp, Wp, C, gi * Cg, Cg, N, OH, OW, sh, sw, dh, dw, KH, KW, (yr + gi * Og) * 4, O, Og, (out + gi * Og) * 4, O, 0, edge * 4);
  }
  df.data.set(view.subarray(out, out + K * O), df.off);
  wasmCalls.conv++;
  return true;
}
