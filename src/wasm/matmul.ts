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
