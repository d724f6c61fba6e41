import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/graph/random.js';
import { Softplus } from '../../src/ops/softplus.js';
import { Tanh } from '../../src/ops/tanh.js';
import { Relu } from '../../src/ops/relu.js';
import { setWasmEnabled, wasmCalls, WasmArena } from '../../src/wasm/runtime.js';

afterEach(() => setWasmEnabled(true));

/**
 * The stated error bounds of the SIMD tanh and softplus (assembly/math.ts) against the JavaScript
 * kernels (Math.tanh; the softplus op's max(x, 0) + log1p(e^-|x|)), in units in the last place.
 */
const ULPS = { tanh: { f64: 3, f32: 1 }, softplus: { f64: 4, f32: 1 } };

/** Distance in ulps between two floats of one width (0 when both are NaN; +0 and -0 are 1 apart). */
function ulps(a: number, b: number, width: 32 | 64): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  // Map each float's bits onto a line where adjacent floats are adjacent integers.
  const ord = (x: number): bigint => {
    if (width === 32) {
      const i = new Int32Array(new Float32Array([x]).buffer)[0];
      return BigInt(i < 0 ? -(i & 0x7fffffff) - 1 : i);
    }
    const i = new BigInt64Array(new Float64Array([x]).buffer)[0];
    return i < 0n ? -(i & 0x7fffffffffffffffn) - 1n : i;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

/** Tiny, huge, negative, +-0, +-Inf, NaN, subnormals, softplus' overflow region, then random values at every scale. */
function sweep(rng: Rng, n: number, width: 32 | 64): number[] {
  const sub = width === 64 ? [5e-324, -5e-324, 2.2e-308, -1e-310, 1e-315] : [1.4e-45, -1.4e-45, 1e-40, -1e-39];
  const special = [
    0, -0, Infinity, -Infinity, NaN, ...sub, 1e-300, -1e-300, 1e-30, -1e-20, 1e-8, -1e-8, 2 ** -27, 0.5, -0.5, 0.55, -0.55, 1, -1,
    2, -3, 10, -10, 19, 19.1, -19.1, 20, -20, 20.5, -20.5, 30, -30, 36.7, 88, -88, 104, -104, 700, -708, -709, -740, -745, -746, 1000,
    -1000, 1e30, -1e30, 3.4e38, -3.4e38, 1e300, -1e300, 1.7976931348623157e308,
  ];
  const x = special.slice();
  while (x.length < n) {
    const k = x.length % 4;
    const v = k === 0 ? rng.uniform(-1, 1) : k === 1 ? rng.uniform(-25, 25) : k === 2 ? rng.uniform(-800, 800) : Math.exp(rng.uniform(-700, 5));
    x.push(k === 3 && x.length % 8 === 3 ? -v : v);
  }
  return x;
}

const JS = {
  tanh: Math.tanh,
  softplus: (a: number) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
};

describe('SIMD tanh and softplus agree with the JavaScript kernels to the stated ulps', () => {
  const n = 20003; // odd: the one-lane tail runs too
  for (const [name, op] of [['tanh', Tanh], ['softplus', Softplus]] as const) {
    for (const width of [64, 32] as const) {
      const bound = ULPS[name][width === 64 ? 'f64' : 'f32'];
      it(`${name} float${width}: within ${bound} ulp over the sweep, NaN and +-0 and infinities exactly`, () => {
        const arena = new WasmArena(1 << 20);
        const dtype = width === 64 ? 'float64' : 'float32';
        const xs = arena.alloc(dtype, n), out = arena.alloc(dtype, n);
        xs.set(sweep(new Rng(width + name.length), n, width));
        const before = wasmCalls.elementwise;
        op.forward!([ndarray(xs, [n])], ndarray(out, [n]), {});
        expect(wasmCalls.elementwise).toBe(before + 1);
        const round = width === 32 ? Math.fround : (v: number) => v;
        let worst = 0, at = 0;
        for (let i = 0; i < n; i++) {
          const want = round(JS[name](xs[i]));
          const d = ulps(out[i], want, width);
          if (d > worst) (worst = d), (at = i);
          // Exact where the result is exact: NaN, signed zeros, saturation, infinities.
          if (Number.isNaN(want) || want === 0 || !Number.isFinite(want) || Math.abs(want) === 1) {
            if (!Object.is(out[i], want)) throw new Error(`${name}(${xs[i]}) = ${out[i]}, JavaScript ${want}`);
          }
        }
        expect(worst, `worst at x = ${xs[at]}: ${out[at]} against ${round(JS[name](xs[at]))}`).toBeLessThanOrEqual(bound);
        // The same call with WebAssembly off is the JavaScript kernel itself.
        setWasmEnabled(false);
        const js = new (width === 64 ? Float64Array : Float32Array)(n);
        op.forward!([ndarray(xs, [n])], ndarray(js, [n]), {});
        for (let i = 0; i < n; i += 97) expect(Object.is(js[i], round(JS[name](xs[i])))).toBe(true);
      });
    }
  }
});

describe('SIMD relu', () => {
  it('gives the bits of Math.max(x, 0), -0 and NaN included, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const n = 1001, arena = new WasmArena(1 << 16);
      const xs = arena.alloc(dtype, n), out = arena.alloc(dtype, n);
      xs.set(sweep(new Rng(11), n, dtype === 'float64' ? 64 : 32));
      const before = wasmCalls.elementwise;
      Relu.forward!([ndarray(xs, [n])], ndarray(out, [n]), {});
      expect(wasmCalls.elementwise).toBe(before + 1);
      const round = dtype === 'float32' ? Math.fround : (v: number) => v;
      for (let i = 0; i < n; i++) expect(Object.is(out[i], round(Math.max(xs[i], 0))), `relu(${xs[i]})`).toBe(true);
    }
  });
});
