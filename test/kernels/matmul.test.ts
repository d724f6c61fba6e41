import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { bindMatmul, matmulInto } from '../../src/kernels/matmul.js';
import { Rng } from '../../src/graph/random.js';
import { setWasmEnabled, wasmCalls, wasmScratch, WasmArena } from '../../src/wasm/runtime.js';
import { WASM_MATMUL_MIN } from '../../src/wasm/matmul.js';
import { f32Bound, indices, makeArray, operand, refMatmul, size, values, type FloatType, type Layout } from './reference.js';

afterEach(() => setWasmEnabled(true));


function run(M: number, N: number, K: number, T: FloatType, ta: boolean, tb: boolean, layout: Layout, wasm: boolean, rng: Rng) {
  const a = operand(rng, T, M, K, ta, layout), b = operand(rng, T, K, N, tb, layout);
  const out = makeArray(rng, T, [M, N], layout);
  const want = ndarray(new T(M * N), [M, N]);
  refMatmul(want, a, b);
  setWasmEnabled(wasm);
  matmulInto(out, a, b);
  return { a, b, out, want };
}

const SIZES: readonly [number, number, number][] = [
  [1, 1, 1], [2, 3, 4], [5, 7, 3], [4, 8, 16], [9, 13, 11], [16, 16, 16], [37, 29, 61], [64, 64, 64], [33, 70, 300], [130, 9, 40],
];
const LAYOUTS_MM: readonly Layout[] = ['contiguous', 'offset', 'strided'];

describe('matmulInto, JavaScript paths, matches the float64 reference exactly', () => {
  it('plain, packed 4x4 tiles (with ragged edges) and all four transpose combinations, f32 and f64', () => {
    const rng = new Rng(21);
    for (const T of [Float32Array, Float64Array]) {
      for (const [M, N, K] of SIZES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            for (const layout of LAYOUTS_MM) {
              const { out, want } = run(M, N, K, T, ta, tb, layout, false, rng);
              expect(values(out), `${T.name} ${M}x${K} . ${K}x${N} ta=${ta} tb=${tb} ${layout}`).toEqual(values(want));
            }
          }
        }
      }
    }
  });

  it('matrix-vector products (M = 1 or N = 1), both operand orders in memory', () => {
    const rng = new Rng(22);
    for (const T of [Float32Array, Float64Array]) {
      for (const [M, N, K] of [[1, 50, 33], [50, 1, 33], [1, 1, 100], [200, 1, 20], [1, 200, 20]]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const { out, want } = run(M, N, K, T, ta, tb, 'contiguous', false, rng);
            expect(values(out)).toEqual(values(want));
          }
        }
      }
    }
  });

  it('empty products: K = 0 gives zeros, M = 0 or N = 0 writes nothing', () => {
    const out = ndarray(new Float64Array(6).fill(7), [2, 3]);
    matmulInto(out, ndarray(new Float64Array(0), [2, 0]), ndarray(new Float64Array(0), [0, 3]));
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const none = ndarray(new Float64Array(0), [0, 3]);
    matmulInto(none, ndarray(new Float64Array(0), [0, 4]), ndarray(new Float64Array(12), [4, 3]));
    expect(none.size).toBe(0);
  });

  it('batched, with broadcast batch axes, and a batch of rows times one matrix (folded into one product)', () => {
    const rng = new Rng(23);
    for (const wasm of [false, true]) {
      for (const T of [Float32Array, Float64Array]) {
        const cases: [number[], number[], number[]][] = [
          [[3, 20, 30], [3, 30, 10], [3, 20, 10]],
          [[2, 3, 20, 30], [3, 30, 10], [2, 3, 20, 10]],
          [[2, 1, 20, 30], [1, 4, 30, 10], [2, 4, 20, 10]],
          [[4, 20, 30], [30, 10], [4, 20, 10]],
          [[20, 30], [5, 30, 10], [5, 20, 10]],
        ];
        for (const [sa, sb, so] of cases) {
          const a = makeArray(rng, T, sa, 'contiguous'), b = makeArray(rng, T, sb, 'contiguous');
          const out = ndarray(new T(size(so)), so), want = ndarray(new T(size(so)), so);
          refMatmul(want, a, b);
          setWasmEnabled(wasm);
          matmulInto(out, a, b);
          if (T === Float64Array || !wasm) expect(values(out)).toEqual(values(want));
          else {
            const got = values(out);
            expect(values(want).filter((w, i) => Math.abs(got[i] - w) > 1e-4 * (1 + Math.abs(w)))).toEqual([]);
          }
          // a plan's binding runs the same products: the same bits, call after call
          const bound = ndarray(new T(size(so)), so);
          const call = bindMatmul(bound, a, b);
          call();
          expect(values(bound)).toEqual(values(out));
          (a.data as Float64Array)[0] += 1;
          call();
          matmulInto(out, a, b);
          expect(values(bound)).toEqual(values(out));
        }
      }
    }
  });

  it('a bound product of views (transposed, offset, strided operands and output) equals matmulInto on them', () => {
    const rng = new Rng(31);
    for (const T of [Float32Array, Float64Array]) {
      for (const [M, N, K] of [[5, 7, 3], [33, 70, 300], [32, 10, 128], [128, 10, 32]] as const) {
        for (const layout of LAYOUTS_MM) {
          const a = operand(rng, T, M, K, true, layout), b = operand(rng, T, K, N, false, layout);
          const out = makeArray(rng, T, [M, N], layout), bound = makeArray(rng, T, [M, N], layout);
          matmulInto(out, a, b);
          bindMatmul(bound, a, b)();
          expect(values(bound)).toEqual(values(out));
        }
      }
    }
  });
});

