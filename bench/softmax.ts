/**
 * Wide softmax regression (issue 9): N = 10000 rows, D = 784 features, C = 10 classes, full batch,
 * softmax cross-entropy, one SGD step (ms). Its products are narrow (10000x784 by 784x10, and the
 * weight gradient X^T G, 784x10000 by 10000x10), the case assembly/narrow.ts is for.
 * dagrad runs the step with the default `new Session()` and with the explicit fastest options
 * (`arena: wasmArena`), tfjs with `optimizer.minimize` on tensors made once; all three sampled in
 * alternating blocks, three times over, so the ratio's spread is printed beside its median.
 * The JavaScript phase runs dagrad-js (WebAssembly off) against tfjs-cpu the same way.
 */
import {
  add, constant, init, matmul, mean, Session, SGD, softmaxCrossEntropyWithLogits, variable,
} from '../src/index.js';
import { Rng } from '../src/graph/random.js';
import { setWasmEnabled, wasmArena } from '../src/wasm/runtime.js';
import { compare, median, progress, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

const N = 10000, D = 784, C = 10, LR = 0.1, REPEATS = 3;
export const SOFTMAX_ROW = `N=${N} D=${D} C=${C} SGD step`;

function data(): { X: Float32Array; Y: Float32Array } {
  const rng = new Rng(11);
  const X = new Float32Array(N * D), Y = new Float32Array(N * C);
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform(-1, 1);
  for (let i = 0; i < N; i++) Y[i * C + rng.int(C)] = 1;
  return { X, Y };
}

/** dagrad's step, built once: `run()` is one full-batch update. */
function dagradStep(X: Float32Array, Y: Float32Array, wasm: boolean, opts: ConstructorParameters<typeof Session>[0]): () => void {
  setWasmEnabled(wasm);
  const tag = `softmax${Math.random()}`;
  const x = constant({ data: X, shape: [N, D] }), y = constant({ data: Y, shape: [N, C] });
  const w = variable(`${tag}w`, init.zeros([D, C])), b = variable(`${tag}b`, init.zeros([C]));
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: y, logits: add(matmul(x, w), b) }));
  const step = new SGD({ learningRate: LR }).minimize(loss);
  const s = new Session(opts);
  s.run(step); // compiles the plan
  return () => {
    setWasmEnabled(wasm);
    s.run(step);
  };
}

export async function softmaxBench(rows: Rows, backend: Backend): Promise<void> {
  const { X, Y } = data();
  const wasm = backend === 'wasm';
  const peer = await useBackend(backend);
  const fns = [dagradStep(X, Y, wasm, {})];
  if (wasm) fns.push(dagradStep(X, Y, true, { arena: wasmArena }));
  let dispose = () => {};
  if (peer) {
    const x = tf.tensor2d(X, [N, D]), y = tf.tensor2d(Y, [N, C]);
    const w = tf.variable(tf.zeros([D, C])), b = tf.variable(tf.zeros([C]));
    const opt = tf.train.sgd(LR);
    const f = () => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar;
    fns.push(() => opt.minimize(f));
    dispose = () => {
      tf.dispose([x, y, w, b]);
      opt.dispose();
    };
  }
  const runs: number[][] = [];
  for (let r = 0; r < REPEATS; r++) {
    progress(`softmax: ${SOFTMAX_ROW}, ${wasm ? 'dagrad (new Session(), arena: wasmArena)' : 'dagrad-js'}${peer ? ` and tfjs-${backend}` : ''}, run ${r + 1}/${REPEATS}`);
    runs.push(compare(fns, 300, 5));
  }
  dispose();
  setWasmEnabled(true);
  const med = (k: number) => median(runs.map((t) => t[k]));
  const peerKey = `tfjs-${backend}` as const;
  const spread = (k: number): string | undefined => {
    if (!peer) return undefined;
    const ratios = runs.map((t) => t[t.length - 1] / t[k]).sort((p, q) => p - q);
    return `${ratios[ratios.length >> 1].toFixed(2)}x ${peerKey} (${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}x over ${REPEATS} alternating runs)`;
  };
  const def = rows.row('softmax', `${SOFTMAX_ROW}, new Session()`, 'ms', false, spread(0));
  def.values[wasm ? 'dagrad' : 'dagrad-js'] = med(0);
  if (peer) def.values[peerKey] = med(fns.length - 1);
  if (wasm) {
    const fast = rows.row('softmax', `${SOFTMAX_ROW}, arena: wasmArena`, 'ms', false, spread(1));
    fast.values.dagrad = med(1);
    if (peer) fast.values[peerKey] = med(fns.length - 1);
  }
}
