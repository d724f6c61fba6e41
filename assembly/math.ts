// Transcendental SIMD kernels (tanh, softplus) in float32 and float64, and the fused elementwise
// loop: a short program of elementwise ops run over blocks of its arrays, so a plan's fused group
// (an optimizer update, an activation chain) is one pass in SIMD. Re-exported by kernels.ts.
//
// Every function computes in float64 lanes, two at a time; float32 inputs are widened and the result
// rounded to float32 once, as storing a JavaScript double into a Float32Array does. Error bounds
// against Math.tanh and the softplus op's JavaScript formula are measured by test/kernels/math.test.ts:
// float64 tanh within 3 ulp, float64 softplus within 4 ulp (worst seen over 2e6 samples: 3 and 4), float32 results within 1 float32 ulp.

import { LOG2E, LN2_HI, LN2_LO, sp, toI64, pow2, halfExponent, logMantissa } from './vmath';


/** r * (1/2! + r/3! + ... + r^11/13!) * r: e^r - 1 - r for |r| <= ln2 / 2 (the next term is below 1e-17 r). */
// @ts-ignore: decorator
@inline function expm1Tail(r: v128): v128 {
  let p = sp(1.6059043836821613e-10);
  p = f64x2.add(f64x2.mul(p, r), sp(2.08767569878681e-09));
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
  return f64x2.mul(f64x2.mul(r, r), p);
}

