import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { reduce, SUM, type Reducer } from '../../src/kernels/reduce.js';
import { Rng } from '../../src/graph/random.js';
import { LAYOUTS, makeArray, refReduce, size, type FloatType } from './reference.js';

const TYPES: readonly FloatType[] = [Float32Array, Float64Array];

/** Every sorted subset of the axes of a rank-r array. */
const subsets = (r: number): number[][] =>
  Array.from({ length: 1 << r }, (_, m) => Array.from({ length: r }, (_, d) => d).filter((d) => m & (1 << d)));

const MAX_AT: Reducer = { init: -Infinity, step: (acc, x) => Math.max(acc, x) };
/** Uses the position argument: a weighted sum sum_i (i + 1) x_i, so the visiting order shows. */
const WEIGHTED: Reducer = { init: 0, step: (acc, x, i) => acc + (i + 1) * x };
const MEAN: Reducer = { init: 0, step: (acc, x) => acc + x, finish: (acc, n) => acc / n };

const REDUCERS: readonly [string, Reducer][] = [['SUM', SUM], ['max', MAX_AT], ['position-weighted sum', WEIGHTED], ['mean (finish)', MEAN]];

describe('reduce matches the reference (row-major order, float64 accumulation) exactly', () => {
  for (const [name, r] of REDUCERS) {
    it(`${name}: every subset of axes, every input layout, f32 and f64, rank 0 to 3`, () => {
      const rng = new Rng(11);
      const shapes = [[], [1], [9], [4, 5], [3, 1, 4], [2, 3, 5], [7, 300]];
      for (const T of TYPES) {
        for (const shape of shapes) {
          for (const axes of subsets(shape.length)) {
            for (const layout of LAYOUTS) {
              const a = makeArray(rng, T, shape, layout);
              const nOut = size(shape.filter((_, d) => !axes.includes(d)));
              const out = ndarray(new T(nOut + 2), [nOut], [1], 1);
              const want = ndarray(new T(nOut), [nOut]);
              refReduce(want, a, axes, r);
              out.data.fill(99);
              reduce(out, a, axes, r);
              expect(Array.from(out.data.subarray(1, nOut + 1))).toEqual(Array.from(want.data));
              expect([out.data[0], out.data[nOut + 1]]).toEqual([99, 99]);
            }
          }
        }
      }
    });
  }

  it('the fast paths (last axis, leading axes, middle axis of contiguous data) agree with the reference', () => {
    const rng = new Rng(12);
    for (const T of TYPES) {
      const a = makeArray(rng, T, [6, 50, 40], 'contiguous');
      for (const axes of [[2], [1, 2], [0], [0, 1], [1], [0, 2], [0, 1, 2]]) {
        const nOut = size([6, 50, 40].filter((_, d) => !axes.includes(d)));
        const out = ndarray(new T(nOut), [nOut]), want = ndarray(new T(nOut), [nOut]);
        reduce(out, a, axes, SUM);
        refReduce(want, a, axes, SUM);
        expect(Array.from(out.data)).toEqual(Array.from(want.data));
      }
    }
  });

  it('an empty reduced axis gives the reducer init (finished with count 0); an empty kept axis writes nothing', () => {
    const a = ndarray(new Float64Array(0), [3, 0]);
    const out = ndarray(new Float64Array(3), [3]);
    reduce(out, a, [1], SUM);
    expect(Array.from(out.data)).toEqual([0, 0, 0]);
    reduce(out, a, [1], MEAN);
    expect(Array.from(out.data).every(Number.isNaN)).toBe(true);
    const untouched = ndarray(new Float64Array([7]), [1]);
    reduce(untouched, ndarray(new Float64Array(0), [0, 3]), [1], SUM);
    expect(untouched.data[0]).toBe(7);
  });

  it('float32 input is accumulated in float64: 2^24 + 1 + 1 is not lost', () => {
    const a = ndarray(new Float32Array([2 ** 24, 1, 1]), [3]);
    const out = ndarray(new Float64Array(1), []);
    reduce(out, a, [0], SUM);
    expect(out.data[0]).toBe(2 ** 24 + 2);
  });
});
