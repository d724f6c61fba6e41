// Transcendental SIMD kernels (tanh, softplus, exp) in float32 and float64, and the fused
// elementwise loop: a short program of elementwise ops run over blocks of its arrays, so a plan's
// fused group (an optimizer update, an activation chain) is one pass in SIMD. Re-exported by kernels.ts.
//
// Every function computes in float64 lanes, two at a time; float32 inputs are widened and the result
// rounded to float32 once, as storing a JavaScript double into a Float32Array does (with a shorter
// series, exact enough for that rounding). Error bounds against Math.tanh, Math.exp and the softplus
// op's JavaScript formula are measured by test/kernels/math.test.ts and fusedSimd.test.ts: float64
// tanh within 3 ulp, softplus within 4 ulp, exp within 2 ulp; float32 results within 1 float32 ulp.

import { LOG2E, LN2_HI, LN2_LO, sp, toI64, pow2, halfExponent, logMantissa, lo, hi, narrow } from './vmath';


/**
 * r * (1/2! + r/3! + ... + r^11/13!) * r: e^r - 1 - r for |r| <= ln2 / 2 (the next term is below
 * 1e-17 r). The polynomial is evaluated by Estrin's scheme (pairs, then pairs of pairs by r^2, r^4,
 * r^8): a dependency chain of 5 multiply-adds instead of Horner's 12, so the lanes' latency, which
 * bounds these kernels, overlaps. `short` (for results rounded to float32): up to r^9/9! only, the
 * next term below 2^-35 r, so rounding to float32 moves at most one ulp from the float64 result's.
 */
// @ts-ignore: decorator
@inline function expm1Tail(r: v128, short: bool): v128 {
  const r2 = f64x2.mul(r, r), r4 = f64x2.mul(r2, r2);
  const q0 = f64x2.add(sp(0.5), f64x2.mul(r, sp(0.16666666666666666)));
  const q1 = f64x2.add(sp(0.041666666666666664), f64x2.mul(r, sp(0.008333333333333333)));
  const q2 = f64x2.add(sp(0.001388888888888889), f64x2.mul(r, sp(0.0001984126984126984)));
  const q3 = f64x2.add(sp(2.48015873015873e-05), f64x2.mul(r, sp(2.7557319223985893e-06)));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2)), s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  if (short) return f64x2.mul(r2, f64x2.add(s0, f64x2.mul(s1, r4)));
  const q4 = f64x2.add(sp(2.755731922398589e-07), f64x2.mul(r, sp(2.505210838544172e-08)));
  const q5 = f64x2.add(sp(2.08767569878681e-09), f64x2.mul(r, sp(1.6059043836821613e-10)));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const p = f64x2.add(f64x2.add(s0, f64x2.mul(s1, r4)), f64x2.mul(s2, f64x2.mul(r4, r4)));
  return f64x2.mul(r2, p);
}

