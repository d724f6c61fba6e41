import { describe, expect, it } from 'vitest';
import { BatchNorm, Conv2D, Dense, Dropout, Embedding, Flatten, LayerNorm, MaxPool2D, sequential, fit, evaluate, predict, type ProgressSink } from '../../src/nn/index.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { Session } from '../../src/session/session.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { Rng } from '../../src/graph/random.js';
import { toFlat } from '../../src/graph/tensor.js';
import { trainableVariables } from '../../src/optim/variables.js';
import { blobs } from './blobs.js';


const sink = () => {
  const lines: string[] = [];
  return { lines, write: (s: string) => void lines.push(s), isTTY: false } satisfies ProgressSink & { lines: string[] };
};

describe('layers and sequential', () => {
  it('name variables by layer (kind and position), count parameters and print a summary', () => {
    const m = sequential([new Conv2D(4, 3, { padding: 'same', activation: 'relu' }), new BatchNorm(), new MaxPool2D(2), new Flatten(), new Dropout(0.5), new Dense(3)], { name: 'net' });
    m.build(placeholder('img', [null, 6, 6, 2]));
    expect(m.variables.map((v) => v.name)).toEqual([
      'conv2d_0/W', 'conv2d_0/b', 'batchNorm_1/gamma', 'batchNorm_1/beta', 'batchNorm_1/movingMean', 'batchNorm_1/movingVariance', 'dense_5/W', 'dense_5/b',
    ]);
    expect(m.output.shape).toEqual([null, 3]);
    expect(m.summary()).toBe([
      "model 'net': input [null,6,6,2]",
      'layer (kind)              output shape   params',
      '-----------------------------------------------',
      'conv2d_0 (conv2d)         [null,6,6,4]       76',
      'batchNorm_1 (batchNorm)   [null,6,6,4]       16',
      'maxPool2d_2 (maxPool2d)   [null,3,3,4]        0',
      'flatten_3 (flatten)       [null,36]           0',
      'dropout_4 (dropout)       [null,36]           0',
      'dense_5 (dense)           [null,3]          111',
      '-----------------------------------------------',
      'params: 203 (trainable 195, non-trainable 8)',
    ].join('\n'));
    // the moving averages, the dropout state and the training flag are not trained
    expect(trainableVariables(m.output).map((v) => v.name)).toEqual(['conv2d_0/W', 'conv2d_0/b', 'batchNorm_1/gamma', 'batchNorm_1/beta', 'dense_5/W', 'dense_5/b']);
  });

  it('embedding and layerNorm: rows of the table, normalised per example', () => {
    const m = sequential([new Embedding(10, 4), new LayerNorm()]);
    const ids = placeholder('ids', [null, 3], { dtype: 'int32' });
    const y = m.build(ids);
    expect(y.shape).toEqual([null, 3, 4]);
    const v = toFlat(new Session().run(y, [[ids, [[1, 2, 3], [3, 3, 9]]]]));
    for (let r = 0; r < 6; r++) {
      const row = v.slice(4 * r, 4 * r + 4);
      expect(Math.abs(row.reduce((a, b) => a + b))).toBeLessThan(1e-5);
    }
    expect(v.slice(8, 12)).toEqual(v.slice(12, 16)); // the same id twice: the same row
  });

  it('reject bad layer arguments with the layer and the shapes', () => {
    expect(() => new Dropout(1.5)).toThrow('dropout: rate 1.5 is outside [0, 1)');
    const m = sequential([new Conv2D(4, 3, { groups: 2 })]);
    expect(() => m.build(placeholder('odd', [null, 5, 5, 3]))).toThrow("conv2d 'conv2d_0': groups 2 does not divide the 3 channels of input placeholder 'odd' [null,5,5,3] float32");
  });
});

