// Narrow matrix products in WebAssembly SIMD: C (M x N) = A (M x K) B (K x N) where N is at most 16
// (src/wasm/matmul.ts turns M <= 16 into this by transposing the product). The square kernel's
// packing of A costs as much as the product here, and its 4 x 8 tiles would be mostly padding; these
// kernels read A as it was staged (a chunk of it at a time, copied with TypedArray.set) and keep
// every column of a block of C in registers instead:
// - rows form (float64), A's rows contiguous along k: a tile of 4 rows of C times a group of at
//   most 4 of B's columns; per k, one splat of A per row times B's row k (packed K x NP);
// - dot-products form (float32), A's rows contiguous along k: a tile of 2 rows of C times a group
//   of at most 4 of B's columns, each a vector of 4 partial sums along k, added up at the end;
// - columns form, A's columns contiguous along i (A^T stored, as in the weight gradient X^T G):
//   C^T is built, a tile of J <= 4 of its rows times 8 (f32) or 4 (f64) of its columns; per k, one
//   splat of B[k, j] per row times a vector of A's column k.
// In the rows and columns forms every lane sums one element of C over k = 0 .. K-1 in order, with a
// multiply then an add, so the float64 results equal the JavaScript kernel's (and the textbook
// loop's) exactly. The dot-products form sums k = l, l + 4, l + 8, ... in lane l, then the lanes as
// (l0 + l2) + (l1 + l3): float32 only, within the float32 kernels' stated bound.
//
// Pointers are byte offsets, counts and strides are in elements, as in kernels.ts.

// ---------------------------------------------------------------- rows form

/** Stores the first n lanes of v at p (n >= 2: the whole vector). */
// @ts-ignore: decorator
@inline function put64(p: usize, v: v128, n: i32): void {
  if (n >= 2) {
    v128.store(p, v);
    return;
  }
  store<f64>(p, f64x2.extract_lane(v, 0));
}

/**
 * Rows form, NV vectors of C's columns (f64): for each tile of 4 rows i (R is a multiple of 4),
 * C[i, 0..cols) = sum_k A[i, k] B[k, 0..cols), with A's row i at a + i lda, B's row k at b + k ldb
 * (strides in bytes here), C's row i at c + i ldc; `first` starts the sums at zero, else they go on
 * from C (whose last vector may then read past `cols`: lanes that are never stored). (A wider tile spills: V8 allocates 15 vector
 * registers, and 12 accumulators, 3 B vectors and a splat do not fit.)
 */
// @ts-ignore: decorator
@inline function rows64(NV: i32, R: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, cols: i32, first: bool): void {
  const zero = f64x2.splat(0);
  const kend = <usize>K << 3;
  for (let i = 0; i < R; i += 4) {
    const a0 = a + <usize>i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    let c00 = zero, c01 = zero;
    let c10 = zero, c11 = zero;
    let c20 = zero, c21 = zero;
    let c30 = zero, c31 = zero;
    if (!first) {
      const p = c + <usize>i * ldc;
      c00 = v128.load(p);
      if (NV > 1) c01 = v128.load(p, 16);
      c10 = v128.load(p + 1 * ldc);
      if (NV > 1) c11 = v128.load(p + 1 * ldc, 16);
      c20 = v128.load(p + 2 * ldc);
      if (NV > 1) c21 = v128.load(p + 2 * ldc, 16);
      c30 = v128.load(p + 3 * ldc);
      if (NV > 1) c31 = v128.load(p + 3 * ldc, 16);
    }
    let bk = b;
    for (let k: usize = 0; k < kend; k += 8) {
      const b0 = v128.load(bk);
      const b1 = NV > 1 ? v128.load(bk, 16) : zero;

      let s = v128.load64_splat(a0 + k);
      c00 = f64x2.add(c00, f64x2.mul(s, b0));
      if (NV > 1) c01 = f64x2.add(c01, f64x2.mul(s, b1));
      s = v128.load64_splat(a1 + k);
      c10 = f64x2.add(c10, f64x2.mul(s, b0));
      if (NV > 1) c11 = f64x2.add(c11, f64x2.mul(s, b1));
      s = v128.load64_splat(a2 + k);
      c20 = f64x2.add(c20, f64x2.mul(s, b0));
      if (NV > 1) c21 = f64x2.add(c21, f64x2.mul(s, b1));
      s = v128.load64_splat(a3 + k);
      c30 = f64x2.add(c30, f64x2.mul(s, b0));
      if (NV > 1) c31 = f64x2.add(c31, f64x2.mul(s, b1));
      bk += ldb;
    }
    const c0 = c + <usize>i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    put64(c0, c00, cols);
    if (NV > 1) put64(c0 + 16, c01, cols - 2);
    put64(c1, c10, cols);
    if (NV > 1) put64(c1 + 16, c11, cols - 2);
    put64(c2, c20, cols);
    if (NV > 1) put64(c2 + 16, c21, cols - 2);
    put64(c3, c30, cols);
    if (NV > 1) put64(c3 + 16, c31, cols - 2);
  }
}

