/**
 * dagrad in a browser: logistic regression on two Gaussian blobs, built as a graph, trained with Adam,
 * drawn as it learns, then saved as checkpoint bytes in IndexedDB: a reload restores the model instead
 * of training again. The page ends with #status 'done' (or 'error') for scripts/browser-smoke.ts.
 */
import {
  Adam, CheckpointError, Rng, Session, loadCheckpointBytes, mean, saveCheckpointBytes, sigmoid,
} from '../../src/index.js';
import { twoBlobs, type Points } from './blobs.js';
import { blobModel } from './model.js';
import { drawBoundary, drawLossCurve, gridOf, viewOf } from './draw.js';
import { forgetBytes, KEY, loadBytes, saveBytes } from './store.js';

const STEPS = 300;
const LEARNING_RATE = 0.05;
/** Steps between redraws: the browser paints (and stays responsive) in between. */
const REDRAW_EVERY = 20;
/** Cells per side of the grid the decision regions are painted from. */
const GRID = 80;

function byId<T extends HTMLElement | SVGSVGElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as unknown as T;
}
const show = (id: string, text: string) => void (byId(id).textContent = text);

// The graph: p(class 1 | x) = sigmoid(x . w + b), trained on the mean cross-entropy (./model.ts).
const { x, w, b, loss, probability, accuracy, step, feedsOf } = blobModel(new Adam({ learningRate: LEARNING_RATE }));
/** What is saved and restored: the model's parameters (not Adam's slots: the page does not train a restored model further). */
const MODEL = [w, b];

/** Shows what the model does now: metrics, parameters, the held-out predictions, the pictures. */
function report(session: Session, train: Points, test: Points, redraw: () => void, source: string): void {
  const final = session.run({ loss, accuracy }, feedsOf(train));
  const held = session.run({ accuracy, probability }, feedsOf(test));
  const { wv, bv } = session.run({ wv: w, bv: b });
  show('loss', final.loss.get().toFixed(4));
  show('train-accuracy', final.accuracy.get().toFixed(3));
  show('accuracy', held.accuracy.get().toFixed(3));
  show('weights', `w = (${wv.get(0, 0).toFixed(3)}, ${wv.get(1, 0).toFixed(3)}), b = ${bv.get(0).toFixed(3)}`);
  const p = Array.from(held.probability.data as Float32Array);
  show('predictions', `${p.slice(0, 4).map((v) => v.toFixed(4)).join(', ')}, ... (${p.length} points)`);
  // Every digit of every prediction, for scripts/browser-smoke.ts to compare across a reload.
  byId('predictions').dataset.values = p.join(',');
  show('source', source);
  redraw();
}

async function main(): Promise<void> {
  const rng = new Rng(7);
  const train = twoBlobs(rng, 100);
  const test = twoBlobs(rng, 200);
  const view = viewOf(train);
  const grid = { [x.name]: { data: gridOf(view, GRID), shape: [GRID * GRID, 2] } };
  const canvas = byId<HTMLCanvasElement>('boundary');
  canvas.width = canvas.clientWidth * devicePixelRatio;
  canvas.height = canvas.clientHeight * devicePixelRatio;
  const curve = byId<SVGSVGElement>('loss-curve');
  const session = new Session();
  const feeds = feedsOf(train);
  const losses: number[] = [];
  let busy = 0;

  const redraw = () => {
    const p = session.run(probability, grid);
    const { wv, bv } = session.run({ wv: w, bv: b });
    drawBoundary(canvas, view, GRID, p.data as Float32Array, [wv.get(0, 0), wv.get(1, 0)], bv.get(0), train);
    drawLossCurve(curve, losses, STEPS);
    show('steps', `${losses.length} / ${STEPS}`);
  };
  const where = `IndexedDB '${KEY}'`;
  wireButtons(session, where, (source) => report(session, train, test, redraw, source));

  show('status', 'loading the saved model');
  const saved = await loadBytes().catch((e: unknown) => {
    console.warn(`${where}: ${e instanceof Error ? e.message : String(e)}; training instead`);
    return undefined;
  });
  if (saved) {
    try {
      loadCheckpointBytes(session, saved, MODEL, { name: where });
      report(session, train, test, redraw, `restored from ${where} (${saved.length} bytes): no training on this load`);
      show('status', 'done');
      return;
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      console.warn(`${e.message}; training instead`);
    }
  }

  show('status', 'training');
  redraw();
  while (losses.length < STEPS) {
    const t0 = performance.now();
    for (let k = 0; k < REDRAW_EVERY && losses.length < STEPS; k++) {
      const out = session.run({ loss, step }, feeds);
      const l = out.loss.get();
      if (!Number.isFinite(l)) throw new Error(`the loss became ${l} at step ${losses.length + 1}`);
      losses.push(l);
    }
    busy += performance.now() - t0;
    redraw();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  show('time', `${busy.toFixed(0)} ms (${((busy * 1000) / STEPS).toFixed(0)} \u00b5s per step)`);
  const bytes = saveCheckpointBytes(session, MODEL);
  await saveBytes(bytes);
  report(session, train, test, redraw, `trained here; saved to ${where} (${bytes.length} bytes)`);
  show('status', 'done');
}

/** Download the model as a file, load one from a file (kept in IndexedDB too), forget the saved one. */
function wireButtons(session: Session, where: string, refresh: (source: string) => void): void {
  byId<HTMLButtonElement>('download').onclick = () => {
    const url = URL.createObjectURL(new Blob([saveCheckpointBytes(session, MODEL) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'model.ckpt' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  const upload = byId<HTMLInputElement>('upload');
  upload.onchange = async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      loadCheckpointBytes(session, bytes, MODEL, { name: file.name });
      await saveBytes(bytes);
      refresh(`loaded from the file '${file.name}' (${bytes.length} bytes); saved to ${where}`);
      show('error', '');
    } catch (e) {
      show('error', e instanceof Error ? e.message : String(e));
    }
    upload.value = '';
  };
  byId<HTMLButtonElement>('forget').onclick = async () => {
    await forgetBytes();
    location.reload();
  };
}

main().catch((e: unknown) => {
  show('status', 'error');
  show('error', e instanceof Error ? e.message : String(e));
  console.error(e);
});
