/**
 * Elementwise loops. All arrays passed in have the same shape (broadcast inputs arrive as stride-0
 * views); `out` may be one of the inputs (in-place), element for element.
 *
 * A driver collapses the arrays' axes (size-1 axes dropped, neighbours merged where every array is
 * contiguous across them), so nearly every call becomes one row or a few rows, and runs a row
 * function over each. Rows have fast cases for unit strides and for a stride-0 (broadcast) operand.
 *
 * `unary(f)` / `binary(f)` / `ternary(f)` build a kernel with its own copy of the row code, so the
 * call to `f` in the loop sees one function only and V8 inlines it, where the shared `map1`/`map2` call whichever
 * op's function comes through. Such a kernel also binds loops to arrays it meets again (bind.ts): a
 * plan's step then runs a loop compiled for its own buffers, ~3x faster again on large arrays. Ops
 * with a fixed formula should use a prebuilt kernel (`addInto`, `expInto`, ...) or build one once
 * at module level with `unary`/`binary`.
 */
import type { NdArray } from 'ndarray';
import { wasmBinary, wasmUnary, type WasmBinaryOp, type WasmUnaryOp } from '../wasm/elementwise.js';
import { BIND_MIN, Bindings } from './bind.js';
import { sizeOf } from '../graph/shape.js';
import { collapse, denseAlike } from '../graph/layout.js';
import type { Data } from '../graph/layout.js';

type F1 = (x: number) => number;
type F2 = (x: number, y: number) => number;
type F3 = (x: number, y: number, z: number) => number;
export type UnaryKernel = (out: NdArray, a: NdArray) => void;
export type BinaryKernel = (out: NdArray, a: NdArray, b: NdArray) => void;
export type TernaryKernel = (out: NdArray, a: NdArray, b: NdArray, c: NdArray) => void;

type Row1 = (f: F1, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, n: number) => void;
type Row2 = (
  f: F2, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, y: Data, yo: number, sy: number, n: number,
) => void;

// The rows are source text: `new Function` then gives each kernel its own compiled copy, with its
// own type feedback, which is what lets V8 inline `f` in that kernel's loop. (Copying a function's
// `toString()` instead breaks under bundlers that inject helpers such as esbuild's `__name`.)
const ROW1 = `
  if (so === 1 && sx === 1) {
    for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i]);
    return;
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx) o[oo] = f(x[xo]);`;

const ROW2 = `
  if (so === 1) {
    if (sx === 1 && sy === 1) {
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], y[yo + i]);
      return;
    }
    if (sx === 1 && sy === 0) {
      const v = y[yo];
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], v);
      return;
    }
    if (sx === 0 && sy === 1) {
      const u = x[xo];
      for (let i = 0; i < n; i++) o[oo + i] = f(u, y[yo + i]);
      return;
    }
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx, yo += sy) o[oo] = f(x[xo], y[yo]);`;

const ROW3 = `
  if (so === 1 && sx === 1 && sy === 1 && sz === 1) {
    for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], y[yo + i], z[zo + i]);
    return;
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx, yo += sy, zo += sz) o[oo] = f(x[xo], y[yo], z[zo]);`;

type Row3 = (
  f: F3, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, y: Data, yo: number, sy: number,
  z: Data, zo: number, sz: number, n: number,
) => void;

const newRow1 = (): Row1 => new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'n', ROW1) as Row1;
const newRow2 = (): Row2 => new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'y', 'yo', 'sy', 'n', ROW2) as Row2;

const newRow3 = (): Row3 =>
  new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'y', 'yo', 'sy', 'z', 'zo', 'sz', 'n', ROW3) as Row3;

const sharedRow1 = newRow1();
const sharedRow2 = newRow2();
const sharedRow3 = newRow3();

