/**
 * The narrow matrix products (M or N at most 16; assembly/narrow.ts through src/wasm/matmul.ts)
 * against the float64 textbook loop, in every transpose combination, float64 and float32, with odd
 * sizes, K not a multiple of 4, and strided views, and the JavaScript path on the same shapes.
 */
import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { matmulInto } from '../../src/kernels/matmul.js';
import { Rng } from '../../src/graph/random.js';
import { setWasmEnabled, wasmCalls } from '../../src/wasm/runtime.js';
import { isNarrow, WASM_MATMUL_MIN } from '../../src/wasm/matmul.js';
import { f32Bound, indices, makeArray, operand, refMatmul, values, type FloatType, type Layout } from './reference.js';

afterEach(() => setWasmEnabled(true));

const COMBOS: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];


/** Runs one product and checks it: float64 bit for bit, float32 within f32Bound; returns whether SIMD ran. */
function check(M: number, N: number, K: number, T: FloatType, ta: boolean, tb: boolean, layout: Layout, wasm: boolean, rng: Rng): boolean {
  const a = operand(rng, T, M, K, ta, layout), b = operand(rng, T, K, N, tb, layout);
  const out = makeArray(rng, T, [M, N], layout);
  const want = ndarray(new Float64Array(M * N), [M, N]);
  refMatmul(want, a, b);
  setWasmEnabled(wasm);
  const before = wasmCalls.matmul;
  matmulInto(out, a, b);
  const simd = wasmCalls.matmul > before;
  const what = `${M}x${K} . ${K}x${N} ${T.name} ta=${ta} tb=${tb} ${layout} wasm=${wasm}`;
  if (T === Float64Array) {
    expect(values(out), what).toEqual(values(want));
  } else {
    const over = [...indices([M, N])].filter(([i, j]) => !(Math.abs(out.get(i, j) - want.get(i, j)) <= f32Bound(a, b, i, j, K)));
    expect(over, what).toEqual([]);
  }
  return simd;
}

const narrow = (M: number, N: number, K: number) => Math.min(M, N) >= 2 && isNarrow(M, N) && M * N * K >= WASM_MATMUL_MIN;

describe('narrow matmul (M or N <= 16)', () => {
  for (const T of [Float64Array, Float32Array]) {
    it(`${T.name}: every narrow width 1..17 as N and as M (the other 260), K = 61, all transposes and layouts`, () => {
      const rng = new Rng(T === Float64Array ? 91 : 92);
      for (let n = 1; n <= 17; n++) {
        for (const [M, N] of [[260, n], [n, 260]]) {
          for (const [ta, tb] of COMBOS) {
            for (const layout of ['contiguous', 'strided'] as const) {
              const simd = check(M, N, 61, T, ta, tb, layout, true, rng);
              // Widths 2 and 3 only ever run in SIMD through the narrow kernels (the square one needs 4).
              if (narrow(M, N, 61)) expect(simd, `${M}x${N}`).toBe(true);
              if (n <= 16) expect(isNarrow(M, N)).toBe(true);
            }
          }
        }
      }
    });

    it(`${T.name}: long K split into blocks (the weight gradient X^T G), and many row chunks`, () => {
      const rng = new Rng(T === Float64Array ? 93 : 94);
      // [M, N, K]: K blocks of the columns form, row chunks of the rows form (M not a multiple of 4),
      // both forms with M, N swapped, rows 1 KiB apart (padded against cache-set aliasing).
      const shapes = [[300, 10, 3001], [10, 300, 3001], [1101, 3, 45], [3, 1101, 45], [1030, 7, 50], [256, 5, 40], [6, 9, 256], [13, 260, 160], [520, 12, 256]];
      for (const [M, N, K] of shapes) {
        for (const [ta, tb] of COMBOS) expect(check(M, N, K, T, ta, tb, 'offset', true, rng)).toBe(true);
      }
    });

    it(`${T.name}: the JavaScript path gives the same on narrow shapes`, () => {
      const rng = new Rng(T === Float64Array ? 95 : 96);
      for (const [M, N, K] of [[260, 10, 61], [10, 260, 61], [40, 3, 1001], [3, 40, 1001]]) {
        for (const [ta, tb] of COMBOS) expect(check(M, N, K, T, ta, tb, 'strided', false, rng)).toBe(false);
      }
    });
  }

  it('writes into a transposed output view and leaves the rest of its buffer alone', () => {
    const rng = new Rng(97);
    for (const [M, N] of [[300, 7], [7, 300]]) {
      const K = 45;
      const a = makeArray(rng, Float64Array, [M, K], 'contiguous'), b = makeArray(rng, Float64Array, [K, N], 'contiguous');
      const store = ndarray(new Float64Array(N * M + 5).fill(7), [N, M], [M, 1], 5);
      const want = ndarray(new Float64Array(M * N), [M, N]);
      refMatmul(want, a, b);
      matmulInto(store.transpose(1, 0), a, b);
      expect(values(store.transpose(1, 0))).toEqual(values(want));
      expect([...store.data.slice(0, 5)]).toEqual([7, 7, 7, 7, 7]);
    }
  });
});
