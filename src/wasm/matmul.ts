/**
 * Matrix product in WebAssembly SIMD: the operands are copied into the scratch memory (a dense block
 * with one memcpy when their strides allow, element by element otherwise), packed there into panels,
 * multiplied by the register-tiled kernel (assembly/kernels.ts) and the result copied out. The copies
 * are O(n^2) against the O(n^3) product, so above a size threshold they are noise; below it the
 * JavaScript kernel wins and this returns false. Narrow products (wasmNarrow) whose large operand
 * lives in a WasmArena run in the arena's memory instead, using B and C in place where they suit.
 */
import type { Mat } from '../graph/layout.js';
import { arenaWorkspace, wasmCalls, wasmEnabled, wasmScratch, type Workspace } from './runtime.js';

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
 * the product C^T = B^T A^T. A (the large operand) is read in the form its unit-step axis suits (see
 * assembly/narrow.ts), never packed whole, and staged a chunk at a time with TypedArray.set even
 * when it lives in an arena: a memcpy reads main memory fastest, and kernels reading a large A in
 * place are latency-bound on it (measured with A of 31 and 63 MB: 7-42% slower in five of six
 * shapes and forms, 3% faster in one).
 * When A lives in an arena (a plan's buffers), the product runs in the arena's memory: B and C are
 * used in place where their layout suits the kernel, and the rest is staged in the arena's working
 * space. Otherwise everything is staged in the scratch memory. Either way each element of C is summed
 * in the same order: same bits.
 */
function wasmNarrow(M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  const f32 = A.data instanceof Float32Array && B.data instanceof Float32Array && C.data instanceof Float32Array;
  const f64 = !f32 && A.data instanceof Float64Array && B.data instanceof Float64Array && C.data instanceof Float64Array;
  if ((!f32 && !f64) || !wasmEnabled()) return false;
  if (N > NARROW_MAX) {
    // C^T (N x M) = B^T (N x K) A^T (K x M): swap the operands and transpose every view.
    [M, N, A, B, C] = [N, M, { ...B, rs: B.cs, cs: B.rs }, { ...A, rs: A.cs, cs: A.rs }, { ...C, rs: C.cs, cs: C.rs }];
  }
  const run = (ws: Workspace): boolean =>
    Math.abs(A.cs) > Math.abs(A.rs) ? narrowCols(ws, f32, M, N, K, A, B, C)
      : f32 ? narrowDots(ws, M, N, K, A, B, C)
        : narrowRows(ws, M, N, K, A, B, C);
  const arena = arenaWorkspace((A.data as Float).buffer);
  // An arena whose working space cannot hold what must be staged leaves the product to scratch.
  if (arena === undefined || !run(arena)) run(wasmScratch()!);
  wasmCalls.matmul++;
  return true;
}

/** Whether X lives in ws's memory, so that a kernel there can read or write it in place. */
const resident = (ws: Workspace, X: Mat): boolean => (X.data as Float).buffer === ws.f32.buffer;

/** The byte address of X's element (i, j) in its memory. */
const addr = (X: Mat, w: number, i = 0, j = 0): number => (X.data as Float).byteOffset + (X.off + i * X.rs + j * X.cs) * w;

/** Element offsets in a workspace's working space, taken in turn, 16-byte aligned. */
class Layout {
  private top: number;
  constructor(private readonly ws: Workspace, private readonly w: number) {
    this.top = ws.base / w;
  }

  /** The offset of `n` elements, or -1 (nothing taken) when `want` is false. */
  take(n: number, want = true): number {
    if (!want) return -1;
    const at = this.top;
    this.top = align(at + n);
    return at;
  }

  /** Reserves what was taken; false when the workspace cannot hold it. */
  reserve(): boolean {
    return this.ws.reserve(this.top * this.w - this.ws.base);
  }
}

/**
 * Float64 rows form: A's rows (along k) are staged MB at a time; C is summed over runs of KC of k, so
 * B's rows for a run (16 KiB at most) stay in L1 while the block's tiles of 4 rows reuse them. B is
 * packed K x NP (zero columns past N), or used in place when its rows have unit steps; C is written
 * in place when its rows have unit steps (but for a block of rows past M), else staged whole.
 */
function narrowRows(ws: Workspace, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  const w = 8, lanes = 2;
  const nvs = split(Math.ceil(N / lanes), Math.ceil(Math.ceil(N / lanes) / MAX_NV));
  const NP = Math.ceil(N / lanes) * lanes;
  const MB = Math.min(roundUp(M, 4), Math.max(4, Math.floor(CHUNK_BYTES / (K * w) / 4) * 4));
  const KC = Math.max(64, Math.floor(16384 / (NP * w)));
  // The kernel's last vector of a row of B or C may read one element past N (in an arena, still in
  // its memory: the working space follows the arrays); that lane is never stored.
  const bIn = resident(ws, B) && B.cs === 1 && B.rs >= 0;
  const cIn = resident(ws, C) && C.cs === 1 && C.rs > 0;
  const lda = unaliased(K, w);
  const L = new Layout(ws, w);
  const bp = L.take(K * NP, !bIn);
  const chunk = L.take(MB * lda);
  // C staged: whole, or in place but for the last block. + lanes: a tile's last vector, loaded to
  // go on summing, may read past the last row.
  const cb = L.take((cIn ? MB : roundUp(M, 4)) * N + lanes, !cIn || M % 4 !== 0);
  if (!L.reserve()) return false;
  const view = ws.f64;
  const kernel = ws.kernels.narrowRows_f64;
  const b = bIn ? addr(B, w) : bp * w, ldb = bIn ? B.rs : NP;
  if (!bIn) {
    const data = B.data as Float;
    view.fill(0, bp, bp + K * NP);
    for (let k = 0; k < K; k++) {
      for (let j = 0, p = B.off + k * B.rs, q = bp + k * NP; j < N; j++, p += B.cs) view[q + j] = data[p];
    }
  }
  for (let i0 = 0; i0 < M; i0 += MB) {
    const rows = Math.min(MB, M - i0), R = roundUp(rows, 4);
    copyBlock(view, chunk, lda, A.data as Float, A.off + i0 * A.rs, A.rs, A.cs, rows, K);
    // The last tile's rows past M read zeros and write to block rows no one copies out.
    if (R > rows) view.fill(0, chunk + rows * lda, chunk + R * lda);
    const direct = cIn && R === rows;
    const c = direct ? addr(C, w, i0) : (cb + (cIn ? 0 : i0 * N)) * w, ldc = direct ? C.rs : N;
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      for (let g = 0, j0 = 0; g < nvs.length; j0 += nvs[g] * lanes, g++) {
        const cols = Math.min(N - j0, nvs[g] * lanes);
        kernel(R, kc, (chunk + k0) * w, lda, b + (k0 * ldb + j0) * w, ldb, nvs[g], c + j0 * w, ldc, cols, k0 === 0);
      }
    }
    if (cIn && !direct) putRows(view, cb, N, C, i0, rows, N);
  }
  if (!cIn) putRows(view, cb, N, C, 0, M, N);
  return true;
}

