// WebAssembly SIMD kernels for dagrad, in AssemblyScript. Built by `npm run build:wasm`
// (assembly/build.mjs), which checks the binary in as base64 in src/wasm/binary.ts.
//
// Every pointer is a byte offset into the imported memory; every count is in elements. The module has
// no allocator and no state: the JavaScript side (src/wasm/) lays out each call's buffers itself.
import { LOG2E, LN2_HI, LN2_LO, sp, toI64, pow2, halfExponent, logMantissa, lo, hi, narrow } from './vmath';

// ---------------------------------------------------------------- elementwise
//
// o = x (op) y over n elements. mode 0: x and y are dense; 1: y is the scalar s (broadcast; the
// pointer y is unused); 2: x is the scalar s. The scalar comes by value, so it may live outside this
// memory. Modes 3 to 6 broadcast a line over the n / m lines of m elements of o (a bias row, a
// per-row scale): 3: y is a row of m elements, o[r, j] = x[r, j] op y[j]; 4: x is that row; 5: y is a
// column of n / m elements, o[r, j] = x[r, j] op y[r]; 6: x is that column. Each line runs the
// dense or scalar loop, so every element gets the one rounding of the op, as in modes 0 to 2.
// (The inlined `op` is a constant in each exported function, so Binaryen removes the branches on it.)

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

// @ts-ignore: decorator
@inline function v32(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline function s32(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// @ts-ignore: decorator
@inline function v64(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f64x2.add(a, b);
  if (op == SUB) return f64x2.sub(a, b);
  if (op == MUL) return f64x2.mul(a, b);
  return f64x2.div(a, b);
}

// @ts-ignore: decorator
@inline function s64(op: i32, a: f64, b: f64): f64 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// @ts-ignore: decorator
@inline function bin32(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32): void {
  const xv = f32x4.splat(s), yv = xv;
  let i = 0;
  if (mode == 0) {
    for (; i + 8 <= n; i += 8) {
      const p = <usize>i << 2;
      v128.store(o + p, v32(op, v128.load(x + p), v128.load(y + p)));
      v128.store(o + p, v32(op, v128.load(x + p, 16), v128.load(y + p, 16)), 16);
    }
  } else if (mode == 1) {
    for (; i + 8 <= n; i += 8) {
      const p = <usize>i << 2;
      v128.store(o + p, v32(op, v128.load(x + p), yv));
      v128.store(o + p, v32(op, v128.load(x + p, 16), yv), 16);
    }
  } else {
    for (; i + 8 <= n; i += 8) {
      const p = <usize>i << 2;
      v128.store(o + p, v32(op, xv, v128.load(y + p)));
      v128.store(o + p, v32(op, xv, v128.load(y + p, 16)), 16);
    }
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const a = mode == 2 ? s : load<f32>(x + p), b = mode == 1 ? s : load<f32>(y + p);
    store<f32>(o + p, s32(op, a, b));
  }
}

// @ts-ignore: decorator
@inline function bin64(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64): void {
  const xv = f64x2.splat(s), yv = xv;
  let i = 0;
  if (mode == 0) {
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 3;
      v128.store(o + p, v64(op, v128.load(x + p), v128.load(y + p)));
      v128.store(o + p, v64(op, v128.load(x + p, 16), v128.load(y + p, 16)), 16);
    }
  } else if (mode == 1) {
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 3;
      v128.store(o + p, v64(op, v128.load(x + p), yv));
      v128.store(o + p, v64(op, v128.load(x + p, 16), yv), 16);
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 3;
      v128.store(o + p, v64(op, xv, v128.load(y + p)));
      v128.store(o + p, v64(op, xv, v128.load(y + p, 16)), 16);
    }
  }
  for (; i < n; i++) {
    const p = <usize>i << 3;
    const a = mode == 2 ? s : load<f64>(x + p), b = mode == 1 ? s : load<f64>(y + p);
    store<f64>(o + p, s64(op, a, b));
  }
}

