/**
 * Two ways to add an op, both checked with checkOp and both used to train a small model:
 * - huber (huber.ts): defineOp with a kernel of its own, backward and jvp as graph ops;
 * - swish (swish.ts): a function composing existing ops, derivatives for free.
 * The model, a 1-16-1 MLP with swish activations, fits a curve through data with outliers, once
 * with the Huber loss and once with the squared loss, to show what the custom op buys.
 * Run: npm run example:custom-op
 */
import {
  Adam, add, checkOp, formatTable, gradients, init, matmul, mean, placeholder, Rng, Session, square, sub, toFlat, variable,
  type Node,
} from '../../src/index.js';
import { Huber, huber } from './huber.js';
import { swish } from './swish.js';

// 1. Check both ops, the way a user would in their own tests: throwOnFailure turns a failed check
// into an error whose message is the report.
const residuals = { data: Float64Array.from([-3.2, -0.9, -0.2, 0.3, 0.7, 2.5]), shape: [6] };
const huberReport = checkOp(
  Huber,
  [
    // By hand: 0.5 (|r| - 0.25) beyond 0.5, r^2 / 2 within.
    { name: 'both branches', inputs: [residuals], attrs: { delta: 0.5 }, expected: [1.475, 0.325, 0.02, 0.045, 0.225, 1.125] },
    { name: 'a matrix', inputs: [{ data: Float64Array.from([0.1, -2, 1.3, -0.4]), shape: [2, 2] }], attrs: { delta: 1 } },
  ],
  { throwOnFailure: true },
);
console.log(huberReport.summary);
const swishReport = checkOp(
  swish,
  [{ name: 'around the minimum', inputs: [{ data: Float64Array.from([-4, -1.28, -0.5, 0, 0.5, 3]), shape: [6] }] }],
  { throwOnFailure: true },
);
console.log(swishReport.summary);

// 2. Data: y = sin(1.5 x) + 0.3 x with a little noise, and every eighth point thrown far off.
const rng = new Rng(7);
const N = 64;
const xs: number[] = [], ys: number[] = [], outlier: boolean[] = [];
for (let i = 0; i < N; i++) {
  const x = -3 + (6 * i) / (N - 1);
  const off = i % 8 === 3;
  xs.push(x);
  ys.push(Math.sin(1.5 * x) + 0.3 * x + rng.normal(0, 0.05) + (off ? (i % 16 === 3 ? 4 : -4) : 0));
  outlier.push(off);
}
const X = placeholder('X', [N, 1]);
const Y = placeholder('Y', [N, 1]);
const feeds = { X: { data: Float32Array.from(xs), shape: [N, 1] }, Y: { data: Float32Array.from(ys), shape: [N, 1] } };

/** A 1-16-1 MLP with swish activations; variables named after the run so that two models share a session. */
function mlp(prefix: string): Node {
  const W1 = variable(`${prefix}/W1`, init.glorotUniform([1, 16], { seed: 1 }));
  const b1 = variable(`${prefix}/b1`, init.zeros([16]));
  const W2 = variable(`${prefix}/W2`, init.glorotUniform([16, 1], { seed: 2 }));
  const b2 = variable(`${prefix}/b2`, init.zeros([1]));
  return add(matmul(swish(add(matmul(X, W1), b1)), W2), b2);
}

// 3. Train the same model twice: with the Huber loss (custom op) and with the squared loss.
const sess = new Session({ seed: 0 });
const results: string[][] = [];
for (const [label, lossOf] of [
  ['huber (delta 0.5)', (r: Node) => mean(huber(r, 0.5))],
  ['squared error', (r: Node) => mean(square(r))],
] as const) {
  const prediction = mlp(label.split(' ')[0]);
  const loss = lossOf(sub(prediction, Y));
  const step = new Adam({ learningRate: 0.02, name: `Adam_${label.split(' ')[0]}` }).minimize(loss);
  const history: string[] = [];
  for (let t = 0; t <= 1000; t++) {
    if (t % 250 === 0) history.push(`${t}: ${toFlat(sess.run(loss, feeds))[0].toFixed(4)}`);
    if (t < 1000) sess.run(step, feeds);
  }
  const p = toFlat(sess.run(prediction, feeds));
  const inlier = p.map((v, i) => [v, i] as const).filter(([, i]) => !outlier[i]);
  const mae = inlier.reduce((s, [v, i]) => s + Math.abs(v - (Math.sin(1.5 * xs[i]) + 0.3 * xs[i])), 0) / inlier.length;
  results.push([label, history.join(', '), mae.toFixed(4)]);
}
console.log('\nTraining a 1-16-1 swish MLP on 64 points, 8 of them outliers (Adam, 1000 full-batch steps):\n');
console.log(formatTable(['loss', 'loss at step 0, 250, 500, 750, 1000', 'mean |error| vs the true curve, inliers'], results, { alignRight: [2], indent: '  ' }));

// 4. The custom op is a node like any other: its gradient graph can be differentiated again.
const r = placeholder('r', [3], { dtype: 'float64' });
const g = gradients(mean(huber(r, 0.5)), [r])[0];
const values = { r: { data: Float64Array.from([-1, 0.2, 3]), shape: [3] } };
console.log(`\nd/dr mean(huber(r, 0.5)) at r = [-1, 0.2, 3]: [${toFlat(sess.run(g, values)).map((v) => v.toFixed(4)).join(', ')}]`);
console.log(`(clip(r, -0.5, 0.5) / 3 = [-0.1667, 0.0667, 0.1667])`);
