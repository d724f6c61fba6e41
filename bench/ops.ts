/**
 * Small workloads:
 * - per-op overhead: a chain of 1000 adds on 1-element arrays, us per op. dagrad runs the chain as
 *   one compiled plan (`session.run` with an output array, so nothing is allocated per run); tfjs runs
 *   1000 eager tf.add calls in a tidy.
 * Each dagrad variant is sampled in turn with its peer (see `compare`): dagrad-js and the floors with
 * tfjs-cpu, dagrad with tfjs-wasm.
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
import { Rng } from '../src/graph/random.js';
import { binaryCopying } from './wasmCopying.js';
import { setWasmEnabled, WasmArena } from '../src/wasm/runtime.js';
import { compare, progress, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

const CHAIN = 1000;

export async function overheadBench(rows: Rows, backend: Backend): Promise<void> {
  const row = rows.row('overhead', `chain of ${CHAIN} adds, 1 element`, 'us/op', false);
  const impl = backend === 'wasm' ? 'dagrad' : 'dagrad-js';
  const x = placeholder('x', [1]);
  const one = constant({ data: new Float32Array([1]), shape: [1] });
  let y: Node = x;
  for (let i = 0; i < CHAIN; i++) y = add(y, one);
  const feeds = new Map([[x, { data: new Float32Array([0]), shape: [1] }]]);
  const out = ndarray(new Float32Array(1), [1]);
  const sess = new Session();
  const fns = [() => {
    setWasmEnabled(impl === 'dagrad');
    sess.run(y, feeds, { out });
  }];
  const peer = await useBackend(backend);
  const tx = peer ? tf.tensor1d([0]) : null, tone = peer ? tf.tensor1d([1]) : null;
  if (tx && tone) {
    fns.push(() => {
      const r = tf.tidy(() => {
        let t = tx;
        for (let i = 0; i < CHAIN; i++) t = tf.add(t, tone);
        return t;
      });
      r.dispose();
    });
  }
  progress(`overhead: ${impl}${peer ? ` and tfjs-${backend}` : ''}`);
  const [ours, theirs] = compare(fns);
  row.values[impl] = (ours * 1000) / CHAIN;
  if (theirs !== undefined) row.values[`tfjs-${backend}`] = (theirs * 1000) / CHAIN;
  if (tx && tone) tf.dispose([tx, tone]);
  setWasmEnabled(true);
}

const SIZE = 1_000_000;
const BYTES = 3 * 4 * SIZE;

export async function addBench(rows: Rows, backend: Backend): Promise<void> {
  const rng = new Rng(5);
  const A = new Float32Array(SIZE), B = new Float32Array(SIZE), C = new Float32Array(SIZE);
  for (let i = 0; i < SIZE; i++) {
    A[i] = rng.uniform(-1, 1);
    B[i] = rng.uniform(-1, 1);
  }
  const gbps = (ms: number) => BYTES / ms / 1e6;
  const main = rows.row('add 1e6 f32', '', 'GB/s', true);
  const floor = (name: string, note: string) => rows.row('add 1e6 f32', name, 'GB/s', true, note).values;
  const plainRow = floor('plain loop (floor)', 'c[i] = a[i] + b[i] on the typed arrays');
  const genericRow = floor('ndarray-ops.add', 'the generic strided loop the kernels replaced');
  const copyingRow = floor('wasm, copying', 'SIMD add with both inputs copied in and the sum copied out');
  const peer = await useBackend(backend);
  const tx = peer ? tf.tensor1d(A) : null, ty = peer ? tf.tensor1d(B) : null;
  const theirs = tx && ty ? [() => tf.add(tx, ty).dispose()] : [];
  progress(`add: ${backend === 'wasm' ? 'dagrad' : 'dagrad-js and floors'}${peer ? ` and tfjs-${backend}` : ''}`);
  if (backend === 'cpu') {
    // The JavaScript kernel and its floors run on the same arrays.
    const [a, b, c] = [A, B, C].map((d) => ndarray(d, [SIZE]));
    const [js, plain, generic, tcpu] = compare([
      () => {
        setWasmEnabled(false);
        Add.forward!([a, b], c, {});
      },
      () => {
        for (let i = 0; i < SIZE; i++) C[i] = A[i] + B[i];
      },
      () => ops.add(c, a, b),
      ...theirs,
    ]);
    main.values['dagrad-js'] = gbps(js);
    if (tcpu !== undefined) main.values['tfjs-cpu'] = gbps(tcpu);
    plainRow['dagrad-js'] = gbps(plain);
    genericRow['dagrad-js'] = gbps(generic);
  } else {
    const arena = new WasmArena(BYTES + 4096);
    const [wa, wb, wc] = [A, B, C].map((d) => {
      const x = arena.alloc('float32', SIZE);
      x.set(d);
      return ndarray(x, [SIZE]);
    });
    const [simd, copying, twasm] = compare([
      () => {
        setWasmEnabled(true);
        Add.forward!([wa, wb], wc, {});
      },
      () => binaryCopying('add', C, A, B),
      ...theirs,
    ]);
    main.values.dagrad = gbps(simd);
    if (twasm !== undefined) main.values['tfjs-wasm'] = gbps(twasm);
    copyingRow['dagrad-js'] = gbps(copying);
  }
  if (tx && ty) tf.dispose([tx, ty]);
  setWasmEnabled(true);
}
