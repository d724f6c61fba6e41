/**
 * Training workloads, the same model and update in each framework:
 * - MLP 784-256-10 (relu), batch 128, softmax cross-entropy, one SGD step (ms);
 * - logistic regression, N = 10000, D = 20, 200 full-batch SGD steps (s).
 * dagrad builds the graph once, with the optimizer's training node, and runs it in a Session: its
 * default path places each plan's buffers in WebAssembly memory (`arena: wasmArena`) with SIMD
 * kernels on; `dagrad-js` is a plain Session with WebAssembly switched off. tfjs uses
 * `optimizer.minimize` (its usual training step), on tensors made once.
 */
import {
  add, init, matmul, mean, placeholder, relu, Session, SGD, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits,
  variable, constant, type Node,
} from '../src/index.js';
import { Rng } from '../src/graph/random.js';
import { setWasmEnabled, wasmArena } from '../src/wasm/runtime.js';
import { compare, progress, type Impl, type Row, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

function randomData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniform(lo, hi);
  return d;
}

function oneHot(batch: number, classes: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const d = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) d[i * classes + rng.int(classes)] = 1;
  return d;
}

/** A dagrad session for an implementation: WebAssembly arenas and kernels, or JavaScript only. */
function session(impl: Impl): Session {
  setWasmEnabled(impl === 'dagrad');
  return impl === 'dagrad' ? new Session({ arena: wasmArena }) : new Session();
}

const B = 128, IN = 784, HID = 256, OUT = 10;

/**
 * One phase: the dagrad variant sampled in turn with its peer (see `compare`), dagrad-js with
 * tfjs-cpu or dagrad with tfjs-wasm. `dagradStep(impl)` and `tfjsStep()` make the step to time.
 */
async function versus(
  row: Row, backend: Backend, dagradStep: (impl: 'dagrad' | 'dagrad-js') => () => void,
  tfjsStep: () => { step: () => void; dispose: () => void }, scale = 1,
): Promise<void> {
  const impl = backend === 'wasm' ? 'dagrad' : 'dagrad-js';
  const wasm = impl === 'dagrad';
  const mine = dagradStep(impl);
  const fns = [() => {
    setWasmEnabled(wasm);
    mine();
  }];
  const peer = (await useBackend(backend)) ? tfjsStep() : null;
  if (peer) fns.push(peer.step);
  progress(`${row.group}: ${impl}${peer ? ` and tfjs-${backend}` : ''}`);
  const [ours, theirs] = compare(fns, 300, 5);
  row.values[impl] = ours * scale;
  if (theirs !== undefined) row.values[`tfjs-${backend}`] = theirs * scale;
  peer?.dispose();
  setWasmEnabled(true);
}

export async function mlpBench(rows: Rows, backend: Backend): Promise<void> {
  const X = randomData(B * IN, 1, 0, 1), Y = oneHot(B, OUT, 2);
  const dagradStep = (impl: 'dagrad' | 'dagrad-js') => {
    const x = placeholder('x', [B, IN]), y = placeholder('y', [B, OUT]);
    const w1 = variable('w1', init.glorotUniform([IN, HID])), b1 = variable('b1', init.zeros([HID]));
    const w2 = variable('w2', init.glorotUniform([HID, OUT])), b2 = variable('b2', init.zeros([OUT]));
    const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
    const loss = mean(softmaxCrossEntropyWithLogits({ labels: y, logits }));
    const step = new SGD({ learningRate: 0.1 }).minimize(loss);
    const sess = session(impl);
    const feeds = new Map<Node, { data: Float32Array; shape: number[] }>([[x, { data: X, shape: [B, IN] }], [y, { data: Y, shape: [B, OUT] }]]);
    return () => void sess.run(step, feeds);
  };
  const tfjsStep = () => {
    const x = tf.tensor2d(X, [B, IN]), y = tf.tensor2d(Y, [B, OUT]);
    const w1 = tf.variable(tf.randomUniform([IN, HID], -0.08, 0.08)), b1 = tf.variable(tf.zeros([HID]));
    const w2 = tf.variable(tf.randomUniform([HID, OUT], -0.14, 0.14)), b2 = tf.variable(tf.zeros([OUT]));
    const opt = tf.train.sgd(0.1);
    const f = () => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)) as tf.Scalar;
    return {
      step: () => void opt.minimize(f),
      dispose: () => {
        tf.dispose([x, y, w1, b1, w2, b2]);
        opt.dispose();
      },
    };
  };
  await versus(rows.row('mlp', '784-256-10 b128 SGD step', 'ms', false), backend, dagradStep, tfjsStep);
}

const N = 10000, D = 20, STEPS = 200;

export async function logisticBench(rows: Rows, backend: Backend): Promise<void> {
  const X = randomData(N * D, 3);
  const wTrue = randomData(D, 4);
  const Y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += X[i * D + j] * wTrue[j];
    Y[i] = z > 0 ? 1 : 0;
  }
  const dagradStep = (impl: 'dagrad' | 'dagrad-js') => {
    const x = constant({ data: X, shape: [N, D] }), y = constant({ data: Y, shape: [N, 1] });
    const w = variable('w', init.zeros([D, 1])), b = variable('b', init.zeros([1]));
    const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: add(matmul(x, w), b) }));
    const step = new SGD({ learningRate: 0.5 }).minimize(loss);
    const sess = session(impl);
    return () => {
      for (let i = 0; i < STEPS; i++) sess.run(step);
    };
  };
  const tfjsStep = () => {
    const x = tf.tensor2d(X, [N, D]), y = tf.tensor2d(Y, [N, 1]);
    const w = tf.variable(tf.zeros([D, 1])), b = tf.variable(tf.zeros([1]));
    const opt = tf.train.sgd(0.5);
    const f = () => tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar;
    return {
      step: () => {
        for (let i = 0; i < STEPS; i++) opt.minimize(f);
      },
      dispose: () => {
        tf.dispose([x, y, w, b]);
        opt.dispose();
      },
    };
  };
  await versus(rows.row('logistic', `N=${N} D=${D} ${STEPS} steps`, 's', false), backend, dagradStep, tfjsStep, 1 / 1000);
}