describe('fit, evaluate, predict', () => {
  const train = blobs(400, 1), test = blobs(200, 2);

  it('trains a classifier to high held-out accuracy, one plain line per epoch when piped, and evaluate agrees with predict', () => {
    const m = sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.2), new Dense(2)]);
    m.build(placeholder('x', [null, 2]));
    const s = new Session({ seed: 3 });
    const out = sink();
    const h = fit(s, m, train, { optimizer: new Adam({ learningRate: 0.05 }), epochs: 5, batchSize: 32, validationData: test, output: out });
    expect(h.epochs).toHaveLength(5);
    expect(h.epochs[4].loss).toBeLessThan(h.epochs[0].loss);
    expect(h.epochs[4].valAccuracy).toBeGreaterThan(0.95);
    expect(out.lines).toHaveLength(5);
    expect(out.lines[0]).toMatch(/^epoch 1\/5 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}val loss \d\.\d{4} {2}val accuracy \d\.\d{4} {2}\(\d+\.\d s\)\n$/);
    const ev = evaluate(s, m, test);
    expect(ev.accuracy).toBe(h.epochs[4].valAccuracy);
    const logits = predict(s, m, test.x, { batchSize: 64 });
    expect(logits.shape).toEqual([200, 2]);
    let correct = 0;
    for (let i = 0; i < 200; i++) correct += Number((logits.get(i, 1) > logits.get(i, 0) ? 1 : 0) === test.y.data[i]);
    expect(correct / 200).toBe(ev.accuracy);
    // inference: dropout is off, so predicting twice gives the same outputs
    expect(toFlat(predict(s, m, test.x))).toEqual(toFlat(logits));
  });

  it('draws a bar on a terminal', () => {
    const m = sequential([new Dense(2)]);
    m.build(placeholder('x', [null, 2]));
    const out = { ...sink(), isTTY: true };
    fit(new Session(), m, train, { optimizer: new SGD({ learningRate: 0.1 }), epochs: 1, batchSize: 100, output: out });
    expect(out.lines.at(-2)).toMatch(/^\repoch 1\/1 \[={30}\] 4\/4 {2}loss /);
    expect(out.lines.at(-1)).toMatch(/^\repoch 1\/1 {2}loss .*\x1b\[K\n$/);
  });

  it('stops early when the monitored value stops improving by minDelta, and restores the best epoch\'s variables', () => {
    const m = sequential([new Dense(2)]);
    m.build(placeholder('x', [null, 2]));
    const s = new Session();
    const after: number[][] = [];
    // no later epoch can improve the loss by 10: epoch 1 stays the best, and patience 2 stops at epoch 3
    const h = fit(s, m, train, {
      optimizer: new SGD({ learningRate: 0.1 }), epochs: 30, batchSize: 100, progress: 'none',
      earlyStopping: { monitor: 'loss', patience: 2, minDelta: 10 }, onEpochEnd: () => void after.push(toFlat(s.getValue(m.variables[0]))),
    });
    expect(h.stopped).toBe('earlyStopping');
    expect(h.bestEpoch).toBe(1);
    expect(h.epochs).toHaveLength(3);
    expect(after).toHaveLength(3);
    expect(toFlat(s.getValue(m.variables[0]))).not.toEqual(after[2]);
    expect(toFlat(s.getValue(m.variables[0]))).toEqual(after[0]);
  });

  it('stops when the callback returns false, and updates batchNorm\'s moving averages only while training', () => {
    const m = sequential([new BatchNorm({ momentum: 0.5 }), new Dense(2)]);
    m.build(placeholder('x', [null, 2]));
    const s = new Session();
    const seen: number[] = [];
    const h = fit(s, m, train, { optimizer: new SGD({ learningRate: 0.1 }), epochs: 10, batchSize: 400, shuffle: false, progress: 'none', onEpochEnd: (l) => { seen.push(l.epoch); return l.epoch < 3; } });
    expect(h.stopped).toBe('callback');
    expect(seen).toEqual([1, 2, 3]);
    const [mm] = m.variables.filter((v) => v.name.endsWith('movingMean'));
    // three full-batch steps with momentum 0.5 from 0: (1 - 0.5^3) of the data mean
    const meanX = [0, 1].map((c) => Array.from({ length: 400 }, (_, i) => train.x.data[2 * i + c]).reduce((a, b) => a + b) / 400);
    toFlat(s.getValue(mm)).forEach((v, c) => expect(v).toBeCloseTo(0.875 * meanX[c], 5));
    evaluate(s, m, test);
    toFlat(s.getValue(mm)).forEach((v, c) => expect(v).toBeCloseTo(0.875 * meanX[c], 5));
  });

  it('rejects labels out of range and mismatched data', () => {
    const m = sequential([new Dense(2)]);
    m.build(placeholder('x', [null, 2]));
    const opt = new SGD({ learningRate: 0.1 });
    expect(() => fit(new Session(), m, { x: train.x, y: { data: Int32Array.from(train.y.data, (v, i) => (i === 7 ? 2 : v)), shape: [400] } }, { optimizer: opt })).toThrow('fit: y: label 2 of example 7 is outside [0, 2)');
    expect(() => fit(new Session(), m, { x: train.x, y: test.y }, { optimizer: opt })).toThrow('fit: x has 400 examples but y has 200');
    expect(() => fit(new Session(), m, { x: { data: new Float32Array(12), shape: [4, 3] }, y: [0, 1, 0, 1] }, { optimizer: opt })).toThrow(
      "fit: x has examples of shape [3], the model's input placeholder 'x' [null,2] float32 wants [2]");
  });
});
