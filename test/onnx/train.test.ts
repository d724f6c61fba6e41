/**
 * Whole models in onnxruntime-node: an MLP and the logistic example's model, for inference,
 * gradients and 100 training steps (SGD with momentum, Adam) run as exported ONNX training steps,
 * equal to dagrad's own runs. Numerically stable forms stay finite at logits of +-1000.
 */
import type { NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adam, add, expm1, gradients, init, log1p, logSoftmax, matmul, mean, oneHot, placeholder, relu, Rng, SGD, Session, sigmoid,
  sigmoidCrossEntropyWithLogits, softmax, softmaxCrossEntropyWithLogits, softplus, variable, type Node, type Optimizer,
} from '../../src/index.js';
import { initialState, toOnnx } from '../../src/onnx/index.js';
import { onnx } from '../../src/onnx/proto.js';
import { buildModel } from '../../examples/logistic/model.js';
import { expectClose, fromNd, ortSession, runOrt, toInput, type Value } from './harness.js';

interface Net {
  x: Node;
  y: Node;
  loss: Node;
  out: Node;
  vars: Node[];
}

let uid = 0;
function mlp(): Net {
  const k = uid++;
  const x = placeholder(`mlp${k}/x`, [null, 4]);
  const y = placeholder(`mlp${k}/y`, [null], { dtype: 'int32' });
  const w1 = variable(`mlp${k}/w1`, init.glorotUniform([4, 8]));
  const b1 = variable(`mlp${k}/b1`, init.zeros([8]));
  const w2 = variable(`mlp${k}/w2`, init.glorotUniform([8, 3]));
  const b2 = variable(`mlp${k}/b2`, init.zeros([3]));
  const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(y, 3), logits }));
  return { x, y, loss, out: softmax(logits), vars: [w1, b1, w2, b2] };
}

function logistic(): Net {
  const m = buildModel({ kind: 'softmax', features: 4, classes: 3, l2: 0.01, dtype: 'float32' });
  return { x: m.x, y: m.y, loss: m.loss, out: m.probabilities, vars: [m.weights, m.bias] };
}

/** Three blobs in 4-D with labels 0..2: a batch of `rows`. */
function data(rows: number, seed: number): { x: Value; y: Value } {
  const rng = new Rng(seed);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    ys.push(c);
    for (let j = 0; j < 4; j++) xs.push(Math.fround((j === c ? 2 : 0) + rng.normal(0, 1)));
  }
  return { x: { data: xs, shape: [rows, 4], dtype: 'float32' }, y: { data: ys, shape: [rows], dtype: 'int32' } };
}

const NETS: [string, () => Net][] = [['an MLP', mlp], ['the logistic example', logistic]];

