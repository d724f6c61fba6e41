/**
 * Batched matrix product on strided arrays: out[..., i, j] = sum_k A[..., i, k] * B[..., k, j], where
 * A and B are already the (possibly transposed) views and their batch axes broadcast to out's.
 *
 * Every path sums each output element in the same order, k = 0 .. K-1, in float64, so the paths
 * agree exactly with each other and with the textbook loop (the WebAssembly float32 kernels, which
 * sum in float32, are the one exception: within K + 1 float32 roundings of the sum of |products|,
 * the narrow one for A's rows along k summing four interleaved partial sums). Paths:
 * - large products go to the WebAssembly SIMD kernels when they are loaded (src/wasm/matmul.ts):
 *   the packed, register-tiled one, or for narrow products (M or N at most 16, as in softmax
 *   regression's X W and X^T G) one that reads A unpacked and keeps C's few columns in registers
 *   (with operands in a WasmArena, as a plan's are, it uses B and C there in place where it can);
 * - the JavaScript kernel copies A in blocks of 4-row panels and B in 4-column panels into float64
 *   scratch ("packing"), k-major, so the 4x4 register tile reads both with unit steps whatever the
 *   operands' strides: a transposed operand costs only a differently ordered copy, O(n^2) against
 *   the O(n^3) product;
 * - matrix-vector products (M or N = 1) run dot products or row updates along the unit-stride axis;
 * - tiny products run the plain loop, where packing would cost more than it saves.
 */
import type { NdArray } from 'ndarray';
import { wasmMatmul } from '../wasm/matmul.js';
import { sizeOf } from '../graph/shape.js';
import type { Data, Mat } from '../graph/layout.js';


export function matmulInto(out: NdArray, a: NdArray, b: NdArray): void {
  const one = singleProduct(out, a, b);
  if (one) return gemm(...one);
  const r = out.shape.length, ra = a.shape.length, rb = b.shape.length;
  const M = out.shape[r - 2], N = out.shape[r - 1], K = a.shape[ra - 1];
  const batch = out.shape.slice(0, r - 2);
  const nb = sizeOf(batch);
  const strideIn = (x: NdArray, lead: number) =>
    batch.map((d, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.stride[i - lead]));
  const aBatch = strideIn(a, batch.length - (ra - 2)), bBatch = strideIn(b, batch.length - (rb - 2));
  const oBatch = batch.map((_, i) => out.stride[i]);
  const A: Mat = { data: a.data as Data, off: a.offset, rs: a.stride[ra - 2], cs: a.stride[ra - 1] };
  const B: Mat = { data: b.data as Data, off: b.offset, rs: b.stride[rb - 2], cs: b.stride[rb - 1] };
  const C: Mat = { data: out.data as Data, off: out.offset, rs: out.stride[r - 2], cs: out.stride[r - 1] };
  const idx = new Int32Array(batch.length);
  for (let t = 0; t < nb; t++) {
    gemm(M, N, K, A, B, C);
    for (let d = batch.length - 1; d >= 0; d--) {
      A.off += aBatch[d]; B.off += bBatch[d]; C.off += oBatch[d];
      if (++idx[d] < batch[d]) break;
      A.off -= aBatch[d] * batch[d]; B.off -= bBatch[d] * batch[d]; C.off -= oBatch[d] * batch[d];
      idx[d] = 0;
    }
  }
}

/**
 * The arguments of gemm when out = a b is one product: no batch, or a batch of row blocks times one
 * shared B, when A's and out's batch axes step like extra rows (a [b, m, k] x [k, n] layer), folded
 * into one taller product; else undefined.
 */
function singleProduct(out: NdArray, a: NdArray, b: NdArray): [number, number, number, Mat, Mat, Mat] | undefined {
  const r = out.shape.length, ra = a.shape.length, rb = b.shape.length;
  const M = out.shape[r - 2], N = out.shape[r - 1], K = a.shape[ra - 1];
  const A: Mat = { data: a.data as Data, off: a.offset, rs: a.stride[ra - 2], cs: a.stride[ra - 1] };
  const B: Mat = { data: b.data as Data, off: b.offset, rs: b.stride[rb - 2], cs: b.stride[rb - 1] };
  const C: Mat = { data: out.data as Data, off: out.offset, rs: out.stride[r - 2], cs: out.stride[r - 1] };
  if (r === 2) return [M, N, K, A, B, C];
  const batch = out.shape.slice(0, r - 2);
  const strideIn = (x: NdArray, lead: number) =>
    batch.map((d, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.stride[i - lead]));
  const bBatch = strideIn(b, batch.length - (rb - 2));
  if (!bBatch.every((st) => st === 0)) return undefined;
  if (!stepsLikeRows(batch, strideIn(a, batch.length - (ra - 2)), M, A.rs) || !stepsLikeRows(batch, batch.map((_, i) => out.stride[i]), M, C.rs)) return undefined;
  return [M * sizeOf(batch), N, K, A, B, C];
}

