/**
 * A small CNN (conv, max pool, conv, average pool, dense) exported to onnxruntime-node: inference,
 * gradients and 20 SGD and Adam training steps equal dagrad's own. Max-pool ties go to the same
 * element in both. Random draws are ONNX Runtime's own: their distribution, shape and dropout's
 * scale are checked, and a dropout mask is the same in forward and in backward.
 */
import type { NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adam, add, avgPool2d, conv2d, dropout, gradients, init, jvp, matmul, maxPool2d, mean, mul, oneHot, placeholder, randomNormal,
  randomUniform, relu, reshape, Rng, SGD, Session, softmax, softmaxCrossEntropyWithLogits, sum, variable, type Node, type Optimizer,
} from '../../src/index.js';
import { initialState, toOnnx } from '../../src/onnx/index.js';
import { onnx } from '../../src/onnx/proto.js';
import { expectClose, fromNd, ortSession, runOrt, toInput, type Value } from './harness.js';

let uid = 0;
function cnn(): { x: Node; y: Node; loss: Node; probs: Node; vars: Node[] } {
  const k = `cnn${uid++}`;
  const x = placeholder(`${k}/x`, [null, 6, 6, 2]);
  const y = placeholder(`${k}/y`, [null], { dtype: 'int32' });
  const f1 = variable(`${k}/f1`, init.glorotUniform([3, 3, 2, 4]));
  const b1 = variable(`${k}/b1`, init.zeros([4]));
  const f2 = variable(`${k}/f2`, init.glorotUniform([2, 2, 4, 6]));
  const w = variable(`${k}/w`, init.glorotUniform([6, 3]));
  const b = variable(`${k}/b`, init.zeros([3]));
  const h = maxPool2d(relu(add(conv2d(x, f1, { padding: 'same' }), b1)), 2);        // [N, 3, 3, 4]
  const g = avgPool2d(relu(conv2d(h, f2, { padding: 'same' })), 3, { strides: 2, padding: 'same' }); // [N, 2, 2, 6]
  const logits = add(matmul(reshape(mean(g, { axes: [1, 2] }), [-1, 6]), w), b);
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(y, 3), logits }));
  return { x, y, loss, probs: softmax(logits), vars: [f1, b1, f2, w, b] };
}

/** Images whose class is the quadrant (of three) that is brightest: learnable in a few steps. */
function data(rows: number, seed: number): { x: Value; y: Value } {
  const rng = new Rng(seed);
  const xs: number[] = [], ys: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    ys.push(c);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) for (let ch = 0; ch < 2; ch++) {
      const lit = (c === 0 && i < 3) || (c === 1 && i >= 3 && j < 3) || (c === 2 && i >= 3 && j >= 3);
      xs.push(Math.fround((lit ? 1.5 : 0) + rng.normal(0, 0.5)));
    }
  }
  return { x: { data: xs, shape: [rows, 6, 6, 2], dtype: 'float32' }, y: { data: ys, shape: [rows], dtype: 'int32' } };
}

