// Softmax along contiguous rows with JavaScript's bits. The kernel (src/kernels/softmax.ts) is
//   m = max_j x[j];  s = sum_j exp(x[j] - m) (float64, j in order);  out[j] = exp(x[j] - m - log s)
// (log-softmax: x[j] - m - log s) in float64, rounded once to the output. Math.exp and Math.log in
// V8 are fdlibm's exp and log; `exp2` and `logF64` below are those algorithms step for step (the
// same float64 operations in the same order, which WebAssembly performs exactly as written: no
// fused multiply-add, no reassociation), so they return the same bits, checked against Math.exp and
// Math.log on millions of arguments (test/kernels/softmax.test.ts). Two rows run at once, one per
// float64 lane; each lane takes the branches of fdlibm as selections.
//
// Pointers are byte offsets, counts and strides in elements, as in kernels.ts.

const INVLN2 = 1.44269504088896338700e+00;
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;
const E = 2.718281828459045;
const O_THRESHOLD = 7.09782712893383973096e+02;
const U_THRESHOLD = -7.45133219101941108420e+02;
const TWOM1000 = 9.33263618503218878990e-302;
const TWO1023 = 8.988465674311579539e307;
const MAGIC = 6755399441055744.0; // 1.5 2^52

/** fdlibm's exp in each float64 lane (V8's Math.exp, bit for bit). */
// @ts-ignore: decorator
@inline function exp2(x: v128): v128 {
  const hx = v128.and(i64x2.shr_u(x, 32), i64x2.splat(0x7fffffff)); // |x|'s high word
  const negative = i64x2.lt_s(x, i64x2.splat(0));
  // argument reduction: x = k ln2 + r, |r| <= 0.5 ln2 (k = 0 when |x| <= 0.5 ln2 already)
  const reduce = i64x2.gt_s(hx, i64x2.splat(0x3fd62e42));
  const near = v128.and(reduce, i64x2.lt_s(hx, i64x2.splat(0x3ff0a2b2))); // |x| < 1.5 ln2: k = +-1
  const half = v128.bitselect(f64x2.splat(-0.5), f64x2.splat(0.5), negative);
  const one = v128.bitselect(f64x2.splat(-1), f64x2.splat(1), negative);
  const far = f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(INVLN2), x), half));
  const t = v128.and(v128.bitselect(one, far, near), reduce);
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(t, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const rr = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(rr, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(rr, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(rr, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(rr, p));
  const c = f64x2.sub(r, f64x2.mul(rr, p));
  // (r c) / (c - 2) is exactly -q: c - 2 = -(2 - c), and division is symmetric in sign
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2), c));
  const ONE = f64x2.splat(1);
  const y0 = f64x2.sub(ONE, f64x2.sub(f64x2.neg(q), r)); // k = 0
  const y = f64x2.sub(ONE, f64x2.sub(f64x2.sub(lo, q), hi));
  // y 2^k: 2^k built in the exponent bits (k read from t + 1.5 2^52, whose low bits hold it), with
  // fdlibm's cases for k < -1021 and k = 1024
  const k = i64x2.sub(f64x2.add(t, f64x2.splat(MAGIC)), f64x2.splat(MAGIC));
  const tiny = i64x2.lt_s(k, i64x2.splat(-1021));
  const kk = i64x2.add(k, v128.and(tiny, i64x2.splat(1000)));
  const twopk = i64x2.shl(i64x2.add(kk, i64x2.splat(1023)), 52);
  let out = f64x2.mul(y, twopk);
  out = v128.bitselect(f64x2.mul(out, f64x2.splat(TWOM1000)), out, tiny);
  out = v128.bitselect(f64x2.mul(f64x2.mul(y, f64x2.splat(2)), f64x2.splat(TWO1023)), out, i64x2.eq(k, i64x2.splat(1024)));
  out = v128.bitselect(out, y0, reduce);
  // fdlibm's early returns: disjoint sets of x, chosen apart from the main computation
  const small = i64x2.lt_s(hx, i64x2.splat(0x3e300000)); // |x| < 2^-28
  const isOne = f64x2.eq(x, ONE), over = f64x2.gt(x, f64x2.splat(O_THRESHOLD));
  const under = f64x2.lt(x, f64x2.splat(U_THRESHOLD)), nan = f64x2.ne(x, x);
  let early = v128.and(f64x2.add(ONE, x), small);
  early = v128.or(early, v128.and(f64x2.splat(E), isOne));
  early = v128.or(early, v128.and(f64x2.splat(Infinity), over));
  early = v128.or(early, v128.and(f64x2.add(x, x), nan));
  const any = v128.or(v128.or(small, isOne), v128.or(over, v128.or(under, nan)));
  return v128.bitselect(early, out, any); // under: +0
}

