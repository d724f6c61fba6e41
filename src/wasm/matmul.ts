/**
 * Matrix product in WebAssembly SIMD: the operands are copied into the scratch memory (a dense block
 * with one memcpy when their strides allow, element by element otherwise), packed there into panels,
 * multiplied by the register-tiled kernel (assembly/kernels.ts) and the result copied out. The copies
 * are O(n^2) against the O(n^3) product, so above a size threshold they are noise; below it the
 * JavaScript kernel wins and this returns false.
 */
import type { Mat } from '../graph/layout.js';
import { wasmCalls, wasmScratch } from './runtime.js';

/** Products with M*N*K below this run in JavaScript (measured: at 32^3 SIMD wins by ~3x, copies included). */
export const WASM_MATMUL_MIN = 24 * 24 * 24;

type Float = Float32Array | Float64Array;

/**
 * Copies an R x C strided matrix to `view` at element `at`; returns its element strides there.
 * Non-negative strides whose span is at most twice the element count are copied as one block.
 */
function stage(view: Float, X: Mat, R: number, C: number, at: number): [number, number] {
  const { data, off, rs, cs } = X;
  const span = (R - 1) * rs + (C - 1) * cs + 1;
  if (rs >= 0 && cs >= 0 && span <= 2 * R * C) {
    view.set((data as Float).subarray(off, off + span), at);
    return [rs, cs];
  }
  for (let i = 0; i < R; i++) {
    for (let j = 0, p = off + i * rs, q = at + i * C; j < C; j++, p += cs) view[q + j] = data[p];
  }
  return [C, 1];
}

const align = (n: number): number => (n + 3) & ~3;

/** C = A B (M x K by K x N) in SIMD; false (nothing done) when the call does not qualify. */
export function wasmMatmul(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  if (M === 1 || N === 1) return wasmGemv(M, N, K, A, B, C);
  if (isNarrow(M, N) && M * N * K >= WASM_MATMUL_MIN) return wasmNarrow(M, N, K, A, B, C);
  if (M * N * K < WASM_MATMUL_MIN || M < 4 || N < 4 || K === 0) return false;
  const f32 = A.data instanceof Float32Array && B.data instanceof Float32Array && C.data instanceof Float32Array;
  const f64 = !f32 && A.data instanceof Float64Array && B.data instanceof Float64Array && C.data instanceof Float64Array;
  if (!f32 && !f64) return false;
  const s = wasmScratch();
  if (!s) return false;
  const w = f32 ? 4 : 8, mr = 4, nr = f32 ? 8 : 4;
  const spanA = (M - 1) * Math.abs(A.rs) + (K - 1) * Math.abs(A.cs) + 1;
  const spanB = (K - 1) * Math.abs(B.rs) + (N - 1) * Math.abs(B.cs) + 1;
  // Layout, in elements, 16-byte aligned: raw A, raw B, packed A, packed B, C, one edge tile.
  const rawA = 0, rawB = align(rawA + Math.max(spanA, M * K));
  const ap = align(rawB + Math.max(spanB, K * N));
  const bp = align(ap + Math.ceil(M / mr) * mr * K);
  const cp = align(bp + Math.ceil(N / nr) * nr * K);
  const edge = align(cp + M * N);
  s.ensure((edge + mr * nr) * w);
  const view = f32 ? s.f32 : s.f64;
  const [ars, acs] = stage(view, A, M, K, rawA);
  const [brs, bcs] = stage(view, B, K, N, rawB);
  const k = s.kernels;
  const pack = f32 ? k.pack_f32 : k.pack_f64;
  pack(ap * w, rawA * w, ars, acs, M, K, mr);
  pack(bp * w, rawB * w, bcs, brs, N, K, nr); // B's columns are the rows of B^T
  (f32 ? k.gemm_f32 : k.gemm_f64)(M, N, K, ap * w, bp * w, cp * w, N, edge * w);
  wasmCalls.matmul++;
  const c = C.data as Float;
  if (C.cs === 1 && C.rs === N) {
    c.set(view.subarray(cp, cp + M * N), C.off);
  } else if (C.cs === 1) {
    for (let i = 0; i < M; i++) c.set(view.subarray(cp + i * N, cp + (i + 1) * N), C.off + i * C.rs);
  } else {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) c[C.off + i * C.rs + j * C.cs] = view[cp + i * N + j];
    }
  }
  return true;
}

/** Matrix-vector products whose matrix has at least this many elements run in SIMD (float32 only). */
export const WASM_GEMV_MIN = 16384;