describe('a CNN (conv, pools, dense) in onnxruntime-node', () => {
  it('predicts as dagrad does (unknown batch, fed 5 and 2 rows), to 1e-6', async () => {
    const net = cnn();
    const session = new Session();
    const bytes = toOnnx({ p: net.probs }, { session });
    const ort = await ortSession(bytes);
    for (const rows of [5, 2]) {
      const d = data(rows, rows);
      const want = session.run(net.probs, [[net.x, toInput(d.x)]]);
      expectClose((await runOrt(bytes, { [net.x.name]: d.x }, ort)).p, fromNd(want, 'float32'), 1e-6, 'probabilities');
    }
  });

  it('computes the gradients dagrad computes (every weight and the input), to 1e-5', async () => {
    const net = cnn();
    const session = new Session();
    const grads = gradients(net.loss, [...net.vars, net.x]);
    const fetches: Record<string, Node> = { loss: net.loss, ...Object.fromEntries(grads.map((g, i) => [`g${i}`, g])) };
    const bytes = toOnnx(fetches, { session });
    const d = data(6, 3);
    const want: Record<string, NdArray> = session.run(fetches, [[net.x, toInput(d.x)], [net.y, toInput(d.y)]]);
    const got = await runOrt(bytes, { [net.x.name]: d.x, [net.y.name]: d.y });
    for (const k of Object.keys(fetches)) expectClose(got[k], fromNd(want[k], 'float32'), 1e-5, k);
  });

  const optimizers: [string, () => Optimizer][] = [
    ['SGD with momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9, name: `cnnSGD${uid++}` })],
    ['Adam', () => new Adam({ learningRate: 0.01, name: `cnnAdam${uid++}` })],
  ];
  for (const [label, makeOpt] of optimizers) {
    it(`runs 20 ${label} steps as an exported training step, ending at dagrad's weights (relative 1e-5)`, async () => {
      const net = cnn();
      const opt = makeOpt();
      const step = opt.minimize(net.loss);
      const session = new Session();
      const bytes = toOnnx({ loss: net.loss, step }, { session });
      const state = [...net.vars, ...opt.variables()];
      const ort = await ortSession(bytes);
      const current: Record<string, Value> = { ...initialState(bytes) };
      const losses: [number, number][] = [];
      for (let i = 0; i < 20; i++) {
        const d = data(9, 50 + i);
        const mine = session.run({ loss: net.loss, step }, [[net.x, toInput(d.x)], [net.y, toInput(d.y)]]);
        const got = await runOrt(bytes, { ...current, [net.x.name]: d.x, [net.y.name]: d.y }, ort);
        for (const v of state) current[v.name] = { ...got[`${v.name}:new`], dtype: v.dtype };
        losses.push([got.loss.data[0], mine.loss.get()]);
      }
      for (const v of state) expectClose(current[v.name], fromNd(session.getValue(v), v.dtype), 1e-5, v.name);
      for (const [a, b] of losses) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));
      expect(losses[19][0]).toBeLessThan(losses[0][0]);
    });
  }

  it('routes a max-pool gradient and tangent to the first of tied maxima, as dagrad does', async () => {
    const x = placeholder('ties/x', [1, 4, 4, 1]);
    const w = placeholder('ties/w', [1, 2, 2, 1]);
    const t = placeholder('ties/t', [1, 4, 4, 1]);
    const y = maxPool2d(x, 3, { strides: 1, padding: [[0, 0], [1, 0]] });
    const [dx] = gradients(sum(mul(maxPool2d(x, 2), w)), [x]);
    const [dy] = jvp(y, [x], [t]);
    // Plateaus: every window holds ties (2, 2 in the first block; four 1s in the last).
    const xv: Value = { data: [2, 2, 0, 5, 0, 2, 5, 0, 1, 1, 3, 3, 1, 1, 3, 3], shape: [1, 4, 4, 1], dtype: 'float32' };
    const wv: Value = { data: [1, 10, 100, 1000], shape: [1, 2, 2, 1], dtype: 'float32' };
    const tv: Value = { data: Array.from({ length: 16 }, (_, i) => i + 1), shape: [1, 4, 4, 1], dtype: 'float32' };
    const feeds = [[x, toInput(xv)], [w, toInput(wv)], [t, toInput(tv)]] as const;
    const want = new Session().run({ dx, dy }, feeds);
    const got = await runOrt(toOnnx({ dx, dy }), { 'ties/x': xv, 'ties/w': wv, 'ties/t': tv });
    expectClose(got.dx, fromNd(want.dx, 'float32'), 0, 'dx');
    expectClose(got.dy, fromNd(want.dy, 'float32'), 0, 'dy');
    expect(Array.from(fromNd(want.dx, 'float32').data)).toEqual([1, 0, 0, 10, 0, 0, 0, 0, 100, 0, 1000, 0, 0, 0, 0, 0]);
  });
});

const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const stdOf = (v: number[]): number => Math.sqrt(meanOf(v.map((a) => (a - meanOf(v)) ** 2)));