describe.each(NETS)('%s in onnxruntime-node', (_, make) => {
  it('predicts as dagrad does (unknown batch, fed 10 and 3 rows) to 1e-6', async () => {
    const net = make();
    const session = new Session();
    const bytes = toOnnx({ p: net.out }, { session });
    const ort = await ortSession(bytes);
    for (const rows of [10, 3]) {
      const d = data(rows, rows);
      const want = session.run(net.out, [[net.x, toInput(d.x)]]);
      const got = await runOrt(bytes, { [net.x.name]: d.x }, ort);
      expectClose(got.p, fromNd(want, 'float32'), 1e-6, 'probabilities');
    }
  });

  it('computes the gradients dagrad computes, to 1e-6', async () => {
    const net = make();
    const session = new Session();
    const grads = gradients(net.loss, net.vars);
    const fetches: Record<string, Node> = Object.fromEntries(grads.map((g, i) => [`g${i}`, g]));
    const bytes = toOnnx({ loss: net.loss, ...fetches }, { session });
    const d = data(12, 5);
    const feeds = [[net.x, toInput(d.x)], [net.y, toInput(d.y)]] as const;
    const want: Record<string, NdArray> = session.run({ loss: net.loss, ...fetches }, feeds);
    const got = await runOrt(bytes, { [net.x.name]: d.x, [net.y.name]: d.y });
    for (const k of Object.keys(want)) expectClose(got[k], fromNd(want[k], 'float32'), 1e-6, k);
  });

  const optimizers: [string, () => Optimizer, number][] = [
    ['SGD with momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9, name: `SGD${uid++}` }), 1e-5],
    ['Adam', () => new Adam({ learningRate: 0.01, name: `Adam${uid++}` }), 1e-5],
  ];
  for (const [label, makeOpt, tol] of optimizers) {
    it(`runs 100 ${label} steps as an exported training step, ending at dagrad's weights (relative ${tol})`, async () => {
      const net = make();
      const opt = makeOpt();
      const step = opt.minimize(net.loss);
      const session = new Session();
      const bytes = toOnnx({ loss: net.loss, step }, { session });
      const state = [...net.vars, ...opt.variables()];
      const ort = await ortSession(bytes);
      // ONNX Runtime lists only inputs without a default; the file declares the state as inputs too.
      const graph = onnx.ModelProto.decode(bytes).graph!;
      expect(new Set(graph.input!.map((i) => i.name))).toEqual(new Set([net.x.name, net.y.name, ...state.map((v) => v.name)]));
      expect(new Set(ort.outputNames)).toEqual(new Set(['loss', ...state.map((v) => `${v.name}:new`)]));
      const start = initialState(bytes);
      expect(Object.keys(start).sort()).toEqual(state.map((v) => v.name).sort());
      const current: Record<string, Value> = { ...start };
      for (const v of state) expectClose(current[v.name], fromNd(session.getValue(v), v.dtype), 0, `${v.name}:init`);
      const losses: [number, number][] = [];
      for (let i = 0; i < 100; i++) {
        const d = data(15, 100 + i);
        const mine = session.run({ loss: net.loss, step }, [[net.x, toInput(d.x)], [net.y, toInput(d.y)]]);
        const got = await runOrt(bytes, { ...current, [net.x.name]: d.x, [net.y.name]: d.y }, ort);
        for (const v of state) current[v.name] = { ...got[`${v.name}:new`], dtype: v.dtype };
        losses.push([got.loss.data[0], mine.loss.get()]);
      }
      // Measured on this machine: at most 3.6e-7 (SGD) and 9e-8 (Adam) relative after 100 steps.
      for (const v of state) expectClose(current[v.name], fromNd(session.getValue(v), v.dtype), tol, v.name);
      expect(current[opt.step.name].data[0]).toBe(100);
      // The model learned something, in both runtimes alike.
      expect(losses[99][0]).toBeLessThan(losses[0][0] * 0.7);
      for (const [a, b] of losses) expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
    });
  }
});

describe('numerically stable forms survive the export', () => {
  it('log1p and expm1 keep their relative accuracy near 0 (no 1 + x cancellation), to 1e-6 of the value', async () => {
    const x = placeholder('near0/x', [null]);
    const xs = [1e-7, -3e-8, 1e-4, -0.3, 0.49];
    const xv: Value = { data: xs.map(Math.fround), shape: [xs.length], dtype: 'float32' };
    const got = await runOrt(toOnnx({ l: log1p(x), e: expm1(x) }), { [x.name]: xv });
    Array.from(xv.data).forEach((v, i) => {
      expect(Math.abs(got.l.data[i] - Math.log1p(v)) / Math.abs(Math.log1p(v))).toBeLessThan(1e-6);
      expect(Math.abs(got.e.data[i] - Math.expm1(v)) / Math.abs(Math.expm1(v))).toBeLessThan(1e-6);
    });
  });

  it('softplus, logSoftmax, sigmoid and both cross-entropies at logits of +-1000 are finite in ONNX Runtime and equal dagrad', async () => {
    const x = placeholder('stable/x', [null, 4]);
    const z = placeholder('stable/z', [null, 4]);
    const fetches = {
      softplus: softplus(x),
      logSoftmax: logSoftmax(x),
      sigmoid: sigmoid(x),
      sigmoidCE: sigmoidCrossEntropyWithLogits({ labels: z, logits: x }),
      softmaxCE: softmaxCrossEntropyWithLogits({ labels: z, logits: x }),
      grad: gradients(add(mean(sigmoidCrossEntropyWithLogits({ labels: z, logits: x })), mean(softmaxCrossEntropyWithLogits({ labels: z, logits: x }))), [x])[0],
    };
    const xv: Value = { data: [1000, -1000, 0, 1, -1000, 1000, -30, 30], shape: [2, 4], dtype: 'float32' };
    const zv: Value = { data: [0, 1, 0.5, 0, 1, 0, 0, 0], shape: [2, 4], dtype: 'float32' };
    const want = new Session().run(fetches, [[x, toInput(xv)], [z, toInput(zv)]]);
    const got = await runOrt(toOnnx(fetches), { [x.name]: xv, [z.name]: zv });
    for (const k of Object.keys(fetches) as (keyof typeof fetches)[]) {
      expect(got[k].data.every(Number.isFinite), `${k}: ${got[k].data}`).toBe(true);
      expectClose(got[k], fromNd(want[k], 'float32'), 1e-6, k);
    }
    expect(got.softplus.data.slice(0, 2)).toEqual([1000, 0]);
    expect(got.sigmoidCE.data[0]).toBe(1000);
  });
});
