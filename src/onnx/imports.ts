/**
 * The import table: standard ONNX ops of common inference models, as dagrad ops. Shapes, axes and
 * other integer inputs must be constants (or a Shape of a statically known shape), since dagrad's
 * ops take them as attributes; a Shape of an unknown shape feeding Expand becomes broadcastLike.
 * ONNX's convolutions and pools are NCHW and dagrad's NHWC: each is read as Transposes around
 * dagrad's op, and a Transpose back to NHWC right after one to NCHW is skipped, so a chain of them
 * (Conv, MaxPool, Conv...) transposes once at each end.
 */
import {
  abs, add, addN, argmax, broadcastLike, broadcastShapes, broadcastTo, cast, concat, constant, div, equal, exp, expandDims,
  gather, greater, greaterEqual, identity, less, lessEqual, log, logSoftmax, matmul, max, maximum, mean, min, minimum,
  mul, neg, pow, relu, reshape, sigmoid, slice, softmax, softplus, sqrt, squeeze, sub, sum, tanh, transpose, where,
  avgPool2d, conv2d, conv2dTranspose, maxPool2d, pad,
  type DType, type Node,
} from '../index.js';
import type { TensorProto } from './proto.js';
import { elemName, readTensor } from './proto.js';

/** A value while importing: a node, and/or integers known now (shapes, axes), or a node made on first use. */
export interface Value {
  node?: Node;
  /** Integers known at import; null for a dim of a Shape that is only known at run time. */
  ints?: { values: (number | null)[]; shape: number[] };
  /** Made on first use: a trainable variable unless `fixed` (statistics, bounds) or options say constants. */
  lazy?: (fixed: boolean) => Node;
  /** This value is Shape(shapeOf) of a node whose shape is unknown until run time. */
  shapeOf?: Node;
}

export interface ImportContext {
  readonly opset: number;
  node(name: string): Node;
  /** The same, but an initializer becomes a constant, not a variable: a statistic or a bound, not a weight. */
  fixed(name: string): Node;
  /** A constant integer input's values; an error naming `what` when it is computed at run time. */
  ints(name: string, what: string): number[];
  /** The same, allowing nulls for dims known only at run time (Shape of an unknown batch). */
  partialInts(name: string, what: string): (number | null)[];
  value(name: string): Value | undefined;
  /** Whether an optional input is given. */
  has(name: string): boolean;
}

type Attr = number | number[] | string | string[] | TensorProto | undefined;
type Attrs = Record<string, Attr>;
export type Import = (ctx: ImportContext, ins: readonly string[], attrs: Attrs, name: string) => Value[];

const one = (node: Node): Value[] => [{ node }];
const unary = (f: (x: Node, opts: { name?: string }) => Node): Import => (c, [x], _, name) => one(f(c.node(x), { name }));
const binary = (f: (a: Node, b: Node, opts: { name?: string }) => Node): Import => (c, [a, b], _, name) => one(f(c.node(a), c.node(b), { name }));
const chain = (f: (a: Node, b: Node) => Node): Import => (c, xs, _, name) => one(identity(xs.map((x) => c.node(x)).reduce((a, b) => f(a, b)), { name }));
const int = (a: Attr, fallback: number): number => (typeof a === 'number' ? a : fallback);

/** Axes from the attribute (older opsets) or the optional second input (newer ones). */
function axesOf(c: ImportContext, ins: readonly string[], attrs: Attrs, at = 1): number[] | undefined {
  if (Array.isArray(attrs.axes)) return attrs.axes as number[];
  if (ins.length > at && c.has(ins[at])) return c.ints(ins[at], 'axes');
  return undefined;
}

const reduction = (f: typeof sum): Import => (c, ins, attrs, name) => {
  const x = c.node(ins[0]);
  const axes = axesOf(c, ins, attrs);
  const keepDims = int(attrs.keepdims, 1) === 1;
  if ((axes === undefined || axes.length === 0) && int(attrs.noop_with_empty_axes, 0) === 1) return one(identity(x, { name }));
  return one(f(x, { axes: axes === undefined || axes.length === 0 ? undefined : axes, keepDims, name }));
};