describe('matmulInto, WebAssembly SIMD path', () => {
  it('float64 agrees exactly with the reference (same summation order, no fused multiply-add)', () => {
    const rng = new Rng(24);
    for (const [M, N, K] of [[16, 16, 16], [37, 29, 61], [64, 64, 64], [33, 70, 300], [130, 9, 40], [24, 24, 600]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const layout of LAYOUTS_MM) {
            const before = wasmCalls.matmul;
            const { out, want } = run(M, N, K, Float64Array, ta, tb, layout, true, rng);
            expect(wasmCalls.matmul).toBe(before + (M * N * K >= WASM_MATMUL_MIN ? 1 : 0));
            expect(values(out), `${M}x${K} . ${K}x${N} ta=${ta} tb=${tb} ${layout}`).toEqual(values(want));
          }
        }
      }
    }
  });

  it('float32 is within K+1 float32 roundings of the float64 sum of |products| (it sums in float32)', () => {
    const rng = new Rng(25);
    for (const [M, N, K] of [[16, 16, 16], [37, 29, 61], [64, 64, 64], [33, 70, 300], [130, 9, 40], [24, 24, 600]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const layout of LAYOUTS_MM) {
            const before = wasmCalls.matmul;
            const { a, b, out, want } = run(M, N, K, Float32Array, ta, tb, layout, true, rng);
            expect(wasmCalls.matmul).toBe(before + (M * N * K >= WASM_MATMUL_MIN ? 1 : 0));
            const over = [...indices([M, N])].filter(([i, j]) => Math.abs(out.get(i, j) - want.get(i, j)) > f32Bound(a, b, i, j, K));
            expect(over, `${M}x${K} . ${K}x${N} ta=${ta} tb=${tb} ${layout}`).toEqual([]);
          }
        }
      }
    }
  });

  it('float32 matrix-vector products (M = 1 or N = 1) with a large matrix run in SIMD within the same bound', () => {
    const rng = new Rng(28);
    for (const [M, N, K] of [[2000, 1, 20], [1, 2000, 20], [300, 1, 61], [1, 77, 300], [1, 1, 20000]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const before = wasmCalls.matmul;
          const { a, b, out, want } = run(M, N, K, Float32Array, ta, tb, 'contiguous', true, rng);
          // SIMD runs when the matrix has unit steps along k or along the output: always, for these layouts.
          expect(wasmCalls.matmul, `${M}x${K} . ${K}x${N} ta=${ta} tb=${tb}`).toBe(before + 1);
          const over = [...indices([M, N])].filter(([i, j]) => Math.abs(out.get(i, j) - want.get(i, j)) > f32Bound(a, b, i, j, K));
          expect(over, `${M}x${K} . ${K}x${N} ta=${ta} tb=${tb}`).toEqual([]);
        }
      }
    }
  });

  it('never detaches an ArrayBuffer: scratch space is replaced, not grown (a detach slows every typed-array loop in V8)', () => {
    const before = wasmScratch()!.f32;
    const length = before.length;
    const rng = new Rng(29);
    const n = 1 + Math.ceil(Math.sqrt(length)); // needs more scratch than there is
    run(n, n, 1, Float32Array, false, false, 'contiguous', true, rng);
    expect(wasmScratch()!.f32.length).toBeGreaterThan(length);
    expect(before.length).toBe(length);
  });

  it('writes into a transposed output view', () => {
    const rng = new Rng(26);
    const a = makeArray(rng, Float64Array, [40, 50], 'contiguous'), b = makeArray(rng, Float64Array, [50, 30], 'contiguous');
    const store = ndarray(new Float64Array(1200), [30, 40]);
    const want = ndarray(new Float64Array(1200), [40, 30]);
    refMatmul(want, a, b);
    matmulInto(store.transpose(1, 0), a, b);
    expect(values(store.transpose(1, 0))).toEqual(values(want));
  });

  it('pack_f32 lays out panels exactly as defined (panel p holds row p mr + r at k at (p K + k) mr + r, zeros past the rows), every stride pattern', () => {
    const s = wasmScratch()!;
    const rng = new Rng(30);
    for (const mr of [4, 8]) {
      for (const [rows, K] of [[8, 5], [16, 12], [17, 7], [32, 9], [40, 784], [10, 3], [3, 4], [24, 1]]) {
        // rs = 1 (columns of a row-major B), cs = 1 (rows of a row-major A), both strided
        for (const [rs, cs] of [[1, rows + 3], [K + 2, 1], [2 * K + 1, 2], [3, 3 * rows + 1]]) {
          const span = (rows - 1) * rs + (K - 1) * cs + 1;
          const panels = Math.ceil(rows / mr);
          s.ensure((span + panels * mr * K + 8) * 4);
          const src = Float32Array.from({ length: span }, () => rng.uniform(-1, 1));
          const at = span + (4 - (span % 4)) % 4;
          s.f32.set(src, 0);
          s.f32.fill(NaN, at, at + panels * mr * K);
          s.kernels.pack_f32(at * 4, 0, rs, cs, rows, K, mr);
          const want = new Float32Array(panels * mr * K);
          for (let p = 0; p < panels; p++) {
            for (let k = 0; k < K; k++) {
              for (let r = 0; r < mr; r++) {
                const i = p * mr + r;
                want[(p * K + k) * mr + r] = i < rows ? src[i * rs + k * cs] : 0;
              }
            }
          }
          expect(Array.from(s.f32.subarray(at, at + want.length)), `mr ${mr} ${rows}x${K} rs ${rs} cs ${cs}`).toEqual(Array.from(want));
        }
      }
    }
  });

  it('operands and output in a WasmArena (a plan\'s buffers), any layout, give the same bits as in ordinary memory', () => {
    const rng = new Rng(30);
    const arena = new WasmArena(1 << 22);
    /** x copied into the arena, the same strides and offset. */
    const inArena = (x: NdArray): NdArray => {
      const src = x.data as Float32Array | Float64Array;
      const d = arena.alloc(src instanceof Float32Array ? 'float32' : 'float64', src.length);
      d.set(src);
      return ndarray(d, x.shape, x.stride, x.offset);
    };
    for (const T of [Float32Array, Float64Array]) {
      for (const [M, N, K] of [[37, 29, 61], [33, 70, 300], [130, 9, 40], [24, 24, 600], [300, 1, 61], [1, 77, 300]]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            for (const layout of LAYOUTS_MM) {
              arena.reset();
              const { a, b, out } = run(M, N, K, T, ta, tb, layout, true, rng);
              const o = inArena(out);
              (o.data as Float64Array).fill(3);
              matmulInto(o, inArena(a), inArena(b));
              expect(values(o), `${T.name} ${M}x${K} . ${K}x${N} ta=${ta} tb=${tb} ${layout}`).toEqual(values(out));
            }
          }
        }
      }
    }
  });

  it('small products stay in JavaScript, and the switch forces JavaScript for large ones', () => {
    const rng = new Rng(27);
    const before = wasmCalls.matmul;
    run(8, 8, 8, Float32Array, false, false, 'contiguous', true, rng);
    run(64, 64, 64, Float32Array, false, false, 'contiguous', false, rng);
    expect(wasmCalls.matmul).toBe(before);
  });
});
