/** Element types. float32 is the default, as in every framework; float64 is for checking; int32 for indices and labels. */
export type DType = 'float32' | 'float64' | 'int32';
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Each dtype's typed-array constructor: the one place that maps the two. */
const ARRAY = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

export function allocate(dtype: DType, size: number): TypedArray {
  return new ARRAY[dtype](size);
}

/** A typed array of `length` elements of `dtype` over `buffer`, from `byteOffset` (no copy). */
export function viewOf(dtype: DType, buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray {
  return new ARRAY[dtype](buffer, byteOffset, length);
}

/** Bytes one element of `dtype` takes. */
export const bytesPer = (dtype: DType): number => ARRAY[dtype].BYTES_PER_ELEMENT;

/** The dtype of a typed array, or undefined for any other array-like. */
export function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return undefined;
}

export const isFloat = (dtype: DType): boolean => dtype !== 'int32';

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64' || x === 'int32';
}