const prod = (ds: readonly number[]): number => ds.reduce((p, d) => p * d, 1);

/** ONNX Cast's `to` as a dagrad dtype; bool is kept as a 1/0 mask in the input's float dtype. */
function castTo(x: Node, to: number, name: string): Node {
  const t = elemName(to);
  if (t === 'bool') return sub(1, equal(x, 0), { name });
  if (t === 'float32' || t === 'float64' || t === 'int32') return cast(x, t, { name });
  if (t === 'int64') return cast(x, 'int32', { name });
  throw new Error(`cannot cast to ONNX element type ${to}`);
}

function constantOf(t: TensorProto, name: string): Value {
  const { values, elem, dims: shape } = readTensor(t);
  const kind = elemName(elem);
  const data = Array.from(values as ArrayLike<number>);
  if (kind === 'int64' || kind === 'int32' || kind === 'bool') return { ints: { values: data, shape } };
  return { node: constant({ data, shape }, { dtype: kind as DType, name }) };
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** An NCHW value as NHWC; undoes a transpose to NCHW instead of stacking a second one. */
function nhwc(x: Node, op: string): Node {
  if (x.rank !== 4) throw new Error(`${op} of a rank-${x.rank} input ${JSON.stringify(x.shape)}: only 2-D ${op} (rank 4, NCHW) is supported`);
  if (x.op.name === 'transpose' && sameList((x.attrs as { perm: number[] }).perm, TO_NCHW)) return x.inputs[0];
  return transpose(x, { perm: TO_NHWC });
}
const nchw = (x: Node, name: string): Node => transpose(x, { perm: TO_NCHW, name });

/** A pair attribute (strides, dilations) with its default. */
function pairOf(a: Attr, fallback: number, what: string): [number, number] {
  if (a === undefined) return [fallback, fallback];
  if (!Array.isArray(a) || a.length !== 2 || !a.every((d) => typeof d === 'number')) throw new Error(`${what} ${JSON.stringify(a)}: expected two numbers (2-D)`);
  return [a[0] as number, a[1] as number];
}

/**
 * Explicit [top, bottom, left, right] pads from ONNX's auto_pad and pads ([top, left, bottom, right]).
 * SAME_UPPER puts the odd pad after (dagrad's and TensorFlow's 'same'), SAME_LOWER before.
 */
function padsOf(attrs: Attrs, hw: readonly (number | null)[], k: readonly number[], s: readonly number[], d: readonly number[], op: string): [number, number, number, number] {
  const auto = typeof attrs.auto_pad === 'string' && attrs.auto_pad !== '' ? attrs.auto_pad : 'NOTSET';
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const split = [0, 1].map((i) => {
      const n = hw[i];
      if (n === null) throw new Error(`${op} with auto_pad ${auto} needs the input's height and width, got ${JSON.stringify(hw)}`);
      const total = Math.max((Math.ceil(n / s[i]) - 1) * s[i] + (k[i] - 1) * d[i] + 1 - n, 0);
      const small = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
    return [split[0][0], split[0][1], split[1][0], split[1][1]];
  }
  if (auto !== 'NOTSET') throw new Error(`${op}: auto_pad '${auto}' is not an ONNX value`);
  const p = attrs.pads === undefined ? [0, 0, 0, 0] : (attrs.pads as number[]);
  if (p.length !== 4) throw new Error(`${op}: pads ${JSON.stringify(p)} must hold 4 numbers (2-D)`);
  return [p[0], p[2], p[1], p[3]];
}
const padding = (p: readonly number[]): [[number, number], [number, number]] => [[p[0], p[1]], [p[2], p[3]]];

/** ONNX's [M, C / groups, KH, KW] (Conv) or [C, M / groups, KH, KW] (ConvTranspose) weight as dagrad's [KH, KW, ., .] filter. */
function filterOf(c: ImportContext, w: string, op: string): Node {
  const f = c.node(w);
  if (f.rank !== 4 || f.shape.some((d) => d === null)) throw new Error(`${op} weight '${f.name}' ${JSON.stringify(f.shape)} must be rank 4 with known dims (2-D)`);
  return transpose(f, { perm: [2, 3, 1, 0] });
}

/** Pooling attributes dagrad's windows (clipped to the image, never dilated or ceil-sized) can take. */
function poolOf(x: Node, attrs: Attrs, op: string): { window: [number, number]; strides: [number, number]; pads: [number, number, number, number] } {
  if (int(attrs.ceil_mode, 0) !== 0) throw new Error(`${op} with ceil_mode 1 is not supported (dagrad's pools floor the output size)`);
  const dil = pairOf(attrs.dilations, 1, `${op} dilations`);
  if (dil[0] !== 1 || dil[1] !== 1) throw new Error(`${op} with dilations [${dil}] is not supported`);
  const window = pairOf(attrs.kernel_shape, NaN, `${op} kernel_shape`);
  if (window.some(Number.isNaN)) throw new Error(`${op} needs kernel_shape`);
  const strides = pairOf(attrs.strides, 1, `${op} strides`);
  return { window, strides, pads: padsOf(attrs, [x.shape[2], x.shape[3]], window, strides, [1, 1], op) };
}

export const IMPORTS: Readonly<Record<string, Import>> = {
  Conv: (c, ins, attrs, name) => {
    const x = c.node(ins[0]);
    const f = filterOf(c, ins[1], 'Conv');
    const k = [f.shape[0]!, f.shape[1]!];
    const strides = pairOf(attrs.strides, 1, 'Conv strides'), dilations = pairOf(attrs.dilations, 1, 'Conv dilations');
    const pads = padsOf(attrs, [x.shape[2], x.shape[3]], k, strides, dilations, 'Conv');
    let y = conv2d(nhwc(x, 'Conv'), f, { strides, dilations, padding: padding(pads), groups: int(attrs.group, 1) });
    if (ins.length > 2 && c.has(ins[2])) y = add(y, c.node(ins[2]));
    return one(nchw(y, name));
  },
  ConvTranspose: (c, ins, attrs, name) => {
    const x = c.node(ins[0]);
    const f = filterOf(c, ins[1], 'ConvTranspose');
    const k = [f.shape[0]!, f.shape[1]!];
    const strides = pairOf(attrs.strides, 1, 'ConvTranspose strides'), dilations = pairOf(attrs.dilations, 1, 'ConvTranspose dilations');
    const outPad = pairOf(attrs.output_padding, 0, 'ConvTranspose output_padding');
    const hw = [x.shape[2], x.shape[3]];
    if (hw[0] === null || hw[1] === null) throw new Error(`ConvTranspose needs the input's height and width, got ${JSON.stringify(x.shape)}`);
    // The size every pad leaves, before the pads: s (in - 1) + output_padding + the window's span.
    const full = [0, 1].map((i) => strides[i] * (hw[i]! - 1) + outPad[i] + (k[i] - 1) * dilations[i] + 1);
    const auto = typeof attrs.auto_pad === 'string' && attrs.auto_pad !== '' ? attrs.auto_pad : 'NOTSET';
    let pads: number[];
    let size: number[];
    const given = Array.isArray(attrs.output_shape) ? (attrs.output_shape as number[]).slice(-2) : undefined;
    if (given || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
      // As the ONNX spec computes them: the total pad split in two, the odd one after for SAME_UPPER.
      size = given ?? [0, 1].map((i) => hw[i]! * strides[i]);
      const split = [0, 1].map((i) => {
        const total = full[i] - size[i];
        const half = Math.floor(total / 2);
        return auto === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
      });
      pads = [split[0][0], split[0][1], split[1][0], split[1][1]];
    } else {
      pads = padsOf(attrs, hw, k, strides, dilations, 'ConvTranspose');
      size = [full[0] - pads[0] - pads[1], full[1] - pads[2] - pads[3]];
    }
    let y = conv2dTranspose(nhwc(x, 'ConvTranspose'), f, { strides, dilations, padding: padding(pads), groups: int(attrs.group, 1), outputSize: [size[0], size[1]] });
    if (ins.length > 2 && c.has(ins[2])) y = add(y, c.node(ins[2]));
    return one(nchw(y, name));
  },
  MaxPool: (c, ins, attrs, name) => {
    const x = c.node(ins[0]);
    const p = poolOf(x, attrs, 'MaxPool');
    const indices: Value = { lazy: () => { throw new Error(`MaxPool '${name}': its Indices output is not supported (dagrad's max-pool gradient needs no indices)`); } };
    return [{ node: nchw(maxPool2d(nhwc(x, 'MaxPool'), p.window, { strides: p.strides, padding: padding(p.pads) }), name) }, indices];
  },
  // count_include_pad 0 (the default) is dagrad's mean over the in-image elements; 1 pads with zeros first.
  AveragePool: (c, ins, attrs, name) => {
    const x = c.node(ins[0]);
    const p = poolOf(x, attrs, 'AveragePool');
    const xh = nhwc(x, 'AveragePool');
    const y = int(attrs.count_include_pad, 0) === 1 && p.pads.some((d) => d > 0)
      ? avgPool2d(pad(xh, [[0, 0], [p.pads[0], p.pads[1]], [p.pads[2], p.pads[3]], [0, 0]]), p.window, { strides: p.strides })
      : avgPool2d(xh, p.window, { strides: p.strides, padding: padding(p.pads) });
    return one(nchw(y, name));
  },
  GlobalAveragePool: (c, [x], _, name) => {
    const v = c.node(x);
    if (v.rank < 3) throw new Error(`GlobalAveragePool of a rank-${v.rank} input: expected [N, C, spatial...]`);
    return one(mean(v, { axes: Array.from({ length: v.rank - 2 }, (_, i) => i + 2), keepDims: true, name }));
  },
  Identity: unary(identity),
  // Inference: dropout passes its input through (the mask output is not read).
  Dropout: (c, ins, _, name) => {
    const training = ins.length > 2 && c.has(ins[2]) ? c.value(ins[2])?.ints?.values[0] : 0;
    if (training !== 0) throw new Error(`Dropout with training_mode ${training === undefined ? 'computed at run time' : training} is not supported: only inference (the identity)`);
    return one(identity(c.node(ins[0]), { name }));
  },
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: binary(div),
  Pow: binary(pow),
  Neg: unary(neg),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Abs: unary(abs),
  Relu: unary(relu),
  Sigmoid: unary(sigmoid),
  Tanh: unary(tanh),
  Softplus: unary(softplus),
  LeakyRelu: (c, [x], attrs, name) => {
    const v = c.node(x);
    const alpha = typeof attrs.alpha === 'number' ? attrs.alpha : 0.01;
    return one(where(greater(v, 0), v, mul(v, alpha), { name }));
  },
  Clip: (c, ins, attrs, name) => {
    let v = c.node(ins[0]);
    const lo = ins.length > 1 && c.has(ins[1]) ? c.fixed(ins[1]) : typeof attrs.min === 'number' ? attrs.min : undefined;
    const hi = ins.length > 2 && c.has(ins[2]) ? c.fixed(ins[2]) : typeof attrs.max === 'number' ? attrs.max : undefined;
    if (lo !== undefined) v = maximum(v, lo);
    if (hi !== undefined) v = minimum(v, hi);
    return one(identity(v, { name }));
  },
  Max: chain(maximum),
  Min: chain(minimum),
  Sum: (c, xs, _, name) => one(xs.length === 1 ? identity(c.node(xs[0]), { name }) : addN(xs.map((x) => c.node(x)), { name })),
  Mean: (c, xs, _, name) => one(div(xs.length === 1 ? c.node(xs[0]) : addN(xs.map((x) => c.node(x))), xs.length, { name })),
  Equal: binary(equal),
  Greater: binary(greater),
  Less: binary(less),
  GreaterOrEqual: binary(greaterEqual),
  LessOrEqual: binary(lessEqual),
  Not: (c, [x], _, name) => one(sub(1, c.node(x), { name })),
  Where: (c, [k, a, b], _, name) => one(where(c.node(k), c.node(a), c.node(b), { name })),
  MatMul: (c, [a, b], _, name) => {
    const x = c.node(a), y = c.node(b);
    if (x.rank < 2 || y.rank < 2) throw new Error(`MatMul of rank ${x.rank} and ${y.rank}: dagrad's matmul needs rank >= 2`);
    return one(matmul(x, y, { name }));
  },
  // Y = alpha op(A) op(B) + beta C
  Gemm: (c, ins, attrs, name) => {
    const alpha = typeof attrs.alpha === 'number' ? attrs.alpha : 1;
    const beta = typeof attrs.beta === 'number' ? attrs.beta : 1;
    let y = matmul(c.node(ins[0]), c.node(ins[1]), { transposeA: int(attrs.transA, 0) === 1, transposeB: int(attrs.transB, 0) === 1 });
    if (alpha !== 1) y = mul(y, alpha);
    if (ins.length > 2 && c.has(ins[2])) y = add(y, beta === 1 ? c.node(ins[2]) : mul(c.node(ins[2]), beta));
    return one(identity(y, { name }));
  },
  Transpose: (c, [x], attrs, name) => one(transpose(c.node(x), { perm: Array.isArray(attrs.perm) ? (attrs.perm as number[]) : undefined, name })),
  Reshape: (c, [x, s], attrs, name) => {
    const v = c.node(x);
    let partial = c.partialInts(s, 'the shape of Reshape');
    // NOTE: PyTorch writes a flatten as [x.size(0), -1]: a dim known only at run time beside a -1.
    // When the input has one unknown dim, that dim is taken to be it, and the -1 is the product
    // of the input's known dims over the target's known ones.
    const open = partial.filter((d) => d === null).length;
    if (open === 1 && partial.includes(-1) && v.shape.filter((d) => d === null).length === 1) {
      const known = prod(v.shape.filter((d): d is number => d !== null));
      const fixed = prod(partial.filter((d): d is number => d !== null && d !== -1));
      if (fixed > 0 && known % fixed === 0) partial = partial.map((d) => (d === -1 ? known / fixed : d));
    }
    if (partial.filter((d) => d === null || d === -1).length > 1) throw new Error(`shape [${partial.map((d) => d ?? '?')}] has more than one dim known only at run time`);
    const target = partial.map((d) => d ?? -1);
    const allowZero = int(attrs.allowzero, 0) === 1;
    const shape = target.map((d, i) => {
      if (d !== 0 || allowZero) return d;
      const own = v.shape[i];
      if (own === null || own === undefined) {
        if (target.includes(-1)) throw new Error(`a 0 in shape [${target}] copies dim ${i} of '${v.name}', which is unknown`);
        return -1;
      }
      return own;
    });
    return one(reshape(v, shape, { name }));
  },
  Flatten: (c, [x], attrs, name) => {
    const v = c.node(x);
    const axis = int(attrs.axis, 1) < 0 ? int(attrs.axis, 1) + v.rank : int(attrs.axis, 1);
    const lead = v.shape.slice(0, axis), rest = v.shape.slice(axis);
    if (rest.every((d) => d !== null)) return one(reshape(v, [lead.every((d) => d !== null) ? prod(lead as number[]) : -1, prod(rest as number[])], { name }));
    if (lead.every((d) => d !== null)) return one(reshape(v, [prod(lead as number[]), -1], { name }));
    throw new Error(`Flatten at axis ${axis} of '${v.name}' with unknown dims on both sides`);
  },
  Concat: (c, xs, attrs, name) => {
    const known = xs.map((x) => c.value(x)?.ints);
    if (known.every((k) => k && k.shape.length === 1)) {
      const values = known.flatMap((k) => k!.values);
      return [{ ints: { values, shape: [values.length] } }];
    }
    return one(concat(xs.map((x) => c.node(x)), { axis: int(attrs.axis, 0), name }));
  },
  Gather: (c, [p, i], attrs, name) => {
    const table = c.value(p)?.ints, at = c.value(i)?.ints;
    if (table && at && table.shape.length === 1 && int(attrs.axis, 0) === 0) {
      const n = table.values.length;
      const values = at.values.map((k) => table.values[k! < 0 ? k! + n : k!]);
      return [{ ints: { values, shape: at.shape } }];
    }
    return one(gather(c.node(p), c.node(i), { axis: int(attrs.axis, 0), name }));
  },
  Softmax: (c, [x], attrs, name) => {
    const v = c.node(x);
    const axis = int(attrs.axis, c.opset >= 13 ? -1 : 1);
    if (c.opset < 13 && (axis < 0 ? axis + v.rank : axis) !== v.rank - 1) throw new Error(`Softmax of opset ${c.opset} at axis ${axis} (a flattened softmax) is not supported; only the last axis`);
    return one(softmax(v, { axis, name }));
  },
  LogSoftmax: (c, [x], attrs, name) => {
    const v = c.node(x);
    const axis = int(attrs.axis, c.opset >= 13 ? -1 : 1);
    if (c.opset < 13 && (axis < 0 ? axis + v.rank : axis) !== v.rank - 1) throw new Error(`LogSoftmax of opset ${c.opset} at axis ${axis} (a flattened softmax) is not supported; only the last axis`);
    return one(logSoftmax(v, { axis, name }));
  },
  ReduceSum: reduction(sum),
  ReduceMean: reduction(mean),
  ReduceMax: reduction(max),
  ReduceMin: reduction(min),
  ArgMax: (c, [x], attrs, name) => {
    if (int(attrs.select_last_index, 0) === 1) throw new Error('select_last_index = 1 is not supported (dagrad picks the first of ties)');
    const v = c.node(x);
    const axis = int(attrs.axis, 0) < 0 ? int(attrs.axis, 0) + v.rank : int(attrs.axis, 0);
    return one(int(attrs.keepdims, 1) === 1 ? expandDims(argmax(v, { axis }), axis, { name }) : argmax(v, { axis, name }));
  },
  Squeeze: (c, ins, attrs, name) => {
    const k = c.value(ins[0])?.ints;
    if (k && k.values.length === 1) return [{ ints: { values: k.values, shape: [] } }];
    return one(squeeze(c.node(ins[0]), { axes: axesOf(c, ins, attrs), name }));
  },
  Unsqueeze: (c, ins, attrs, name) => {
    const axes = axesOf(c, ins, attrs);
    if (!axes) throw new Error('Unsqueeze needs axes');
    const k = c.value(ins[0])?.ints;
    if (k && k.shape.length === 0 && axes.length === 1) return [{ ints: { values: k.values, shape: [1] } }];
    return one(expandDims(c.node(ins[0]), axes, { name }));
  },
  Cast: (c, [x], attrs, name) => {
    const v = c.value(x);
    if (v?.ints && !v.node && !v.lazy) return [{ ints: v.ints }];
    return one(castTo(c.node(x), int(attrs.to, 1), name));
  },
  Constant: (_, __, attrs, name) => {
    if (attrs.value && typeof attrs.value === 'object' && !Array.isArray(attrs.value)) return [constantOf(attrs.value as TensorProto, name)];
    if (typeof attrs.value_float === 'number') return one(constant(attrs.value_float, { name }));
    if (Array.isArray(attrs.value_floats)) return one(constant(attrs.value_floats as number[], { name }));
    if (typeof attrs.value_int === 'number') return [{ ints: { values: [attrs.value_int], shape: [] } }];
    if (Array.isArray(attrs.value_ints)) return [{ ints: { values: attrs.value_ints as number[], shape: [attrs.value_ints.length] } }];
    throw new Error('Constant without a supported value attribute');
  },
  Shape: (c, [x], attrs) => {
    const v = c.node(x);
    if (attrs.start !== undefined || attrs.end !== undefined) {
      const s = v.shape.slice(int(attrs.start, 0), attrs.end === undefined ? undefined : int(attrs.end, v.rank));
      return [{ ints: { values: s, shape: [s.length] } }];
    }
    return [{ ints: { values: v.shape.slice(), shape: [v.rank] }, shapeOf: v.shape.some((d) => d === null) ? v : undefined }];
  },
  Expand: (c, [x, s], _, name) => {
    const v = c.node(x);
    const like = c.value(s)?.shapeOf;
    if (like) return one(broadcastLike(v, like, { name }));
    const target = broadcastShapes(v.shape, c.ints(s, 'the shape of Expand'));
    if (target.some((d) => d === null)) throw new Error(`Expand of '${v.name}' to [${target}]: the result has unknown dims`);
    return one(broadcastTo(v, target as number[], { name }));
  },
  Slice: (c, ins, attrs, name) => {
    const v = c.node(ins[0]);
    const starts = ins.length > 1 ? c.ints(ins[1], 'the starts of Slice') : (attrs.starts as number[]);
    const ends = ins.length > 2 ? c.ints(ins[2], 'the ends of Slice') : (attrs.ends as number[]);
    const axes = ins.length > 3 && c.has(ins[3]) ? c.ints(ins[3], 'the axes of Slice') : Array.isArray(attrs.axes) ? (attrs.axes as number[]) : starts.map((_, i) => i);
    const steps = ins.length > 4 && c.has(ins[4]) ? c.ints(ins[4], 'the steps of Slice') : starts.map(() => 1);
    if (steps.some((k) => k !== 1)) throw new Error(`steps [${steps}]: only step 1 is supported`);
    const begin = v.shape.map(() => 0), size = v.shape.map(() => -1);
    axes.forEach((a0, k) => {
      const a = a0 < 0 ? a0 + v.rank : a0;
      const d = v.shape[a];
      if (d === null) {
        if (starts[k] < 0 || ends[k] < 2 ** 31 - 1) throw new Error(`slice of unknown axis ${a} of '${v.name}' must run from a non-negative start to the end`);
        begin[a] = starts[k];
        return;
      }
      const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + d : i, 0), d);
      begin[a] = clamp(starts[k]);
      size[a] = Math.max(clamp(ends[k]) - begin[a], 0);
    });
    return one(slice(v, begin, size, { name }));
  },
  // Inference form: (x - mean) / sqrt(var + epsilon) * scale + B, per channel (axis 1).
  BatchNormalization: (c, [x, scale, b, m, v], attrs, name) => {
    const xv = c.node(x);
    const eps = typeof attrs.epsilon === 'number' ? attrs.epsilon : 1e-5;
    const perChannel = (n: Node) => reshape(n, [-1, ...Array.from({ length: xv.rank - 2 }, () => 1)]);
    // The running mean and variance are statistics, not weights: constants. Scale and bias train.
    const norm = div(sub(xv, perChannel(c.fixed(m))), sqrt(add(perChannel(c.fixed(v)), eps)));
    return one(add(mul(norm, perChannel(c.node(scale))), perChannel(c.node(b)), { name }));
  },
};