/** Column groups of the dot-products kernel: at most 4 (a fifth spills). */
const MAX_DOT_J = 4;

/**
 * Float32 rows form, as dot products: A's rows (along k) are staged MB at a time, each padded with
 * zeros to a multiple of 4; B is packed per group of columns, k-major in blocks of 4 (zeros past K);
 * C is written in place (any non-negative strides: the kernel stores each element) or staged whole. Its sums run in four interleaved partial sums (assembly/narrow.ts): within the float32
 * kernels' bound, and no transposition of A (which cost a fifth of the time, measured).
 */
function narrowDots(ws: Workspace, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  const w = 4;
  const Js = split(N, Math.ceil(N / MAX_DOT_J));
  const Kp = roundUp(K, 4), lda = unaliased(Kp, w);
  const MB = Math.min(roundUp(M, 2), Math.max(2, Math.floor(CHUNK_BYTES / (lda * w) / 2) * 2));
  const cIn = resident(ws, C) && C.rs >= 0 && C.cs >= 0;
  const L = new Layout(ws, w);
  const bp = L.take(Kp * N);
  // + 1 row: the last pair of rows of an odd count reads one past it (its sums are not stored).
  const chunk = L.take((MB + 1) * lda);
  const cb = L.take(M * N, !cIn);
  if (!L.reserve()) return false;
  const view = ws.f32;
  const kernel = ws.kernels.narrowDots_f32;
  const data = B.data as Float;
  for (let g = 0, j0 = 0, q = bp; g < Js.length; j0 += Js[g], g++) {
    const J = Js[g];
    for (let k = 0; k < Kp; k += 4) {
      for (let j = 0; j < J; j++) {
        for (let e = 0, p = B.off + k * B.rs + (j0 + j) * B.cs; e < 4; e++, q++, p += B.rs) view[q] = k + e < K ? data[p] : 0;
      }
    }
  }
  // Each row's columns past K must be zeros (copies write only the first K), and the row past the
  // block numbers.
  view.fill(0, chunk, chunk + (MB + 1) * lda);
  for (let i0 = 0; i0 < M; i0 += MB) {
    const rows = Math.min(MB, M - i0);
    copyBlock(view, chunk, lda, A.data as Float, A.off + i0 * A.rs, A.rs, A.cs, rows, K);
    const c = cIn ? addr(C, w, i0) : (cb + i0 * N) * w, ldc = cIn ? C.rs : N, cs = cIn ? C.cs : 1;
    for (let g = 0, j0 = 0; g < Js.length; j0 += Js[g], g++) {
      kernel(rows, Kp, chunk * w, lda, (bp + j0 * Kp) * w, Js[g], c + j0 * cs * w, ldc, cs);
    }
  }
  if (!cIn) putRows(view, cb, N, C, 0, M, N);
  return true;
}