/** e^t - 1 for t <= 0, t below -40 taken as -40 (the result is then -1 in float64). NaN stays NaN. */
// @ts-ignore: decorator
@inline function expm1Neg(t: v128): v128 {
  t = f64x2.max(t, sp(-40.0));
  // t = k ln2 + r, k integral, |r| <= ln2 / 2.
  const k = f64x2.nearest(f64x2.mul(t, sp(LOG2E)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  const em = f64x2.add(r, expm1Tail(r));
  // 2^k (1 + em) - 1 = 2^k em + (2^k - 1), exact in its last step for k = 0 (small t keep their digits).
  const s = pow2(toI64(k));
  return f64x2.add(f64x2.mul(s, em), f64x2.sub(s, sp(1.0)));
}

/**
 * e^t for t <= 0, into the subnormal range (as Math.exp): 2^k is applied in two halves, both normal,
 * so the result is rounded once. t below -746 is taken as -746 (the result is then 0). NaN stays NaN.
 */
// @ts-ignore: decorator
@inline function expNeg(t: v128): v128 {
  t = f64x2.max(t, sp(-746.0));
  const k = f64x2.nearest(f64x2.mul(t, sp(LOG2E)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  const e = f64x2.add(sp(1.0), f64x2.add(r, expm1Tail(r)));
  const ki = toI64(k);
  const h = i64x2.shr_s(ki, 1);
  return f64x2.mul(f64x2.mul(e, pow2(h)), pow2(i64x2.sub(ki, h)));
}

/** log(1 + u) for u in [0, 1]. NaN stays NaN. */
// @ts-ignore: decorator
@inline function log1pUnit(u: v128): v128 {
  const one = sp(1.0);
  const w = f64x2.add(one, u);
  // w is 1 + u rounded; (u - (w - 1)) / w is what that rounding lost, to first order in log.
  const c = f64x2.div(f64x2.sub(u, f64x2.sub(w, one)), w);
  const j = halfExponent(w);
  const logm = logMantissa(w);
  return f64x2.add(f64x2.mul(j, sp(LN2_HI)), f64x2.add(logm, f64x2.add(f64x2.mul(j, sp(LN2_LO)), c)));
}

const SIGN = i64x2.splat(0x8000000000000000);
const ZERO = i64x2.splat(0);

/** tanh x = sign(x) (1 - e^-2|x|) / (1 + e^-2|x|), with 1 - e^-2|x| taken as -expm1: no cancellation near 0. */
function tanh2(x: v128): v128 {
  const em = expm1Neg(f64x2.mul(f64x2.abs(x), sp(-2.0)));
  const y = f64x2.abs(f64x2.div(em, f64x2.add(sp(2.0), em)));
  return v128.or(y, v128.and(x, SIGN));
}

/** softplus x = max(x, 0) + log1p(e^-|x|), the op's formula: the exponent is never positive. */
function softplus2(x: v128): v128 {
  return f64x2.add(f64x2.max(x, sp(0.0)), log1pUnit(expNeg(f64x2.neg(f64x2.abs(x)))));
}

/** 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below. */
function sigmoid2(x: v128): v128 {
  const e = expNeg(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(sp(1.0), e);
  return v128.bitselect(f64x2.div(sp(1.0), d), f64x2.div(e, d), f64x2.ge(x, sp(0.0)));
}

// @ts-ignore: decorator
@inline function lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15));
}
// @ts-ignore: decorator
@inline function narrow(a: v128, b: v128): v128 {
  return i8x16.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

// ---------------------------------------------------------------- the fused loop's ops
//
// Unary ops read a; binary ops read a and b. In float32 the arithmetic ops run in float32 lanes
// (each correctly rounded, as JavaScript's double result rounded to float32 is), so a fused loop of
// them gives the bits of the ops run one by one.

const COPY = 0, NEG = 1, SQRT = 2, SQUARE = 3, ABS = 4, RELU = 5, TANH = 6, SOFTPLUS = 7, SIGMOID = 8;
const ADD = 16, SUB = 17, MUL = 18, DIV = 19, MAX = 20, MIN = 21, GT = 22, GE = 23, LT = 24, LE = 25;

// @ts-ignore: decorator
@inline function f64op(op: i32, a: v128, b: v128): v128 {
  if (op == COPY) return a;
  if (op == NEG) return f64x2.neg(a);
  if (op == SQRT) return f64x2.sqrt(a);
  if (op == SQUARE) return f64x2.mul(a, a);
  if (op == ABS) return f64x2.abs(a);
  if (op == RELU) return f64x2.max(a, sp(0.0));
  if (op == TANH) return tanh2(a);
  if (op == SOFTPLUS) return softplus2(a);
  if (op == SIGMOID) return sigmoid2(a);
  if (op == ADD) return f64x2.add(a, b);
  if (op == SUB) return f64x2.sub(a, b);
  if (op == MUL) return f64x2.mul(a, b);
  if (op == DIV) return f64x2.div(a, b);
  if (op == MAX) return f64x2.max(a, b);
  if (op == MIN) return f64x2.min(a, b);
  // Comparisons give 1 or 0 (NaN compares false): the lane mask and the bits of 1.
  if (op == GT) return v128.and(f64x2.gt(a, b), sp(1.0));
  if (op == GE) return v128.and(f64x2.ge(a, b), sp(1.0));
  if (op == LT) return v128.and(f64x2.lt(a, b), sp(1.0));
  return v128.and(f64x2.le(a, b), sp(1.0));
}

// @ts-ignore: decorator
@inline function f32op(op: i32, a: v128, b: v128): v128 {
  if (op == COPY) return a;
  if (op == NEG) return f32x4.neg(a);
  if (op == SQRT) return f32x4.sqrt(a);
  if (op == SQUARE) return f32x4.mul(a, a);
  if (op == ABS) return f32x4.abs(a);
  if (op == RELU) return f32x4.max(a, f32x4.splat(0));
  if (op == TANH) return narrow(tanh2(lo(a)), tanh2(hi(a)));
  if (op == SOFTPLUS) return narrow(softplus2(lo(a)), softplus2(hi(a)));
  if (op == SIGMOID) return narrow(sigmoid2(lo(a)), sigmoid2(hi(a)));
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  if (op == MAX) return f32x4.max(a, b);
  if (op == MIN) return f32x4.min(a, b);
  if (op == GT) return v128.and(f32x4.gt(a, b), f32x4.splat(1));
  if (op == GE) return v128.and(f32x4.ge(a, b), f32x4.splat(1));
  if (op == LT) return v128.and(f32x4.lt(a, b), f32x4.splat(1));
  return v128.and(f32x4.le(a, b), f32x4.splat(1));
}

/** d = op(a[, b]) over len float32 elements; the tail runs the same lanes on one element. */
// @ts-ignore: decorator
@inline function loop32(op: i32, d: usize, a: usize, b: usize, len: i32): void {
  let j = 0;
  if (op < ADD) {
    for (; j + 4 <= len; j += 4) { const p = <usize>j << 2; v128.store(d + p, f32op(op, v128.load(a + p), ZERO)); }
    for (; j < len; j++) { const p = <usize>j << 2; v128.store32_lane(d + p, f32op(op, v128.load32_zero(a + p), ZERO), 0); }
  } else {
    for (; j + 4 <= len; j += 4) { const p = <usize>j << 2; v128.store(d + p, f32op(op, v128.load(a + p), v128.load(b + p))); }
    for (; j < len; j++) {
      const p = <usize>j << 2;
      v128.store32_lane(d + p, f32op(op, v128.load32_zero(a + p), v128.load32_zero(b + p)), 0);
    }
  }
}

/** As loop32, for float64. */
// @ts-ignore: decorator
@inline function loop64(op: i32, d: usize, a: usize, b: usize, len: i32): void {
  let j = 0;
  if (op < ADD) {
    for (; j + 2 <= len; j += 2) { const p = <usize>j << 3; v128.store(d + p, f64op(op, v128.load(a + p), ZERO)); }
    for (; j < len; j++) { const p = <usize>j << 3; v128.store64_lane(d + p, f64op(op, v128.load64_zero(a + p), ZERO), 0); }
  } else {
    for (; j + 2 <= len; j += 2) { const p = <usize>j << 3; v128.store(d + p, f64op(op, v128.load(a + p), v128.load(b + p))); }
    for (; j < len; j++) {
      const p = <usize>j << 3;
      v128.store64_lane(d + p, f64op(op, v128.load64_zero(a + p), v128.load64_zero(b + p)), 0);
    }
  }
}

function step32(op: i32, d: usize, a: usize, b: usize, len: i32): void {
  switch (op) {
    case COPY: loop32(COPY, d, a, b, len); break;
    case NEG: loop32(NEG, d, a, b, len); break;
    case SQRT: loop32(SQRT, d, a, b, len); break;
    case SQUARE: loop32(SQUARE, d, a, b, len); break;
    case ABS: loop32(ABS, d, a, b, len); break;
    case RELU: loop32(RELU, d, a, b, len); break;
    case TANH: loop32(TANH, d, a, b, len); break;
    case SOFTPLUS: loop32(SOFTPLUS, d, a, b, len); break;
    case SIGMOID: loop32(SIGMOID, d, a, b, len); break;
    case ADD: loop32(ADD, d, a, b, len); break;
    case SUB: loop32(SUB, d, a, b, len); break;
    case MUL: loop32(MUL, d, a, b, len); break;
    case DIV: loop32(DIV, d, a, b, len); break;
    case MAX: loop32(MAX, d, a, b, len); break;
    case MIN: loop32(MIN, d, a, b, len); break;
    case GT: loop32(GT, d, a, b, len); break;
    case GE: loop32(GE, d, a, b, len); break;
    case LT: loop32(LT, d, a, b, len); break;
    default: loop32(LE, d, a, b, len);
  }
}

function step64(op: i32, d: usize, a: usize, b: usize, len: i32): void {
  switch (op) {
    case COPY: loop64(COPY, d, a, b, len); break;
    case NEG: loop64(NEG, d, a, b, len); break;
    case SQRT: loop64(SQRT, d, a, b, len); break;
    case SQUARE: loop64(SQUARE, d, a, b, len); break;
    case ABS: loop64(ABS, d, a, b, len); break;
    case RELU: loop64(RELU, d, a, b, len); break;
    case TANH: loop64(TANH, d, a, b, len); break;
    case SOFTPLUS: loop64(SOFTPLUS, d, a, b, len); break;
    case SIGMOID: loop64(SIGMOID, d, a, b, len); break;
    case ADD: loop64(ADD, d, a, b, len); break;
    case SUB: loop64(SUB, d, a, b, len); break;
    case MUL: loop64(MUL, d, a, b, len); break;
    case DIV: loop64(DIV, d, a, b, len); break;
    case MAX: loop64(MAX, d, a, b, len); break;
    case MIN: loop64(MIN, d, a, b, len); break;
    case GT: loop64(GT, d, a, b, len); break;
    case GE: loop64(GE, d, a, b, len); break;
    case LT: loop64(LT, d, a, b, len); break;
    default: loop64(LE, d, a, b, len);
  }
}

/** Elements per block of the fused loop: a register (one block of one value) is 1 or 2 KiB. */
const BLOCK = 256;

/**
 * Runs a fused program over n elements, BLOCK at a time: every instruction over one block, then the
 * next block, so intermediate values stay in cache-resident registers. The program (i32 words at
 * prog): the instruction count, then per instruction op, flags, d, a, b, where d, a and b are byte
 * addresses and flag bits 1, 2, 4 say that d, a, b stream (the block's offset is added: an array of
 * n elements) rather than being a register (one block, the same for every block; a scalar is a
 * register filled with its value).
 */
// @ts-ignore: decorator
@inline function run(prog: usize, n: i32, shift: i32, f64: bool): void {
  const count = load<i32>(prog);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const len = min(BLOCK, n - i0);
    const off = <usize>i0 << shift;
    for (let q = 0; q < count; q++) {
      const ins = prog + 4 + <usize>q * 20;
      const fl = load<i32>(ins, 4);
      const d = <usize>load<i32>(ins, 8) + (fl & 1 ? off : 0);
      const a = <usize>load<i32>(ins, 12) + (fl & 2 ? off : 0);
      const b = <usize>load<i32>(ins, 16) + (fl & 4 ? off : 0);
      if (f64) step64(load<i32>(ins), d, a, b, len);
      else step32(load<i32>(ins), d, a, b, len);
    }
  }
}

export function fused_f32(prog: usize, n: i32): void { run(prog, n, 2, false); }
export function fused_f64(prog: usize, n: i32): void { run(prog, n, 3, true); }

// ---------------------------------------------------------------- tanh, softplus and relu, one op

export function tanh_f32(o: usize, x: usize, n: i32): void { loop32(TANH, o, x, x, n); }
export function tanh_f64(o: usize, x: usize, n: i32): void { loop64(TANH, o, x, x, n); }
export function softplus_f32(o: usize, x: usize, n: i32): void { loop32(SOFTPLUS, o, x, x, n); }
export function softplus_f64(o: usize, x: usize, n: i32): void { loop64(SOFTPLUS, o, x, x, n); }
export function relu_f32(o: usize, x: usize, n: i32): void { loop32(RELU, o, x, x, n); }
export function relu_f64(o: usize, x: usize, n: i32): void { loop64(RELU, o, x, x, n); }