/**
 * C[i, 0..cols) (+)= sum_k A[i, k] B[k, 0..cols) for i < R (a multiple of 4), in f64; B holds nv
 * (1 or 2) vectors of columns per row, zero past cols (cols > 2 (nv - 1)).
 */
export function narrowRows_f64(R: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, nv: i32, c: usize, ldc: i32, cols: i32, first: bool): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 3;
  if (nv == 1) rows64(1, R, K, a, la, b, lb, c, lc, cols, first);
  else rows64(2, R, K, a, la, b, lb, c, lc, cols, first);
}

// ---------------------------------------------------------------- columns form

/**
 * Columns form, J rows of C^T (f32): T[j, i] (+)= sum_k<kb B[k, j] A[i, k] for i < I (a multiple
 * of 8), A's column k at a + k lda (unit steps along i), B's row k at b + k ldb, T's row j at
 * t + j ldt (strides in bytes here); `first` starts the sums at zero, else they go on from T.
 */
// @ts-ignore: decorator
@inline function cols32(J: i32, I: i32, kb: i32, a: usize, lda: usize, b: usize, ldb: usize, t: usize, ldt: usize, first: bool): void {
  const zero = f32x4.splat(0);
  const iend = <usize>I << 2;
  for (let i: usize = 0; i < iend; i += 32) {
    let t00 = zero, t01 = zero;
    let t10 = zero, t11 = zero;
    let t20 = zero, t21 = zero;
    let t30 = zero, t31 = zero;
    if (!first) {
      const p = t + i;
      { t00 = v128.load(p + 0 * ldt); t01 = v128.load(p + 0 * ldt, 16); }
      if (J > 1) { t10 = v128.load(p + 1 * ldt); t11 = v128.load(p + 1 * ldt, 16); }
      if (J > 2) { t20 = v128.load(p + 2 * ldt); t21 = v128.load(p + 2 * ldt, 16); }
      if (J > 3) { t30 = v128.load(p + 3 * ldt); t31 = v128.load(p + 3 * ldt, 16); }
    }
    let ak = a + i, bk = b;
    for (let k = 0; k < kb; k++) {
      const x0 = v128.load(ak), x1 = v128.load(ak, 16);
      {
        const s = v128.load32_splat(bk, 0);
        t00 = f32x4.add(t00, f32x4.mul(s, x0));
        t01 = f32x4.add(t01, f32x4.mul(s, x1));
      }
      if (J > 1) {
        const s = v128.load32_splat(bk, 4);
        t10 = f32x4.add(t10, f32x4.mul(s, x0));
        t11 = f32x4.add(t11, f32x4.mul(s, x1));
      }
      if (J > 2) {
        const s = v128.load32_splat(bk, 8);
        t20 = f32x4.add(t20, f32x4.mul(s, x0));
        t21 = f32x4.add(t21, f32x4.mul(s, x1));
      }
      if (J > 3) {
        const s = v128.load32_splat(bk, 12);
        t30 = f32x4.add(t30, f32x4.mul(s, x0));
        t31 = f32x4.add(t31, f32x4.mul(s, x1));
      }
      ak += lda;
      bk += ldb;
    }
    const p = t + i; // recomputed, not kept live through the k loop (registers are scarce)
    { v128.store(p + 0 * ldt, t00); v128.store(p + 0 * ldt, t01, 16); }
    if (J > 1) { v128.store(p + 1 * ldt, t10); v128.store(p + 1 * ldt, t11, 16); }
    if (J > 2) { v128.store(p + 2 * ldt, t20); v128.store(p + 2 * ldt, t21, 16); }
    if (J > 3) { v128.store(p + 3 * ldt, t30); v128.store(p + 3 * ldt, t31, 16); }
  }
}

