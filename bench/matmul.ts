/**
 * Matrix product n x n x n, GFLOP/s, in all four transpose combinations, float32 and float64; then
 * narrow products (one of M, N at most 16, as in softmax regression: X W, its weight gradient X^T G,
 * and the same with the roles of M and N swapped), each with its fraction of the square n=512
 * product of the same dtype and transposes, the two sampled in alternating blocks.
 * dagrad runs the matmul op's kernel (what a compiled plan calls) into a preallocated output, with
 * the operands stored transposed where asked; tfjs runs tf.matMul with its transpose flags (float32
 * only: tfjs has no float64). dagrad-js is sampled in turn with tfjs-cpu, dagrad with tfjs-wasm.
 * dagrad's operands and output live in a WasmArena, as a plan's buffers do (a Session places every
 * plan of 64 KiB and more in one), so its kernels use them in place where they can (see
 * src/wasm/matmul.ts); dagrad-js's are ordinary typed arrays.
 */
import ndarray from 'ndarray';
import { Matmul } from '../src/ops/matmul.js';
import { Rng } from '../src/graph/random.js';
import { setWasmEnabled, WasmArena } from '../src/wasm/runtime.js';
import { compare, progress, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

export const MATMUL_SIZES = [64, 128, 256, 512, 1024];
const COMBOS: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const label = (ta: boolean, tb: boolean): string => `${ta ? 'A^T' : 'A'} ${tb ? 'B^T' : 'B'}`;

type Float = Float32Array | Float64Array;
type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * Where a phase's operands live: an arena for dagrad (SIMD), ordinary typed arrays for dagrad-js.
 * `array(n, seed)` gives n uniform values in [-1, 1) from the seed (zeros without one).
 */
class Operands {
  private readonly arena?: WasmArena;
  constructor(private readonly T: FloatType, inArena: boolean, elements: number) {
    // 16 bytes of alignment per array, for the few each workload takes.
    if (inArena) this.arena = new WasmArena(elements * T.BYTES_PER_ELEMENT + 16 * 16);
  }

  /** Frees the arena's arrays, for the next workload's. */
  reset(): void {
    this.arena?.reset();
  }

  array(n: number, seed?: number): Float {
    const d = this.arena ? (this.arena.alloc(this.T === Float32Array ? 'float32' : 'float64', n) as Float) : new this.T(n);
    if (seed === undefined) return d;
    const rng = new Rng(seed);
    for (let i = 0; i < n; i++) d[i] = rng.uniform(-1, 1);
    return d;
  }
}

/** One phase: dagrad-js against tfjs-cpu, or dagrad (SIMD) against tfjs-wasm. */
export async function matmulBench(rows: Rows, backend: Backend, sizes: readonly number[] = MATMUL_SIZES): Promise<void> {
  await squareBench(rows, backend, sizes);
  await narrowBench(rows, backend);
}

async function squareBench(rows: Rows, backend: Backend, sizes: readonly number[]): Promise<void> {
  for (const dtype of ['f32', 'f64']) {
    for (const n of sizes) for (const [ta, tb] of COMBOS) rows.row(`matmul ${dtype}`, `n=${n} ${label(ta, tb)}`, 'GFLOP/s', true);
  }
  const peer = await useBackend(backend);
  const wasm = backend === 'wasm';
  for (const n of sizes) {
    const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
    for (const dtype of ['f32', 'f64'] as const) {
      const T = dtype === 'f32' ? Float32Array : Float64Array;
      const mem = new Operands(T, wasm, 3 * n * n);
      const a = ndarray(mem.array(n * n, 1), [n, n]), b = ndarray(mem.array(n * n, 2), [n, n]);
      const out = ndarray(mem.array(n * n), [n, n]);
      const tfjs = peer && dtype === 'f32';
      const x = tfjs ? tf.tensor2d(a.data as Float32Array, [n, n]) : null;
      const y = tfjs ? tf.tensor2d(b.data as Float32Array, [n, n]) : null;
      for (const [ta, tb] of COMBOS) {
        progress(`matmul ${dtype} n=${n} ${label(ta, tb)}: ${wasm ? 'dagrad' : 'dagrad-js'}${tfjs ? ` and tfjs-${backend}` : ''}`);
        const attrs = { transposeA: ta, transposeB: tb };
        const fns = [() => {
          setWasmEnabled(wasm);
          Matmul.forward!([a, b], out, attrs);
        }];
        if (x && y) fns.push(() => tf.matMul(x, y, ta, tb).dispose());
        const [mine, theirs] = compare(fns);
        const row = rows.row(`matmul ${dtype}`, `n=${n} ${label(ta, tb)}`, 'GFLOP/s', true);
        row.values[wasm ? 'dagrad' : 'dagrad-js'] = gflops(mine);
        if (theirs !== undefined) row.values[`tfjs-${backend}`] = gflops(theirs);
      }
      if (x && y) tf.dispose([x, y]);
    }
  }
  setWasmEnabled(true);
}

/** Narrow shapes [M, K, N]: softmax regression's forward X W, its weight gradient X^T G, and M, N swapped. */
export const NARROW_SHAPES: readonly [number, number, number][] = [[10000, 784, 10], [784, 10000, 10], [10, 784, 10000]];
const SQUARE_REF = 512;
export const narrowName = ([M, K, N]: readonly number[], ta: boolean, tb: boolean): string => `M=${M} K=${K} N=${N} ${label(ta, tb)}`;

async function narrowBench(rows: Rows, backend: Backend): Promise<void> {
  for (const dtype of ['f32', 'f64']) {
    for (const s of NARROW_SHAPES) for (const [ta, tb] of COMBOS) rows.row(`matmul ${dtype}`, narrowName(s, ta, tb), 'GFLOP/s', true);
  }
  const peer = await useBackend(backend);
  const wasm = backend === 'wasm';
  const n = SQUARE_REF;
  const largest = Math.max(...NARROW_SHAPES.map(([M, K, N]) => M * K + K * N + M * N));
  for (const dtype of ['f32', 'f64'] as const) {
    const T = dtype === 'f32' ? Float32Array : Float64Array;
    // The square product's operands beside the narrow one's, in the same memory.
    const mem = new Operands(T, wasm, 3 * n * n + largest);
    for (const [M, K, N] of NARROW_SHAPES) {
      const tfjs = peer && dtype === 'f32';
      for (const [ta, tb] of COMBOS) {
        const name = narrowName([M, K, N], ta, tb);
        mem.reset();
        const sa = ndarray(mem.array(n * n, 1), [n, n]), sb = ndarray(mem.array(n * n, 2), [n, n]), so = ndarray(mem.array(n * n), [n, n]);
        // Stored as given: a transposed operand is stored with its axes swapped.
        const a = ndarray(mem.array(M * K, 3), ta ? [K, M] : [M, K]), b = ndarray(mem.array(K * N, 4), tb ? [N, K] : [K, N]);
        const out = ndarray(mem.array(M * N), [M, N]);
        const x = tfjs ? tf.tensor2d(a.data as Float32Array, a.shape as [number, number]) : null;
        const y = tfjs ? tf.tensor2d(b.data as Float32Array, b.shape as [number, number]) : null;
        progress(`matmul ${dtype} ${name}: ${wasm ? 'dagrad and square n=512' : 'dagrad-js'}${tfjs ? ` and tfjs-${backend}` : ''}`);
        const attrs = { transposeA: ta, transposeB: tb };
        const fns = [() => {
          setWasmEnabled(wasm);
          Matmul.forward!([a, b], out, attrs);
        }];
        if (wasm) fns.push(() => Matmul.forward!([sa, sb], so, attrs));
        if (x && y) fns.push(() => tf.matMul(x, y, ta, tb).dispose());
        const times = compare(fns);
        const gflops = (ms: number) => (2 * M * N * K) / ms / 1e6;
        const square = wasm ? (2 * n ** 3) / times[1] / 1e6 : undefined;
        const mine = gflops(times[0]);
        const note = square === undefined ? undefined : `${((100 * mine) / square).toFixed(0)}% of square n=${n} ${label(ta, tb)} (${square.toFixed(1)} GFLOP/s, alternating blocks)`;
        const row = rows.row(`matmul ${dtype}`, name, 'GFLOP/s', true, note);
        row.values[wasm ? 'dagrad' : 'dagrad-js'] = mine;
        if (x && y) row.values[`tfjs-${backend}`] = gflops(times[times.length - 1]);
        if (square !== undefined) narrowFractions.set(`${dtype} ${name}`, mine / square);
        if (x && y) tf.dispose([x, y]);
      }
    }
  }
  setWasmEnabled(true);
}

/** Each narrow row's GFLOP/s over the square product's, measured alongside it (read by run.ts's targets). */
export const narrowFractions = new Map<string, number>();
