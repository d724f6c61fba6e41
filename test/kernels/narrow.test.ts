/**
 * The narrow matrix products (M or N at most 16; assembly/narrow.ts through src/wasm/matmul.ts)
 * against the float64 textbook loop, in every transpose combination, float64 and float32, with odd
 * sizes, K not a multiple of 4, and strided views, and the JavaScript path on the same shapes; then
 * with the operands in a WasmArena (as a plan's buffers are), where B and C are used in place.
 */
import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { matmulInto } from '../../src/kernels/matmul.js';
import { Rng } from '../../src/graph/random.js';
import { setWasmEnabled, wasmCalls, wasmScratch, WasmArena } from '../../src/wasm/runtime.js';
import { isNarrow, WASM_MATMUL_MIN } from '../../src/wasm/matmul.js';
import { f32Bound, indices, makeArray, operand, random, refMatmul, values, type FloatType, type Layout } from './reference.js';

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

/**
 * How an array sits in the arena: dense (row-major), padded (a window of a larger array: rows 3
 * elements longer, 2 elements in), strided (every other element along the last axis, which the
 * kernels must stage), or transposed (stored with its axes swapped).
 */
type ArenaLayout = 'dense' | 'padded' | 'strided' | 'transposed';

const SENTINEL = 7.25;

/** A rows x cols array in `arena` laid out as asked, its whole backing array filled with SENTINEL. */
function arenaArray(arena: WasmArena, T: FloatType, rows: number, cols: number, layout: ArenaLayout): NdArray {
  const kind = T === Float32Array ? 'float32' : 'float64';
  const [R, C] = layout === 'transposed' ? [cols, rows] : [rows, cols];
  const stride = layout === 'padded' ? C + 3 : layout === 'strided' ? 2 * C : C;
  const off = layout === 'padded' ? 2 : 0;
  const data = arena.alloc(kind, off + R * stride + 4).fill(SENTINEL) as Float32Array | Float64Array;
  const x = ndarray(data, [R, C], [stride, layout === 'strided' ? 2 : 1], off);
  return layout === 'transposed' ? x.transpose(1, 0) : x;
}