/** T[j, i] (+)= sum_k<kb B[k, j] A[i, k] for j < J (1 to 4), i < I (a multiple of 8), in f32; see cols32. */
export function narrowCols_f32(I: i32, kb: i32, a: usize, lda: i32, b: usize, ldb: i32, J: i32, t: usize, ldt: i32, first: bool): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lt = <usize>ldt << 2;
  if (J == 1) cols32(1, I, kb, a, la, b, lb, t, lt, first);
  else if (J == 2) cols32(2, I, kb, a, la, b, lb, t, lt, first);
  else if (J == 3) cols32(3, I, kb, a, la, b, lb, t, lt, first);
  else cols32(4, I, kb, a, la, b, lb, t, lt, first);
}

/**
 * Columns form, J rows of C^T (f64): T[j, i] (+)= sum_k<kb B[k, j] A[i, k] for i < I (a multiple
 * of 4), A's column k at a + k lda (unit steps along i), B's row k at b + k ldb, T's row j at
 * t + j ldt (strides in bytes here); `first` starts the sums at zero, else they go on from T.
 */
// @ts-ignore: decorator
@inline function cols64(J: i32, I: i32, kb: i32, a: usize, lda: usize, b: usize, ldb: usize, t: usize, ldt: usize, first: bool): void {
  const zero = f64x2.splat(0);
  const iend = <usize>I << 3;
  for (let i: usize = 0; i < iend; i += 32) {
    let t00 = zero, t01 = zero;
    let t10 = zero, t11 = zero;
    let t20 = zero, t21 = zero;
    let t30 = zero, t31 = zero;
    if (!first) {
      const p = t + i;
      { t00 = v128.load(p + 0 * ldt); t01 = v128.load(p + 0 * ldt, 16); }
      if (J > 1) { t10 = v128.load(p + 1 * ldt); t11 = v128.load(p + 1 * ldt, 16); }
      if (J > 2) { t20 = v128.load(p + 2 * ldt); t21 = v128.load(p + 2 * ldt, 16); }
      if (J > 3) { t30 = v128.load(p + 3 * ldt); t31 = v128.load(p + 3 * ldt, 16); }
    }
    let ak = a + i, bk = b;
    for (let k = 0; k < kb; k++) {
      const x0 = v128.load(ak), x1 = v128.load(ak, 16);
      {
        const s = v128.load64_splat(bk, 0);
        t00 = f64x2.add(t00, f64x2.mul(s, x0));
        t01 = f64x2.add(t01, f64x2.mul(s, x1));
      }
      if (J > 1) {
        const s = v128.load64_splat(bk, 8);
        t10 = f64x2.add(t10, f64x2.mul(s, x0));
        t11 = f64x2.add(t11, f64x2.mul(s, x1));
      }
      if (J > 2) {
        const s = v128.load64_splat(bk, 16);
        t20 = f64x2.add(t20, f64x2.mul(s, x0));
        t21 = f64x2.add(t21, f64x2.mul(s, x1));
      }
      if (J > 3) {
        const s = v128.load64_splat(bk, 24);
        t30 = f64x2.add(t30, f64x2.mul(s, x0));
        t31 = f64x2.add(t31, f64x2.mul(s, x1));
      }
      ak += lda;
      bk += ldb;
    }
    const p = t + i; // recomputed, not kept live through the k loop (registers are scarce)
    { v128.store(p + 0 * ldt, t00); v128.store(p + 0 * ldt, t01, 16); }
    if (J > 1) { v128.store(p + 1 * ldt, t10); v128.store(p + 1 * ldt, t11, 16); }
    if (J > 2) { v128.store(p + 2 * ldt, t20); v128.store(p + 2 * ldt, t21, 16); }
    if (J > 3) { v128.store(p + 3 * ldt, t30); v128.store(p + 3 * ldt, t31, 16); }
  }
}

