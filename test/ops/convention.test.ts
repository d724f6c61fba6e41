import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/graph/node.js';
import * as ops from '../../src/ops/index.js';

/**
 * The one calling convention (see the top of src/ops/index.ts), checked on every builder that
 * src/ops/index.ts exports:
 * - unary, binary, n-ary: the tensors (n-ary: a list of them, or more than two), then one optional
 *   options object;
 * - with-required-params: the tensors, then the op's required defining parameters, then options;
 * - named-args: one object holding the tensors by name (labels and logits), options beside them;
 * - name-first: placeholder and variable, whose required name comes first.
 * `positional` is the builder's count of required parameters (Function.length: the ones before the
 * first with a default). `leading` builds those arguments; the test then passes `{ name: 'q' }` as
 * the options (for named-args, inside the one object) and expects the result to be named 'q', so a
 * builder that takes its name positionally fails.
 */
type Kind = 'unary' | 'binary' | 'n-ary' | 'with-required-params' | 'named-args' | 'name-first';
interface Row {
  readonly kind: Kind;
  readonly positional: number;
  readonly leading: () => unknown[];
  /** Where the name lands when the builder returns more than one node. */
  readonly named?: (out: never) => Node[];
}

let uid = 0;
const p = (shape: (number | null)[], dtype: 'float32' | 'float64' | 'int32' = 'float64'): Node =>
  ops.placeholder(`conv_${uid++}`, shape, { dtype });