/**
 * A plan's binding of matmulInto(out, a, b): the layout work done once, so a run calls the product
 * kernel straight away (measured ~1 us a call on a [32, 128] x [128, 10] product).
 */
export function bindMatmul(out: NdArray, a: NdArray, b: NdArray): () => void {
  const one = singleProduct(out, a, b);
  if (!one) return () => matmulInto(out, a, b);
  const [M, N, K, A, B, C] = one;
  return () => gemm(M, N, K, A, B, C);
}

function stepsLikeRows(batch: readonly number[], strides: readonly number[], M: number, rs: number): boolean {
  let st = M * rs;
  for (let d = batch.length - 1; d >= 0; d--) {
    if (batch[d] !== 1 && strides[d] !== st) return false;
    st *= batch[d];
  }
  return true;
}

/** Products at least this large (M*N*K) are packed; smaller ones run the plain loop. */
const PACK_MIN = 16 * 16 * 16;

/** C = A B for one M x K by K x N product, any strides. */
export function gemm(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  if (M === 0 || N === 0) return;
  if (wasmMatmul(M, N, K, A, B, C)) return;
  if (N === 1 || M === 1) return gemv(M, N, K, A, B, C);
  if (M * N * K < PACK_MIN || M < 4 || N < 4) return gemmPlain(M, N, K, A, B, C);
  gemmPacked(M, N, K, A, B, C);
}

let rowScratch = new Float64Array(256);
function rowBuffer(n: number): Float64Array {
  if (rowScratch.length < n) rowScratch = new Float64Array(Math.max(n, 2 * rowScratch.length));
  rowScratch.fill(0, 0, n);
  return rowScratch;
}

/** The textbook loop, rows of C accumulated in a float64 buffer: k outer, j inner. */
export function gemmPlain(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  const a = A.data, b = B.data, c = C.data;
  for (let i = 0; i < M; i++) {
    const t = rowBuffer(N);
    const arow = A.off + i * A.rs;
    for (let k = 0; k < K; k++) {
      const aik = a[arow + k * A.cs];
      const brow = B.off + k * B.rs, bcs = B.cs;
      for (let j = 0; j < N; j++) t[j] += aik * b[brow + j * bcs];
    }
    const crow = C.off + i * C.rs, ccs = C.cs;
    for (let j = 0; j < N; j++) c[crow + j * ccs] = t[j];
  }
}

/**
 * A matrix-vector product (M = 1 or N = 1): the long operand is read along its unit-stride axis,
 * as dot products when that axis is k, as row updates (axpy) when it is the output's axis.
 */
function gemv(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  // With M = 1, C^T = B^T A^T: the same product with the operands' roles swapped.
  const mat = N === 1 ? A : { data: B.data, off: B.off, rs: B.cs, cs: B.rs };
  const vec = N === 1 ? B : { data: A.data, off: A.off, rs: A.cs, cs: A.rs };
  const rows = N === 1 ? M : N, cstep = N === 1 ? C.rs : C.cs;
  const m = mat.data, v = vec.data, c = C.data, vs = vec.rs, rs = mat.rs, cs = mat.cs;
  if (Math.abs(cs) <= Math.abs(rs) || rows === 1) {
    // The vector goes to a float64 buffer first, so the dot products read one typed array kind.
    const t = rowBuffer(K);
    for (let k = 0, q = vec.off; k < K; k++, q += vs) t[k] = v[q];
    for (let i = 0, p = mat.off, o = C.off; i < rows; i++, p += rs, o += cstep) {
      let s = 0;
      if (cs === 1) for (let k = 0; k < K; k++) s += m[p + k] * t[k];
      else for (let k = 0, pk = p; k < K; k++, pk += cs) s += m[pk] * t[k];
      c[o] = s;
    }
    return;
  }
  const t = rowBuffer(rows);
  for (let k = 0, p = mat.off, q = vec.off; k < K; k++, p += cs, q += vs) {
    const vk = v[q];
    if (rs === 1) for (let i = 0; i < rows; i++) t[i] += m[p + i] * vk;
    else for (let i = 0, pi = p; i < rows; i++, pi += rs) t[i] += m[pi] * vk;
  }
  for (let i = 0, o = C.off; i < rows; i++, o += cstep) c[o] = t[i];
}

