import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { allocate, bytesPer, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { formatShape, sizeOf, type ConcreteShape } from './shape.js';

/** Indexable storage of an ndarray. */
export type { Data } from './layout.js';
import type { Data } from './layout.js';

/** A nested array of numbers, any depth (a number is depth 0). */
export type NestedArray = number | readonly NestedArray[];

/** Everything accepted where values go in: an ndarray, nested arrays, a typed array with its shape, a scalar. */
export type Input = NdArray | NestedArray | { readonly data: TypedArray | readonly number[]; readonly shape: readonly number[] };

export const isNdArray = (x: unknown): x is NdArray =>
  typeof x === 'object' && x !== null && 'shape' in x && 'stride' in x && 'offset' in x && 'data' in x;

/** A fresh contiguous array of zeros. */
export function zeros(shape: ConcreteShape, dtype: DType): NdArray {
  return ndarray(allocated(dtype, shape), shape.slice());
}

/** A typed array for `shape`; a failed allocation says what was asked for. */
function allocated(dtype: DType, shape: ConcreteShape): TypedArray {
  const n = sizeOf(shape);
  try {
    return allocate(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`cannot allocate ${formatShape(shape)} ${dtype}: ${n * bytesPer(dtype)} bytes (${e.message})`, { cause: e });
  }
}

export function isContiguous(a: NdArray): boolean {
  let st = 1;
  for (let i = a.shape.length - 1; i >= 0; i--) {
    if (a.shape[i] !== 1 && a.stride[i] !== st) return false;
    st *= a.shape[i];
  }
  return true;
}

/** A contiguous copy (or the array itself when `dtype` matches and it already is contiguous and `copy` is false). */
export function contiguous(a: NdArray, dtype: DType = dtypeOfArray(a.data) ?? 'float64', copy = true): NdArray {
  if (!copy && dtypeOfArray(a.data) === dtype && isContiguous(a) && a.offset === 0 && a.data.length === a.size) return a;
  const out = zeros(a.shape, dtype);
  copyInto(out, a);
  return out;
}

/**
 * out[...] = src[...] for arrays of one shape, any strides. int32 destinations truncate toward
 * zero, as Int32Array does. Contiguous arrays take a plain loop (ndarray-ops' assign allocates on
 * every call, and runs copy fetches and assigns out every run).
 */
export function copyInto(out: NdArray, src: NdArray): void {
  if (isContiguous(out) && isContiguous(src)) {
    const d = out.data as Data, x = src.data as Data, n = out.size, o = out.offset, s = src.offset;
    // TypedArray.set converts as the element stores do (int32 truncates) and is a memcpy between
    // arrays of one type; its subarray costs more than a short loop.
    if (n >= 64 && ArrayBuffer.isView(d) && ArrayBuffer.isView(x)) {
      if (d !== x || o !== s) (d as Float64Array).set((x as Float64Array).subarray(s, s + n), o);
      return;
    }
    for (let i = 0; i < n; i++) d[o + i] = x[s + i];
    return;
  }
  if (out.size > 0) ops.assign(out, src);
}

/**
 * The shape of a nested array, read along its first elements (the one reader of nested shapes;
 * raggedness is found when the values are copied). The innermost first element must be a number,
 * unless an axis is empty. `where` names the value for errors.
 */
export function nestedShape(x: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) return shape;
    cur = cur[0];
  }
  if (typeof cur !== 'number') throw new TypeError(`${where}: expected numbers, found ${describeValue(cur)}`);
  return shape;
}

/** `null`, `bigint`, `an object`: what a value is, for errors. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object') return 'an object';
  return typeof x;
}

function flattenInto(x: NestedArray, shape: readonly number[], depth: number, out: TypedArray, pos: { i: number }, path: string, where: string): void {
  if (depth === shape.length) {
    if (typeof x !== 'number') throw new TypeError(`${where}: ragged nested array at ${path || 'top'}: expected a number`);
    out[pos.i++] = x;
    return;
  }
  if (!Array.isArray(x) || x.length !== shape[depth]) {
    const got = Array.isArray(x) ? `length ${x.length}` : typeof x;
    throw new TypeError(`${where}: ragged nested array at ${path || 'top'}: ${got}, expected length ${shape[depth]}`);
  }
  for (let i = 0; i < x.length; i++) flattenInto(x[i], shape, depth + 1, out, pos, `${path}[${i}]`, where);
}

/**
 * Converts any Input to a contiguous ndarray of `dtype` (default: the input's own dtype, float32 for plain numbers).
 * `where` names the thing being converted, for errors. A typed array of another dtype than an explicit
 * `dtype` is an error (no silent casts) unless `cast` is set.
 */
