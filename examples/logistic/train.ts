/**
 * Mini-batch training and evaluation of a Model in a Session: the rows are reshuffled every epoch
 * (seeded), each batch runs one optimizer step, and the epoch's loss is the batch losses' mean.
 */
import { Rng, Session, type Node } from '../../src/index.js';
import type { Dataset } from './data.js';
import type { Model } from './model.js';
import type { Progress } from './progress.js';
import { silentProgress } from './progress.js';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the order of the rows in each epoch. */
  readonly seed: number;
  /** The update node (`optimizer.minimize(model.loss)`): fetching it applies one step. */
  readonly step: Node;
  readonly progress?: Progress;
  /** Evaluated after every epoch, for the test-loss curve. */
  readonly test?: Dataset;
}

export interface History {
  /** Per epoch: mean training loss (cross-entropy plus penalty) over its batches, before each update. */
  readonly loss: number[];
  readonly trainAccuracy: number[];
  /** Per epoch: mean cross-entropy on the test rows after the epoch (empty without test rows). */
  readonly testLoss: number[];
}

export function fit(model: Model, session: Session, train: Dataset, opts: FitOptions): History {
  const { epochs, batchSize, step } = opts;
  const progress = opts.progress ?? silentProgress;
  const d = model.features;
  const size = Math.min(batchSize, train.rows);
  const x = model.dtype === 'float64' ? new Float64Array(size * d) : new Float32Array(size * d);
  const y = new Int32Array(size);
  const rng = new Rng(opts.seed);
  const order = Array.from({ length: train.rows }, (_, i) => i);
  const steps = Math.ceil(train.rows / size);
  const history: History = { loss: [], trainAccuracy: [], testLoss: [] };
  progress.start(epochs, steps);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0;
      let right = 0;
      for (let start = 0; start < train.rows; start += size) {
        const rows = Math.min(size, train.rows - start);
        for (let r = 0; r < rows; r++) {
          const i = order[start + r];
          x.set(train.x.subarray(i * d, (i + 1) * d), r * d);
          y[r] = train.y[i];
        }
        const feeds = new Map<Node, { data: Float32Array | Float64Array | Int32Array; shape: number[] }>([
          [model.x, { data: x.subarray(0, rows * d), shape: [rows, d] }],
          [model.y, { data: y.subarray(0, rows), shape: [rows] }],
        ]);
        const out = session.run({ loss: model.loss, predicted: model.predicted, step }, feeds);
        const loss = out.loss.get();
        if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} in epoch ${epoch}: lower --lr`);
        lossSum += loss * rows;
        const p = out.predicted.data as Int32Array;
        for (let r = 0; r < rows; r++) if (p[r] === y[r]) right++;
        progress.step(lossSum / (start + rows));
      }
      const report = { epoch, epochs, loss: lossSum / train.rows, trainAccuracy: right / train.rows };
      history.loss.push(report.loss);
      history.trainAccuracy.push(report.trainAccuracy);
      if (opts.test && opts.test.rows > 0) history.testLoss.push(evaluate(model, session, opts.test).crossEntropy);
      progress.epoch(report);
    }
  } finally {
    progress.stop();
  }
  return history;
}

export interface Evaluation {
  readonly predicted: Int32Array;
  /** Mean cross-entropy (without the penalty). */
  readonly crossEntropy: number;
}

/** Predictions and mean cross-entropy over all rows of `data`, in chunks so a big file fits. */
export function evaluate(model: Model, session: Session, data: Dataset, chunk = 4096): Evaluation {
  const predicted = new Int32Array(data.rows);
  let total = 0;
  const d = model.features;
  for (let start = 0; start < data.rows; start += chunk) {
    const rows = Math.min(chunk, data.rows - start);
    const x = data.x.subarray(start * d, (start + rows) * d);
    const feeds = new Map<Node, { data: Float32Array | Float64Array | Int32Array; shape: number[] }>([
      [model.x, { data: model.dtype === 'float64' ? x : Float32Array.from(x), shape: [rows, d] }],
      [model.y, { data: data.y.subarray(start, start + rows), shape: [rows] }],
    ]);
    const out = session.run({ ce: model.crossEntropy, predicted: model.predicted }, feeds);
    predicted.set(out.predicted.data as Int32Array, start);
    total += out.ce.get() * rows;
  }
  return { predicted, crossEntropy: total / data.rows };
}

/** Predicted classes and probabilities for feature rows (no labels needed). */
export function predictRows(model: Model, session: Session, x: Float64Array, rows: number): { predicted: Int32Array; probabilities: Float64Array } {
  const d = model.features;
  const out = session.run({ predicted: model.predicted, probabilities: model.probabilities }, new Map([
    [model.x, { data: model.dtype === 'float64' ? x : Float32Array.from(x), shape: [rows, d] }],
  ]));
  return { predicted: Int32Array.from(out.predicted.data as Int32Array), probabilities: Float64Array.from(out.probabilities.data as ArrayLike<number>) };
}
