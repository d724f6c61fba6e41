import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { broadcastView, toFlat, toNdArray, toNested } from '../../src/graph/tensor.js';
import { axisAttrs, broadcastShapes, checkAxis, normalizeAxes } from '../../src/graph/shape.js';

describe('toNdArray', () => {
  it('reads nested arrays row-major, float32 by default', () => {
    const a = toNdArray([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.get(1, 0)).toBe(4);
  });

  it('takes a typed array with a shape, and checks that they fit', () => {
    expect(toNdArray({ data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] }).get(1, 1)).toBe(4);
    expect(() => toNdArray({ data: new Float64Array(3), shape: [2, 2] })).toThrow('value: 3 values do not fill shape [2,2]');
  });

  it('makes a rank-0 array from a number', () => {
    const a = toNdArray(2.5, { dtype: 'float64' });
    expect(a.shape).toEqual([]);
    expect(toNested(a)).toBe(2.5);
  });

  it('copies a strided ndarray into contiguous row-major order', () => {
    const t = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0);
    expect(toNested(toNdArray(t))).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  it('refuses a silent cast and non-integers for int32', () => {
    expect(() => toNdArray(ndarray(new Float64Array(2), [2]), { dtype: 'float32' })).toThrow('dtype float64 does not match float32');
    expect(() => toNdArray([1, 2.5], { dtype: 'int32' })).toThrow('2.5 is not an integer');
  });
});

describe('shapes', () => {
  it('broadcasts NumPy-style, with unknown dimensions', () => {
    expect(broadcastShapes([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes([null, 3], [3])).toEqual([null, 3]);
    expect(broadcastShapes([null, 1], [1, 5])).toEqual([null, 5]);
    expect(() => broadcastShapes([2, 3], [4])).toThrow('shapes do not broadcast: [2,3] vs [4]');
  });

  it('normalises negative axes and rejects repeats and out-of-range axes', () => {
    expect(normalizeAxes([-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes(-1, [4, 5])).toEqual([1]);
    expect(normalizeAxes(undefined, 3)).toEqual([0, 1, 2]);
    expect(() => normalizeAxes([3], 3)).toThrow('axis 3 is out of range [-3, 3) for rank 3');
    expect(() => normalizeAxes([-3], [2, 3])).toThrow('axis -3 is out of range [-2, 2) for [2,3]');
    expect(() => normalizeAxes([0.5], 3)).toThrow('axis 0.5 is out of range [-3, 3) for rank 3');
    expect(() => normalizeAxes(0, [])).toThrow('axis 0 is out of range (an array of rank 0 has no axes) for []');
    expect(() => normalizeAxes([1, -2], 3)).toThrow('axis -2 is repeated');
  });

  it('normalises one axis attribute for a builder, and checks it in a shape rule', () => {
    expect(axisAttrs(-1)([{ shape: [2, 3] }])).toEqual({ axis: 1 });
    expect(axisAttrs(-3, 1)([{ shape: [2] }, { shape: [4, 5, 6] }])).toEqual({ axis: 0 });
    expect(() => axisAttrs(2)([{ shape: [2, 3] }])).toThrow('axis 2 is out of range [-2, 2) for [2,3]');
    expect(checkAxis(1, [2, 3])).toBe(1);
    // a rule takes axes as builders leave them: never negative
    expect(() => checkAxis(-1, [2, 3])).toThrow('axis -1 is out of range [0, 2) for [2,3]');
    expect(() => checkAxis(2, 2)).toThrow('axis 2 is out of range [0, 2) for rank 2');
  });

  it('makes broadcast views with stride 0, no copy', () => {
    const a = ndarray(new Float64Array([1, 2, 3]), [3]);
    const v = broadcastView(a, [2, 3]);
    expect(v.data).toBe(a.data);
    expect(v.stride).toEqual([0, 1]);
    expect(toFlat(v)).toEqual([1, 2, 3, 1, 2, 3]);
  });
});