/** e^t - 1 for t <= 0, t below -40 taken as -40 (the result is then -1 in float64). NaN stays NaN. */
// @ts-ignore: decorator
@inline function expm1Neg(t: v128, short: bool): v128 {
  t = f64x2.max(t, sp(-40.0));
  // t = k ln2 + r, k integral, |r| <= ln2 / 2.
  const k = f64x2.nearest(f64x2.mul(t, sp(LOG2E)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  const em = f64x2.add(r, expm1Tail(r, short));
  // 2^k (1 + em) - 1 = 2^k em + (2^k - 1), exact in its last step for k = 0 (small t keep their digits).
  const s = pow2(toI64(k));
  return f64x2.add(f64x2.mul(s, em), f64x2.sub(s, sp(1.0)));
}

/**
 * e^t, into the subnormal range (as Math.exp): 2^k is applied in two halves, both finite, so the
 * result is rounded once (and overflows to infinity past ln(MAX_VALUE)). t is clamped to
 * [-746, 710], where the result is already 0 and infinity. NaN stays NaN.
 */
// @ts-ignore: decorator
@inline function expOf(t: v128, short: bool): v128 {
  t = f64x2.min(f64x2.max(t, sp(-746.0)), sp(710.0));
  const k = f64x2.nearest(f64x2.mul(t, sp(LOG2E)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  const e = f64x2.add(sp(1.0), f64x2.add(r, expm1Tail(r, short)));
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
// @ts-ignore: decorator
@inline function tanhOf(x: v128, short: bool): v128 {
  const em = expm1Neg(f64x2.mul(f64x2.abs(x), sp(-2.0)), short);
  const y = f64x2.abs(f64x2.div(em, f64x2.add(sp(2.0), em)));
  return v128.or(y, v128.and(x, SIGN));
}

/** softplus x = max(x, 0) + log1p(e^-|x|), the op's formula: the exponent is never positive. */
// @ts-ignore: decorator
@inline function softplusOf(x: v128, short: bool): v128 {
  return f64x2.add(f64x2.max(x, sp(0.0)), log1pUnit(expOf(f64x2.neg(f64x2.abs(x)), short)));
}

/** 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below. */
// @ts-ignore: decorator
@inline function sigmoidOf(x: v128, short: bool): v128 {
  const e = expOf(f64x2.neg(f64x2.abs(x)), short);
  const d = f64x2.add(sp(1.0), e);
  return v128.bitselect(f64x2.div(sp(1.0), d), f64x2.div(e, d), f64x2.ge(x, sp(0.0)));
}

// Each in float64 lanes: in full (float64 results), and for four float32 lanes (two float64 pairs,
// computed side by side in one function, so the two chains' latencies overlap).
function tanh2(x: v128): v128 { return tanhOf(x, false); }
function tanh4s(a: v128): v128 { return narrow(tanhOf(lo(a), true), tanhOf(hi(a), true)); }
function softplus2(x: v128): v128 { return softplusOf(x, false); }
function softplus4s(a: v128): v128 { return narrow(softplusOf(lo(a), true), softplusOf(hi(a), true)); }
function sigmoid2(x: v128): v128 { return sigmoidOf(x, false); }
function sigmoid4s(a: v128): v128 { return narrow(sigmoidOf(lo(a), true), sigmoidOf(hi(a), true)); }
function exp2(x: v128): v128 { return expOf(x, false); }
function exp4s(a: v128): v128 { return narrow(expOf(lo(a), true), expOf(hi(a), true)); }

// ---------------------------------------------------------------- the fused loop's ops
//
// Unary ops read a; binary ops read a and b. In float32 the arithmetic ops run in float32 lanes
// (each correctly rounded, as JavaScript's double result rounded to float32 is), so a fused loop of
// them gives the bits of the ops run one by one.

const COPY = 0, NEG = 1, SQRT = 2, SQUARE = 3, ABS = 4, RELU = 5, TANH = 6, SOFTPLUS = 7, SIGMOID = 8, EXP = 9;
/** Not an elementwise op: fills a register with a row of memory, repeated (see run). */
const TILE = 15;
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
  if (op == EXP) return exp2(a);
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
  if (op == TANH) return tanh4s(a);
  if (op == SOFTPLUS) return softplus4s(a);
  if (op == SIGMOID) return sigmoid4s(a);
  if (op == EXP) return exp4s(a);
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
    case EXP: loop32(EXP, d, a, b, len); break;
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
    case EXP: loop64(EXP, d, a, b, len); break;
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

/**
 * d (len elements of `width` bytes) = the row of `row` elements at a, repeated. The row is copied
 * once, then what is filled so far doubles (a copy of a prefix of a periodic fill keeps its period).
 */
function tile(d: usize, a: usize, row: i32, len: i32, width: i32): void {
  const bytes = <usize>len * width;
  let filled = <usize>min(row, len) * width;
  memory.copy(d, a, filled);
  while (filled < bytes) {
    const c = min(filled, bytes - filled);
    memory.copy(d + filled, d, c);
    filled += c;
  }
}

/**
 * Runs a fused program over n elements, blk at a time: every instruction over one block, then the
 * next block, so intermediate values stay in cache-resident registers. The program (i32 words at
 * prog): the instruction count, then per instruction op, flags, d, a, b, where d, a and b are byte
 * addresses and flag bits 1, 2, 4 say that d, a, b stream (the block's offset is added: an array of
 * n elements) rather than being a register (one block, the same for every block). Flag 8 runs the
 * instruction in the first block only: the TILE instructions that fill a register with a scalar
 * (a row of 1) or a broadcast row of b elements, which every block then reads (blk is a multiple
 * of every row's length, so each block starts at the start of a row).
 */
// @ts-ignore: decorator
@inline function run(prog: usize, n: i32, blk: i32, shift: i32, f64: bool): void {
  const count = load<i32>(prog);
  for (let i0 = 0; i0 < n; i0 += blk) {
    const len = min(blk, n - i0);
    const off = <usize>i0 << shift;
    for (let q = 0; q < count; q++) {
      const ins = prog + 4 + <usize>q * 20;
      const fl = load<i32>(ins, 4);
      if (fl & 8 && i0 > 0) continue;
      const op = load<i32>(ins);
      const d = <usize>load<i32>(ins, 8) + (fl & 1 ? off : 0);
      const a = <usize>load<i32>(ins, 12) + (fl & 2 ? off : 0);
      if (op == TILE) { tile(d, a, load<i32>(ins, 16), len, 1 << shift); continue; }
      const b = <usize>load<i32>(ins, 16) + (fl & 4 ? off : 0);
      if (f64) step64(op, d, a, b, len);
      else step32(op, d, a, b, len);
    }
  }
}

export function fused_f32(prog: usize, n: i32, blk: i32): void { run(prog, n, blk, 2, false); }
export function fused_f64(prog: usize, n: i32, blk: i32): void { run(prog, n, blk, 3, true); }

// ---------------------------------------------------------------- tanh, softplus and relu, one op

export function tanh_f32(o: usize, x: usize, n: i32): void { loop32(TANH, o, x, x, n); }
export function tanh_f64(o: usize, x: usize, n: i32): void { loop64(TANH, o, x, x, n); }
export function softplus_f32(o: usize, x: usize, n: i32): void { loop32(SOFTPLUS, o, x, x, n); }
export function softplus_f64(o: usize, x: usize, n: i32): void { loop64(SOFTPLUS, o, x, x, n); }
export function relu_f32(o: usize, x: usize, n: i32): void { loop32(RELU, o, x, x, n); }
export function relu_f64(o: usize, x: usize, n: i32): void { loop64(RELU, o, x, x, n); }
