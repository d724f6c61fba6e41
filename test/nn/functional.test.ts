import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { reshape } from '../../src/ops/reshape.js';
import { square } from '../../src/ops/square.js';
import { sum } from '../../src/ops/sum.js';
import { mean } from '../../src/ops/mean.js';
import { sub } from '../../src/ops/sub.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { variable } from '../../src/ops/variable.js';
import { scope } from '../../src/graph/scope.js';
import { Rng } from '../../src/graph/random.js';
import { toFlat } from '../../src/graph/tensor.js';
import { gradients } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { loadCheckpointBytes, saveCheckpointBytes } from '../../src/checkpoint/checkpoint.js';
import * as init from '../../src/init/initializers.js';
import type { Node } from '../../src/graph/node.js';
import { blobs } from './blobs.js';

const quiet = { output: null };


const names = (vs: readonly Node[]) => vs.map((v) => `${v.name} [${v.shape.join(',')}]`);

describe('layer functions', () => {
  it('make their variables under the current scopes, named by kind and made unique along the graph', () => {
    const x = placeholder('img', [null, 5, 5, 2]);
    const y = scope('block1', () => {
      const c = nn.conv2d(x, 4, 3, { activation: 'relu' });
      const b = scope('inner', () => nn.batchNorm(c));
      const c2 = nn.conv2d(b, 3, [1, 2], { useBias: false });
      return nn.dense(reshape(c2, [-1, 18]), 2, { name: 'head' });
    });
    const z = nn.dense(nn.dense(y, 5), 1);
    expect(names(nn.layersOf(z).flatMap((l) => l.variables))).toEqual([
      'block1/conv2d/kernel [3,3,2,4]', 'block1/conv2d/bias [4]',
      'block1/inner/batchNorm/gamma [4]', 'block1/inner/batchNorm/beta [4]', 'block1/inner/batchNorm/movingMean [4]', 'block1/inner/batchNorm/movingVariance [4]',
      'block1/conv2d_1/kernel [1,2,4,3]',
      'block1/head/kernel [18,2]', 'block1/head/bias [2]',
      'dense/kernel [2,5]', 'dense/bias [5]', 'dense_1/kernel [5,1]', 'dense_1/bias [1]',
    ]);
    expect(nn.layersOf(z).map((l) => `${l.scope} ${l.kind} [${l.output.shape.join(',')}]`)).toEqual([
      'block1/conv2d conv2d [,3,3,4]', 'block1/inner/batchNorm batchNorm [,3,3,4]', 'block1/conv2d_1 conv2d [,3,2,3]',
      'block1/head dense [,2]', 'dense dense [,5]', 'dense_1 dense [,1]',
    ]);
  });

  it('two calls on one path get two scopes, a reused name is refused, and parallel unnamed twins are named in the error', () => {
    const x = placeholder('x', [null, 3]);
    const a = nn.dense(x, 4), b = nn.dense(a, 4);
    expect(nn.layerOf(a)!.scope).toBe('dense');
    expect(nn.layerOf(b)!.scope).toBe('dense_1');
    expect(nn.layerOf(nn.dense(b, 2))!.scope).toBe('dense_2');
    // built twice from scratch: the same names (what lets a checkpoint of one load into the other)
    const again = nn.dense(nn.dense(placeholder('x', [null, 3]), 4), 4);
    expect(nn.layerOf(again)!.variables.map((v) => v.name)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(() => nn.dense(b, 2, { name: 'dense' })).toThrow("dense 'dense': the graph of its input add '");
    const twins = add(nn.dense(x, 2), nn.dense(x, 2));
    expect(() => nn.summary(twins, quiet)).toThrow("two layers share the scope 'dense' (a dense and a dense, on parallel branches): give them names");
    expect(() => nn.dense(x, 0)).toThrow("dense: units must be an integer >= 1, got 0 (input placeholder 'x' [null,3] float32)");
    expect(() => nn.dropout(x, 1)).toThrow('dropout: rate 1 is outside [0, 1)');
    expect(() => nn.embedding(x, 10, 2)).toThrow("embedding: ids placeholder 'x' [null,3] float32 must be int32");
  });

  it('summary: layers, output shapes with ? for unknown dims, parameter counts and totals', () => {
    const x = placeholder('img', [null, 6, 6, 2]);
    const training = nn.trainingFlag('net/training');
    const h = nn.conv2d(x, 4, 3, { padding: 'same' });
    const b = nn.batchNorm(h, { training });
    const f = reshape(b, [-1, 144]);
    const d = nn.dropout(f, 0.5, { training });
    const w = variable('scale', init.ones([3], { dtype: 'float32' }));
    const y = mul(nn.dense(d, 3), w);
    const out: string[] = [];
    const text = nn.summary({ input: x, output: y, name: 'net' }, { output: { write: (s) => void out.push(s) } });
    // independently: conv 3*3*2*4 + 4, batchNorm 4 * (gamma, beta) + 4 * (two moving averages), dense 144*3 + 3, scale 3
    const conv = 3 * 3 * 2 * 4 + 4, bnT = 2 * 4, bnO = 2 * 4, dense = 144 * 3 + 3, loose = 3;
    const row = (layer: string, shape: string, params: number) => `${layer.padEnd(33)}   ${shape.padEnd(12)}   ${String(params).padStart(6)}`;
    expect(text).toBe([
      "model 'net': input img [?,6,6,2]",
      row('layer (kind)', 'output shape', 0).replace('     0', 'params'),
      '-'.repeat(57),
      row('conv2d (conv2d)', '[?,6,6,4]', conv),
      row('batchNorm (batchNorm)', '[?,6,6,4]', bnT + bnO),
      row('dropout (dropout)', '[?,144]', 0),
      row('dense (dense)', '[?,3]', dense),
      row('(variables outside layers: scale)', '', loose),
      '-'.repeat(57),
      `params: ${conv + bnT + bnO + dense + loose} (trainable ${conv + bnT + dense + loose}, non-trainable ${bnO})`,
    ].join('\n'));
    expect(out).toEqual([text + '\n']);
    // a shared flag given to two layers is one flag, which fit sets
    expect(nn.trainingFlagsOf(y)).toEqual([training]);
    // a Sequential keeps its own summary
    const m = nn.sequential([new nn.Dense(2)], { name: 'seq' });
    m.build(placeholder('x', [null, 3]));
    expect(nn.summary(m, quiet)).toBe(m.summary());
  });

  it('gradients reach every variable and equal central differences (float64, conv, batchNorm in training, layerNorm, dense, embedding)', () => {
    const x = placeholder('x', [2, 3, 3, 2], { dtype: 'float64' });
    const ids = placeholder('ids', [2], { dtype: 'int32' });
    const c = nn.conv2d(x, 2, 2, { activation: 'tanh' });
    const b = nn.batchNorm(c, { training: true, epsilon: 0.1 });
    const e = nn.embedding(ids, 3, 8, { dtype: 'float64' });
    const h = add(nn.layerNorm(nn.dense(reshape(b, [2, 8]), 8, { activation: 'sigmoid' })), e);
    const y = nn.dense(h, 1);
    const loss = sum(square(sub(y, 0.3)));
    const vars = nn.layersOf(y).flatMap((l) => l.variables).filter((v) => (v.attrs as { trainable: boolean }).trainable);
    expect(vars.map((v) => v.name)).toEqual([
      'conv2d/kernel', 'conv2d/bias', 'batchNorm/gamma', 'batchNorm/beta', 'dense/kernel', 'dense/bias', 'layerNorm/gamma', 'layerNorm/beta', 'embedding/embeddings', 'dense_1/kernel', 'dense_1/bias',
    ]);
    const rng = new Rng(5);
    const feeds: [Node, { data: number[]; shape: number[] } | number[]][] = [
      [x, { data: Array.from({ length: 36 }, () => rng.uniform(-1, 1)), shape: [2, 3, 3, 2] }], [ids, [2, 0]],
    ];
    const s = new Session({ seed: 1 });
    // non-trivial gamma, beta and biases, so no derivative is special by symmetry
    for (const v of vars) s.setValue(v, { data: Array.from({ length: (v.shape as number[]).reduce((p, d) => p * d, 1) }, () => rng.uniform(-0.8, 0.8)), shape: v.shape as number[] });
    const grads = s.run(gradients(loss, vars), feeds);
    const f = () => s.run(loss, feeds).get();
    const eps = 1e-6;
    vars.forEach((v, k) => {
      const base = toFlat(s.getValue(v));
      const g = toFlat(grads[k]);
      expect(g.some((d) => d !== 0)).toBe(true);
      base.forEach((_, i) => {
        const at = (d: number) => { const w = base.slice(); w[i] += d; s.setValue(v, { data: w, shape: v.shape as number[] }); return f(); };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        s.setValue(v, { data: base, shape: v.shape as number[] });
        expect(Math.abs(g[i] - numeric), `${v.name}[${i}]: ${g[i]} vs ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      });
    });
  });

  it('a checkpoint of a functional model loads into the same model built again', () => {
    const build = () => {
      const x = placeholder('x', [null, 2]);
      const out = nn.chain(x, [(h) => nn.dense(h, 6, { activation: 'relu' }), (h) => nn.batchNorm(h), (h) => nn.dense(h, 2)]);
      return { input: x, output: out };
    };
    const data = blobs(120, 4);
    const m1 = build();
    const s1 = new Session({ seed: 2 });
    nn.fit(s1, m1, data, { optimizer: new SGD({ learningRate: 0.1 }), epochs: 2, batchSize: 40, progress: 'none' });
    const vars1 = nn.layersOf(m1.output).flatMap((l) => l.variables);
    const bytes = saveCheckpointBytes(s1, vars1);
    const m2 = build();
    const vars2 = nn.layersOf(m2.output).flatMap((l) => l.variables);
    expect(vars2.map((v) => v.name)).toEqual(vars1.map((v) => v.name));
    const s2 = new Session();
    expect(loadCheckpointBytes(s2, bytes, vars2)).toEqual(vars1.map((v) => v.name));
    // the moving averages moved in training, so a round trip that dropped them would differ
    expect(toFlat(s2.getValue(vars2[4]))).not.toEqual([0, 0, 0, 0, 0, 0]);
    expect(toFlat(nn.predict(s2, m2, data.x))).toEqual(toFlat(nn.predict(s1, m1, data.x)));
  });
});

describe('fit, evaluate and predict on a functional model', () => {
  const train = blobs(400, 1), test = blobs(200, 2);

  it('trains with dropout on only while fitting, and evaluate agrees with predict', () => {
    const x = placeholder('x', [null, 2]);
    const y = nn.dense(nn.dropout(nn.dense(x, 8, { activation: 'relu' }), 0.3), 2);
    const model = { input: x, output: y };
    const [flag] = nn.trainingFlagsOf(y);
    expect(flag.name).toBe('dropout/training');
    const s = new Session({ seed: 3 });
    const seenFlag: number[] = [];
    const h = nn.fit(s, model, train, {
      optimizer: new Adam({ learningRate: 0.05 }), epochs: 5, batchSize: 32, validationData: test, progress: 'none',
      onBatchEnd: (l) => { if (l.batch === 1) seenFlag.push(s.getValue(flag).get()); },
    });
    expect(seenFlag).toEqual([1, 1, 1, 1, 1]);
    expect(s.getValue(flag).get()).toBe(0);
    expect(h.epochs[4].valAccuracy).toBeGreaterThan(0.95);
    const ev = nn.evaluate(s, model, test);
    expect(ev.accuracy).toBe(h.epochs[4].valAccuracy);
    const logits = nn.predict(s, model, test.x);
    let correct = 0;
    for (let i = 0; i < 200; i++) correct += Number((logits.get(i, 1) > logits.get(i, 0) ? 1 : 0) === test.y.data[i]);
    expect(correct / 200).toBe(ev.accuracy);
    expect(toFlat(nn.predict(s, model, test.x))).toEqual(toFlat(logits));
  });

  it('runs batchNorm\'s moving-average updates with each training step, and only then', () => {
    const x = placeholder('x', [null, 2]);
    const y = nn.dense(nn.batchNorm(x, { momentum: 0.5 }), 2);
    const s = new Session();
    nn.fit(s, { input: x, output: y }, train, { optimizer: new SGD({ learningRate: 0.1 }), epochs: 3, batchSize: 400, shuffle: false, progress: 'none' });
    const mm = nn.layersOf(y)[0].variables[2];
    expect(mm.name).toBe('batchNorm/movingMean');
    const meanX = [0, 1].map((c) => Array.from({ length: 400 }, (_, i) => train.x.data[2 * i + c]).reduce((a, b) => a + b) / 400);
    // three full-batch steps with momentum 0.5 from 0: (1 - 0.5^3) of the data mean
    toFlat(s.getValue(mm)).forEach((v, c) => expect(v).toBeCloseTo(0.875 * meanX[c], 5));
    nn.evaluate(s, { input: x, output: y }, test);
    toFlat(s.getValue(mm)).forEach((v, c) => expect(v).toBeCloseTo(0.875 * meanX[c], 5));
  });

  it('takes a loss of its own: the epoch loss is the batch means weighted by rows, before each step', () => {
    const x = placeholder('x', [null, 2]);
    const targets = placeholder('t', [null, 1]);
    const y = nn.dense(x, 1, { kernelInitializer: init.ones });
    const w = nn.layerOf(y)!.variables[0];
    const loss = add(mean(square(sub(y, targets))), mul(0.01, sum(square(w))));
    const data = { x: { data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] }, y: { data: Float32Array.of(1, 0, 2), shape: [3, 1] } };
    const s = new Session();
    const expected: number[] = [];
    const h = nn.fit(s, { input: x, output: y }, data, {
      loss: { loss, labels: targets }, optimizer: new SGD({ learningRate: 0.01 }), epochs: 1, batchSize: 2, shuffle: false, progress: 'none',
      onBatchEnd: (l) => expected.push(l.loss),
    });
    expect(expected).toHaveLength(2);
    // replay in a fresh session: the loss, then the step, batch by batch
    const s2 = new Session();
    const step = new SGD({ learningRate: 0.01 }).minimize(loss);
    const feed = (rows: number[]): [Node, { data: number[]; shape: number[] }][] => [
      [x, { data: rows.flatMap((r) => [r * 2 + 1, r * 2 + 2]), shape: [rows.length, 2] }],
      [targets, { data: rows.map((r) => [1, 0, 2][r]), shape: [rows.length, 1] }],
    ];
    const replay = [[0, 1], [2]].map((rows) => { const l = s2.run(loss, feed(rows)).get(); s2.run(step, feed(rows)); return l; });
    expect(expected).toEqual(replay);
    expect(toFlat(s.getValue(w))).toEqual(toFlat(s2.getValue(w)));
    expect(h.epochs[0].loss).toBeCloseTo((expected[0] * 2 + expected[1]) / 3, 6);
    expect(h.epochs[0].accuracy).toBeUndefined();
    expect(() => nn.fit(s, { input: x, output: y }, data, { loss: { loss: y, labels: targets }, optimizer: new SGD({ learningRate: 0.01 }) })).toThrow('fit: a custom loss is a scalar node');
    expect(() => nn.predict(s, { input: w, output: y }, data.x)).toThrow("predict: the model's input variable 'dense/kernel' [2,1] float32 must be a placeholder");
    expect(() => nn.evaluate(s, { input: targets, output: y }, data)).toThrow("evaluate: the model's output add '");
    expect(() => nn.evaluate(s, { input: targets, output: y }, data)).toThrow("does not depend on its input placeholder 't' [null,1] float32");
  });
});

describe('docs/layers.md', () => {
  it('prints the functional summary the page shows', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(new URL('../../docs/layers.md', import.meta.url), 'utf8');
    const shown = page.split('prints (and returns)\n\n```\n')[1].split('\n```')[0];
    const x = placeholder('x', [null, 4]);
    const logits = scope('mlp', () => nn.chain(x, [
      (h) => nn.dense(h, 16, { activation: 'relu' }),
      (h) => nn.batchNorm(h),
      (h) => nn.dropout(h, 0.2),
      (h) => nn.dense(h, 3),
    ]));
    expect(nn.summary({ input: x, output: logits, name: 'mlp' }, quiet)).toBe(shown);
    for (const v of nn.layersOf(logits).flatMap((l) => l.variables)) expect(page).toContain(`\`${v.name}\``);
  });
});
