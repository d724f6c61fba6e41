/**
 * The op mapping table: how each dagrad op is written in standard ONNX (opset 18). One row per op of
 * OPS; test/onnx checks that no op lacks one. A row gets the ONNX names of the node's inputs and
 * returns the name of the value holding its output.
 * NOTE: anything that depends on a run-time shape (broadcastLike, sumLike, size, onesLike of an
 * unknown batch) reads it with Shape when the model runs, so unknown dims stay symbolic.
 */
import type { DType, Node } from '../index.js';
import type { OnnxAttr, OnnxEmitter } from '../graph/op.js';
import { ELEM } from './proto.js';
import { CONV_LOWERINGS } from './convLowerings.js';
import { RANDOM_LOWERINGS } from './randomLowerings.js';

/** What a row writes with: the public emitter plus the helpers the built-in rows share. */
export interface Builder extends OnnxEmitter {
  /** A 1-D int64 constant (axes, shapes, pads). */
  int64(values: readonly number[]): string;
  /** A scalar constant of a dtype. */
  scalar(value: number, dtype: DType): string;
  /** The run-time shape of a value, as int64 [rank]. */
  shapeOf(name: string): string;
  /** A node with several outputs (MaxPool's values and Indices); their names, in order. */
  outputs(opType: string, inputs: readonly string[], count: number, attrs?: Readonly<Record<string, OnnxAttr>>): string[];
  /** A variable's value at export (a random op's [seed, counter] state). */
  valueOf(variable: Node): ArrayLike<number>;
}

export type Lowering = (b: Builder, ins: readonly string[], node: Node) => string;

/** Past any real axis length: a slice's open end. */
const END = Number.MAX_SAFE_INTEGER;

const unary = (opType: string): Lowering => (b, [x]) => b.node(opType, [x]);
const binary = (opType: string): Lowering => (b, [x, y]) => b.node(opType, [x, y]);
const compare = (opType: string): Lowering => (b, [x, y], n) => b.node('Cast', [b.node(opType, [x, y])], { to: ELEM[n.dtype] });

/** A reduction over static axes; none is the identity (dagrad's sum(x, [])). */
const reduce = (opType: string): Lowering => (b, [x], n) => {
  const { axes, keepDims } = n.attrs as { axes: readonly number[]; keepDims: boolean };
  if (axes.length === 0) return b.node('Identity', [x]);
  return b.node(opType, [x, b.int64(axes)], { keepdims: keepDims ? 1 : 0 });
};

/** A value of a run-time shape (int64 [rank]) filled with `value`. */
const filled = (b: Builder, value: number, shape: string, dtype: DType): string => b.node('Expand', [b.scalar(value, dtype), shape]);

/** log(1 + e^-|x|) as ONNX Runtime's Softplus of a non-positive number: finite and accurate at any x. */
const softplusOfMinusAbs = (b: Builder, x: string): string => b.node('Softplus', [b.node('Neg', [b.node('Abs', [x])])]);

const swapLast = (b: Builder, x: string, rank: number): string =>
  b.node('Transpose', [x], { perm: Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i)) });

/**
 * f(x) - f(0)-style functions near 0 without the cancellation of their textbook form: for |x| <= 0.5,
 * log1p(x) = x log(u) / (u - 1) with u = 1 + x, and expm1(x) = (u - 1) x / log(u) with u = e^x
 * (Goldberg's and Kahan's tricks: the rounding error of u cancels), x itself where u rounds to 1.
 */
function nearZero(b: Builder, x: string, n: Node, far: (b: Builder) => string, near: (u: string) => string, u: string): string {
  const small = b.node('LessOrEqual', [b.node('Abs', [x]), b.scalar(0.5, n.dtype)]);
  const exact = b.node('Where', [b.node('Equal', [u, b.scalar(1, n.dtype)]), x, near(u)]);
  return b.node('Where', [small, exact, far(b)]);
}

