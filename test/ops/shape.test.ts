import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { gradients } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { evaluate } from '../../src/session/session.js';
import { ShapeError } from '../../src/graph/shape.js';
import { toNested, type NestedArray } from '../../src/graph/tensor.js';
import { apply } from '../../src/graph/apply.js';
import { Argmax, argmax } from '../../src/ops/argmax.js';
import { concat } from '../../src/ops/concat.js';
import { softmaxCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { logSoftmax } from '../../src/ops/logSoftmax.js';
import { Softmax, softmax } from '../../src/ops/softmax.js';
import { constant } from '../../src/graph/constant.js';
import { gather } from '../../src/ops/gather.js';
import { mul } from '../../src/ops/mul.js';
import { pad } from '../../src/ops/pad.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { scatterAdd } from '../../src/ops/scatterAdd.js';
import { slice } from '../../src/ops/slice.js';

let uid = 0;
const input = (shape: (number | null)[], dtype: DType = 'float64', name = `sh_${uid++}`): Node => placeholder(name, shape, { dtype });
const run = (fetch: Node, feeds: [Node, NestedArray][]): NestedArray => toNested(evaluate(fetch, feeds));
const M23 = [[1, 2, 3], [4, 5, 6]];

describe('concat', () => {
  it('joins along an axis, negative ones included', () => {
    const a = input([2, 3]), b = input([2, 1]);
    expect(run(concat([a, b], { axis: -1 }), [[a, M23], [b, [[7], [8]]]])).toEqual([[1, 2, 3, 7], [4, 5, 6, 8]]);
    expect(run(concat([a, a], { axis: 0 }), [[a, M23]])).toEqual([...M23, ...M23]);
  });

  it('sends each input the slice of the gradient where it sits (an input used twice gets both)', () => {
    const a = input([1, 2]), b = input([1, 1]);
    const w = constant([[1, 2, 3, 4, 5]], { dtype: 'float64' });
    const [ga, gb] = gradients(mul(concat([a, b, a], { axis: 1 }), w), [a, b]);
    const feeds: [Node, NestedArray][] = [[a, [[0, 0]]], [b, [[0]]]];
    expect(run(ga, feeds)).toEqual([[1 + 4, 2 + 5]]);
    expect(run(gb, feeds)).toEqual([[3]]);
  });

  it('names the op, the node and the shapes when the other dimensions differ', () => {
    const a = input([2, 3]), b = input([3, 3]);
    expect(() => concat([a, b], { axis: 1, name: 'joined' })).toThrow(ShapeError);
    expect(() => concat([a, b], { axis: 1, name: 'joined' })).toThrow("concat 'joined': cannot join [2,3], [3,3] along axis 1: sizes differ on axis 0");
  });

  it('names the op, the node and the shapes for differing ranks and a bad axis', () => {
    expect(() => concat([input([2, 3]), input([3])], { axis: 0, name: 'r' })).toThrow("concat 'r': cannot join [2,3], [3] along axis 0: ranks differ");
    expect(() => concat([input([2, 3])], { axis: 2, name: 'ax' })).toThrow("concat 'ax': axis 2 is out of range [-2, 2) for [2,3]");
  });

  it('checks unknown dimensions when the run supplies them', () => {
    const a = input([null, 3], 'float64', 'left'), b = input([2, 3]);
    const y = concat([a, b], { axis: 1, name: 'late' });
    expect(y.shape).toEqual([2, 6]);
    expect(() => evaluate(y, [[a, [[1, 2, 3]]], [b, M23]])).toThrow("concat 'late': cannot join [1,3], [2,3] along axis 1: sizes differ on axis 0");
  });

  it('cannot place a gradient between two unknown sizes, and says so', () => {
    const a = input([null, 2]), b = input([2, 2]);
    const y = concat([a, b, a], { axis: 0, name: 'three' });
    expect(() => gradients(y, [a])).toThrow("concat 'three': the gradient of input 0 has no static place along axis 0: [null,2], [2,2], [null,2]");
  });
});

describe('slice and pad', () => {
  it('slices a box; size -1 takes the rest of the axis', () => {
    const x = input([2, 3]);
    expect(run(slice(x, [0, 1], [2, -1]), [[x, M23]])).toEqual([[2, 3], [5, 6]]);
    expect(run(slice(x, [1, 0], [1, 2]), [[x, M23]])).toEqual([[4, 5]]);
  });

  it('pads the gradient back with zeros', () => {
    const x = input([2, 3]);
    const [g] = gradients(mul(slice(x, [0, 1], [2, 1]), constant([[10], [20]], { dtype: 'float64' })), [x]);
    expect(run(g, [[x, M23]])).toEqual([[0, 10, 0], [0, 20, 0]]);
  });

  it('names the op, the node and the shape when the box does not fit', () => {
    const x = input([2, 3]);
    expect(() => slice(x, [1, 1], [2, 1], { name: 'box' })).toThrow("slice 'box': cannot take [1:3, 1:2] of [2,3]");
    expect(() => slice(x, [0], [1], { name: 'short' })).toThrow("slice 'short': cannot take [0:1] of [2,3]");
    expect(() => slice(x, [0, -1], [1, 1], { name: 'neg' })).toThrow('slice \'neg\': begin [0,-1] and size [1,1] must be integers, begin >= 0, size >= -1 (on [2,3])');
  });

  it('checks an unknown dimension when the run supplies it', () => {
    const x = input([null, 3], 'float64', 'rows');
    const y = slice(x, [1, 0], [2, -1], { name: 'late' });
    expect(y.shape).toEqual([2, 3]);
    expect(() => evaluate(y, [[x, M23]])).toThrow("slice 'late': cannot take [1:3, 0:] of [2,3]");
  });

  it('cannot pad back a fixed-size slice of an unknown axis, and says how to fix it', () => {
    const x = input([null, 3]);
    expect(() => gradients(slice(x, [0, 0], [2, -1], { name: 'head' }), [x])).toThrow(/slice 'head': cannot pad the gradient back to \[null,3\]: axis 0 is unknown/);
  });

  it('pads with a constant; its gradient is the slice where the input sits', () => {
    const x = input([1, 2]);
    const y = pad(x, [[1, 0], [0, 2]], { value: 9 });
    expect(run(y, [[x, [[1, 2]]]])).toEqual([[9, 9, 9, 9], [1, 2, 9, 9]]);
    const w = constant([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: 'float64' });
    const [g] = gradients(mul(y, w), [x]);
    expect(run(g, [[x, [[1, 2]]]])).toEqual([[5, 6]]);
  });

  it('rejects paddings that do not fit, naming the node', () => {
    expect(() => pad(input([2]), [[1, 1], [0, 0]], { name: 'p' })).toThrow("pad 'p': paddings [[1,1],[0,0]] do not fit [2]");
  });
});

describe('gather and scatterAdd', () => {
  it('picks rows by int32 index, repeats allowed', () => {
    const p = input([3, 2]), i = input([4], 'int32');
    expect(run(gather(p, i), [[p, [[1, 2], [3, 4], [5, 6]]], [i, [2, 0, 2, 1]]])).toEqual([[5, 6], [1, 2], [5, 6], [3, 4]]);
  });

  it('picks along another axis with many-dimensional indices', () => {
    const p = input([2, 3]), i = input([2, 2], 'int32');
    expect(run(gather(p, i, { axis: -1 }), [[p, M23], [i, [[2, 0], [1, 1]]]])).toEqual([[[3, 1], [2, 2]], [[6, 4], [5, 5]]]);
  });

  it('sums the gradients of a repeated index (scatter-add), and gives none to the indices', () => {
    const p = input([3, 2]), i = input([3], 'int32');
    const [g] = gradients(gather(p, i), [p]);
    expect(run(g, [[p, [[0, 0], [0, 0], [0, 0]]], [i, [2, 0, 2]]])).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it('reports an index out of range with the op, the node, the index and the size', () => {
    const p = input([5, 3]), i = input([2], 'int32');
    const y = gather(p, i, { axis: 0, name: 'embed' });
    const table = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]];
    expect(() => evaluate(y, [[p, table], [i, [1, 7]]])).toThrow("gather 'embed': index 7 is out of range [0, 5) for axis 0 of [5,3]");
    expect(() => evaluate(y, [[p, table], [i, [-1, 0]]])).toThrow("gather 'embed': index -1 is out of range [0, 5) for axis 0 of [5,3]");
  });

  it('rejects float indices before running', () => {
    expect(() => gather(input([5, 3]), input([2]), { axis: 0, name: 'g' })).toThrow("gather 'g': indices [2] are float64, not int32");
  });

  it('scatterAdd adds updates into zeros shaped like its third input', () => {
    const u = input([3, 2]), i = input([3], 'int32'), like = input([4, 2]);
    const y = scatterAdd(u, i, like);
    const out = run(y, [[u, [[1, 2], [3, 4], [5, 6]]], [i, [3, 0, 3]], [like, [[9, 9], [9, 9], [9, 9], [9, 9]]]]);
    expect(out).toEqual([[3, 4], [0, 0], [0, 0], [6, 8]]);
  });

  it('scatterAdd names the node and the shapes when updates do not fit', () => {
    expect(() => scatterAdd(input([3, 2]), input([2], 'int32'), input([4, 2]), { axis: 0, name: 's' })).toThrow(
      "scatterAdd 's': updates [3,2] do not fit indices [2] into [4,2] along axis 0 (expected [2,2])",
    );
  });
});

describe('axis attributes', () => {
  it('every builder along one axis takes negative axes and names the node and the shape for one out of range', () => {
    const x = input([2, 3]), i = input([2], 'int32');
    expect(argmax(x, { axis: -2 }).attrs).toEqual({ axis: 0 });
    expect(softmax(x, { axis: -1 }).attrs).toEqual({ axis: 1 });
    expect(gather(x, i, { axis: -1 }).shape).toEqual([2, 2]);
    expect(scatterAdd(input([2, 2]), i, x, { axis: -1 }).attrs).toEqual({ axis: 1 });
    expect(softmaxCrossEntropyWithLogits({ labels: x, logits: x, axis: -2 }).shape).toEqual([3]);
    const bad: [string, () => Node][] = [
      ['argmax', () => argmax(x, { axis: 2, name: 'n' })],
      ['concat', () => concat([x, x], { axis: -3, name: 'n' })],
      ['gather', () => gather(x, i, { axis: 2, name: 'n' })],
      ['scatterAdd', () => scatterAdd(x, i, x, { axis: 5, name: 'n' })],
      ['softmax', () => softmax(x, { axis: 2, name: 'n' })],
      ['logSoftmax', () => logSoftmax(x, { axis: -3, name: 'n' })],
      ['softmaxCrossEntropyWithLogits', () => softmaxCrossEntropyWithLogits({ labels: x, logits: x, axis: 2, name: 'n' })],
    ];
    for (const [op, build] of bad) expect(build).toThrow(new RegExp(`^${op} 'n': axis -?\\d is out of range \\[-2, 2\\) for \\[2,3\\]$`));
  });

  it('a shape rule given an axis its builder would have normalised refuses it, naming the node', () => {
    expect(() => apply(Softmax, [input([2, 3])], { axis: -1 }, 'raw')).toThrow("softmax 'raw': axis -1 is out of range [0, 2) for [2,3]");
    expect(() => apply(Argmax, [input([4])], { axis: 1 }, 'raw')).toThrow("argmax 'raw': axis 1 is out of range [0, 1) for [4]");
  });
});
