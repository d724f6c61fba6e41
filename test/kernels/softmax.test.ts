import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { bindSoftmax, softmaxInto } from '../../src/kernels/softmax.js';
import { Rng } from '../../src/graph/random.js';
import { kernelsFor, setWasmEnabled, wasmCalls, WasmArena } from '../../src/wasm/runtime.js';
import { indices, random, size, values, type FloatType } from './reference.js';

afterEach(() => setWasmEnabled(true));

const TYPES: readonly FloatType[] = [Float32Array, Float64Array];

/** The definition, lane by lane with get/set: max, float64 sum of exp in order, exp(x - m - log s). */
function refSoftmax(out: NdArray, x: NdArray, axis: number, log: boolean): void {
  const n = x.shape[axis];
  for (const i of indices(x.shape.map((d, k) => (k === axis ? 1 : d)))) {
    const at = (j: number) => i.map((v, k) => (k === axis ? j : v));
    let m = -Infinity, s = 0;
    for (let j = 0; j < n; j++) m = Math.max(m, x.get(...at(j)));
    for (let j = 0; j < n; j++) s += Math.exp(x.get(...at(j)) - m);
    const logS = Math.log(s);
    for (let j = 0; j < n; j++) out.set(...at(j), log ? x.get(...at(j)) - m - logS : Math.exp(x.get(...at(j)) - m - logS));
  }
}

/** Random logits in `arena` (or ordinary memory), with the extremes softmax must survive. */
function logits(rng: Rng, T: FloatType, shape: readonly number[], arena?: WasmArena): NdArray {
  const n = size(shape);
  const d = arena ? arena.alloc(T === Float32Array ? 'float32' : 'float64', n) : new T(n);
  d.set(random(rng, T, n, -8, 8));
  [1000, -1000, 0, -0, 88.5, -Infinity, 1e-30].forEach((v, i) => i * 5 < n && (d[i * 5] = v));
  return ndarray(d, shape.slice());
}

describe('softmax and log-softmax on arrays in a WebAssembly arena run in SIMD with the JavaScript bits', () => {
  it("the kernel's exp and log are V8's Math.exp and Math.log bit for bit (fdlibm's algorithms), special values included", () => {
    const n = 1 << 16;
    const arena = new WasmArena(16 * n + 1024);
    const x = arena.alloc('float64', n) as Float64Array, o = arena.alloc('float64', n) as Float64Array;
    const k = kernelsFor(arena.memory.buffer)!;
    const rng = new Rng(40);
    const bits = new Float64Array(1), words = new Uint32Array(bits.buffer);
    const anyBits = () => ((words[0] = rng.int(2 ** 32)), (words[1] = rng.int(2 ** 32)), bits[0]);
    const expRanges: (() => number)[] = [
      () => rng.uniform(-30, 0), () => rng.uniform(-750, 750), () => rng.uniform(-1.5, 1.5), () => rng.uniform(-1e-7, 1e-7),
      () => rng.uniform(-746, -700), () => rng.uniform(700, 710), anyBits,
    ];
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 709.78, 709.79, -745.13, -745.14, 2 ** -28, -(2 ** -28), 0.34657359, 1.0397, 5e-324, -708.4];
    for (const g of expRanges) {
      for (let i = 0; i < n; i++) x[i] = i < special.length ? special[i] : g();
      k.exp_f64(o.byteOffset, x.byteOffset, n);
      const wrong = [...Array(n).keys()].filter((i) => !Object.is(o[i], Math.exp(x[i]))).map((i) => x[i]);
      expect(wrong).toEqual([]);
    }
    const logRanges: (() => number)[] = [() => rng.uniform(1, 1000), () => Math.exp(rng.uniform(-700, 700)), () => 1 + rng.uniform(-1e-5, 1e-5), () => rng.uniform(0, 1e-310), anyBits];
    const logSpecial = [0, -0, 1, -1, Infinity, -Infinity, NaN, 2, 0.5, 5e-324, 1e308, 1 + 2 ** -52, 1 - 2 ** -53];
    for (const g of logRanges) {
      for (let i = 0; i < n; i++) x[i] = i < logSpecial.length ? logSpecial[i] : g();
      k.log_f64(o.byteOffset, x.byteOffset, n);
      const wrong = [...Array(n).keys()].filter((i) => !Object.is(o[i], Math.log(x[i]))).map((i) => x[i]);
      expect(wrong).toEqual([]);
    }
  });

  it('f32 and f64, softmax and log, an odd number of rows, one row, rows of 1 and 0, rank 3 folded into rows, in place, called and bound', () => {
    const rng = new Rng(41);
    const cases: [number[], number][] = [[[32, 10], 1], [[7, 13], 1], [[1, 40], 1], [[9, 1], 1], [[4, 0], 1], [[2, 3, 5], 2], [[6], 0], [[3, 1, 8], 2]];
    for (const T of TYPES) {
      for (const log of [false, true]) {
        for (const [shape, axis] of cases) {
          const arena = new WasmArena(24 * size(shape) + 4096);
          const x = logits(rng, T, shape, arena);
          const want = ndarray(new T(size(shape)), shape.slice());
          refSoftmax(want, x, axis, log);
          const out = ndarray(arena.alloc(T === Float32Array ? 'float32' : 'float64', size(shape)), shape.slice());
          const before = wasmCalls.softmax;
          softmaxInto(out, x, axis, log);
          expect(values(out), `${shape} axis ${axis} log ${log}`).toEqual(values(want));
          out.data.fill(0);
          const call = bindSoftmax(out, x, axis, log);
          call();
          expect(values(out)).toEqual(values(want));
          call(); // in place: x becomes its own softmax
          bindSoftmax(x, x, axis, log)();
          expect(values(x)).toEqual(values(want));
          expect(wasmCalls.softmax - before).toBe(4);
        }
      }
    }
  });

  it('falls back to JavaScript, with the same results, along a strided axis, for rows that do not fold or overlap, outside the arena and with WebAssembly off', () => {
    const rng = new Rng(42);
    const arena = new WasmArena(1 << 16);
    const x = logits(rng, Float32Array, [6, 10], arena);
    const outs = (shape: number[]) => ndarray(arena.alloc('float32', size(shape)), shape);
    const cases: [NdArray, NdArray, number][] = [
      [outs([6, 10]), x, 0], // along the rows: stride 10
      [outs([10, 6]).transpose(1, 0), x, 1], // output strided along the axis
      [ndarray(new Float32Array(60), [6, 10]), x, 1], // output in ordinary memory
      [outs([6, 10]), logits(rng, Float32Array, [6, 10]), 1], // input in ordinary memory
      [outs([2, 3, 10]).transpose(1, 0, 2), ndarray(x.data, [3, 2, 10], [10, 30, 1], x.offset), 2], // rows that do not fold into one axis
    ];
    const before = wasmCalls.softmax;
    for (const [out, input, axis] of cases) {
      const want = ndarray(new Float32Array(size(input.shape)), input.shape.slice());
      refSoftmax(want, input, axis, false);
      softmaxInto(out, input, axis, false);
      expect(values(out)).toEqual(values(want));
      bindSoftmax(out, input, axis, true)();
      refSoftmax(want, input, axis, true);
      expect(values(out)).toEqual(values(want));
    }
    setWasmEnabled(false);
    const out = outs([6, 10]), want = ndarray(new Float32Array(60), [6, 10]);
    refSoftmax(want, x, 1, false);
    softmaxInto(out, x, 1, false);
    expect(values(out)).toEqual(values(want));
    expect(wasmCalls.softmax).toBe(before);
  });
});
