/**
 * Loops over the lanes of an axis: the 1-D runs along `axis` (softmax rows, argmax candidates).
 * The arrays share a shape; an array that holds one value per lane (a reduced output) takes part
 * as a stride-0 view along the axis (`alongAxis`).
 */
import ndarray, { type NdArray } from 'ndarray';
import { odometer } from './elementwise.js';

/** Calls `body(offsets)` once per lane, with each array's offset of the lane's first element. */
export function lanes(arrays: readonly NdArray[], axis: number, body: (off: Int32Array) => void): void {
  const drop = <T>(xs: readonly T[]): T[] => xs.filter((_, i) => i !== axis);
  odometer(arrays.map((a) => ndarray(a.data, drop(a.shape), drop(a.stride), a.offset)), body);
}

/** `out`, which lacks `axis`, seen as an array that has it with `len` elements of stride 0. */
export function alongAxis(out: NdArray, axis: number, len: number): NdArray {
  const shape = out.shape.slice(), stride = out.stride.slice();
  shape.splice(axis, 0, len);
  stride.splice(axis, 0, 0);
  return ndarray(out.data, shape, stride, out.offset);
}