/**
 * Columns form: C^T (N x M) is built, its columns (along i) 8 (f32) or 4 (f64) at a time, A's
 * columns staged kb at a time, whole, so A is read front to back (blocks of a few KiB from far-apart
 * rows cost TLB misses: measured 3-4x slower staging). B is used in place when its rows have unit
 * steps, else staged whole; C^T is built in place when C's columns have unit steps (the last partial
 * tile of C^T's columns in an edge block), else whole in the working space.
 */
function narrowCols(ws: Workspace, f32: boolean, M: number, N: number, K: number, A: Mat, B: Mat, C: Mat): boolean {
  const w = f32 ? 4 : 8, step = f32 ? 8 : 4;
  const Js = split(N, Math.ceil(N / MAX_J));
  const Mp = roundUp(M, step);
  const bIn = resident(ws, B) && B.cs === 1 && B.rs >= 0;
  const tIn = resident(ws, C) && C.rs === 1 && C.cs > 0;
  // C^T's columns below Mf are summed in place, the rest in the edge block (all of them, when C is
  // not in place).
  const Mf = tIn ? M - (M % step) : 0;
  // Rows a multiple of 1 KiB apart would share cache sets. Otherwise the chunk's rows are M apart,
  // unpadded: the kernel's last vector of a row then reads the next row's first elements, which only
  // sum into C^T's columns past M, never copied out.
  const ld = unaliased(M, w), ldt = tIn ? step : unaliased(Mp, w);
  const kb = Math.min(K, Math.max(8, Math.floor(CHUNK_BYTES / (ld * w))));
  const L = new Layout(ws, w);
  const bd = L.take(K * N, !bIn);
  const ct = L.take(N * ldt, Mf < M);
  const chunk = L.take(kb * ld + step);
  if (!L.reserve()) return false;
  const view = f32 ? ws.f32 : ws.f64;
  const kernel = f32 ? ws.kernels.narrowCols_f32 : ws.kernels.narrowCols_f64;
  if (!bIn) copyBlock(view, bd, N, B.data as Float, B.off, B.rs, B.cs, K, N);
  const b = bIn ? addr(B, w) : bd * w, ldb = bIn ? B.rs : N;
  // What the last row's overhang reads must be a number (it sums into padding only).
  view.fill(0, chunk + kb * ld, chunk + kb * ld + step);
  for (let k0 = 0; k0 < K; k0 += kb) {
    const kc = Math.min(kb, K - k0);
    copyBlock(view, chunk, ld, A.data as Float, A.off + k0 * A.cs, A.cs, A.rs, kc, M);
    for (let g = 0, j0 = 0; g < Js.length; j0 += Js[g], g++) {
      const bj = b + (k0 * ldb + j0) * w;
      if (Mf > 0) kernel(Mf, kc, chunk * w, ld, bj, ldb, Js[g], addr(C, w, 0, j0), C.cs, k0 === 0);
      if (Mf < M) kernel(Mp - Mf, kc, (chunk + Mf) * w, ld, bj, ldb, Js[g], (ct + j0 * ldt) * w, ldt, k0 === 0);
    }
  }
  if (Mf < M) putCols(view, ct, ldt, C, Mf, M - Mf, N);
  return true;
}

/** Bytes between rows a multiple of 1 KiB share cache sets: such strides get 64 bytes more. */
const unaliased = (n: number, w: number): number => ((n * w) % 1024 === 0 ? n + 64 / w : n);

/** C[i0 + i, j] = X[i, j] for i < rows, j < N, X at `at` in `view` with row stride ld. */
function putRows(view: Float, at: number, ld: number, C: Mat, i0: number, rows: number, N: number): void {
  const c = C.data as Float, off = C.off + i0 * C.rs;
  if (C.cs === 1 && C.rs === N && ld === N) c.set(view.subarray(at, at + rows * N), off);
  else if (C.rs === 1) {
    // C^T of a product with M <= 16 swapped: write along C's unit steps.
    for (let j = 0; j < N; j++) {
      for (let i = 0, p = off + j * C.cs, q = at + j; i < rows; i++, p++, q += ld) c[p] = view[q];
    }
  } else {
    for (let i = 0; i < rows; i++) {
      for (let j = 0, p = off + i * C.rs, q = at + i * ld; j < N; j++, p += C.cs) c[p] = view[q + j];
    }
  }
}

/** C[i0 + i, j] = T[j, i] for i < rows, j < N, T at `at` in `view` with row stride ldt. */
function putCols(view: Float, at: number, ldt: number, C: Mat, i0: number, rows: number, N: number): void {
  const c = C.data as Float, off = C.off + i0 * C.rs;
  if (C.rs === 1) {
    for (let j = 0; j < N; j++) c.set(view.subarray(at + j * ldt, at + j * ldt + rows), off + j * C.cs);
  } else {
    for (let i = 0; i < rows; i++) {
      for (let j = 0, p = off + i * C.rs, q = at + i; j < N; j++, p += C.cs) c[p] = view[q + j * ldt];
    }
  }
}
