/**
 * onnxruntime-web's wasm backend (what a browser page runs), here in Node: the logistic example's
 * model, trained a little in dagrad and exported, predicts what dagrad predicts; a small CNN's
 * outputs and gradients (convolutions, pools and their gradient companions) equal dagrad's.
 */
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import {
  Adam, avgPool2d, conv2d, conv2dTranspose, gradients, init, maxPool2d, mul, placeholder, relu, Rng, Session, sum, variable, type Node,
} from '../../src/index.js';
import { toOnnx } from '../../src/onnx/index.js';
import { buildModel } from '../../examples/logistic/model.js';
import { expectClose, fromNd } from './harness.js';

describe('onnxruntime-web (wasm backend)', () => {
  it("the exported logistic model's probabilities equal dagrad's to 1e-6 and its classes exactly", async () => {
    const m = buildModel({ kind: 'softmax', features: 4, classes: 3, l2: 0, dtype: 'float32' });
    const session = new Session();
    const step = new Adam({ learningRate: 0.1, name: 'webAdam' }).minimize(m.loss);
    const rng = new Rng(9);
    const rows = 30;
    const labels = Array.from({ length: rows }, (_, i) => i % 3);
    const xs = labels.flatMap((c) => Array.from({ length: 4 }, (_, j) => (j === c ? 1.5 : 0) + rng.normal(0, 1)));
    const feeds = [[m.x, { data: xs, shape: [rows, 4] }], [m.y, { data: labels, shape: [rows] }]] as const;
    for (let i = 0; i < 20; i++) session.run(step, feeds);
    const want = session.run({ p: m.probabilities, k: m.predicted }, [feeds[0]]);

    ortWeb.env.wasm.numThreads = 1;
    const ort = await ortWeb.InferenceSession.create(toOnnx({ p: m.probabilities, k: m.predicted }, { session }), { executionProviders: ['wasm'] });
    const got = await ort.run({ x: new ortWeb.Tensor('float32', Float32Array.from(xs), [rows, 4]) });
    expect(got.p.dims).toEqual([rows, 3]);
    const p = Array.from(got.p.data as Float32Array);
    const expected = Array.from(want.p.data as Float32Array);
    p.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-6));
    expect(Array.from(got.k.data as Int32Array)).toEqual(Array.from(want.k.data as Int32Array));
    // The model learned: most rows are classified right.
    expect(Array.from(got.k.data as Int32Array).filter((k, i) => k === labels[i]).length).toBeGreaterThan(rows * 0.7);
  });

  it("a CNN's outputs and gradients (conv, conv transpose, pools and their companions) equal dagrad's to 1e-5", async () => {
    const x = placeholder('webcnn/x', [null, 7, 7, 2]);
    const f = variable('webcnn/f', init.glorotUniform([3, 3, 2, 4]));
    const t = variable('webcnn/t', init.glorotUniform([2, 2, 3, 4]));
    const h = maxPool2d(relu(conv2d(x, f, { padding: 'same', strides: 2 })), 3, { strides: 1, padding: 'same' });
    const y = avgPool2d(conv2dTranspose(h, t, { strides: 2 }), 2, { strides: 2, padding: 'same' });
    const grads = gradients(sum(mul(y, y)), [x, f, t]);
    const fetches: Record<string, Node> = { y, gx: grads[0], gf: grads[1], gt: grads[2] };
    const session = new Session();
    const rng = new Rng(4);
    const xs = Array.from({ length: 3 * 7 * 7 * 2 }, () => Math.fround(rng.uniform(-1, 1)));
    const want = session.run(fetches, [[x, { data: xs, shape: [3, 7, 7, 2] }]]);
    ortWeb.env.wasm.numThreads = 1;
    const ort = await ortWeb.InferenceSession.create(toOnnx(fetches, { session }), { executionProviders: ['wasm'] });
    const got = await ort.run({ 'webcnn/x': new ortWeb.Tensor('float32', Float32Array.from(xs), [3, 7, 7, 2]) });
    for (const k of Object.keys(fetches)) {
      expectClose({ data: got[k].data as Float32Array, shape: got[k].dims.map(Number) }, fromNd(want[k], 'float32'), 1e-5, k);
    }
  });
});