describe('random draws in ONNX Runtime', () => {
  const N = 20000;
  it('uniform and normal draws have the distribution, shape and dtype asked for (4 standard errors)', async () => {
    const like = placeholder('draws/like', [null, 100]);
    const u = randomUniform(like, { min: -1, max: 3 });
    const z = randomNormal([N], { mean: 2, stddev: 0.5 });
    const bytes = toOnnx({ u, z });
    const got = await runOrt(bytes, { 'draws/like': { data: new Array(N).fill(0), shape: [N / 100, 100], dtype: 'float32' } });
    expect(got.u.shape).toEqual([N / 100, 100]);
    expect(got.z.shape).toEqual([N]);
    expect(Math.min(...got.u.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...got.u.data)).toBeLessThan(3);
    // Uniform on [-1, 3): mean 1, sd 4 / sqrt(12); normal: mean 2, sd 0.5.
    expect(Math.abs(meanOf(got.u.data) - 1)).toBeLessThan(4 * (4 / Math.sqrt(12)) / Math.sqrt(N));
    expect(Math.abs(stdOf(got.u.data) - 4 / Math.sqrt(12))).toBeLessThan(0.02);
    expect(Math.abs(meanOf(got.z.data) - 2)).toBeLessThan(4 * 0.5 / Math.sqrt(N));
    expect(Math.abs(stdOf(got.z.data) - 0.5)).toBeLessThan(0.01);
    // Not dagrad's numbers: the generators differ (the doc says so).
    const mine = new Session().run(z).data as Float32Array;
    expect(Array.from(mine.slice(0, 4))).not.toEqual(got.z.data.slice(0, 4));
  });

  it('draws afresh each run of a session, and a fresh session from the same file repeats the sequence (seeded from the state)', async () => {
    const bytes = toOnnx({ z: randomNormal([8], { seed: 42 }) });
    const a = await ortSession(bytes), b = await ortSession(bytes);
    const first = (await runOrt(bytes, {}, a)).z.data, second = (await runOrt(bytes, {}, a)).z.data;
    expect(second).not.toEqual(first);
    expect((await runOrt(bytes, {}, b)).z.data).toEqual(first);
  });

  it('dropout: zeros at the rate, the rest scaled by 1 / (1 - rate), the same mask in the gradient; a flag of 0 drops nothing', async () => {
    const x = placeholder('drop/x', [null, 200]);
    const flag = placeholder('drop/flag', []);
    const y = dropout(x, 0.3, { training: flag });
    const [dx] = gradients(sum(y), [x]);
    const bytes = toOnnx({ y, dx });
    const xv: Value = { data: Array.from({ length: N }, (_, i) => 1 + (i % 7)), shape: [N / 200, 200], dtype: 'float32' };
    const on = await runOrt(bytes, { 'drop/x': xv, 'drop/flag': { data: [1], shape: [], dtype: 'float32' } });
    const scale = Math.fround(1 / 0.7);
    const masks = on.y.data.map((v, i) => v / Number(xv.data[i]));
    const zeros = masks.filter((m) => m === 0).length;
    expect(masks.every((m) => m === 0 || Math.abs(m - scale) < 1e-6)).toBe(true);
    expect(Math.abs(zeros / N - 0.3)).toBeLessThan(4 * Math.sqrt(0.3 * 0.7 / N));
    // d sum(x * mask) / dx is the mask itself: the very draws of the forward pass.
    on.dx.data.forEach((g, i) => expect(g).toBe(Math.fround(masks[i]) === 0 ? 0 : Math.fround(scale)));
    on.dx.data.forEach((g, i) => expect(g === 0).toBe(on.y.data[i] === 0));
    const off = await runOrt(bytes, { 'drop/x': xv, 'drop/flag': { data: [0], shape: [], dtype: 'float32' } });
    expect(off.y.data).toEqual(Array.from(xv.data));
  });

  it('a training step with dropout keeps the draw state out of the inputs: nothing extra to feed', async () => {
    const x = placeholder('dstep/x', [null, 4]);
    const w = variable('dstep/w', init.glorotUniform([4, 2]));
    const loss = mean(mul(matmul(dropout(x, 0.5, { name: 'dstep/drop' }), w), 1));
    const opt = new SGD({ learningRate: 0.1, name: 'dstepSGD' });
    const bytes = toOnnx({ loss, step: opt.minimize(loss) });
    const inputs = onnx.ModelProto.decode(bytes).graph!.input!.map((i) => i.name);
    expect(inputs.sort()).toEqual(['dstep/w', 'dstep/x', 'dstepSGD/step']);
    expect(Object.keys(initialState(bytes)).sort()).toEqual(['dstep/w', 'dstepSGD/step']);
    const got = await runOrt(bytes, { ...initialState(bytes), 'dstep/x': { data: new Array(12).fill(1), shape: [3, 4], dtype: 'float32' } });
    expect(Number.isFinite(got.loss.data[0])).toBe(true);
    expect(got['dstep/w:new'].shape).toEqual([4, 2]);
  });
});
