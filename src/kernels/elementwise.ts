/**
 * Elementwise loops. All arrays passed in have the same shape (broadcast inputs arrive as stride-0
 * views). A contiguous fast path runs a plain loop on the typed arrays; anything strided goes to
 * ndarray-ops when it has the function, else to one generic odometer loop.
 */
import type { NdArray } from 'ndarray';
import { isContiguous } from '../graph/tensor.js';

type Data = { [i: number]: number; length: number };

const flat = (a: NdArray): boolean => isContiguous(a);

function sameLayout(a: NdArray, b: NdArray): boolean {
  for (let i = 0; i < a.shape.length; i++) if (a.shape[i] !== 1 && a.stride[i] !== b.stride[i]) return false;
  return true;
}

/** Calls `body(offsets...)` for every index; offsets advance by strides, no per-element index arithmetic. */
function odometer(arrays: readonly NdArray[], body: (o: Int32Array) => void): void {
  const shape = arrays[0].shape;
  const rank = shape.length;
  const n = arrays.length;
  const off = new Int32Array(n);
  for (let k = 0; k < n; k++) off[k] = arrays[k].offset;
  if (arrays[0].size === 0) return;
  if (rank === 0) {
    body(off);
    return;
  }
  const idx = new Int32Array(rank);
  const last = rank - 1;
  const lastLen = shape[last];
  for (;;) {
    for (let i = 0; i < lastLen; i++) {
      body(off);
      for (let k = 0; k < n; k++) off[k] += arrays[k].stride[last];
    }
    for (let k = 0; k < n; k++) off[k] -= arrays[k].stride[last] * lastLen;
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let k = 0; k < n; k++) off[k] += arrays[k].stride[d];
      if (idx[d] < shape[d]) break;
      for (let k = 0; k < n; k++) off[k] -= arrays[k].stride[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** out = f(a), elementwise. */
export function map1(out: NdArray, a: NdArray, f: (x: number) => number, strided?: (out: NdArray, a: NdArray) => void): void {
  if (flat(out) && flat(a) && sameLayout(out, a)) {
    const o = out.data as Data, x = a.data as Data;
    const n = out.size, oo = out.offset, ao = a.offset;
    for (let i = 0; i < n; i++) o[oo + i] = f(x[ao + i]);
    return;
  }
  if (strided && out.shape.length > 0 && out.size > 0) return strided(out, a);
  const o = out.data as Data, x = a.data as Data;
  odometer([out, a], (off) => { o[off[0]] = f(x[off[1]]); });
}

/** out = f(a, b), elementwise. */
export function map2(
  out: NdArray, a: NdArray, b: NdArray, f: (x: number, y: number) => number,
  strided?: (out: NdArray, a: NdArray, b: NdArray) => void,
): void {
  if (flat(out) && flat(a) && flat(b) && sameLayout(out, a) && sameLayout(out, b)) {
    const o = out.data as Data, x = a.data as Data, y = b.data as Data;
    const n = out.size, oo = out.offset, ao = a.offset, bo = b.offset;
    for (let i = 0; i < n; i++) o[oo + i] = f(x[ao + i], y[bo + i]);
    return;
  }
  if (strided && out.shape.length > 0 && out.size > 0) return strided(out, a, b);
  const o = out.data as Data, x = a.data as Data, y = b.data as Data;
  odometer([out, a, b], (off) => { o[off[0]] = f(x[off[1]], y[off[2]]); });
}

/** out = f(a, b, c), elementwise (for `where` and other ternary ops). */
export function map3(out: NdArray, a: NdArray, b: NdArray, c: NdArray, f: (x: number, y: number, z: number) => number): void {
  const o = out.data as Data, x = a.data as Data, y = b.data as Data, z = c.data as Data;
  odometer([out, a, b, c], (off) => { o[off[0]] = f(x[off[1]], y[off[2]], z[off[3]]); });
}

/** Fills `out` with one value. */
export function fill(out: NdArray, v: number): void {
  if (flat(out)) {
    (out.data as Float64Array).fill(v, out.offset, out.offset + out.size);
    return;
  }
  const o = out.data as Data;
  odometer([out], (off) => { o[off[0]] = v; });
}

export { odometer };
