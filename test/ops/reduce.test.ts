import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { evaluate, Session } from '../../src/session/session.js';
import { toFlat, toNested, type NestedArray } from '../../src/graph/tensor.js';
import { argmax } from '../../src/ops/argmax.js';
import { cast } from '../../src/ops/cast.js';
import { constant } from '../../src/graph/constant.js';
import { max } from '../../src/ops/max.js';
import { mean } from '../../src/ops/mean.js';
import { min } from '../../src/ops/min.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { Size, size } from '../../src/ops/size.js';

let uid = 0;
const input = (shape: (number | null)[], dtype: DType = 'float64'): Node => placeholder(`red_${uid++}`, shape, { dtype });
const value = (fetch: Node, x: Node, v: NestedArray): NestedArray => toNested(evaluate(fetch, [[x, v]]));

describe('mean', () => {
  it('averages over axes, negative ones included, with keepDims', () => {
    const x = input([2, 3]);
    const v = [[1, 2, 6], [4, 5, 9]];
    expect(value(mean(x), x, v)).toBe(4.5);
    expect(value(mean(x, { axes: -1 }), x, v)).toEqual([3, 6]);
    expect(value(mean(x, { axes: 0, keepDims: true }), x, v)).toEqual([[2.5, 3.5, 7.5]]);
  });

  it('counts an unknown batch at run time: the same graph averages 2 rows, then 4', () => {
    const x = input([null, 2]);
    const m = mean(x, { axes: 0 });
    const [g] = gradients(m, [x]);
    const sess = new Session();
    expect(toNested(sess.run(m, [[x, [[1, 2], [3, 6]]]]))).toEqual([2, 4]);
    expect(toNested(sess.run(g, [[x, [[1, 2], [3, 6]]]]))).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    expect(toNested(sess.run(m, [[x, [[1, 2], [3, 6], [5, 1], [7, 3]]]]))).toEqual([4, 3]);
    expect(toFlat(sess.run(g, [[x, [[1, 2], [3, 6], [5, 1], [7, 3]]]]))).toEqual(new Array(8).fill(0.25));
  });

  it('size is a constant when the dimensions are known, a run-time count when not', () => {
    expect(size(input([4, 3]), { axes: 0 }).op.name).toBe('constant');
    const x = input([null, 3]);
    const n = size(x, { axes: [0, 1] });
    expect(n.op).toBe(Size);
    expect(value(n, x, [[1, 2, 3], [4, 5, 6]])).toBe(6);
  });

  it('keeps float32 sums exact to float32 precision (accumulates in float64)', () => {
    const x = input([1001], 'float32');
    const v = [1e8, ...new Array(1000).fill(1)];
    expect(value(mean(x), x, v)).toBe(Math.fround((1e8 + 1000) / 1001));
  });
});

describe('max and min', () => {
  it('reduce over axes with keepDims', () => {
    const x = input([2, 3]);
    const v = [[1, 7, -2], [4, 0, 5]];
    expect(value(max(x, { axes: -1 }), x, v)).toEqual([7, 5]);
    expect(value(min(x, { axes: 0, keepDims: true }), x, v)).toEqual([[1, 0, -2]]);
    expect(value(max(x), x, v)).toBe(7);
    expect(value(min(x), x, v)).toBe(-2);
  });

  it('propagate NaN, as NumPy does', () => {
    const x = input([3]);
    expect(value(max(x), x, [1, NaN, 3])).toBeNaN();
    expect(value(min(x), x, [NaN, 1, 3])).toBeNaN();
  });

  it('send the gradient to the arg-extreme position', () => {
    const x = input([2, 3]);
    const [gMax] = gradients(max(x, { axes: 1 }), [x]);
    const [gMin] = gradients(min(x, { axes: 1 }), [x]);
    const v = [[1, 7, -2], [4, 0, 5]];
    expect(value(gMax, x, v)).toEqual([[0, 1, 0], [0, 0, 1]]);
    expect(value(gMin, x, v)).toEqual([[0, 0, 1], [0, 1, 0]]);
  });

  it('split the gradient evenly among tied elements, in reverse and forward mode', () => {
    const x = input([4]);
    const [gMax] = gradients(max(x), [x]);
    const [gMin] = gradients(min(x), [x]);
    expect(value(gMax, x, [3, 1, 3, 2])).toEqual([0.5, 0, 0.5, 0]);
    expect(value(gMin, x, [1, 2, 1, 1])).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    const [tMax] = jvp(max(x), [x], [constant([1, 5, 3, 7], { dtype: 'float64' })]);
    expect(value(tMax, x, [3, 1, 3, 2])).toBe(2);
  });

  it('split a tie per reduced row only', () => {
    const x = input([2, 2]);
    const [g] = gradients(max(x, { axes: -1 }), [x]);
    expect(value(g, x, [[4, 4], [1, 2]])).toEqual([[0.5, 0.5], [0, 1]]);
  });
});

describe('argmax', () => {
  it('gives int32 indices along an axis; ties go to the first', () => {
    const x = input([2, 3]);
    const v = [[1, 5, 3], [7, 2, 7]];
    const out = evaluate(argmax(x), [[x, v]]);
    expect(out.data).toBeInstanceOf(Int32Array);
    expect(toNested(out)).toEqual([1, 0]);
    expect(value(argmax(x, { axis: 0 }), x, v)).toEqual([1, 0, 1]);
  });

  it('treats NaN as the largest, as NumPy does', () => {
    const x = input([4]);
    expect(value(argmax(x), x, [1, NaN, 5, NaN])).toBe(1);
  });

  it('passes no gradient or tangent: its output is piecewise constant', () => {
    const x = input([3]);
    const y = cast(argmax(x), 'float64');
    const [g] = gradients(y, [x]);
    const [t] = jvp(y, [x], [constant([1, 1, 1], { dtype: 'float64' })]);
    expect(value(g, x, [1, 3, 2])).toEqual([0, 0, 0]);
    expect(value(t, x, [1, 3, 2])).toBe(0);
  });

  it('rejects an empty axis and an axis out of range, naming the node and the shape', () => {
    expect(() => argmax(input([2, 0]), { axis: -1, name: 'am' })).toThrow("argmax 'am': axis 1 of [2,0] is empty");
    expect(() => argmax(input([2, 3]), { axis: 2, name: 'am2' })).toThrow("argmax 'am2': axis 2 is out of range [-2, 2) for [2,3]");
  });
});
