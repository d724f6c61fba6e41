/**
 * Small workloads:
 * - per-op overhead: a chain of 1000 adds on 1-element arrays, us per op. dagrad runs the chain as
 *   one compiled plan (`session.run` with an output array, so nothing is allocated per run); tfjs runs
 *   1000 eager tf.add calls in a tidy.
 * - elementwise add of two 1e6-element float32 arrays, GB/s counting 12 MB moved (two reads and a
 *   write). dagrad runs the add op's kernel into a preallocated output, its default path on arrays
 *   placed in a WebAssembly arena (SIMD, no copy), `dagrad-js` on ordinary typed arrays; tfjs runs
 *   tf.add (which allocates its output). Extra rows give the floors: a plain loop, ndarray-ops, and
 *   the SIMD kernel when the arrays must be copied in and out of WebAssembly memory.
 */
import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { add, constant, placeholder, Session, type Node } from '../src/index.js';
import { Add } from '../src/ops/add.js';
import { Rng } from '../src/init/random.js';
import { binaryCopying } from '../src/wasm/elementwise.js';
import { setWasmEnabled, WasmArena } from '../src/wasm/runtime.js';
import { measure, measureInterleaved, progress, type Row } from './harness.js';
import { BACKENDS, tf, useBackend } from './tfjs.js';

const CHAIN = 1000;

export async function overheadBench(): Promise<Row[]> {
  const values: Row['values'] = {};
  for (const impl of ['dagrad', 'dagrad-js'] as const) {
    progress(`overhead ${impl}`);
    setWasmEnabled(impl === 'dagrad');
    const x = placeholder('x', [1]);
    const one = constant({ data: new Float32Array([1]), shape: [1] });
    let y: Node = x;
    for (let i = 0; i < CHAIN; i++) y = add(y, one);
    const sess = new Session();
    const feeds = new Map([[x, { data: new Float32Array([0]), shape: [1] }]]);
    const out = ndarray(new Float32Array(1), [1]);
    values[impl] = ((await measure(() => sess.run(y, feeds, { out }))) * 1000) / CHAIN;
  }
  setWasmEnabled(true);
  for (const backend of BACKENDS) {
    if (!(await useBackend(backend))) continue;
    progress(`overhead tfjs-${backend}`);
    const x = tf.tensor1d([0]), one = tf.tensor1d([1]);
    const chain = () => {
      const r = tf.tidy(() => {
        let y = x;
        for (let i = 0; i < CHAIN; i++) y = tf.add(y, one);
        return y;
      });
      r.dispose();
    };
    values[`tfjs-${backend}`] = ((await measure(chain)) * 1000) / CHAIN;
    tf.dispose([x, one]);
  }
  return [{ group: 'overhead', name: `chain of ${CHAIN} adds, 1 element`, unit: 'us/op', higherIsBetter: false, values }];
}

const SIZE = 1_000_000;
const BYTES = 3 * 4 * SIZE;

export async function addBench(): Promise<Row[]> {
  const rng = new Rng(5);
  const A = new Float32Array(SIZE), B = new Float32Array(SIZE), C = new Float32Array(SIZE);
  for (let i = 0; i < SIZE; i++) {
    A[i] = rng.uniform(-1, 1);
    B[i] = rng.uniform(-1, 1);
  }
  const gbps = (ms: number) => BYTES / ms / 1e6;
  const [a, b, c] = [A, B, C].map((d) => ndarray(d, [SIZE]));
  const values: Row['values'] = {};
  const floors: Row[] = [];
  const floor = (name: string, v: number, note: string) =>
    floors.push({ group: 'add 1e6 f32', name, unit: 'GB/s', higherIsBetter: true, values: { 'dagrad-js': v }, note });

  progress('add dagrad and floors');
  setWasmEnabled(true);
  const arena = new WasmArena(BYTES + 4096);
  const [wa, wb, wc] = [A, B, C].map((d) => {
    const x = arena.alloc('float32', SIZE);
    x.set(d);
    return ndarray(x, [SIZE]);
  });
  // Repeated on the same arrays, as tfjs is measured below: 12 MB stays in this CPU's L3 cache.
  values.dagrad = gbps(await measure(() => Add.forward!([wa, wb], wc, {})));
  // The JavaScript kernel and its floors (same arrays) are sampled in turn, so they see the same machine.
  const [js, plain, generic] = measureInterleaved([
    () => {
      setWasmEnabled(false);
      Add.forward!([a, b], c, {});
      setWasmEnabled(true);
    },
    () => {
      for (let i = 0; i < SIZE; i++) C[i] = A[i] + B[i];
    },
    () => ops.add(c, a, b),
  ]);
  values['dagrad-js'] = gbps(js);
  floor('plain loop (floor)', gbps(plain), 'c[i] = a[i] + b[i] on the typed arrays');
  floor('ndarray-ops.add', gbps(generic), 'the generic strided loop the kernels replaced');
  floor('wasm, copying', gbps(await measure(() => binaryCopying('add', C, A, B))), 'SIMD add with both inputs copied in and the sum copied out');

  for (const backend of BACKENDS) {
    if (!(await useBackend(backend))) continue;
    progress(`add tfjs-${backend}`);
    const x = tf.tensor1d(A), y = tf.tensor1d(B);
    values[`tfjs-${backend}`] = gbps(await measure(() => tf.add(x, y).dispose()));
    tf.dispose([x, y]);
  }
  return [{ group: 'add 1e6 f32', name: '', unit: 'GB/s', higherIsBetter: true, values }, ...floors];
}