const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;
const TWO54 = 1.80143985094819840000e+16;

/** fdlibm's log (V8's Math.log, bit for bit). */
function logF64(x: f64): f64 {
  let bits = reinterpret<i64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    bits = reinterpret<i64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<i64>(hx | (i0 ^ 0x3ff00000)) << 32) | (reinterpret<i64>(x) & 0xffffffff));
  k += i0 >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// @ts-ignore: decorator
@inline function pair(f32: bool, p0: usize, p1: usize): v128 {
  if (f32) return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p0)), 1, <f64>load<f32>(p1));
  return f64x2.replace_lane(f64x2.splat(load<f64>(p0)), 1, load<f64>(p1));
}

// @ts-ignore: decorator
@inline function put(f32: bool, p0: usize, p1: usize, v: v128): void {
  // with one row left, p1 = p0 and both lanes hold the same value
  if (f32) {
    store<f32>(p1, <f32>f64x2.extract_lane(v, 1));
    store<f32>(p0, <f32>f64x2.extract_lane(v, 0));
  } else {
    store<f64>(p1, f64x2.extract_lane(v, 1));
    store<f64>(p0, f64x2.extract_lane(v, 0));
  }
}

/** Rows r < R of n elements, row r at x + r ldx (out at o + r ldo); each row is read before it is written. */
// @ts-ignore: decorator
@inline function rows(f32: bool, o: usize, x: usize, R: i32, n: i32, ldx: i32, ldo: i32, log: bool): void {
  const w: usize = f32 ? 4 : 8;
  const lx = <usize>ldx * w, lo = <usize>ldo * w, end = <usize>n * w;
  for (let r = 0; r < R; r += 2) {
    const x0 = x + <usize>r * lx, x1 = r + 1 < R ? x0 + lx : x0;
    const o0 = o + <usize>r * lo, o1 = r + 1 < R ? o0 + lo : o0;
    let m = f64x2.splat(-Infinity);
    for (let p: usize = 0; p < end; p += w) m = f64x2.max(m, pair(f32, x0 + p, x1 + p));
    let s = f64x2.splat(0);
    for (let p: usize = 0; p < end; p += w) s = f64x2.add(s, exp2(f64x2.sub(pair(f32, x0 + p, x1 + p), m)));
    const logS = f64x2.replace_lane(f64x2.splat(logF64(f64x2.extract_lane(s, 0))), 1, logF64(f64x2.extract_lane(s, 1)));
    for (let p: usize = 0; p < end; p += w) {
      const shifted = f64x2.sub(pair(f32, x0 + p, x1 + p), m);
      put(f32, o0 + p, o1 + p, log ? f64x2.sub(shifted, logS) : exp2(f64x2.sub(shifted, logS)));
    }
  }
}

export function softmax_f32(o: usize, x: usize, R: i32, n: i32, ldx: i32, ldo: i32, log: bool): void { rows(true, o, x, R, n, ldx, ldo, log); }
export function softmax_f64(o: usize, x: usize, R: i32, n: i32, ldx: i32, ldo: i32, log: bool): void { rows(false, o, x, R, n, ldx, ldo, log); }

/** For tests: exp2 and logF64 over n float64 values. */
export function exp_f64(o: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(o + (<usize>i << 3), exp2(v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(o + (<usize>i << 3), f64x2.extract_lane(exp2(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}

export function log_f64(o: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(o + (<usize>i << 3), logF64(load<f64>(x + (<usize>i << 3))));
}