/**
 * A float32 matrix-vector product (M = 1 or N = 1) in SIMD, when the matrix is stored with unit
 * steps along k (dot products) or along the output (row updates). The matrix's copy in costs about
 * what the product does, and SIMD still wins by ~2x; float64 stays in JavaScript, whose sums keep
 * the reference order.
 */
function wasmGemv(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  if (!(A.data instanceof Float32Array && B.data instanceof Float32Array && C.data instanceof Float32Array)) return false;
  // With M = 1, C^T = B^T A^T: the same product with the operands' roles swapped.
  const mat = N === 1 ? A : { data: B.data, off: B.off, rs: B.cs, cs: B.rs };
  const vec = N === 1 ? B : { data: A.data, off: A.off, rs: A.cs, cs: A.rs };
  const rows = N === 1 ? M : N, cstep = N === 1 ? C.rs : C.cs;
  if (rows * K < WASM_GEMV_MIN) return false;
  const byRows = mat.cs === 1 && mat.rs >= K, byCols = !byRows && mat.rs === 1 && mat.cs >= rows;
  if (!byRows && !byCols) return false;
  const lda = byRows ? mat.rs : mat.cs;
  const span = byRows ? (rows - 1) * lda + K : (K - 1) * lda + rows;
  if (span > 2 * rows * K) return false;
  const s = wasmScratch();
  if (!s) return false;
  const x = align(span), y = align(x + K);
  s.ensure((y + rows) * 4);
  const view = s.f32;
  view.set((mat.data as Float32Array).subarray(mat.off, mat.off + span), 0);
  const v = vec.data as Float32Array;
  if (vec.rs === 1) view.set(v.subarray(vec.off, vec.off + K), x);
  else for (let k = 0, q = vec.off; k < K; k++, q += vec.rs) view[x + k] = v[q];
  (byRows ? s.kernels.gemv_f32 : s.kernels.gevm_f32)(rows, K, 0, lda, x * 4, y * 4);
  wasmCalls.matmul++;
  const c = C.data as Float32Array;
  if (cstep === 1) c.set(view.subarray(y, y + rows), C.off);
  else for (let i = 0, o = C.off; i < rows; i++, o += cstep) c[o] = view[y + i];
  return true;
}

/** Products with M or N at most this may run the narrow kernels (assembly/narrow.ts): see isNarrow. */
export const NARROW_MAX = 16;

/**
 * Whether the narrow kernels take a product: its short side is at most NARROW_MAX and either below
 * 8 (the square kernel's tiles would be half padding) or its long side at least 256 (below that the
 * square kernel's packing is cheap and it was as fast or faster: measured 64x1024x16 at 0.8x).
 */
export const isNarrow = (M: number, N: number): boolean =>
  Math.min(M, N) <= NARROW_MAX && (Math.min(M, N) < 8 || Math.max(M, N) >= 256);

/** Bytes of A staged at a time: the chunk stays in L2 while the kernel reads it. */
const CHUNK_BYTES = 96 * 1024;
/**
 * Register tiles: at most 2 vectors of C's columns by 4 rows (rows form), at most 4 rows of C^T by
 * 2 vectors (columns form). Wider tiles need more than V8's 15 allocatable vector registers and
 * spill (measured per lane: a 4-row by 3-vector rows tile and a 5-row columns tile ran at 60-70%).
 */
const MAX_NV = 2, MAX_J = 4;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** `count` sizes summing to `total`, as equal as can be, largest first. */
function split(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, g) => Math.floor(total / count) + (g < total % count ? 1 : 0));
}

/**
 * Copies `outer` lines of `inner` elements (element steps os between lines, is within one) from
 * `data` at `off` to `view` at `at`, line l at at + l ld: one TypedArray.set per line when is = 1,
 * one for the whole block when the lines are also adjacent.
 */
function copyBlock(view: Float, at: number, ld: number, data: Float, off: number, os: number, is: number, outer: number, inner: number): void {
  if (is === 1 && os === inner && ld === inner) {
    view.set(data.subarray(off, off + outer * inner), at);
  } else if (is === 1) {
    for (let l = 0; l < outer; l++) view.set(data.subarray(off + l * os, off + l * os + inner), at + l * ld);
  } else {
    for (let l = 0; l < outer; l++) {
      for (let e = 0, p = off + l * os, q = at + l * ld; e < inner; e++, p += is) view[q + e] = data[p];
    }
  }
}