export function toNdArray(x: Input, opts: { dtype?: DType; where?: string; cast?: boolean } = {}): NdArray {
  const where = opts.where ?? 'value';
  const check = (own: DType | undefined): DType => {
    if (opts.dtype && own && own !== opts.dtype && !opts.cast) {
      throw new TypeError(`${where}: dtype ${own} does not match ${opts.dtype}`);
    }
    return opts.dtype ?? own ?? 'float32';
  };
  if (isNdArray(x)) {
    const dtype = check(dtypeOfArray(x.data));
    return contiguous(x, dtype);
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x && 'shape' in x) {
    const { data, shape } = x as { data: TypedArray | number[]; shape: number[] };
    if (sizeOf(shape) !== data.length) {
      throw new TypeError(`${where}: ${data.length} values do not fill shape ${formatShape(shape)}`);
    }
    checkData(data, where);
    const dtype = check(dtypeOfArray(data));
    if (dtype === 'int32' && !(data instanceof Int32Array)) checkInt32(data, where);
    const out = allocate(dtype, data.length);
    out.set(data as ArrayLike<number>);
    return ndarray(out, shape.slice());
  }
  if (typeof x === 'number' || Array.isArray(x)) {
    const shape = nestedShape(x as NestedArray, where);
    const dtype = check(undefined);
    const out = allocate(dtype, sizeOf(shape));
    if (dtype === 'int32') {
      // flattened into float64 first: an Int32Array would truncate and wrap before the check
      const wide = allocate('float64', out.length);
      flattenInto(x as NestedArray, shape, 0, wide, { i: 0 }, '', where);
      checkInt32(wide, where);
      out.set(wide);
    } else {
      flattenInto(x as NestedArray, shape, 0, out, { i: 0 }, '', where);
    }
    return ndarray(out, shape);
  }
  throw new TypeError(`${where}: cannot make an array from ${describeValue(x)}`);
}

/** Refuses what an Int32Array would silently truncate or wrap: non-integers and values outside int32. */
export function checkInt32(values: ArrayLike<number>, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) continue;
    const at = values.length > 1 ? ` (element ${i})` : '';
    if (!Number.isInteger(v)) throw new TypeError(`${where}: ${v} is not an integer, but the dtype is int32${at}`);
    throw new RangeError(`${where}: ${v} is outside the int32 range [-2147483648, 2147483647]${at}`);
  }
}

/** The `data` of a `{ data, shape }` input: a typed array of a dagrad dtype, or an array of numbers. */
function checkData(data: unknown, where: string): void {
  if (dtypeOfArray(data)) return;
  if (Array.isArray(data)) {
    const bad = data.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new TypeError(`${where}: data[${bad}] is ${describeValue(data[bad])}, expected a number`);
    return;
  }
  throw new TypeError(`${where}: data is ${describeValue(data)}, expected a Float32Array, Float64Array, Int32Array or an array of numbers`);
}

/** Nested plain arrays from an ndarray (a number for rank 0): for printing and tests. */
export function toNested(a: NdArray): NestedArray {
  const rec = (dim: number, off: number): NestedArray => {
    if (dim === a.shape.length) return (a.data as Data)[off];
    const out: NestedArray[] = [];
    for (let i = 0; i < a.shape[dim]; i++) out.push(rec(dim + 1, off + i * a.stride[dim]));
    return out;
  };
  return rec(0, a.offset);
}

/** The values in row-major order, as a plain array. */
export function toFlat(a: NdArray): number[] {
  const c = contiguous(a);
  return Array.from(c.data as ArrayLike<number>);
}

/** A stride-0 view of `a` stretched to `shape` (NumPy broadcasting): no copy. */
export function broadcastView(a: NdArray, shape: ConcreteShape): NdArray {
  const lead = shape.length - a.shape.length;
  const stride = shape.map((d, i) => {
    if (i < lead) return 0;
    const own = a.shape[i - lead];
    if (own === d) return a.stride[i - lead];
    if (own === 1) return 0;
    throw new Error(`cannot broadcast ${formatShape(a.shape)} to ${formatShape(shape)}`);
  });
  return ndarray(a.data, shape.slice(), stride, a.offset);
}

/** The shape an Input will have, without converting it. `where` names it for errors. */
export function inputShape(x: Input, where = 'value'): number[] {
  if (isNdArray(x)) return x.shape.slice();
  if (typeof x === 'number' || Array.isArray(x)) return nestedShape(x as NestedArray, where);
  if (typeof x === 'object' && x !== null && 'shape' in x && 'data' in x) {
    const { shape, data } = x as { shape: unknown; data: unknown };
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new TypeError(`${where}: shape ${Array.isArray(shape) ? `[${shape.join(',')}]` : describeValue(shape)} is not a list of integers >= 0`);
    }
    checkData(data, where);
    const n = sizeOf(shape);
    if ((data as ArrayLike<number>).length !== n) throw new TypeError(`${where}: ${(data as ArrayLike<number>).length} values do not fill shape ${formatShape(shape)}`);
    return shape.slice();
  }
  throw new TypeError(`${where}: cannot make an array from ${describeValue(x)}`);
}

/** The dtype an Input carries itself (typed arrays), or undefined (plain numbers take the target's). */
export function inputDType(x: Input): DType | undefined {
  if (isNdArray(x)) return dtypeOfArray(x.data);
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x) return dtypeOfArray((x as { data: unknown }).data);
  return undefined;
}

/** Writes an Input into a contiguous buffer of the same shape (dtype already checked). */
export function writeInput(buffer: NdArray, x: Input, where: string): void {
  if (isNdArray(x)) return copyInto(buffer, x);
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x) {
    const data = (x as { data: ArrayLike<number> }).data;
    checkData(data, where);
    if (data.length !== buffer.size) throw new TypeError(`${where}: ${data.length} values do not fill shape ${formatShape(buffer.shape)}`);
    if (buffer.data instanceof Int32Array && !(data instanceof Int32Array)) checkInt32(data, where);
    (buffer.data as TypedArray).set(data);
    return;
  }
  const dtype = dtypeOfArray(buffer.data) ?? 'float64';
  copyInto(buffer, toNdArray(x, { dtype, where }));
}