/** Modes 3 to 6 (a broadcast row or column, lines of m elements) of bin32. */
// @ts-ignore: decorator
@inline function lines32(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, m: i32): void {
  if (m <= 0) return;
  const w = <usize>m << 2;
  for (let at: usize = 0, r: usize = 0, end = <usize>n << 2; at < end; at += w, r += 4) {
    if (mode == 3) bin32(op, o + at, x + at, y, m, 0, 0);
    else if (mode == 4) bin32(op, o + at, x, y + at, m, 0, 0);
    else if (mode == 5) bin32(op, o + at, x + at, 0, m, 1, load<f32>(y + r));
    else bin32(op, o + at, 0, y + at, m, 2, load<f32>(x + r));
  }
}

/** Modes 3 to 6 of bin64, as lines32. */
// @ts-ignore: decorator
@inline function lines64(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, m: i32): void {
  if (m <= 0) return;
  const w = <usize>m << 3;
  for (let at: usize = 0, r: usize = 0, end = <usize>n << 3; at < end; at += w, r += 8) {
    if (mode == 3) bin64(op, o + at, x + at, y, m, 0, 0);
    else if (mode == 4) bin64(op, o + at, x, y + at, m, 0, 0);
    else if (mode == 5) bin64(op, o + at, x + at, 0, m, 1, load<f64>(y + r));
    else bin64(op, o + at, 0, y + at, m, 2, load<f64>(x + r));
  }
}

// @ts-ignore: decorator
@inline function binary32(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32, m: i32): void {
  if (mode >= 3) lines32(op, o, x, y, n, mode, m);
  else bin32(op, o, x, y, n, mode, s);
}

// @ts-ignore: decorator
@inline function binary64(op: i32, o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64, m: i32): void {
  if (mode >= 3) lines64(op, o, x, y, n, mode, m);
  else bin64(op, o, x, y, n, mode, s);
}

export function add_f32(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32, m: i32): void { binary32(ADD, o, x, y, n, mode, s, m); }
export function sub_f32(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32, m: i32): void { binary32(SUB, o, x, y, n, mode, s, m); }
export function mul_f32(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32, m: i32): void { binary32(MUL, o, x, y, n, mode, s, m); }
export function div_f32(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32, m: i32): void { binary32(DIV, o, x, y, n, mode, s, m); }
export function add_f64(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64, m: i32): void { binary64(ADD, o, x, y, n, mode, s, m); }
export function sub_f64(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64, m: i32): void { binary64(SUB, o, x, y, n, mode, s, m); }
export function mul_f64(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64, m: i32): void { binary64(MUL, o, x, y, n, mode, s, m); }
export function div_f64(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f64, m: i32): void { binary64(DIV, o, x, y, n, mode, s, m); }

export function neg_f32(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), f32x4.neg(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(o + (<usize>i << 2), -load<f32>(x + (<usize>i << 2)));
}

