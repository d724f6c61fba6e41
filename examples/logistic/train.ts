/**
 * Training and evaluation of a Model in a Session. Training is dagrad's `nn.fit` with the model's own
 * loss (cross-entropy plus the L2 penalty): the rows are reshuffled every epoch (seeded), each batch
 * runs one optimizer step, and the epoch's loss is the batch losses' mean, weighted by rows.
 */
import { nn, type Node, type Optimizer, type Session } from '../../src/index.js';
import type { Dataset } from './data.js';
import type { Model } from './model.js';
import type { Progress } from './progress.js';
import { silentProgress } from './progress.js';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the order of the rows in each epoch. */
  readonly seed: number;
  /** Minimises `model.loss`. */
  readonly optimizer: Optimizer;
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
  const { epochs } = opts;
  const progress = opts.progress ?? silentProgress;
  const batchSize = Math.min(opts.batchSize, train.rows);
  const history: History = { loss: [], trainAccuracy: [], testLoss: [] };
  progress.start(epochs, Math.ceil(train.rows / batchSize));
  try {
    nn.fit(session, { input: model.x, output: model.logits }, { x: { data: train.x, shape: [train.rows, model.features] }, y: { data: train.y, shape: [train.rows] } }, {
      optimizer: opts.optimizer,
      loss: { loss: model.loss, labels: model.y, predictions: model.predicted },
      epochs, batchSize, seed: opts.seed, progress: 'none',
      onBatchEnd: ({ loss, epoch, runningLoss }) => {
        if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} in epoch ${epoch}: lower --lr`);
        progress.step(runningLoss);
      },
      onEpochEnd: ({ epoch, loss, accuracy }) => {
        history.loss.push(loss);
        history.trainAccuracy.push(accuracy!);
        if (opts.test && opts.test.rows > 0) history.testLoss.push(evaluate(model, session, opts.test).crossEntropy);
        progress.epoch({ epoch, epochs, loss, trainAccuracy: accuracy! });
      },
    });
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
