/**
 * The small part of onnx-proto dagrad uses: element types, tensors to and from typed arrays, value
 * infos, attributes. Tensors are written as little-endian raw bytes (what ONNX Runtime reads fastest)
 * and read from raw bytes or from any of the typed repeated fields other exporters use.
 */
import onnxProto from 'onnx-proto';
import type { DType, Shape, TypedArray } from '../index.js';
import type { OnnxAttr } from '../graph/op.js';

// NOTE: onnx-proto is CommonJS; under Node ESM only its default export exists at run time.
export const { onnx } = onnxProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;

/** ONNX element types, as TensorProto.DataType numbers. */
export const ELEM = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 } as const;
export type ElemName = keyof typeof ELEM;

export function elemOf(dtype: DType | 'int64' | 'bool'): number {
  return ELEM[dtype];
}

/** ONNX element type number to its name here, or undefined when dagrad has no counterpart. */
export function elemName(t: number): ElemName | undefined {
  return (Object.keys(ELEM) as ElemName[]).find((k) => ELEM[k] === t);
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(a: ArrayBufferView): Uint8Array {
  if (!isLittleEndian) throw new Error('dagrad/onnx: big-endian hosts are not supported');
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** A TensorProto from numbers (row-major) of a dtype. */
export function tensor(name: string, values: ArrayLike<number>, dtype: DType | 'int64' | 'bool', dims: readonly number[]): TensorProto {
  let raw: ArrayBufferView;
  switch (dtype) {
    case 'float32': raw = Float32Array.from(values); break;
    case 'float64': raw = Float64Array.from(values); break;
    case 'int32': raw = Int32Array.from(values); break;
    case 'int64': raw = BigInt64Array.from(Array.from(values, (v) => BigInt(v))); break;
    case 'bool': raw = Uint8Array.from(values, (v) => (v ? 1 : 0)); break;
  }
  return { name, dims: dims.slice(), dataType: ELEM[dtype], rawData: bytesOf(raw) };
}

/** A tensor's numbers and element type; int64 comes back as plain numbers (exact below 2^53). */
export function readTensor(t: TensorProto): { values: TypedArray | number[]; elem: number; dims: number[] } {
  const dims = (t.dims ?? []).map(Number);
  const n = dims.reduce((p, d) => p * d, 1);
  const elem = t.dataType ?? 0;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = <T>(C: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }): T => {
    // A fresh copy: under Node the bytes are a Buffer view at any offset, and slice() would not copy.
    const copy = new Uint8Array(raw!);
    return new C(copy.buffer, copy.byteOffset, n);
  };
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) {
    throw new Error(`tensor '${t.name}' keeps its data in an external file; dagrad/onnx reads self-contained models only`);
  }
  switch (elem) {
    case ELEM.float32: return { values: raw ? view(Float32Array) : Float32Array.from(t.floatData ?? []), elem, dims };
    case ELEM.float64: return { values: raw ? view(Float64Array) : Float64Array.from(t.doubleData ?? []), elem, dims };
    case ELEM.int32: return { values: raw ? view(Int32Array) : Int32Array.from(t.int32Data ?? []), elem, dims };
    case ELEM.int64: return { values: raw ? Array.from(view(BigInt64Array), Number) : (t.int64Data ?? []).map(Number), elem, dims };
    case ELEM.bool: return { values: raw ? Array.from(raw) : (t.int32Data ?? []).map(Number), elem, dims };
    default: throw new Error(`tensor '${t.name}' has ONNX element type ${elem}, which dagrad cannot hold (float, double, int32, int64, bool)`);
  }
}

/** A value info: element type and shape; unknown dims get the symbolic names `symbols` gives. */
export function valueInfo(name: string, dtype: DType | 'int64' | 'bool', shape: Shape, symbol?: (axis: number) => string): ValueInfoProto {
  const dim = shape.map((d, i) => (d !== null ? { dimValue: d } : symbol ? { dimParam: symbol(i) } : {}));
  return { name, type: { tensorType: { elemType: ELEM[dtype], shape: { dim } } } };
}

/** A value info's element type and shape (null for a symbolic or missing dim). */
export function readValueInfo(v: ValueInfoProto): { elem: number; shape: Shape | null } {
  const tt = v.type?.tensorType;
  if (!tt) throw new Error(`value '${v.name}' is not a tensor`);
  const shape = tt.shape ? (tt.shape.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? Number(d.dimValue) : null)) : null;
  return { elem: tt.elemType ?? 0, shape };
}

const T = onnx.AttributeProto.AttributeType;

export function attribute(name: string, v: OnnxAttr): AttributeProto {
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    const list = v as readonly number[];
    return list.every(Number.isInteger) ? { name, type: T.INTS, ints: list.slice() } : { name, type: T.FLOATS, floats: list.slice() };
  }
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats.slice() };
  throw new TypeError(`attribute '${name}': unsupported value ${JSON.stringify(v)}`);
}

/** An attribute's value as plain data: numbers, number lists, strings, or a tensor. */
export function readAttribute(a: AttributeProto): number | number[] | string | string[] | TensorProto | undefined {
  switch (a.type) {
    case T.INT: return Number(a.i ?? 0);
    case T.FLOAT: return a.f ?? 0;
    case T.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.INTS: return (a.ints ?? []).map(Number);
    case T.FLOATS: return (a.floats ?? []).slice();
    case T.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case T.TENSOR: return a.t ?? undefined;
    default: return undefined;
  }
}