let packA = new Float64Array(0);
let packB = new Float64Array(0);

/**
 * Copies rows [i0, i0 + m) of A into 4-row panels, k-major: panel p holds A[i0+4p+r, k] at
 * (p*K + k)*4 + r. Rows past the end are zeros, so the tile never needs a short case.
 */
function packRows(dst: Float64Array, X: Mat, i0: number, m: number, K: number): void {
  const x = X.data, rs = X.rs, cs = X.cs;
  for (let p = 0, i = i0; i < i0 + m; p++, i += 4) {
    const rows = Math.min(4, i0 + m - i);
    let o = p * K * 4;
    const base = X.off + i * rs;
    if (rows === 4) {
      for (let k = 0, q = base; k < K; k++, q += cs, o += 4) {
        dst[o] = x[q]; dst[o + 1] = x[q + rs]; dst[o + 2] = x[q + 2 * rs]; dst[o + 3] = x[q + 3 * rs];
      }
    } else {
      for (let k = 0, q = base; k < K; k++, q += cs, o += 4) {
        for (let r = 0; r < 4; r++) dst[o + r] = r < rows ? x[q + r * rs] : 0;
      }
    }
  }
}

/** 4 rows of A-panels by 4 columns of B-panels at a time; A in blocks that stay in L2. */
function gemmPacked(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): void {
  const np = Math.ceil(N / 4);
  if (packB.length < np * 4 * K) packB = new Float64Array(np * 4 * K);
  // B's columns are A^T's rows: pack B^T.
  packRows(packB, { data: B.data, off: B.off, rs: B.cs, cs: B.rs }, 0, N, K);
  const mc = Math.max(4, Math.min(M + 3, Math.floor(32768 / Math.max(K, 1))) & ~3);
  if (packA.length < mc * K) packA = new Float64Array(mc * K);
  for (let i0 = 0; i0 < M; i0 += mc) {
    const m = Math.min(mc, M - i0);
    packRows(packA, A, i0, m, K);
    const mp = Math.ceil(m / 4);
    for (let q = 0; q < np; q++) {
      const cols = Math.min(4, N - 4 * q);
      for (let p = 0; p < mp; p++) {
        tile(packA, p * K * 4, packB, q * K * 4, K, C, i0 + 4 * p, 4 * q, Math.min(4, m - 4 * p), cols);
      }
    }
  }
}

/** The 4x4 register tile: 16 float64 sums over k of panel rows times panel columns. */
function tile(
  ap: Float64Array, ia: number, bp: Float64Array, ib: number, K: number,
  C: Mat, i: number, j: number, rows: number, cols: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < K; k++, ia += 4, ib += 4) {
    const a0 = ap[ia], a1 = ap[ia + 1], a2 = ap[ia + 2], a3 = ap[ia + 3];
    const b0 = bp[ib], b1 = bp[ib + 1], b2 = bp[ib + 2], b3 = bp[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  const c = C.data, rs = C.rs, cs = C.cs;
  const o = C.off + i * rs + j * cs;
  if (rows === 4 && cols === 4) {
    c[o] = c00; c[o + cs] = c01; c[o + 2 * cs] = c02; c[o + 3 * cs] = c03;
    c[o + rs] = c10; c[o + rs + cs] = c11; c[o + rs + 2 * cs] = c12; c[o + rs + 3 * cs] = c13;
    c[o + 2 * rs] = c20; c[o + 2 * rs + cs] = c21; c[o + 2 * rs + 2 * cs] = c22; c[o + 2 * rs + 3 * cs] = c23;
    c[o + 3 * rs] = c30; c[o + 3 * rs + cs] = c31; c[o + 3 * rs + 2 * cs] = c32; c[o + 3 * rs + 3 * cs] = c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s++) c[o + r * rs + s * cs] = t[4 * r + s];
}
