import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/graph/random.js';
import { SigmoidCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { Sigmoid } from '../../src/ops/sigmoid.js';
import { kernelsFor, setWasmEnabled, wasmCalls, WasmArena } from '../../src/wasm/runtime.js';

afterEach(() => setWasmEnabled(true));

/** Distance in units in the last place between two non-negative floats of one width (0 when both are NaN). */
function ulps(a: number, b: number, width: 32 | 64): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (width === 32) {
    const i = new Int32Array(new Float32Array([a, b]).buffer);
    return Math.abs(i[0] - i[1]);
  }
  const i = new BigInt64Array(new Float64Array([a, b]).buffer);
  return Number(i[0] > i[1] ? i[0] - i[1] : i[1] - i[0]);
}

/** Values that reach every branch: signs, zeros, tiny, large, the clamp at -708, infinities, NaN. */
function logits(rng: Rng, n: number): Float32Array {
  const special = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 1, -1, 30, -30, 88, -88, 104, -104, 708, -708, 1000, -1000, Infinity, -Infinity, NaN];
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i < special.length ? special[i] : i % 3 === 0 ? rng.uniform(-120, 120) : rng.uniform(-8, 8);
  }
  return x;
}

function inArena(arena: WasmArena, values: Float32Array, shape: number[]): NdArray {
  const d = arena.alloc('float32', values.length);
  d.set(values);
  return ndarray(d, shape);
}

/** The op's forward with WebAssembly on and off, on the same inputs. */
function both(run: (out: NdArray) => void, out: NdArray): { simd: number[]; js: number[]; calls: number } {
  const before = wasmCalls.elementwise;
  run(out);
  const calls = wasmCalls.elementwise - before;
  const simd = Array.from(out.data as Float32Array).slice(out.offset, out.offset + out.size);
  setWasmEnabled(false);
  run(out);
  setWasmEnabled(true);
  return { simd, js: Array.from(out.data as Float32Array).slice(out.offset, out.offset + out.size), calls };
}

describe('SIMD exp and log1p used by sigmoid and the logistic loss', () => {
  it('e^t for t in [-708, 0] is within 2 float64 ulp of Math.exp', () => {
    const arena = new WasmArena(1 << 20);
    const k = kernelsFor(arena.memory.buffer)!;
    const rng = new Rng(1);
    const n = 20000;
    const t = arena.alloc('float64', n) as Float64Array, out = arena.alloc('float64', n) as Float64Array;
    for (let i = 0; i < n; i++) t[i] = i < 4 ? [0, -0, -708, -1e-300][i] : i % 2 ? rng.uniform(-708, 0) : rng.uniform(-2, 0);
    k.expNeg_f64(out.byteOffset, t.byteOffset, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, ulps(out[i], Math.exp(t[i]), 64));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('log1p(u) for u in [0, 1] is within 3 float64 ulp of Math.log1p, tiny u included', () => {
    const arena = new WasmArena(1 << 20);
    const k = kernelsFor(arena.memory.buffer)!;
    const rng = new Rng(2);
    const n = 20000;
    const u = arena.alloc('float64', n) as Float64Array, out = arena.alloc('float64', n) as Float64Array;
    for (let i = 0; i < n; i++) u[i] = i < 5 ? [0, 1, 1e-300, 2 ** -53, Math.SQRT2 - 1][i] : i % 2 ? rng.uniform(0, 1) : Math.exp(rng.uniform(-700, 0));
    k.log1pUnit_f64(out.byteOffset, u.byteOffset, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, ulps(out[i], Math.log1p(u[i]), 64));
    expect(worst).toBeLessThanOrEqual(3);
  });
});

describe('sigmoid and the logistic loss on float32 arrays in an arena (SIMD) agree with JavaScript', () => {
  const n = 4099; // not a multiple of 4: the one-lane tail runs too

  it('sigmoid: within 1 float32 ulp everywhere, NaN where JavaScript gives NaN, nearly always identical', () => {
    const arena = new WasmArena(1 << 20);
    const x = inArena(arena, logits(new Rng(3), n), [n]);
    const out = ndarray(arena.alloc('float32', n), [n]);
    const { simd, js, calls } = both((o) => Sigmoid.forward!([x], o, {}), out);
    expect(calls).toBe(1);
    const off = simd.map((v, i) => ulps(v, js[i], 32));
    expect(Math.max(...off)).toBeLessThanOrEqual(1);
    expect(off.filter((d) => d > 0).length).toBeLessThan(n / 100);
    expect(simd.slice(0, 2)).toEqual([0.5, 0.5]);
    expect(simd[22]).toBeNaN(); // the NaN among the special values
    expect(simd.slice(20, 22)).toEqual([1, 0]); // sigmoid(+-Infinity)
  });

  it('logistic loss: within 1 float32 ulp for labels in the arena, outside it (copied in), and broadcast', () => {
    const arena = new WasmArena(1 << 20);
    const rng = new Rng(4);
    const xv = logits(rng, n);
    const zv = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? rng.uniform(0, 1) : i % 2));
    const x = inArena(arena, xv, [n, 1]);
    const labels = [
      inArena(arena, zv, [n, 1]),
      ndarray(zv.slice(), [n, 1]), // a constant's value, outside the arena
      ndarray(new Float32Array([0.25]), [n, 1], [0, 0]), // one broadcast label
    ];
    for (const z of labels) {
      const out = ndarray(arena.alloc('float32', n), [n, 1]);
      const { simd, js, calls } = both((o) => SigmoidCrossEntropyWithLogits.forward!([z, x], o, {}), out);
      expect(calls).toBe(1);
      const off = simd.map((v, i) => ulps(v, js[i], 32));
      expect(Math.max(...off)).toBeLessThanOrEqual(1);
      expect(off.filter((d) => d > 0).length).toBeLessThan(n / 100);
    }
  });

  it('logistic loss written over its logits with labels outside the arena runs in JavaScript, exactly', () => {
    const arena = new WasmArena(1 << 20);
    const xv = logits(new Rng(5), n);
    const zv = Float32Array.from({ length: n }, (_, i) => i % 2);
    const x = inArena(arena, xv, [n]);
    const before = wasmCalls.elementwise;
    SigmoidCrossEntropyWithLogits.forward!([ndarray(zv, [n]), x], x, {});
    expect(wasmCalls.elementwise).toBe(before);
    const want = Array.from(xv, (xi, i) => Math.fround(Math.max(xi, 0) - xi * zv[i] + Math.log1p(Math.exp(-Math.abs(xi)))));
    expect(Array.from(x.data as Float32Array)).toEqual(want);
  });

  it('float64 arrays in an arena keep the JavaScript kernels (no float64 SIMD version)', () => {
    const arena = new WasmArena(1 << 20);
    const d = arena.alloc('float64', 64) as Float64Array;
    d.set(Array.from({ length: 64 }, (_, i) => i - 32.5));
    const x = ndarray(d, [64]), out = ndarray(arena.alloc('float64', 64), [64]);
    const before = wasmCalls.elementwise;
    Sigmoid.forward!([x], out, {});
    expect(wasmCalls.elementwise).toBe(before);
    expect(Array.from(out.data as Float64Array)).toEqual(Array.from(d, (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)))));
  });
});
