/**
 * Batched matrix product on strided arrays: out[..., i, j] = sum_k A[..., i, k] * B[..., k, j], where
 * A and B are already the (possibly transposed) views and their batch axes broadcast to out's.
 */
import type { NdArray } from 'ndarray';

type Data = { [i: number]: number; length: number };

export function matmulInto(out: NdArray, a: NdArray, b: NdArray): void {
  const r = out.shape.length;
  const M = out.shape[r - 2], N = out.shape[r - 1], K = a.shape[a.shape.length - 1];
  const batch = out.shape.slice(0, r - 2);
  const nb = batch.reduce((p, d) => p * d, 1);
  const aLead = batch.length - (a.shape.length - 2);
  const bLead = batch.length - (b.shape.length - 2);
  const bStrideOf = (x: NdArray, lead: number) =>
    batch.map((d, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.stride[i - lead]));
  const aBatch = bStrideOf(a, aLead), bBatch = bStrideOf(b, bLead);
  const oBatch = batch.map((_, i) => out.stride[i]);
  const idx = new Int32Array(batch.length);
  const tmp = new Float64Array(N);
  const A = a.data as Data, B = b.data as Data, C = out.data as Data;
  const ars = a.stride[a.shape.length - 2], acs = a.stride[a.shape.length - 1];
  const brs = b.stride[b.shape.length - 2], bcs = b.stride[b.shape.length - 1];
  const ors = out.stride[r - 2], ocs = out.stride[r - 1];
  let ao = a.offset, bo = b.offset, oo = out.offset;
  for (let t = 0; t < nb; t++) {
    for (let i = 0; i < M; i++) {
      tmp.fill(0);
      const arow = ao + i * ars;
      for (let k = 0; k < K; k++) {
        const aik = A[arow + k * acs];
        const brow = bo + k * brs;
        for (let j = 0; j < N; j++) tmp[j] += aik * B[brow + j * bcs];
      }
      const orow = oo + i * ors;
      for (let j = 0; j < N; j++) C[orow + j * ocs] = tmp[j];
    }
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d]++;
      ao += aBatch[d]; bo += bBatch[d]; oo += oBatch[d];
      if (idx[d] < batch[d]) break;
      ao -= aBatch[d] * batch[d]; bo -= bBatch[d] * batch[d]; oo -= oBatch[d] * batch[d];
      idx[d] = 0;
    }
  }
}