export function neg_f64(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(o + (<usize>i << 3), f64x2.neg(v128.load(x + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(o + (<usize>i << 3), -load<f64>(x + (<usize>i << 3)));
}

// IEEE square root is correctly rounded in every width, so these give JavaScript's bits:
// Math.fround(Math.sqrt(x)) for float32 (double rounding is exact for sqrt), Math.sqrt for float64.
export function sqrt_f32(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), f32x4.sqrt(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(o + (<usize>i << 2), Mathf.sqrt(load<f32>(x + (<usize>i << 2))));
}

export function sqrt_f64(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(o + (<usize>i << 3), f64x2.sqrt(v128.load(x + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(o + (<usize>i << 3), Math.sqrt(load<f64>(x + (<usize>i << 3))));
}

// ---------------------------------------------------------------- logistic functions on float32
//
// sigmoid and the logistic loss, whose cost in JavaScript is Math.exp / Math.log1p (~20 ns a call).
// Each float32 element is widened to float64 and computed two lanes at a time with the JavaScript
// kernels' formulas, then rounded to float32 once, as storing into a Float32Array does. e^t and
// log1p(u) are computed here within 2 and 3 float64 ulp of Math.exp and Math.log1p, so the float32
// results equal the JavaScript ones or differ by one float32 ulp where a result lies within a few
// float64 ulp of a rounding boundary (test/kernels/logistic.test.ts measures both). The tail runs the same
// vector code on one lane, so every element gets the same arithmetic.

/** e^t for t <= 0 (t < -708 is taken as -708: e^t is then far below float32's range). NaN stays NaN. */
// @ts-ignore: decorator
@inline function expNeg(t: v128): v128 {
  t = f64x2.max(t, sp(-708.0));
  const k = f64x2.nearest(f64x2.mul(t, sp(LOG2E)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  // e^r, |r| <= ln2 / 2, by its Taylor series to r^12 / 12! (the next term is below 2e-16).
  let p = sp(2.08767569878681e-09);
  p = f64x2.add(f64x2.mul(p, r), sp(2.505210838544172e-08));
  p = f64x2.add(f64x2.mul(p, r), sp(2.755731922398589e-07));
  p = f64x2.add(f64x2.mul(p, r), sp(2.7557319223985893e-06));
  p = f64x2.add(f64x2.mul(p, r), sp(2.48015873015873e-05));
  p = f64x2.add(f64x2.mul(p, r), sp(0.0001984126984126984));
  p = f64x2.add(f64x2.mul(p, r), sp(0.001388888888888889));
  p = f64x2.add(f64x2.mul(p, r), sp(0.008333333333333333));
  p = f64x2.add(f64x2.mul(p, r), sp(0.041666666666666664));
  p = f64x2.add(f64x2.mul(p, r), sp(0.16666666666666666));
  p = f64x2.add(f64x2.mul(p, r), sp(0.5));
  p = f64x2.add(f64x2.mul(p, r), sp(1.0));
  p = f64x2.add(f64x2.mul(p, r), sp(1.0));
  // 2^k from its exponent bits (k >= -1022, so it is a normal number).
  return f64x2.mul(p, pow2(toI64(k)));
}

/** log(1 + u) for u in [0, 1]. NaN stays NaN. */
// @ts-ignore: decorator
@inline function log1pUnit(u: v128): v128 {
  const one = sp(1.0);
  const w = f64x2.add(one, u);
  const j = halfExponent(w);
  const logm = logMantissa(w);
  const logw = f64x2.add(f64x2.mul(j, sp(LN2_HI)), f64x2.add(logm, f64x2.mul(j, sp(LN2_LO))));
  // w is 1 + u rounded; log(w) * u / (w - 1) undoes that rounding, so tiny u keep their digits.
  const d = f64x2.sub(w, one);
  return v128.bitselect(u, f64x2.mul(logw, f64x2.div(u, d)), f64x2.eq(d, sp(0.0)));
}

/** 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: e is only ever taken of -|x|. */
// @ts-ignore: decorator
@inline function sigmoid2(x: v128): v128 {
  const e = expNeg(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(sp(1.0), e);
  return v128.bitselect(f64x2.div(sp(1.0), d), f64x2.div(e, d), f64x2.ge(x, sp(0.0)));
}

/** max(x, 0) - x z + log1p(e^-|x|), the logistic loss of logits x against labels z. */
// @ts-ignore: decorator
@inline function loss2(z: v128, x: v128): v128 {
  const t = log1pUnit(expNeg(f64x2.neg(f64x2.abs(x))));
  return f64x2.add(f64x2.sub(f64x2.max(x, sp(0.0)), f64x2.mul(x, z)), t);
}

export function sigmoid_f32(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    const v = v128.load(x + p);
    v128.store(o + p, narrow(sigmoid2(lo(v)), sigmoid2(hi(v))));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    store<f32>(o + p, <f32>f64x2.extract_lane(sigmoid2(sp(<f64>load<f32>(x + p))), 0));
  }
}

/** e^t for t <= 0 into float64 output: only for tests, which measure its error against Math.exp. */
export function expNeg_f64(o: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(o + (<usize>i << 3), f64x2.extract_lane(expNeg(sp(load<f64>(x + (<usize>i << 3)))), 0));
}

/** log1p(u) for u in [0, 1] into float64 output: only for tests, which measure its error against Math.log1p. */
export function log1pUnit_f64(o: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(o + (<usize>i << 3), f64x2.extract_lane(log1pUnit(sp(load<f64>(x + (<usize>i << 3)))), 0));
}

/** The logistic loss of labels z (x) against logits (y); mode 1: the logits are the scalar s, mode 2: the labels are. */
export function logisticLoss_f32(o: usize, x: usize, y: usize, n: i32, mode: i32, s: f32): void {
  const sv = f64x2.splat(<f64>s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    const z = mode == 2 ? v128.splat<f32>(s) : v128.load(x + p);
    const l = mode == 1 ? v128.splat<f32>(s) : v128.load(y + p);
    v128.store(o + p, narrow(loss2(lo(z), lo(l)), loss2(hi(z), hi(l))));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const z = mode == 2 ? sv : sp(<f64>load<f32>(x + p));
    const l = mode == 1 ? sv : sp(<f64>load<f32>(y + p));
    store<f32>(o + p, <f32>f64x2.extract_lane(loss2(z, l), 0));
  }
}

// ---------------------------------------------------------------- matmul
//
// C (M x N, row stride ldc elements) = A (M x K) B (K x N), from packed operands:
// - A in panels of MR rows, k-major: panel p holds A[p*MR + r, k] at element (p*K + k)*MR + r;
// - B in panels of NR columns, k-major: panel q holds B[k, q*NR + c] at (q*K + k)*NR + c;
// rows and columns past the end are zeros. The register tile keeps an MR x NR block of C in
// vector registers through a run of k, reading both panels with unit steps: a transposed operand
// differs only in how it was packed. Runs of k are at most KC long, so a B panel stays in L1 and a
// block of MC rows of A in L2; C carries the sums between runs, and each element's sum is taken in
// the order k = 0 .. K-1 (in float64 that matches the JavaScript kernel exactly).

const KC = 512;
const MC = 128;

/**
 * Packs a strided matrix (element strides rs between rows, cs along k) of `rows` x K into panels of
 * `mr` rows (4 or 8), zero-padded to whole panels. f32. Rows adjacent in memory (rs = 1, as B's
 * columns are) move as vectors, two panels per pass when they can, so each k reads whole cache
 * lines (a row-major B's rows); rows contiguous along k (cs = 1, a row-major A) move as 4 x 4
 * blocks transposed in registers.
 */
export function pack_f32(dst: usize, src: usize, rs: i32, cs: i32, rows: i32, K: i32, mr: i32): void {
  const panel = <usize>(mr * K) << 2;
  for (let i = 0; i < rows; i += mr) {
    const h = min(mr, rows - i);
    let d = dst + (<usize>(i * K) << 2);
    const base = src + (<usize>(i * rs) << 2);
    if (rs == 1 && h == mr) {
      if (mr == 8 && i + 16 <= rows) {
        // This panel and the next from one 64-byte run per k.
        for (let k = 0; k < K; k++) {
          const s = base + (<usize>(k * cs) << 2);
          v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
          v128.store(d + panel, v128.load(s, 32)); v128.store(d + panel, v128.load(s, 48), 16);
          d += 32;
        }
        i += 8;
        continue;
      }
      // Rows are adjacent in memory: mr values per k, moved as vectors.
      for (let k = 0; k < K; k++) {
        const s = base + (<usize>(k * cs) << 2);
        v128.store(d, v128.load(s));
        if (mr == 8) v128.store(d, v128.load(s, 16), 16);
        d += <usize>mr << 2;
      }
    } else if (cs == 1 && h == mr) {
      // Each row is contiguous along k: blocks of 4 rows by 4 k, transposed.
      const r1 = <usize>rs << 2, step = <usize>mr << 2;
      for (let g = 0; g < mr; g += 4) {
        const s0 = base + <usize>g * r1, s1 = s0 + r1, s2 = s1 + r1, s3 = s2 + r1;
        let q = d + (<usize>g << 2);
        let k = 0;
        for (; k + 4 <= K; k += 4) {
          const p = <usize>k << 2;
          const x0 = v128.load(s0 + p), x1 = v128.load(s1 + p), x2 = v128.load(s2 + p), x3 = v128.load(s3 + p);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(q, v128.shuffle<f64>(t0, t2, 0, 2));
          v128.store(q + step, v128.shuffle<f64>(t0, t2, 1, 3));
          v128.store(q + 2 * step, v128.shuffle<f64>(t1, t3, 0, 2));
          v128.store(q + 3 * step, v128.shuffle<f64>(t1, t3, 1, 3));
          q += 4 * step;
        }
        for (; k < K; k++) {
          const p = <usize>k << 2;
          store<f32>(q, load<f32>(s0 + p));
          store<f32>(q, load<f32>(s1 + p), 4);
          store<f32>(q, load<f32>(s2 + p), 8);
          store<f32>(q, load<f32>(s3 + p), 12);
          q += step;
        }
      }
    } else if (h == 4 && mr == 4) {
      const r1 = <usize>rs << 2;
      for (let k = 0; k < K; k++) {
        const s = base + (<usize>(k * cs) << 2);
        store<f32>(d, load<f32>(s));
        store<f32>(d, load<f32>(s + r1), 4);
        store<f32>(d, load<f32>(s + 2 * r1), 8);
        store<f32>(d, load<f32>(s + 3 * r1), 12);
        d += 16;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const s = base + (<usize>(k * cs) << 2);
        for (let r = 0; r < mr; r++) store<f32>(d + (<usize>r << 2), r < h ? load<f32>(s + (<usize>(r * rs) << 2)) : 0);
        d += <usize>mr << 2;
      }
    }
  }
}

/** As pack_f32, for f64 (panels of 4 rows). */
export function pack_f64(dst: usize, src: usize, rs: i32, cs: i32, rows: i32, K: i32, mr: i32): void {
  for (let i = 0; i < rows; i += mr) {
    const h = min(mr, rows - i);
    let d = dst + (<usize>(i * K) << 3);
    const base = src + (<usize>(i * rs) << 3);
    if (rs == 1 && h == mr) {
      for (let k = 0; k < K; k++) {
        const s = base + (<usize>(k * cs) << 3);
        for (let r = 0; r < mr; r += 2) v128.store(d + (<usize>r << 3), v128.load(s + (<usize>r << 3)));
        d += <usize>mr << 3;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const s = base + (<usize>(k * cs) << 3);
        for (let r = 0; r < mr; r++) store<f64>(d + (<usize>r << 3), r < h ? load<f64>(s + (<usize>(r * rs) << 3)) : 0);
        d += <usize>mr << 3;
      }
    }
  }
}

/** 4 x 8 f32 tile: C[0..4, 0..8] (row stride ldc bytes) = (first ? 0 : C) + A-panel . B-panel over kc. */
// @ts-ignore: decorator
@inline function tile_f32(a: usize, b: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0)); c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0)); c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0)); c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0)); c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += 16; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** 4 x 4 f64 tile, as tile_f32. */
// @ts-ignore: decorator
@inline function tile_f64(a: usize, b: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  if (!first) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(av, b0)); c01 = f64x2.add(c01, f64x2.mul(av, b1));
    av = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(av, b0)); c11 = f64x2.add(c11, f64x2.mul(av, b1));
    av = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(av, b0)); c21 = f64x2.add(c21, f64x2.mul(av, b1));
    av = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(av, b0)); c31 = f64x2.add(c31, f64x2.mul(av, b1));
    a += 32; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C = A B from packed panels (see above); `edge` is scratch for one tile, where tiles that overhang
 * C's last rows or columns are computed before their valid part is copied out.
 */