export const LOWERINGS: Readonly<Record<string, Lowering>> = {
  ...CONV_LOWERINGS,
  ...RANDOM_LOWERINGS,
  sin: unary('Sin'),
  cos: unary('Cos'),
  erf: unary('Erf'),
  sign: unary('Sign'),
  floor: unary('Floor'),
  // ONNX's Round rounds halves to even, as dagrad's does.
  round: unary('Round'),
  log1p: (b, [x], n) => {
    const u = b.node('Add', [x, b.scalar(1, n.dtype)]);
    return nearZero(b, x, n, () => b.node('Log', [u]), (v) => b.node('Mul', [x, b.node('Div', [b.node('Log', [v]), b.node('Sub', [v, b.scalar(1, n.dtype)])])]), u);
  },
  expm1: (b, [x], n) => {
    const u = b.node('Exp', [x]);
    return nearZero(b, x, n, () => b.node('Sub', [u, b.scalar(1, n.dtype)]), (v) => b.node('Div', [b.node('Mul', [b.node('Sub', [v, b.scalar(1, n.dtype)]), x]), b.node('Log', [v])]), u);
  },
  cumsum: (b, [x], n) => {
    const { axis, exclusive, reverse } = n.attrs as { axis: number; exclusive: boolean; reverse: boolean };
    return b.node('CumSum', [x, b.constant([axis], 'int64', [])], { exclusive: exclusive ? 1 : 0, reverse: reverse ? 1 : 0 });
  },
  // -logSoftmax(x)[label] per row; ONNX Runtime refuses a label outside [0, C), as dagrad does.
  sparseSoftmaxCrossEntropyWithLogits: (b, [labels, x]) => {
    const idx = b.node('Unsqueeze', [b.node('Cast', [labels], { to: ELEM.int64 }), b.int64([-1])]);
    const picked = b.node('GatherElements', [b.node('LogSoftmax', [x], { axis: -1 }), idx], { axis: -1 });
    return b.node('Neg', [b.node('Squeeze', [picked, b.int64([-1])])]);
  },
  // NOTE: ONNX cannot stop a run: the exported value passes through unchecked.
  checkNumerics: unary('Identity'),
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  pow: binary('Pow'),
  sqrt: unary('Sqrt'),
  square: (b, [x]) => b.node('Mul', [x, x]),
  abs: unary('Abs'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  relu: (b, [x], n) => (n.dtype === 'int32' ? b.node('Max', [x, b.scalar(0, 'int32')]) : b.node('Relu', [x])),
  // NOTE: max(x, 0) + log1p(e^-|x|), as dagrad computes it: ONNX Runtime's double Softplus overflows at 1000.
  softplus: (b, [x]) => b.node('Add', [b.node('Relu', [x]), softplusOfMinusAbs(b, x)]),
  maximum: binary('Max'),
  minimum: binary('Min'),
  // dagrad's condition is any number (nonzero is true, NaN too); ONNX's is bool.
  where: (b, [c, x, y]) => b.node('Where', [b.node('Cast', [c], { to: ELEM.bool }), x, y]),
  greater: compare('Greater'),
  greaterEqual: compare('GreaterOrEqual'),
  less: compare('Less'),
  lessEqual: compare('LessOrEqual'),
  equal: compare('Equal'),
  matmul: (b, [x, y], n) => {
    const [a, c] = n.inputs;
    const { transposeA, transposeB } = n.attrs as { transposeA: boolean; transposeB: boolean };
    return b.node('MatMul', [transposeA ? swapLast(b, x, a.rank) : x, transposeB ? swapLast(b, y, c.rank) : y]);
  },
  transpose: (b, [x], n) => b.node('Transpose', [x], { perm: (n.attrs as { perm: number[] }).perm }),
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  max: reduce('ReduceMax'),
  prod: reduce('ReduceProd'),
  min: reduce('ReduceMin'),
  argmax: (b, [x], n) => b.node('Cast', [b.node('ArgMax', [x], { axis: (n.attrs as { axis: number }).axis, keepdims: 0 })], { to: ELEM.int32 }),
  size: (b, [x], n) => {
    const dims = b.node('Gather', [b.shapeOf(x), b.int64((n.attrs as { axes: number[] }).axes)]);
    return b.node('Cast', [b.node('ReduceProd', [dims], { keepdims: 0 })], { to: ELEM[n.dtype] });
  },
  reshape: (b, [x], n) => b.node('Reshape', [x, b.int64((n.attrs as { shape: number[] }).shape)], { allowzero: 1 }),
  broadcastTo: (b, [x], n) => b.node('Expand', [x, b.int64((n.attrs as { shape: number[] }).shape)]),
  broadcastLike: (b, [x, like]) => b.node('Expand', [x, b.shapeOf(like)]),
  // Leading axes go statically; then every axis where `like` is 1 when the model runs is summed
  // (keeping it): summing an axis that is already 1 changes nothing.
  sumLike: (b, [g, like], n) => {
    const lead = n.inputs[0].rank - n.inputs[1].rank;
    const r = lead > 0 ? b.node('ReduceSum', [g, b.int64(Array.from({ length: lead }, (_, i) => i))], { keepdims: 0 }) : g;
    const ones = b.node('Equal', [b.shapeOf(like), b.int64([1])]);
    const axes = b.node('Reshape', [b.node('NonZero', [ones]), b.int64([-1])]);
    return b.node('ReduceSum', [r, axes], { keepdims: 1, noop_with_empty_axes: 1 });
  },
  expandDims: (b, [x], n) => {
    const { axes } = n.attrs as { axes: number[] };
    return axes.length === 0 ? b.node('Identity', [x]) : b.node('Unsqueeze', [x, b.int64(axes)]);
  },
  // NOTE: ONNX's Squeeze without axes removes every 1; dagrad's with none removes nothing.
  squeeze: (b, [x], n) => {
    const { axes } = n.attrs as { axes: number[] };
    return axes.length === 0 ? b.node('Identity', [x]) : b.node('Squeeze', [x, b.int64(axes)]);
  },
  concat: (b, xs, n) => b.node('Concat', xs, { axis: (n.attrs as { axis: number }).axis }),
  slice: (b, [x], n) => {
    const { begin, end } = n.attrs as { begin: number[]; end: (number | null)[] };
    const axes = begin.flatMap((k, i) => (k === 0 && end[i] === null ? [] : [i]));
    if (axes.length === 0) return b.node('Identity', [x]);
    return b.node('Slice', [x, b.int64(axes.map((i) => begin[i])), b.int64(axes.map((i) => end[i] ?? END)), b.int64(axes)]);
  },
  pad: (b, [x], n) => {
    const { before, after, value } = n.attrs as { before: number[]; after: number[]; value: number };
    return b.node('Pad', [x, b.int64([...before, ...after]), b.scalar(value, n.dtype)], { mode: 'constant' });
  },
  gather: (b, [p, i], n) => b.node('Gather', [p, i], { axis: (n.attrs as { axis: number }).axis }),
  // ONNX's ScatterND adds along the leading axes: move `axis` (in the output) and the indices' axes
  // (in the updates) to the front, scatter into zeros, move them back.
  scatterAdd: (b, [u, i, like], n) => {
    const { axis } = n.attrs as { axis: number };
    const r = n.rank, q = n.inputs[1].rank;
    const toFront = [axis, ...Array.from({ length: r }, (_, k) => k).filter((k) => k !== axis)];
    const uFront = [...Array.from({ length: q }, (_, k) => axis + k), ...Array.from({ length: axis }, (_, k) => k), ...Array.from({ length: r - axis - 1 }, (_, k) => axis + q + k)];
    const zeros = filled(b, 0, axis === 0 ? b.shapeOf(like) : b.node('Gather', [b.shapeOf(like), b.int64(toFront)]), n.dtype);
    const idx = b.node('Unsqueeze', [b.node('Cast', [i], { to: ELEM.int64 }), b.int64([-1])]);
    const upd = axis === 0 ? u : b.node('Transpose', [u], { perm: uFront });
    const out = b.node('ScatterND', [zeros, idx, upd], { reduction: 'add' });
    if (axis === 0) return out;
    const back = toFront.map((_, k) => toFront.indexOf(k));
    return b.node('Transpose', [out], { perm: back });
  },
  softmax: (b, [x], n) => b.node('Softmax', [x], { axis: (n.attrs as { axis: number }).axis }),
  logSoftmax: (b, [x], n) => b.node('LogSoftmax', [x], { axis: (n.attrs as { axis: number }).axis }),
  // NOTE: max(x, 0) - x z + log1p(e^-|x|), as dagrad computes it: finite at logits of +-1000.
  sigmoidCrossEntropyWithLogits: (b, [z, x]) =>
    b.node('Add', [b.node('Sub', [b.node('Relu', [x]), b.node('Mul', [x, z])]), softplusOfMinusAbs(b, x)]),
  // NOTE: LogSoftmax shifts by the row's max, so logits of +-1000 stay finite.
  softmaxCrossEntropyWithLogits: (b, [z, x], n) => {
    const { axis } = n.attrs as { axis: number };
    const terms = b.node('Mul', [z, b.node('LogSoftmax', [x], { axis })]);
    return b.node('Neg', [b.node('ReduceSum', [terms, b.int64([axis])], { keepdims: 0 })]);
  },
  // An index outside [0, depth) matches no position, so its row is all `off`, as in dagrad.
  oneHot: (b, [i], n) => {
    const { depth, on, off, dtype } = n.attrs as { depth: number; on: number; off: number; dtype: DType };
    const positions = b.constant(Array.from({ length: depth }, (_, k) => k), 'int32', [depth]);
    const hit = b.node('Equal', [b.node('Unsqueeze', [i, b.int64([-1])]), positions]);
    return b.node('Where', [hit, b.scalar(on, dtype), b.scalar(off, dtype)]);
  },
  cast: (b, [x], n) => b.node('Cast', [x], { to: ELEM[n.dtype] }),
  identity: unary('Identity'),
  stopGradient: unary('Identity'),
  onesLike: (b, [x], n) => filled(b, 1, b.shapeOf(x), n.dtype),
  zerosLike: (b, [x], n) => filled(b, 0, b.shapeOf(x), n.dtype),
  addN: (b, xs, n) => (xs.length === 1 ? b.node('Identity', xs) : n.dtype === 'int32' ? xs.slice(1).reduce((acc, x) => b.node('Add', [acc, x]), xs[0]) : b.node('Sum', xs)),
  // The new value of the variable; the exporter makes it a graph output.
  assign: (b, [v, x], n) => (sameShape(n.inputs[1], n) ? b.node('Identity', [x]) : b.node('Expand', [x, b.int64(n.shape as number[])])),
  assignAdd: (b, [v, x]) => b.node('Add', [v, x]),
  assignSub: (b, [v, x]) => b.node('Sub', [v, x]),
};

const sameShape = (a: Node, b: Node): boolean => a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);

export type { OnnxAttr };
