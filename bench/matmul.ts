/**
 * Matrix product n x n x n, GFLOP/s, in all four transpose combinations, float32 and float64.
 * dagrad runs the matmul op's kernel (what a compiled plan calls) into a preallocated output, with
 * the operands stored transposed where asked; tfjs runs tf.matMul with its transpose flags (float32
 * only: tfjs has no float64). dagrad-js is sampled in turn with tfjs-cpu, dagrad with tfjs-wasm.
 */
import ndarray from 'ndarray';
import { Matmul } from '../src/ops/matmul.js';
import { Rng } from '../src/graph/random.js';
import { setWasmEnabled } from '../src/wasm/runtime.js';
import { compare, progress, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

export const MATMUL_SIZES = [64, 128, 256, 512, 1024];
const COMBOS: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const label = (ta: boolean, tb: boolean): string => `${ta ? 'A^T' : 'A'} ${tb ? 'B^T' : 'B'}`;

function random<T extends Float32ArrayConstructor | Float64ArrayConstructor>(n: number, T: T, seed: number): InstanceType<T> {
  const rng = new Rng(seed);
  const d = new T(n) as InstanceType<T>;
  for (let i = 0; i < n; i++) d[i] = rng.uniform(-1, 1);
  return d;
}

/** One phase: dagrad-js against tfjs-cpu, or dagrad (SIMD) against tfjs-wasm. */
export async function matmulBench(rows: Rows, backend: Backend, sizes: readonly number[] = MATMUL_SIZES): Promise<void> {
  for (const dtype of ['f32', 'f64']) {
    for (const n of sizes) for (const [ta, tb] of COMBOS) rows.row(`matmul ${dtype}`, `n=${n} ${label(ta, tb)}`, 'GFLOP/s', true);
  }
  const peer = await useBackend(backend);
  const wasm = backend === 'wasm';
  for (const n of sizes) {
    const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
    for (const dtype of ['f32', 'f64'] as const) {
      const T = dtype === 'f32' ? Float32Array : Float64Array;
      const a = ndarray(random(n * n, T, 1), [n, n]), b = ndarray(random(n * n, T, 2), [n, n]);
      const out = ndarray(new T(n * n), [n, n]);
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