function drive1(out: NdArray, a: NdArray, f: F1, row: Row1): void {
  const o = out.data as Data, x = a.data as Data;
  if (denseAlike(out, a)) return row(f, o, out.offset, 1, x, a.offset, 1, sizeOf(out.shape));
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx] } = collapse(out.shape, [out.stride, a.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function drive2(out: NdArray, a: NdArray, b: NdArray, f: F2, row: Row2): void {
  const o = out.data as Data, x = a.data as Data, y = b.data as Data;
  if (denseAlike(out, a, b)) return row(f, o, out.offset, 1, x, a.offset, 1, y, b.offset, 1, sizeOf(out.shape));
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx, sy] } = collapse(out.shape, [out.stride, a.stride, b.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset, yo = b.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], y, yo, sy[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d]; yo += sy[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d]; yo -= sy[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function drive3(out: NdArray, a: NdArray, b: NdArray, c: NdArray, f: F3, row: Row3): void {
  const o = out.data as Data, x = a.data as Data, y = b.data as Data, z = c.data as Data;
  if (denseAlike(out, a, b) && denseAlike(out, c)) {
    return row(f, o, out.offset, 1, x, a.offset, 1, y, b.offset, 1, z, c.offset, 1, sizeOf(out.shape));
  }
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx, sy, sz] } = collapse(out.shape, [out.stride, a.stride, b.stride, c.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset, yo = b.offset, zo = c.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], y, yo, sy[r], z, zo, sz[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d]; yo += sy[d]; zo += sz[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d]; yo -= sy[d] * shape[d]; zo -= sz[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * A kernel out = f(a) with its own loop, so `f` is inlined. With `wasm`, large contiguous
 * float arrays that live in a WebAssembly arena run the SIMD kernel of that name instead.
 */
export function unary(f: F1, wasm?: WasmUnaryOp): UnaryKernel {
  const row = newRow1();
  const bindings = new Bindings(f);
  return (out, a) => {
    if (wasm !== undefined && wasmUnary(wasm, out, a)) return;
    const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a]) : undefined;
    if (bound) bound();
    else drive1(out, a, f, row);
  };
}

/** A kernel out = f(a, b) with its own loop, so `f` is inlined; `wasm` as for `unary`. */
export function binary(f: F2, wasm?: WasmBinaryOp): BinaryKernel {
  const row = newRow2();
  const bindings = new Bindings(f);
  return (out, a, b) => {
    if (wasm !== undefined && wasmBinary(wasm, out, a, b)) return;
    const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a, b]) : undefined;
    if (bound) bound();
    else drive2(out, a, b, f, row);
  };
}

/** A kernel out = f(a, b, c) with its own loop, so `f` is inlined (for `where` and other ternary ops). */
export function ternary(f: F3): TernaryKernel {
  const row = newRow3();
  const bindings = new Bindings(f);
  return (out, a, b, c) => {
    const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a, b, c]) : undefined;
    if (bound) bound();
    else drive3(out, a, b, c, f, row);
  };
}

export const addInto = binary((x, y) => x + y, 'add');
export const subInto = binary((x, y) => x - y, 'sub');
export const mulInto = binary((x, y) => x * y, 'mul');
export const divInto = binary((x, y) => x / y, 'div');
export const negInto = unary((x) => -x, 'neg');
export const expInto = unary(Math.exp);
export const logInto = unary(Math.log);

/**
 * out = f(a), elementwise, for a one-off `f`. The call to `f` is not inlined (every op's function
 * passes through here); `strided` (an ndarray-ops function) is used for views that do not collapse
 * to unit-stride rows, where its compiled loop beats a closure call per element.
 */
export function map1(out: NdArray, a: NdArray, f: (x: number) => number, strided?: (out: NdArray, a: NdArray) => void): void {
  if (strided && out.shape.length > 0 && !denseAlike(out, a) && sizeOf(out.shape) > 0) return strided(out, a);
  drive1(out, a, f, sharedRow1);
}

/** out = f(a, b), elementwise, for a one-off `f`; see `map1`. */
export function map2(
  out: NdArray, a: NdArray, b: NdArray, f: (x: number, y: number) => number,
  strided?: (out: NdArray, a: NdArray, b: NdArray) => void,
): void {
  if (strided && out.shape.length > 0 && !denseAlike(out, a, b) && sizeOf(out.shape) > 0) return strided(out, a, b);
  drive2(out, a, b, f, sharedRow2);
}

/** out = f(a, b, c), elementwise, for a one-off `f`; see `map1`. */
export function map3(out: NdArray, a: NdArray, b: NdArray, c: NdArray, f: (x: number, y: number, z: number) => number): void {
  drive3(out, a, b, c, f, sharedRow3);
}

/** Fills `out` with one value. */
export function fill(out: NdArray, v: number): void {
  if (denseAlike(out, out)) {
    (out.data as Float64Array).fill(v, out.offset, out.offset + sizeOf(out.shape));
    return;
  }
  const o = out.data as Data;
  odometer([out], (off) => { o[off[0]] = v; });
}

/** Calls `body(offsets...)` for every index; offsets advance by strides, no per-element index arithmetic. */
export function odometer(arrays: readonly NdArray[], body: (o: Int32Array) => void): void {
  const shape = arrays[0].shape;
  const rank = shape.length;
  const n = arrays.length;
  const off = new Int32Array(n);
  for (let k = 0; k < n; k++) off[k] = arrays[k].offset;
  if (sizeOf(shape) === 0) return;
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