/**
 * C = A B with M or N at most NARROW_MAX, in SIMD; false when the call does not qualify. M <= 16 is
 * the product C^T = B^T A^T. A (the large operand) is staged a chunk at a time, never packed whole,
 * and read in the form its unit-step axis suits (see assembly/narrow.ts); B is copied whole.
 */
function wasmNarrow(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  const f32 = A.data instanceof Float32Array && B.data instanceof Float32Array && C.data instanceof Float32Array;
  const f64 = !f32 && A.data instanceof Float64Array && B.data instanceof Float64Array && C.data instanceof Float64Array;
  if (!f32 && !f64) return false;
  const s = wasmScratch();
  if (!s) return false;
  if (N > NARROW_MAX) {
    // C^T (N x M) = B^T (N x K) A^T (K x M): swap the operands and transpose every view.
    [M, N, A, B, C] = [N, M, { ...B, rs: B.cs, cs: B.rs }, { ...A, rs: A.cs, cs: A.rs }, { ...C, rs: C.cs, cs: C.rs }];
  }
  if (Math.abs(A.cs) > Math.abs(A.rs)) narrowCols(s, f32, M, N, K, A, B, C);
  else if (f32) narrowRowsT(s, M, N, K, A, B, C);
  else narrowRows(s, M, N, K, A, B, C);
  wasmCalls.matmul++;
  return true;
}

type Staging = NonNullable<ReturnType<typeof wasmScratch>>;

/**
 * Float64 rows form: A's rows (along k) are staged MB at a time; C is built in scratch with row
 * stride N, summed over runs of KC of k, so B's rows for a run (16 KiB at most) stay in L1.
 */
function narrowRows(s: Staging, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  const w = 8, lanes = 2;
  const nvs = split(Math.ceil(N / lanes), Math.ceil(Math.ceil(N / lanes) / MAX_NV));
  const NP = Math.ceil(N / lanes) * lanes;
  const MB = Math.min(roundUp(M, 4), Math.max(4, Math.floor(CHUNK_BYTES / (K * w) / 4) * 4));
  const lda = unaliased(K, w);
  const bp = 0, chunk = align(bp + K * NP), cp = align(chunk + MB * lda);
  const KC = Math.max(64, Math.floor(16384 / (NP * w)));
  // + lanes: a tile's last vector, loaded to go on summing, may read past C's last row.
  s.ensure((cp + roundUp(M, 4) * N + lanes) * w);
  const view = s.f64;
  const kernel = s.kernels.narrowRows_f64;
  const b = B.data as Float;
  view.fill(0, bp, bp + K * NP);
  for (let k = 0; k < K; k++) {
    for (let j = 0, p = B.off + k * B.rs, q = bp + k * NP; j < N; j++, p += B.cs) view[q + j] = b[p];
  }
  for (let i0 = 0; i0 < M; i0 += MB) {
    const rows = Math.min(MB, M - i0);
    copyBlock(view, chunk, lda, A.data as Float, A.off + i0 * A.rs, A.rs, A.cs, rows, K);
    const R = roundUp(rows, 4);
    // The last tile's rows past M read zeros and write to scratch rows no one copies out.
    if (R > rows) view.fill(0, chunk + rows * lda, chunk + R * lda);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      for (let g = 0, j0 = 0; g < nvs.length; j0 += nvs[g] * lanes, g++) {
        const cols = Math.min(N - j0, nvs[g] * lanes);
        kernel(R, kc, (chunk + k0) * w, lda, (bp + k0 * NP + j0) * w, NP, nvs[g], (cp + i0 * N + j0) * w, N, cols, k0 === 0);
      }
    }
  }
  const c = C.data as Float;
  if (C.cs === 1 && C.rs === N) c.set(view.subarray(cp, cp + M * N), C.off);
  else if (C.rs === 1) {
    // C^T of a product with M <= 16 swapped: write along C's unit steps.
    for (let j = 0; j < N; j++) {
      for (let i = 0, p = C.off + j * C.cs, q = cp + j; i < M; i++, p++, q += N) c[p] = view[q];
    }
  } else {
    for (let i = 0; i < M; i++) {
      for (let j = 0, p = C.off + i * C.rs, q = cp + i * N; j < N; j++, p += C.cs) c[p] = view[q + j];
    }
  }
}

/**
 * Columns form: C^T (N x M, padded) is built in scratch; A's columns (along i) are staged kb at a
 * time, whole, so A is read front to back (blocks of a few KiB from far-apart rows cost TLB misses:
 * measured 3-4x slower staging) and the chunk is one TypedArray.set when A is dense.
 */
