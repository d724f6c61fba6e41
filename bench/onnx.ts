/**
 * The same training step (forward, backward, SGD or Adam update) in dagrad's default Session and in ONNX
 * Runtime's CPU backend (onnxruntime-node) with 1 and 2 intra-op threads, exported by toOnnx.
 * Run on request: `node --import tsx bench/onnx.ts`. The three are sampled in alternating blocks
 * (each round runs a block of each, in turn), so drift of a shared machine affects all alike;
 * ratios are of medians of per-step times within this one run.
 */
import * as ort from 'onnxruntime-node';
import {
  Adam, SGD, add, conv2d, init, matmul, maxPool2d, mean, oneHot, placeholder, relu, reshape, Rng, Session, softmaxCrossEntropyWithLogits,
  variable, type Node,
} from '../src/index.js';
import { initialState, toOnnx } from '../src/onnx/index.js';
import { machine, median } from './harness.js';

interface Model {
  name: string;
  x: Node;
  y: Node;
  loss: Node;
  /** One example's shape. */
  features: number[];
  classes: number;
  batch: number;
}

function mlp(features: number, hidden: number, classes: number, batch: number): Model {
  const x = placeholder('x', [null, features]);
  const y = placeholder('y', [null], { dtype: 'int32' });
  const w1 = variable('w1', init.glorotUniform([features, hidden]));
  const b1 = variable('b1', init.zeros([hidden]));
  const w2 = variable('w2', init.glorotUniform([hidden, classes]));
  const b2 = variable('b2', init.zeros([classes]));
  const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(y, classes), logits }));
  return { name: `MLP ${features}-${hidden}-${classes}, batch ${batch}`, x, y, loss, features: [features], classes, batch };
}

function logistic(features: number, classes: number, batch: number): Model {
  const x = placeholder('x', [null, features]);
  const y = placeholder('y', [null], { dtype: 'int32' });
  const w = variable('w', init.zeros([features, classes]));
  const b = variable('b', init.zeros([classes]));
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(y, classes), logits: add(matmul(x, w), b) }));
  return { name: `logistic regression ${features}-${classes}, batch ${batch}`, x, y, loss, features: [features], classes, batch };
}

/** MNIST-sized: conv 3x3 1->8, max pool 2, conv 3x3 8->16, max pool 2, dense 784->10 (NHWC, 'same' pads). */
function cnn(batch: number): Model {
  const x = placeholder('x', [null, 28, 28, 1]);
  const y = placeholder('y', [null], { dtype: 'int32' });
  const f1 = variable('f1', init.glorotUniform([3, 3, 1, 8]));
  const b1 = variable('b1', init.zeros([8]));
  const f2 = variable('f2', init.glorotUniform([3, 3, 8, 16]));
  const b2 = variable('b2', init.zeros([16]));
  const w = variable('w', init.glorotUniform([784, 10]));
  const b = variable('b', init.zeros([10]));
  const h = maxPool2d(relu(add(conv2d(x, f1, { padding: 'same' }), b1)), 2);
  const g = maxPool2d(relu(add(conv2d(h, f2, { padding: 'same' }), b2)), 2);
  const logits = add(matmul(reshape(g, [-1, 784]), w), b);
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(y, 10), logits }));
  return { name: `CNN 28x28x1 conv8-pool-conv16-pool-dense10, batch ${batch}`, x, y, loss, features: [28, 28, 1], classes: 10, batch };
}

type Step = () => Promise<void> | void;

/** Per-step times (ms): `rounds` rounds, each a block of `blockMs` of every variant in turn. */
async function alternate(steps: Step[], rounds = 7, blockMs = 300): Promise<number[][]> {
  for (const s of steps) for (let i = 0; i < 20; i++) await s();
  const samples = steps.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < steps.length; k++) {
      const end = performance.now() + blockMs;
      do {
        const t = performance.now();
        await steps[k]();
        samples[k].push(performance.now() - t);
      } while (performance.now() < end);
    }
  }
  return samples;
}

async function bench(m: Model, optimizer: 'SGD' | 'Adam'): Promise<void> {
  const step = (optimizer === 'SGD' ? new SGD({ learningRate: 0.01 }) : new Adam({ learningRate: 0.001 })).minimize(m.loss);
  const session = new Session();
  const bytes = toOnnx({ loss: m.loss, step }, { session });
  const rng = new Rng(1);
  const xs = Float32Array.from({ length: m.batch * m.features.reduce((p, d) => p * d, 1) }, () => rng.uniform(0, 1));
  const ys = Int32Array.from({ length: m.batch }, (_, i) => i % m.classes);
  const feeds = [[m.x, { data: xs, shape: [m.batch, ...m.features] }], [m.y, { data: ys, shape: [m.batch] }]] as const;
  const dagrad: Step = () => void session.run({ loss: m.loss, step }, feeds);

  const ortStep = async (threads: number): Promise<Step> => {
    const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    const state: Record<string, ort.Tensor> = {};
    for (const [name, v] of Object.entries(initialState(bytes))) state[name] = new ort.Tensor(v.dtype, v.data, v.shape);
    const x = new ort.Tensor('float32', xs, [m.batch, ...m.features]);
    const y = new ort.Tensor('int32', ys, [m.batch]);
    const names = Object.keys(state);
    return async () => {
      const out = await s.run({ ...state, [m.x.name]: x, [m.y.name]: y });
      // The new state feeds the next step as it is: no copy.
      for (const n of names) state[n] = out[`${n}:new`];
    };
  };
  const [one, two] = [await ortStep(1), await ortStep(2)];
  const samples = await alternate([dagrad, one, two]);
  const [d, o1, o2] = samples.map(median);
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} us`;
  console.log(`\n${m.name}, ${optimizer} (${samples.map((s) => s.length).join('/')} steps sampled)`);
  console.log(`  dagrad Session          ${us(d)} per step`);
  console.log(`  ONNX Runtime, 1 thread  ${us(o1)} per step   dagrad / ORT = ${(d / o1).toFixed(2)}x`);
  console.log(`  ONNX Runtime, 2 threads ${us(o2)} per step   dagrad / ORT = ${(d / o2).toFixed(2)}x`);
}

const info = machine();
console.log(`${new Date().toISOString()}  ${info.cpu}, ${info.cores} cores, ${info.node}, onnxruntime-node ${ort.env.versions.node ?? ''}, load average ${info.loadAverage.join(' ')}`);
const runs: [() => Model, 'SGD' | 'Adam'][] = [
  [() => logistic(784, 10, 64), 'Adam'],
  [() => mlp(784, 128, 10, 64), 'SGD'],
  [() => mlp(784, 128, 10, 64), 'Adam'],
  [() => mlp(64, 32, 4, 32), 'Adam'],
  [() => cnn(32), 'SGD'],
  [() => cnn(32), 'Adam'],
];
for (const [make, optimizer] of runs) await bench(make(), optimizer);
