/**
 * Gather and its transpose, scatter-add, along one axis of `table` (params, or scatter's output):
 * out element (outer..., j..., inner...) pairs with table element (outer..., indices[j...], inner...).
 * Both loops walk the gathered shape once, with the table and indices as strided views of it.
 */
import ndarray, { type NdArray } from 'ndarray';
import { formatShape } from '../graph/shape.js';
import type { Data } from '../graph/tensor.js';
import { odometer } from './elementwise.js';

/** `table` and `indices` as views shaped like the gathered array (table's axis held at index 0). */
function views(table: NdArray, indices: NdArray, axis: number): [NdArray, NdArray] {
  const r = indices.shape.length;
  const shape = [...table.shape.slice(0, axis), ...indices.shape, ...table.shape.slice(axis + 1)];
  const zeros = (n: number) => new Array<number>(n).fill(0);
  const t = ndarray(table.data, shape, [...table.stride.slice(0, axis), ...zeros(r), ...table.stride.slice(axis + 1)], table.offset);
  const i = ndarray(indices.data, shape, [...zeros(axis), ...indices.stride, ...zeros(table.shape.length - axis - 1)], indices.offset);
  return [t, i];
}

function checked(k: number, table: NdArray, axis: number): number {
  const n = table.shape[axis];
  if (k >= 0 && k < n) return k;
  throw new RangeError(`index ${k} is out of range [0, ${n}) for axis ${axis} of ${formatShape(table.shape)}`);
}

/** out = table gathered at `indices` along `axis`. */
export function gatherInto(out: NdArray, table: NdArray, indices: NdArray, axis: number): void {
  const [t, i] = views(table, indices, axis);
  const o = out.data as Data, src = table.data as Data, idx = indices.data as Data, s = table.stride[axis];
  odometer([out, t, i], (off) => {
    o[off[0]] = src[off[1] + s * checked(idx[off[2]], table, axis)];
  });
}

/** table += updates added at `indices` along `axis` (a repeated index accumulates). */
export function scatterAddInto(table: NdArray, updates: NdArray, indices: NdArray, axis: number): void {
  const [t, i] = views(table, indices, axis);
  const u = updates.data as Data, dst = table.data as Data, idx = indices.data as Data, s = table.stride[axis];
  odometer([updates, t, i], (off) => {
    dst[off[1] + s * checked(idx[off[2]], table, axis)] += u[off[0]];
  });
}
