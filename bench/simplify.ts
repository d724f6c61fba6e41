/**
 * Simplify as you differentiate, measured: SGD training steps and Hessian-vector products built raw
 * (`simplify: false`, Session({ simplify: false })) and simplified (the defaults). Prints kernels
 * per step for each, and the time ratio raw / simplified as the median over interleaved rounds
 * with its spread (min and max of the per-round ratios): the machine is shared, so single timings
 * move. Writes nothing.
 *
 *   npx tsx bench/simplify.ts            (about a minute)
 *   npx tsx bench/simplify.ts --rounds=9
 */
import {
  add, assignSub, gradients, group, hessianVectorProduct, init, matmul, mean, mul, placeholder, relu, Rng, Session,
  sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits, square, sub, tanh, variable, type Input, type Node,
} from '../src/index.js';
import { compare, machine, median } from './harness.js';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 7);
const rng = new Rng(1);
const data = (shape: number[]): Input => ({ data: Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.uniform(-1, 1)), shape });

interface Workload {
  readonly name: string;
  /** The fetches of one step, built raw or simplified, and the feeds. */
  readonly build: (simplify: boolean) => { fetches: Node[]; feeds: [Node, Input][] };
}

const sgd = (loss: Node, vars: Node[], simplify: boolean): Node[] => {
  const gs = gradients(loss, vars, undefined, { simplify });
  return [loss, group(vars.map((v, i) => assignSub(v, mul(gs[i], 0.01))))];
};

const WORKLOADS: Workload[] = [
  {
    name: 'logistic 256x20, batch unknown (fed 256): SGD step',
    build: (simplify) => {
      const x = placeholder('x', [null, 20]);
      const y = placeholder('y', [null, 1]);
      const w = variable(`w${simplify}`, init.glorotUniform([20, 1]));
      const b = variable(`b${simplify}`, init.zeros([1]));
      const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: add(matmul(x, w), b) }));
      return { fetches: sgd(loss, [w, b], simplify), feeds: [[x, data([256, 20])], [y, { data: new Float32Array(256).map((_, i) => i % 2), shape: [256, 1] }]] };
    },
  },
  {
    name: 'MLP 64-128-10 ReLU softmax, batch 128: SGD step',
    build: (simplify) => {
      const x = placeholder('x', [128, 64]);
      const labels = placeholder('labels', [128, 10]);
      const w1 = variable(`w1${simplify}`, init.glorotUniform([64, 128]));
      const b1 = variable(`b1${simplify}`, init.zeros([128]));
      const w2 = variable(`w2${simplify}`, init.glorotUniform([128, 10]));
      const b2 = variable(`b2${simplify}`, init.zeros([10]));
      const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
      const loss = mean(softmaxCrossEntropyWithLogits({ labels, logits }));
      const onehot = new Float32Array(128 * 10).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
      return { fetches: sgd(loss, [w1, b1, w2, b2], simplify), feeds: [[x, data([128, 64])], [labels, { data: onehot, shape: [128, 10] }]] };
    },
  },
  {
    name: 'Hessian-vector product, logistic loss in w (256x20)',
    build: (simplify) => {
      const x = placeholder('x', [256, 20]);
      const y = placeholder('y', [256, 1]);
      const w = placeholder('w', [20, 1]);
      const v = placeholder('v', [20, 1]);
      const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: matmul(x, w) }));
      return {
        fetches: [hessianVectorProduct(loss, w, v, { simplify })],
        feeds: [[x, data([256, 20])], [y, { data: new Float32Array(256).map((_, i) => i % 2), shape: [256, 1] }], [w, data([20, 1])], [v, data([20, 1])]],
      };
    },
  },
  {
    name: 'Hessian-vector product, tanh MLP 32-64-1 squared error in w1',
    build: (simplify) => {
      const x = placeholder('x', [128, 32]);
      const t = placeholder('t', [128, 1]);
      const w1 = placeholder('w1', [32, 64]);
      const w2 = placeholder('w2', [64, 1]);
      const v = placeholder('v', [32, 64]);
      const loss = mean(square(sub(matmul(tanh(matmul(x, w1)), w2), t)));
      return {
        fetches: [hessianVectorProduct(loss, w1, v, { simplify })],
        feeds: [[x, data([128, 32])], [t, data([128, 1])], [w1, data([32, 64])], [w2, data([64, 1])], [v, data([32, 64])]],
      };
    },
  },
];

console.log(`machine: ${JSON.stringify(machine())}`);
console.log(`${rounds} interleaved rounds; ratio = raw time / simplified time (>1: simplified is faster)\n`);
const lines: string[][] = [['workload', 'kernels raw', 'kernels simplified', 'ms raw', 'ms simplified', 'ratio (median)', 'spread (min-max)']];
for (const wl of WORKLOADS) {
  const raw = wl.build(false);
  const simple = wl.build(true);
  const rawSess = new Session({ simplify: false });
  const simpleSess = new Session();
  const runRaw = () => rawSess.run(raw.fetches, raw.feeds);
  const runSimple = () => simpleSess.run(simple.fetches, simple.feeds);
  const kRaw = rawSess.plan(raw.fetches, raw.feeds).kernels;
  const kSimple = simpleSess.plan(simple.fetches, simple.feeds).kernels;
  const ratios: number[] = [];
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const [a, b] = r % 2 ? compare([runSimple, runRaw], 60, 3).reverse() : compare([runRaw, runSimple], 60, 3);
    times[0].push(a);
    times[1].push(b);
    ratios.push(a / b);
  }
  lines.push([
    wl.name, String(kRaw), String(kSimple), median(times[0]).toFixed(3), median(times[1]).toFixed(3),
    `${median(ratios).toFixed(2)}x`, `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`,
  ]);
}
const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
for (const l of lines) console.log(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
