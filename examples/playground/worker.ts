/**
 * The training tab's Web Worker: logistic regression on the blobs of examples/browser, with the
 * optimizer the page asks for, reporting the loss and the decision regions as it goes. The page's
 * main thread only draws, so it stays responsive however long training takes.
 */
import {
  Adagrad, Adam, AdamW, RMSProp, Rng, SGD, Session, type Optimizer,
} from '../../src/index.js';
import { twoBlobs, type Points } from '../browser/blobs.js';
import { gridOf, viewOf } from '../browser/draw.js';
import { blobModel } from '../browser/model.js';
import type { OptimizerName, TrainRequest, WorkerMessage } from './protocol.js';

/** Steps between reports: often enough for a live curve, rarely enough that messages cost little. */
const REPORT_EVERY = 10;

const post = (m: WorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

function optimizerOf(name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD({ learningRate });
    case 'momentum': return new SGD({ learningRate, momentum: 0.9 });
    case 'nesterov': return new SGD({ learningRate, momentum: 0.9, nesterov: true });
    case 'adagrad': return new Adagrad({ learningRate });
    case 'rmsprop': return new RMSProp({ learningRate });
    case 'adam': return new Adam({ learningRate });
    case 'adamw': return new AdamW({ learningRate });
    default: throw new Error(`unknown optimizer '${String(name)}'`);
  }
}

async function train(req: TrainRequest): Promise<void> {
  if (!(req.learningRate > 0) || !Number.isFinite(req.learningRate)) throw new Error(`the learning rate must be a positive number, not ${req.learningRate}`);
  if (!Number.isInteger(req.steps) || req.steps < 1) throw new Error(`the number of steps must be a whole number >= 1, not ${req.steps}`);
  // The same seeded data as examples/browser: 100 points per class to train on, 200 per class held out.
  const rng = new Rng(7);
  const trainSet = twoBlobs(rng, 100);
  const testSet = twoBlobs(rng, 200);
  post({ type: 'start', x: trainSet.x, y: trainSet.y, rows: trainSet.rows, where: typeof document === 'undefined' ? 'a Web Worker' : 'the main thread' });

  const { x, w, b, loss, probability, accuracy, step, feedsOf } = blobModel(optimizerOf(req.optimizer, req.learningRate));
  const feeds = feedsOf(trainSet);
  const grid = new Map([[x, { data: gridOf(viewOf(trainSet), req.grid), shape: [req.grid * req.grid, 2] }]]);
  const session = new Session();
  const params = (): { w: [number, number]; b: number } => {
    const { wv, bv } = session.run({ wv: w, bv: b });
    return { w: [wv.get(0, 0), wv.get(1, 0)], b: bv.get(0) };
  };

  let busy = 0;
  let done = 0;
  while (done < req.steps) {
    const t0 = performance.now();
    const losses: number[] = [];
    for (let k = 0; k < REPORT_EVERY && done < req.steps; k++, done++) {
      const l = session.run({ loss, step }, feeds).loss.get();
      if (!Number.isFinite(l)) throw new Error(`the loss became ${l} at step ${done + 1}: lower the learning rate`);
      losses.push(l);
    }
    const p = Float32Array.from(session.run(probability, grid).data as Float32Array);
    busy += performance.now() - t0;
    post({ type: 'progress', step: done, losses, ...params(), probability: p }, [p.buffer]);
    // Lets the page's next message (a new run replaces this worker) and the posted frames through.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const final = session.run({ loss, accuracy }, feeds);
  const held = session.run({ accuracy }, feedsOf(testSet));
  post({
    type: 'done', steps: done, loss: final.loss.get(), trainAccuracy: final.accuracy.get(), testAccuracy: held.accuracy.get(), ...params(), ms: busy,
  });
}

self.onmessage = (e: MessageEvent<TrainRequest>) => {
  train(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