/** `x` with random values, as an operand stored transposed when `transposed` (viewed back as rows x cols). */
function arenaOperand(arena: WasmArena, rng: Rng, T: FloatType, rows: number, cols: number, transposed: boolean, layout: ArenaLayout): NdArray {
  const x = transposed ? arenaArray(arena, T, cols, rows, layout).transpose(1, 0) : arenaArray(arena, T, rows, cols, layout);
  const v = random(rng, T, rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x.set(i, j, v[i * cols + j]);
  return x;
}

/** The same view on a copy of x's backing array in ordinary memory. */
const ordinary = (x: NdArray): NdArray => ndarray((x.data as Float32Array | Float64Array).slice(), x.shape, x.stride, x.offset);

/** Elements of x's backing array outside the view itself. */
function outside(x: NdArray): number[] {
  const inside = new Set([...indices(x.shape)].map(([i, j]) => x.offset + i * x.stride[0] + j * x.stride[1]));
  return Array.from(x.data as Float32Array | Float64Array).filter((_, p) => !inside.has(p));
}

describe('narrow matmul with the operands in a WasmArena', () => {
  // Layouts of A, B and C: in place where they suit, staged in the arena's working space where not.
  const LAYOUTS: readonly [ArenaLayout, ArenaLayout, ArenaLayout][] = [
    ['dense', 'dense', 'dense'], ['padded', 'padded', 'padded'], ['dense', 'strided', 'transposed'],
    ['strided', 'dense', 'strided'], ['padded', 'transposed', 'dense'],
  ];

  /**
   * Runs one product in the arena and checks it against the reference (float64 bit for bit, float32
   * within f32Bound) and the same product on copies in ordinary memory (bit for bit: the same
   * kernels sum in the same order), that nothing outside C's view changed, and that SIMD ran
   * without the scratch memory.
   */
  function checkArena(arena: WasmArena, M: number, N: number, K: number, T: FloatType, ta: boolean, tb: boolean, layouts: readonly ArenaLayout[], rng: Rng): void {
    arena.reset();
    const a = arenaOperand(arena, rng, T, M, K, ta, layouts[0]), b = arenaOperand(arena, rng, T, K, N, tb, layouts[1]);
    const out = arenaArray(arena, T, M, N, layouts[2]);
    const guard = arena.alloc(T === Float32Array ? 'float32' : 'float64', 64).fill(SENTINEL);
    const want = ndarray(new Float64Array(M * N), [M, N]);
    refMatmul(want, a, b);
    const same = ordinary(out);
    matmulInto(same, ordinary(a), ordinary(b));
    const scratch = wasmScratch()!, view = scratch.f32;
    view.fill(SENTINEL);
    const before = wasmCalls.matmul;
    matmulInto(out, a, b);
    const what = `${M}x${K} . ${K}x${N} ${T.name} ta=${ta} tb=${tb} ${layouts.join('/')}`;
    if (narrowSimd(M, N, K, T)) {
      expect(wasmCalls.matmul, what).toBe(before + 1);
      expect(scratch.f32 === view && view.every((x) => x === SENTINEL), `${what}: scratch untouched`).toBe(true);
    }
    if (T === Float64Array) {
      expect(values(out), what).toEqual(values(want));
    } else {
      const over = [...indices([M, N])].filter(([i, j]) => !(Math.abs(out.get(i, j) - want.get(i, j)) <= f32Bound(a, b, i, j, K)));
      expect(over, what).toEqual([]);
    }
    expect(values(out), `${what}: as in ordinary memory`).toEqual(values(same));
    expect(outside(out).every((x) => x === SENTINEL) && guard.every((x) => x === SENTINEL), `${what}: only C written`).toBe(true);
  }

  /** Products the narrow kernels take (widths 2 and up; width 1 is a matrix-vector product). */
  const narrowSimd = (M: number, N: number, K: number, T: FloatType) =>
    Math.min(M, N) >= 2 && isNarrow(M, N) && M * N * K >= WASM_MATMUL_MIN && (T === Float32Array || T === Float64Array);

  for (const T of [Float64Array, Float32Array]) {
    it(`${T.name}: widths 1..16 as N and as M (the other 261), K = 61, every transpose and layout`, () => {
      const rng = new Rng(T === Float64Array ? 101 : 102), arena = new WasmArena(1 << 22);
      for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16]) {
        for (const [M, N] of [[261, n], [n, 261]]) {
          for (const [ta, tb] of COMBOS) for (const layouts of LAYOUTS) checkArena(arena, M, N, 61, T, ta, tb, layouts, rng);
        }
      }
    });

    it(`${T.name}: long K (blocks of k, one-tile row blocks), many row blocks, K not a multiple of 4`, () => {
      const rng = new Rng(T === Float64Array ? 103 : 104), arena = new WasmArena(1 << 25);
      for (const [M, N, K] of [[300, 10, 3001], [10, 300, 3001], [1101, 3, 45], [3, 1101, 45], [517, 16, 130], [6, 9, 257]]) {
        for (const [ta, tb] of COMBOS) checkArena(arena, M, N, K, T, ta, tb, LAYOUTS[(M + K) % LAYOUTS.length], rng);
      }
    });
  }

  it('stages in the scratch memory, with the same results, when the arena\'s working space is too small', () => {
    const rng = new Rng(105);
    // C^T (16 x 20000 float32, 1.25 MiB) does not fit the working space: C is not laid out along M.
    const M = 20000, N = 16, K = 3;
    const arena = new WasmArena(4 * (M * K + K * N + M * N) + 65536);
    const a = arenaOperand(arena, rng, Float32Array, M, K, true, 'dense'), b = arenaOperand(arena, rng, Float32Array, K, N, false, 'dense');
    const out = arenaArray(arena, Float32Array, M, N, 'dense');
    const same = ordinary(out);
    matmulInto(same, ordinary(a), ordinary(b));
    wasmScratch()!.ensure(4 << 20);
    const view = wasmScratch()!.f32.fill(SENTINEL);
    const before = wasmCalls.matmul;
    matmulInto(out, a, b);
    expect(wasmCalls.matmul).toBe(before + 1);
    expect(view.some((x) => x !== SENTINEL)).toBe(true);
    expect(values(out)).toEqual(values(same));
    const want = ndarray(new Float64Array(M * N), [M, N]);
    refMatmul(want, a, b);
    expect([...indices([M, N])].filter(([i, j]) => !(Math.abs(out.get(i, j) - want.get(i, j)) <= f32Bound(a, b, i, j, K)))).toEqual([]);
  });
});
