// Pieces shared by the float64x2 transcendental kernels of kernels.ts (sigmoid, the logistic loss)
// and math.ts (tanh, softplus, exp): constants, lane helpers (float32 halves to float64 and back), and the series for the log of a mantissa.
// Everything is inlined at each use, so a kernel's arithmetic is exactly what it was when written out.

export const LOG2E = 1.4426950408889634;
// ln 2 in two parts (fdlibm's): k * LN2_HI is exact for |k| < 2^20.
export const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;

// @ts-ignore: decorator
@inline export function sp(v: f64): v128 { return f64x2.splat(v); }

/** The low and high two float32 lanes of v, widened to float64 lanes. */
// @ts-ignore: decorator
@inline export function lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline export function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15));
}
/** Four float32 lanes from two float64 pairs (a's in the low half), each rounded once. */
// @ts-ignore: decorator
@inline export function narrow(a: v128, b: v128): v128 {
  return i8x16.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/** k as i64 lanes, for integral f64 lanes k of moderate size. */
// @ts-ignore: decorator
@inline export function toI64(k: v128): v128 { return i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k)); }

/** 2^k for integer k (as i64 lanes) in [-1022, 1023], from its exponent bits. */
// @ts-ignore: decorator
@inline export function pow2(k: v128): v128 { return i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52); }

/** For w in [1, 2]: 1 in the lanes where w > sqrt 2 (so w = 2^j m with m in [1/sqrt2, sqrt2]), else 0. */
// @ts-ignore: decorator
@inline export function halfExponent(w: v128): v128 { return v128.and(f64x2.gt(w, sp(1.4142135623730951)), sp(1.0)); }

/**
 * log m for w in [1, 2], where w = 2^j m, j = halfExponent(w), m in [1/sqrt2, sqrt2]:
 * log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^21/21), s = (m - 1) / (m + 1), |s| <= 0.172 (m - 1 is
 * exact; the next term is below 1e-18).
 */
// @ts-ignore: decorator
@inline export function logMantissa(w: v128): v128 {
  const one = sp(1.0);
  const m = v128.bitselect(f64x2.mul(w, sp(0.5)), w, f64x2.gt(w, sp(1.4142135623730951)));
  const s = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const s2 = f64x2.mul(s, s);
  let q = sp(0.047619047619047616);
  q = f64x2.add(f64x2.mul(q, s2), sp(0.05263157894736842));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.058823529411764705));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.06666666666666667));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.07692307692307693));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.09090909090909091));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.1111111111111111));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.14285714285714285));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.2));
  q = f64x2.add(f64x2.mul(q, s2), sp(0.3333333333333333));
  q = f64x2.add(f64x2.mul(q, s2), one);
  return f64x2.mul(f64x2.add(s, s), q);
}
