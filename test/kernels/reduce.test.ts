import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import { bindReduce, reduce, SUM, type Reducer } from '../../src/kernels/reduce.js';
import { setWasmEnabled, wasmCalls, WasmArena } from '../../src/wasm/runtime.js';
import { Rng } from '../../src/graph/random.js';
import { LAYOUTS, makeArray, refReduce, size, values, type FloatType } from './reference.js';

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
    it(`${name}: every subset of axes, every input layout, f32 and f64, rank 0 to 3, called and bound`, () => {
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
              // bound once (as a plan binds it), then called twice
              const call = bindReduce(out, a, axes, r);
              out.data.fill(99);
              call();
              call();
              expect(Array.from(out.data.subarray(1, nOut + 1))).toEqual(Array.from(want.data));
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

describe('sums over leading axes of arrays in a WebAssembly arena run as SIMD column sums, with the reference bits', () => {
  /** `src` copied into the arena, viewed with its shape, strides and offset. */
  const place = (arena: WasmArena, src: NdArray): NdArray => {
    const dtype = src.data instanceof Float32Array ? 'float32' : 'float64';
    const d = arena.alloc(dtype, (src.data as Float32Array).length);
    d.set(src.data as Float32Array);
    return ndarray(d, src.shape.slice(), src.stride.slice(), src.offset);
  };

  it('f32 and f64, column counts around the 8-wide block and its pairs, rank 3, rows of a wider array, in place of the forward and bound by the plan', () => {
    const rng = new Rng(13);
    const cases: [number[], number[], 'contiguous' | 'offset'][] = [
      [[32, 128], [0], 'contiguous'], [[5, 3], [0], 'offset'], [[7, 9], [0], 'contiguous'], [[3, 17], [0], 'contiguous'],
      [[2, 8], [0], 'offset'], [[300, 33], [0], 'contiguous'], [[2, 3, 10], [0, 1], 'contiguous'], [[4, 5, 6], [0], 'offset'], [[0, 5], [0], 'contiguous'],
    ];
    for (const T of TYPES) {
      for (const [shape, axes, layout] of cases) {
        const arena = new WasmArena(16 * size(shape) + 4096);
        const a = place(arena, makeArray(rng, T, shape, layout, -1e3, 1e3));
        const nOut = size(shape.filter((_, d) => !axes.includes(d)));
        const dtype = T === Float32Array ? 'float32' : 'float64';
        const out = ndarray(arena.alloc(dtype, nOut), [nOut]), bound = ndarray(arena.alloc(dtype, nOut), [nOut]);
        const want = ndarray(new T(nOut), [nOut]);
        refReduce(want, a, axes, SUM);
        const before = wasmCalls.reduce;
        reduce(out, a, axes, SUM);
        bindReduce(bound, a, axes, SUM)();
        expect(wasmCalls.reduce - before, `${shape}`).toBe(2);
        expect(Array.from(out.data), `${shape}`).toEqual(Array.from(want.data));
        expect(Array.from(bound.data)).toEqual(Array.from(want.data));
      }
    }
    // the first 30 columns of [12, 40] rows: a row stride wider than the sums
    const arena = new WasmArena(1 << 16);
    const wide = place(arena, makeArray(rng, Float32Array, [12, 40], 'contiguous')).hi(12, 30);
    const out = ndarray(arena.alloc('float32', 30), [30]), want = ndarray(new Float32Array(30), [30]);
    refReduce(want, wide, [0], SUM);
    reduce(out, wide, [0], SUM);
    expect(Array.from(out.data)).toEqual(Array.from(want.data));
  });

  it('float32 columns are summed in float64 (2^24 + 1 + 1 is not lost), from +0 as JavaScript does (-0 + -0 sums to +0)', () => {
    const arena = new WasmArena(1 << 16);
    const a = ndarray(arena.alloc('float32', 3 * 9), [3, 9]);
    for (let j = 0; j < 9; j++) [2 ** 24, 1, 1].forEach((v, i) => a.set(i, j, j === 5 ? -0 : v));
    const out = ndarray(arena.alloc('float32', 9), [9]);
    const before = wasmCalls.reduce;
    reduce(out, a, [0], SUM);
    expect(wasmCalls.reduce).toBe(before + 1);
    expect(Array.from(out.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((j) => (j === 5 ? 0 : 2 ** 24 + 2)));
    expect(Object.is(out.data[5], 0)).toBe(true);
  });

  it('falls back to JavaScript for flipped rows, an output in other memory or over the input, reducers other than sum, and with WebAssembly off', () => {
    const rng = new Rng(14);
    const arena = new WasmArena(1 << 16);
    const a = place(arena, makeArray(rng, Float32Array, [16, 12], 'contiguous'));
    const flipped = a.step(-1, 1);
    const inArena = ndarray(arena.alloc('float32', 12), [12]);
    const over = ndarray(a.data, [12], [1], a.offset + 12 * 15); // the input's last row
    const want = ndarray(new Float32Array(12), [12]);
    refReduce(want, a, [0], SUM);
    const before = wasmCalls.reduce;
    reduce(inArena, flipped, [0], SUM);
    const refFlipped = ndarray(new Float32Array(12), [12]);
    refReduce(refFlipped, flipped, [0], SUM);
    expect(Array.from(inArena.data)).toEqual(Array.from(refFlipped.data));
    const outside = ndarray(new Float32Array(12), [12]);
    reduce(outside, a, [0], SUM);
    expect(Array.from(outside.data)).toEqual(Array.from(want.data));
    reduce(inArena, a, [0], MEAN);
    setWasmEnabled(false);
    reduce(inArena, a, [0], SUM);
    setWasmEnabled(true);
    expect(Array.from(inArena.data)).toEqual(Array.from(want.data));
    // JavaScript reads every row before it writes the sums over the last one
    bindReduce(over, a, [0], SUM)();
    expect(values(over)).toEqual(Array.from(want.data));
    expect(wasmCalls.reduce).toBe(before);
  });
});
