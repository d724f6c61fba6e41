/**
 * Axis reductions. The input is viewed with the kept axes first and the reduced axes last, so each
 * output element is one inner loop accumulating in a float64 local (float32 sums lose no digits
 * to intermediate rounding).
 */
import type { NdArray } from 'ndarray';

type Data = { [i: number]: number; length: number };

export interface Reducer {
  init: number;
  /** The new accumulator after seeing `x` at position `i` of the reduced run. */
  step: (acc: number, x: number, i: number) => number;
  /** From the accumulator and the number of reduced elements to the output value. */
  finish?: (acc: number, count: number) => number;
}

/**
 * Writes the reduction of `a` over `axes` (sorted, unique) into `out`, a contiguous array holding
 * the kept axes in order (keepDims or not: its size is what matters).
 */
export function reduce(out: NdArray, a: NdArray, axes: readonly number[], r: Reducer): void {
  const rank = a.shape.length;
  const kept: number[] = [];
  for (let d = 0; d < rank; d++) if (!axes.includes(d)) kept.push(d);
  const keptShape = kept.map((d) => a.shape[d]);
  const keptStride = kept.map((d) => a.stride[d]);
  const redShape = axes.map((d) => a.shape[d]);
  const redStride = axes.map((d) => a.stride[d]);
  let count = 1;
  for (const s of redShape) count *= s;
  const src = a.data as Data;
  const dst = out.data as Data;
  const nOut = keptShape.reduce((p, d) => p * d, 1);
  const outIdx = new Int32Array(kept.length);
  const redIdx = new Int32Array(axes.length);
  const nr = axes.length;
  const lastLen = nr > 0 ? redShape[nr - 1] : 1;
  const lastStride = nr > 0 ? redStride[nr - 1] : 0;
  let base = a.offset;
  for (let o = 0; o < nOut; o++) {
    let acc = r.init;
    if (count > 0) {
      redIdx.fill(0);
      let off = base;
      let i = 0;
      for (;;) {
        for (let j = 0; j < lastLen; j++) {
          acc = r.step(acc, src[off], i++);
          off += lastStride;
        }
        off -= lastStride * lastLen;
        let d = nr - 2;
        for (; d >= 0; d--) {
          redIdx[d]++;
          off += redStride[d];
          if (redIdx[d] < redShape[d]) break;
          off -= redStride[d] * redShape[d];
          redIdx[d] = 0;
        }
        if (d < 0) break;
      }
    }
    dst[out.offset + o] = r.finish ? r.finish(acc, count) : acc;
    for (let d = kept.length - 1; d >= 0; d--) {
      outIdx[d]++;
      base += keptStride[d];
      if (outIdx[d] < keptShape[d]) break;
      base -= keptStride[d] * keptShape[d];
      outIdx[d] = 0;
    }
  }
}

export const SUM: Reducer = { init: 0, step: (acc, x) => acc + x };