export function gemm_f32(M: i32, N: i32, K: i32, ap: usize, bp: usize, c: usize, ldc: i32, edge: usize): void {
  const MR = 4, NR = 8;
  const ldcb = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const first = k0 == 0;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(M, i0 + MC);
      for (let j = 0; j < N; j += NR) {
        const cols = min(NR, N - j);
        const b = bp + (<usize>(j * K + k0 * NR) << 2);
        for (let i = i0; i < i1; i += MR) {
          const rows = min(MR, M - i);
          const a = ap + (<usize>(i * K + k0 * MR) << 2);
          const cij = c + (<usize>(i * ldc + j) << 2);
          if (rows == MR && cols == NR) {
            tile_f32(a, b, kc, cij, ldcb, first);
          } else {
            for (let r = 0; r < MR; r++) {
              for (let s = 0; s < NR; s++) {
                const v: f32 = first || r >= rows || s >= cols ? 0 : load<f32>(cij + (<usize>(r * ldc + s) << 2));
                store<f32>(edge + (<usize>(r * NR + s) << 2), v);
              }
            }
            tile_f32(a, b, kc, edge, <usize>NR << 2, false);
            for (let r = 0; r < rows; r++) {
              for (let s = 0; s < cols; s++) {
                store<f32>(cij + (<usize>(r * ldc + s) << 2), load<f32>(edge + (<usize>(r * NR + s) << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** As gemm_f32, for f64 with 4 x 4 tiles. */
export function gemm_f64(M: i32, N: i32, K: i32, ap: usize, bp: usize, c: usize, ldc: i32, edge: usize): void {
  const MR = 4, NR = 4;
  const ldcb = <usize>ldc << 3;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const first = k0 == 0;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(M, i0 + MC);
      for (let j = 0; j < N; j += NR) {
        const cols = min(NR, N - j);
        const b = bp + (<usize>(j * K + k0 * NR) << 3);
        for (let i = i0; i < i1; i += MR) {
          const rows = min(MR, M - i);
          const a = ap + (<usize>(i * K + k0 * MR) << 3);
          const cij = c + (<usize>(i * ldc + j) << 3);
          if (rows == MR && cols == NR) {
            tile_f64(a, b, kc, cij, ldcb, first);
          } else {
            for (let r = 0; r < MR; r++) {
              for (let s = 0; s < NR; s++) {
                const v: f64 = first || r >= rows || s >= cols ? 0 : load<f64>(cij + (<usize>(r * ldc + s) << 3));
                store<f64>(edge + (<usize>(r * NR + s) << 3), v);
              }
            }
            tile_f64(a, b, kc, edge, <usize>NR << 3, false);
            for (let r = 0; r < rows; r++) {
              for (let s = 0; s < cols; s++) {
                store<f64>(cij + (<usize>(r * ldc + s) << 3), load<f64>(edge + (<usize>(r * NR + s) << 3)));
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- matrix-vector (f32)

/** y[i] = sum_k A[i, k] x[k] for i < M, rows of A contiguous (row stride lda elements). */
export function gemv_f32(M: i32, K: i32, a: usize, lda: i32, x: usize, y: usize): void {
  for (let i = 0; i < M; i++) {
    const row = a + (<usize>(i * lda) << 2);
    let acc = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= K; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(row + (<usize>k << 2)), v128.load(x + (<usize>k << 2))));
    let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; k < K; k++) s += load<f32>(row + (<usize>k << 2)) * load<f32>(x + (<usize>k << 2));
    store<f32>(y + (<usize>i << 2), s);
  }
}

/** y[j] = sum_k A[k, j] x[k] for j < N, rows of A contiguous (row stride lda elements): row updates. */
export function gevm_f32(N: i32, K: i32, a: usize, lda: i32, x: usize, y: usize): void {
  memory.fill(y, 0, <usize>N << 2);
  for (let k = 0; k < K; k++) {
    const row = a + (<usize>(k * lda) << 2);
    const xk = load<f32>(x + (<usize>k << 2));
    const xv = f32x4.splat(xk);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const p = <usize>j << 2;
      v128.store(y + p, f32x4.add(v128.load(y + p), f32x4.mul(v128.load(row + p), xv)));
    }
    for (; j < N; j++) {
      const p = <usize>j << 2;
      store<f32>(y + p, load<f32>(y + p) + load<f32>(row + p) * xk);
    }
  }
}
export * from './conv';
export * from './math';
export * from './narrow';
export * from './reduce';
export * from './softmax';