function narrowCols(s: Staging, f32: boolean, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  const w = f32 ? 4 : 8, step = f32 ? 8 : 4;
  const Js = split(N, Math.ceil(N / MAX_J));
  const Mp = roundUp(M, step);
  // Rows a multiple of 1 KiB apart would share cache sets. Otherwise the chunk's rows are M apart,
  // unpadded: the kernel's last vector of a row then reads the next row's first elements, which only
  // sum into C^T's padding columns, never copied out.
  const ld = unaliased(M, w), ldt = unaliased(Mp, w);
  const kb = Math.min(K, Math.max(8, Math.floor(CHUNK_BYTES / (ld * w))));
  const bd = 0, ct = align(bd + K * N), chunk = align(ct + N * ldt);
  s.ensure((chunk + kb * ld + step) * w);
  const view = f32 ? s.f32 : s.f64;
  const kernels = s.kernels;
  const kernel = f32 ? kernels.narrowCols_f32 : kernels.narrowCols_f64;
  copyBlock(view, bd, N, B.data as Float, B.off, B.rs, B.cs, K, N);
  const a = A.data as Float;
  // What the last row's overhang reads must be a number (it sums into padding only).
  view.fill(0, chunk + kb * ld, chunk + kb * ld + step);
  for (let k0 = 0; k0 < K; k0 += kb) {
    const kc = Math.min(kb, K - k0);
    copyBlock(view, chunk, ld, a, A.off + k0 * A.cs, A.cs, A.rs, kc, M);
    for (let g = 0, j0 = 0; g < Js.length; j0 += Js[g], g++) {
      kernel(Mp, kc, chunk * w, ld, (bd + k0 * N + j0) * w, N, Js[g], (ct + j0 * ldt) * w, ldt, k0 === 0);
    }
  }
  copyOut(view, ct, ldt, M, N, C);
}

/** Bytes between rows a multiple of 1 KiB share cache sets: such strides get 64 bytes more. */
const unaliased = (n: number, w: number): number => ((n * w) % 1024 === 0 ? n + 64 / w : n);

/**
 * Float32 rows form by transposition: A's rows (along k) are staged MB at a time, transposed in
 * SIMD into columns, and multiplied by the columns form's kernel into C^T (see narrowCols).
 */
function narrowRowsT(s: Staging, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  const w = 4, step = 8;
  const Js = split(N, Math.ceil(N / MAX_J));
  const Mp = roundUp(M, step), ldt = unaliased(Mp, w);
  const MB = Math.min(Mp, Math.max(step, Math.floor(CHUNK_BYTES / (K * w) / step) * step));
  const lda = unaliased(K, w), ldx = unaliased(MB, w);
  const bd = 0, ct = align(bd + K * N), chunk = align(ct + N * ldt), xt = align(chunk + MB * lda);
  s.ensure((xt + K * ldx) * w);
  const view = s.f32;
  const kernels = s.kernels;
  copyBlock(view, bd, N, B.data as Float, B.off, B.rs, B.cs, K, N);
  for (let i0 = 0; i0 < M; i0 += MB) {
    const rows = Math.min(MB, M - i0), R = roundUp(rows, step);
    copyBlock(view, chunk, lda, A.data as Float, A.off + i0 * A.rs, A.rs, A.cs, rows, K);
    // The last chunk's rows past M read zeros and sum into C^T's padding columns, never copied out.
    if (R > rows) view.fill(0, chunk + rows * lda, chunk + R * lda);
    kernels.transpose_f32(xt * w, ldx, chunk * w, lda, R, K);
    for (let g = 0, j0 = 0; g < Js.length; j0 += Js[g], g++) {
      kernels.narrowCols_f32(R, K, xt * w, ldx, (bd + j0) * w, N, Js[g], (ct + j0 * ldt + i0) * w, ldt, true);
    }
  }
  copyOut(view, ct, ldt, M, N, C);
}

/** C = T^T, T (N x M) at `ct` in `view` with row stride ldt. */
function copyOut(view: Float, ct: number, ldt: number, M: number, N: number, C: Mat): void {
  const c = C.data as Float;
  if (C.rs === 1) {
    for (let j = 0; j < N; j++) c.set(view.subarray(ct + j * ldt, ct + j * ldt + M), C.off + j * C.cs);
  } else {
    for (let i = 0; i < M; i++) {
      for (let j = 0, p = C.off + i * C.rs, q = ct + i; j < N; j++, p += C.cs) c[p] = view[q + j * ldt];
    }
  }
}