const m = () => p([2, 3]);
const v = () => ops.variable(`conv_v${uid++}`, [[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
const image = () => p([1, 4, 4, 2]);

const unary = (make: () => unknown = m): Row => ({ kind: 'unary', positional: 1, leading: () => [make()] });
const binary = (a: () => unknown = m, b: () => unknown = m): Row => ({ kind: 'binary', positional: 2, leading: () => [a(), b()] });
const required = (positional: number, leading: () => unknown[]): Row => ({ kind: 'with-required-params', positional, leading });

const TABLE: Record<string, Row> = {
  // elementwise, one tensor
  abs: unary(), exp: unary(), log: unary(), neg: unary(), relu: unary(), sigmoid: unary(), softplus: unary(),
  sqrt: unary(), square: unary(), tanh: unary(), identity: unary(), stopGradient: unary(),
  onesLike: unary(), zerosLike: unary(), sin: unary(), cos: unary(), erf: unary(), log1p: unary(), expm1: unary(),
  sign: unary(), floor: unary(), round: unary(), gelu: unary(), selu: unary(),
  // one tensor, options hold an optional parameter (alpha, ord, exclusive, ...)
  leakyRelu: unary(), elu: unary(), cumsum: unary(), norm: unary(), logSumExp: unary(), argmin: unary(), prod: unary(),
  // one tensor, options hold the axis/axes/perm
  sum: unary(), mean: unary(), max: unary(), min: unary(), argmax: unary(), size: unary(), squeeze: unary(() => p([2, 1])),
  transpose: unary(), softmax: unary(), logSoftmax: unary(), layerNorm: unary(), globalAvgPool2d: unary(image),
  // two tensors
  add: binary(), sub: binary(), mul: binary(), div: binary(), pow: binary(), maximum: binary(), minimum: binary(),
  greater: binary(), greaterEqual: binary(), less: binary(), lessEqual: binary(), equal: binary(),
  matmul: binary(m, () => p([3, 2])), broadcastLike: binary(() => p([3]), m), sumTo: binary(m, () => p([3])),
  gather: binary(m, () => p([2], 'int32')),
  assign: binary(v, m), assignAdd: binary(v, m), assignSub: binary(v, m),
  conv2d: binary(image, () => p([3, 3, 2, 2])), conv2dTranspose: binary(image, () => p([3, 3, 2, 2])),
  conv1d: binary(() => p([1, 5, 2]), () => p([3, 2, 2])),
  // lists, or more than two tensors
  addN: { kind: 'n-ary', positional: 1, leading: () => [[m(), m()]] },
  concat: { kind: 'n-ary', positional: 1, leading: () => [[m(), m()]] },
  group: { kind: 'n-ary', positional: 1, leading: () => [[ops.assign(v(), m())]] },
  where: { kind: 'n-ary', positional: 3, leading: () => [m(), m(), m()] },
  scatterAdd: { kind: 'n-ary', positional: 3, leading: () => [m(), p([2], 'int32'), m()] },
  batchNormalization: { kind: 'n-ary', positional: 3, leading: () => [m(), p([3]), p([3])] },
  // tensors, then required defining parameters
  reshape: required(2, () => [m(), [3, 2]]),
  broadcastTo: required(2, () => [p([3]), [2, 3]]),
  cast: required(2, () => [m(), 'float32']),
  expandDims: required(2, () => [m(), 0]),
  oneHot: required(2, () => [p([2], 'int32'), 3]),
  slice: required(3, () => [m(), [0, 1], [2, 2]]),
  pad: required(2, () => [m(), [[1, 0], [0, 1]]]),
  constant: required(1, () => [[1, 2]]),
  clip: required(3, () => [m(), -1, 1]),
  checkNumerics: required(2, () => [m(), 'loss']),
  maxPool2d: required(2, () => [image(), 2]),
  avgPool2d: required(2, () => [image(), 2]),
  dropout: required(2, () => [m(), 0.5]),
  randomUniform: required(1, () => [[2, 3]]),
  randomNormal: required(1, () => [[2, 3]]),
  moments: { ...required(2, () => [m(), 1]), named: (out: { mean: Node; variance: Node }) => [out.mean, out.variance] },
  // one object of named arguments
  softmaxCrossEntropyWithLogits: { kind: 'named-args', positional: 1, leading: () => [{ labels: m(), logits: m() }] },
  sigmoidCrossEntropyWithLogits: { kind: 'named-args', positional: 1, leading: () => [{ labels: m(), logits: m() }] },
  sparseSoftmaxCrossEntropyWithLogits: { kind: 'named-args', positional: 1, leading: () => [{ labels: p([2], 'int32'), logits: m() }] },
  // the required name first
  placeholder: { kind: 'name-first', positional: 2, leading: () => [[2, 3]] },
  variable: { kind: 'name-first', positional: 2, leading: () => [[1, 2]] },
};

type Builder = (...args: unknown[]) => unknown;
const builders = (Object.entries(ops) as [string, unknown][]).filter((e): e is [string, Builder] => typeof e[1] === 'function');

/** Calls a builder the convention's way, with `name` where its kind says the name goes. */
function call(fn: (...args: unknown[]) => unknown, row: Row, name: string | undefined): unknown {
  const lead = row.leading();
  switch (row.kind) {
    case 'named-args': return fn({ ...(lead[0] as object), ...(name === undefined ? {} : { name }) });
    case 'name-first': return fn(name ?? `conv_${uid++}`, ...lead);
    default: return name === undefined ? fn(...lead) : fn(...lead, { name });
  }
}

describe('the one calling convention', () => {
  it('every builder exported by src/ops/index.ts has a row, and every row a builder', () => {
    expect(builders.map(([k]) => k).filter((k) => !(k in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !builders.some(([b]) => b === k))).toEqual([]);
  });

  for (const [key, fn] of builders) {
    const row = TABLE[key];
    if (!row) continue;
    it(`${key} (${row.kind}) takes ${row.positional} required argument(s), then optional options`, () => {
      expect(fn.length).toBe(row.positional);
      // The options are optional: the leading arguments alone build a node.
      expect(call(fn, row, undefined)).toBeTruthy();
    });

    it(`${key}: { name: 'q' } ${row.kind === 'named-args' ? 'inside its one argument' : row.kind === 'name-first' ? '(its first argument)' : 'as the options'} names the result`, () => {
      const out = call(fn, row, 'q');
      const nodes = row.named ? row.named(out as never) : [out as Node];
      expect(nodes.map((n) => n.name)).toEqual(row.named ? ['q/mean', 'q/variance'] : ['q']);
    });
  }

  it('named-args builders refuse positional tensors, so labels and logits are never swapped silently', () => {
    const labels = m(), logits = m();
    const positional = ops.softmaxCrossEntropyWithLogits as unknown as (a: Node, b: Node) => Node;
    expect(() => positional(labels, logits)).toThrow(/softmaxCrossEntropyWithLogits: takes one object \{ labels, logits/);
  });
});
