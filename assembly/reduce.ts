// Column sums for sum over the leading axes of a row-major array (a bias gradient: the sum of a
// batch of rows): o[j] = sum of x[i, j] over rows i < R, for columns j < C, row i at x + i ld.
// Each column is summed in float64 (float32 elements promoted exactly), from 0, rows in order:
// the order and precision of the JavaScript reduction (src/kernels/reduce.ts), so the bits agree.
// The sums of 8 columns at a time stay in registers while the rows stream by.
//
// Pointers are byte offsets, counts and strides in elements, as in kernels.ts.

// @ts-ignore: decorator
@inline function pair32(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }

// @ts-ignore: decorator
@inline function put32(o: usize, s: v128): void { v128.store64_lane(o, f32x4.demote_f64x2_zero(s), 0); }

export function colSum_f32(o: usize, x: usize, R: i32, C: i32, ld: i32): void {
  const row = <usize>ld << 2;
  let j = 0;
  for (; j + 8 <= C; j += 8) {
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < R; i++, p += row) {
      s0 = f64x2.add(s0, pair32(p)); s1 = f64x2.add(s1, pair32(p + 8));
      s2 = f64x2.add(s2, pair32(p + 16)); s3 = f64x2.add(s3, pair32(p + 24));
    }
    const q = o + (<usize>j << 2);
    put32(q, s0); put32(q + 8, s1); put32(q + 16, s2); put32(q + 24, s3);
  }
  for (; j + 2 <= C; j += 2) {
    let s = f64x2.splat(0);
    let p = x + (<usize>j << 2);
    for (let i = 0; i < R; i++, p += row) s = f64x2.add(s, pair32(p));
    put32(o + (<usize>j << 2), s);
  }
  if (j < C) {
    let s: f64 = 0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < R; i++, p += row) s += <f64>load<f32>(p);
    store<f32>(o + (<usize>j << 2), <f32>s);
  }
}

export function colSum_f64(o: usize, x: usize, R: i32, C: i32, ld: i32): void {
  const row = <usize>ld << 3;
  let j = 0;
  for (; j + 8 <= C; j += 8) {
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = x + (<usize>j << 3);
    for (let i = 0; i < R; i++, p += row) {
      s0 = f64x2.add(s0, v128.load(p)); s1 = f64x2.add(s1, v128.load(p, 16));
      s2 = f64x2.add(s2, v128.load(p, 32)); s3 = f64x2.add(s3, v128.load(p, 48));
    }
    const q = o + (<usize>j << 3);
    v128.store(q, s0); v128.store(q, s1, 16); v128.store(q, s2, 32); v128.store(q, s3, 48);
  }
  for (; j + 2 <= C; j += 2) {
    let s = f64x2.splat(0);
    let p = x + (<usize>j << 3);
    for (let i = 0; i < R; i++, p += row) s = f64x2.add(s, v128.load(p));
    v128.store(o + (<usize>j << 3), s);
  }
  if (j < C) {
    let s: f64 = 0;
    let p = x + (<usize>j << 3);
    for (let i = 0; i < R; i++, p += row) s += load<f64>(p);
    store<f64>(o + (<usize>j << 3), s);
  }
}
