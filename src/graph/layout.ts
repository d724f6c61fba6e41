/** Layout helpers shared by the kernels: how arrays of one shape walk memory. */
import type { NdArray } from 'ndarray';

/** What a kernel reads and writes: a typed array (or any indexable run of numbers). */
export type Data = { [i: number]: number; length: number };

/** One matrix of a batch: data, offset, row stride, column stride. */
export interface Mat {
  data: Data;
  off: number;
  rs: number;
  cs: number;
}

/** True when every array walks memory in the same order with unit steps (size-1 axes ignored). */
export function denseAlike(out: NdArray, a: NdArray, b?: NdArray): boolean {
  const shape = out.shape, so = out.stride, sa = a.stride, sb = b?.stride;
  let st = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d];
    if (s === 1) continue;
    if (so[d] !== st || sa[d] !== st || (sb !== undefined && sb[d] !== st)) return false;
    st *= s;
  }
  return true;
}

/**
 * Merged axes of same-shaped arrays: size-1 axes dropped, each axis folded into the one before it
 * when every array steps across the pair as across one axis. Broadcast runs (stride 0) fold too.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (s === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => outStrides[k][last] === st[d] * s)) {
      outShape[last] *= s;
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(s);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}