/** T[j, i] (+)= sum_k<kb B[k, j] A[i, k] for j < J (1 to 4), i < I (a multiple of 4), in f64; see cols64. */
export function narrowCols_f64(I: i32, kb: i32, a: usize, lda: i32, b: usize, ldb: i32, J: i32, t: usize, ldt: i32, first: bool): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lt = <usize>ldt << 3;
  if (J == 1) cols64(1, I, kb, a, la, b, lb, t, lt, first);
  else if (J == 2) cols64(2, I, kb, a, la, b, lb, t, lt, first);
  else if (J == 3) cols64(3, I, kb, a, la, b, lb, t, lt, first);
  else cols64(4, I, kb, a, la, b, lb, t, lt, first);
}

// ---------------------------------------------------------------- dot-products form (f32)

/** (v0 + v2) + (v1 + v3). */
// @ts-ignore: decorator
@inline function hsum32(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/**
 * Dot-products form, J columns of C (f32): for each pair of rows i, C[i, j] = sum_k A[i, k] B[k, j]
 * with A's row i at a + i lda (unit steps along k, K a multiple of 4), B packed k-major in blocks of
 * 4: B[k, j] at b + ((k >> 2) J + j) 16 + (k & 3) 4, C[i, j] at c + i ldc + j cs (strides in bytes
 * here). Rows at and past `rows` are read (a row past an odd count, which must lie in memory) but
 * never stored. (A third row or a fifth column spills: V8 allocates 15 vector registers.)
 */
// @ts-ignore: decorator
@inline function dots32(J: i32, rows: i32, K: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, cs: usize): void {
  const zero = f32x4.splat(0);
  const kend = <usize>K << 2;
  const bstep = <usize>J << 4;
  for (let i = 0; i < rows; i += 2) {
    const a0 = a + <usize>i * lda, a1 = a0 + lda;
    let s00 = zero, s01 = zero, s02 = zero, s03 = zero;
    let s10 = zero, s11 = zero, s12 = zero, s13 = zero;
    let bk = b;
    for (let k: usize = 0; k < kend; k += 16) {
      const x0 = v128.load(a0 + k), x1 = v128.load(a1 + k);
      let y = v128.load(bk);
      s00 = f32x4.add(s00, f32x4.mul(x0, y));
      s10 = f32x4.add(s10, f32x4.mul(x1, y));
      if (J > 1) {
        y = v128.load(bk, 16);
        s01 = f32x4.add(s01, f32x4.mul(x0, y));
        s11 = f32x4.add(s11, f32x4.mul(x1, y));
      }
      if (J > 2) {
        y = v128.load(bk, 32);
        s02 = f32x4.add(s02, f32x4.mul(x0, y));
        s12 = f32x4.add(s12, f32x4.mul(x1, y));
      }
      if (J > 3) {
        y = v128.load(bk, 48);
        s03 = f32x4.add(s03, f32x4.mul(x0, y));
        s13 = f32x4.add(s13, f32x4.mul(x1, y));
      }
      bk += bstep;
    }
    const c0 = c + <usize>i * ldc;
    store<f32>(c0, hsum32(s00));
    if (J > 1) store<f32>(c0 + cs, hsum32(s01));
    if (J > 2) store<f32>(c0 + 2 * cs, hsum32(s02));
    if (J > 3) store<f32>(c0 + 3 * cs, hsum32(s03));
    if (i + 1 < rows) {
      const c1 = c0 + ldc;
      store<f32>(c1, hsum32(s10));
      if (J > 1) store<f32>(c1 + cs, hsum32(s11));
      if (J > 2) store<f32>(c1 + 2 * cs, hsum32(s12));
      if (J > 3) store<f32>(c1 + 3 * cs, hsum32(s13));
    }
  }
}

/** C[i, j] = sum_k A[i, k] B[k, j] for i < rows, j < J (1 to 4), in f32; see dots32. */
export function narrowDots_f32(rows: i32, K: i32, a: usize, lda: i32, b: usize, J: i32, c: usize, ldc: i32, cs: i32): void {
  const la = <usize>lda << 2, lc = <usize>ldc << 2, lcs = <usize>cs << 2;
  if (J == 1) dots32(1, rows, K, a, la, b, c, lc, lcs);
  else if (J == 2) dots32(2, rows, K, a, la, b, c, lc, lcs);
  else if (J == 3) dots32(3, rows, K, a, la, b, c, lc, lcs);
  else dots32(4, rows, K, a, la, b, c, lc, lcs);
}
