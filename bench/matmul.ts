/**
 * Matrix product n x n x n, GFLOP/s, in all four transpose combinations, float32 and float64.
 * dagrad runs the matmul op's kernel (what a compiled plan calls) into a preallocated output, with
 * the operands stored transposed where asked; tfjs runs tf.matMul with its transpose flags (float32
 * only: tfjs has no float64).
 */
import ndarray from 'ndarray';
import { Matmul } from '../src/ops/matmul.js';
import { Rng } from '../src/init/random.js';
import { setWasmEnabled } from '../src/wasm/runtime.js';
import { measure, progress, type Row } from './harness.js';
import { BACKENDS, tf, useBackend } from './tfjs.js';

export const MATMUL_SIZES = [64, 128, 256, 512, 1024];
const COMBOS: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const label = (ta: boolean, tb: boolean): string => `${ta ? 'A^T' : 'A'} ${tb ? 'B^T' : 'B'}`;

function random<T extends Float32ArrayConstructor | Float64ArrayConstructor>(n: number, T: T, seed: number): InstanceType<T> {
  const rng = new Rng(seed);
  const d = new T(n) as InstanceType<T>;
  for (let i = 0; i < n; i++) d[i] = rng.uniform(-1, 1);
  return d;
}

export async function matmulBench(sizes: readonly number[] = MATMUL_SIZES): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dtype of ['f32', 'f64'] as const) {
    const T = dtype === 'f32' ? Float32Array : Float64Array;
    for (const n of sizes) {
      const flops = 2 * n ** 3;
      const gflops = (ms: number) => flops / ms / 1e6;
      const a = ndarray(random(n * n, T, 1), [n, n]), b = ndarray(random(n * n, T, 2), [n, n]);
      const out = ndarray(new T(n * n), [n, n]);
      for (const [ta, tb] of COMBOS) {
        progress(`matmul ${dtype} n=${n} ${label(ta, tb)}`);
        const values: Row['values'] = {};
        const attrs = { transposeA: ta, transposeB: tb };
        for (const wasm of [true, false]) {
          setWasmEnabled(wasm);
          values[wasm ? 'dagrad' : 'dagrad-js'] = gflops(await measure(() => Matmul.forward!([a, b], out, attrs)));
        }
        setWasmEnabled(true);
        rows.push({ group: `matmul ${dtype}`, name: `n=${n} ${label(ta, tb)}`, unit: 'GFLOP/s', higherIsBetter: true, values });
      }
    }
  }
  for (const backend of BACKENDS) {
    if (!(await useBackend(backend))) continue;
    for (const n of sizes) {
      const x = tf.tensor2d(random(n * n, Float32Array, 1), [n, n]), y = tf.tensor2d(random(n * n, Float32Array, 2), [n, n]);
      for (const [ta, tb] of COMBOS) {
        progress(`matmul f32 n=${n} ${label(ta, tb)} tfjs-${backend}`);
        const ms = await measure(() => tf.matMul(x, y, ta, tb).dispose(), { minReps: 3 });
        const row = rows.find((r) => r.group === 'matmul f32' && r.name === `n=${n} ${label(ta, tb)}`)!;
        row.values[`tfjs-${backend}`] = (2 * n ** 3) / ms / 1e6;
      }
      x.dispose();
      y.dispose();
    }
  }
  return rows;
}
