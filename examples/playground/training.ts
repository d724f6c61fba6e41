/**
 * The training tab: starts a Web Worker per run (worker.ts), draws what it reports (the loss curve
 * and decision regions of examples/browser), and counts the frames the page paints meanwhile, which
 * shows the main thread was free. #train-status ends 'done' or 'error' for the smoke test.
 */
import { drawBoundary, drawLossCurve, viewOf, type View } from '../browser/draw.js';
import type { Points } from '../browser/blobs.js';
import { OPTIMIZER_LABELS, type OptimizerName, type TrainRequest, type WorkerMessage } from './protocol.js';

const GRID = 60;

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
}
const show = (id: string, text: string) => void (byId(id).textContent = text);

export function setUpTraining(): void {
  let worker: Worker | null = null;
  let frames = 0;
  let counting = false;
  const countFrames = () => {
    if (!counting) return;
    frames++;
    show('train-frames', String(frames));
    requestAnimationFrame(countFrames);
  };
  const stop = (status: string) => {
    worker?.terminate();
    worker = null;
    counting = false;
    show('train-status', status);
    byId<HTMLButtonElement>('stop').disabled = true;
    byId<HTMLButtonElement>('train').disabled = false;
  };

  byId('stop').addEventListener('click', () => stop('stopped'));
  byId('train').addEventListener('click', () => {
    worker?.terminate();
    const req: TrainRequest = {
      type: 'train',
      optimizer: byId<HTMLSelectElement>('optimizer').value as OptimizerName,
      learningRate: Number(byId<HTMLInputElement>('learning-rate').value),
      steps: Number(byId<HTMLInputElement>('steps').value),
      grid: GRID,
    };
    const canvas = byId<HTMLCanvasElement>('boundary');
    canvas.width = canvas.clientWidth * devicePixelRatio;
    canvas.height = canvas.clientHeight * devicePixelRatio;
    const curve = byId<SVGSVGElement & HTMLElement>('loss-curve');
    const losses: number[] = [];
    let points: Points | null = null;
    let view: View | null = null;
    const label = `${OPTIMIZER_LABELS[req.optimizer]} step`;
    const redraw = (w: [number, number], b: number, probability: Float32Array | null) => {
      drawLossCurve(curve, losses, req.steps);
      // drawLossCurve names Adam, the browser example's optimizer, on its step axis.
      for (const t of curve.querySelectorAll('text')) if (t.textContent === 'Adam step') t.textContent = label;
      if (points && view && probability) drawBoundary(canvas, view, GRID, probability, w, b, points);
    };
    for (const id of ['train-loss', 'train-accuracy', 'train-train-accuracy', 'train-weights', 'train-time', 'train-error']) show(id, id === 'train-error' ? '' : '-');
    show('train-status', 'training');
    show('train-steps', `0 / ${req.steps}`);
    frames = 0;
    counting = true;
    requestAnimationFrame(countFrames);
    byId<HTMLButtonElement>('stop').disabled = false;
    byId<HTMLButtonElement>('train').disabled = true;

    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (e) => { show('train-error', e.message || 'the worker failed to load'); stop('error'); };
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      switch (m.type) {
        case 'start':
          points = { x: m.x, y: m.y, rows: m.rows };
          view = viewOf(points);
          show('train-where', m.where);
          break;
        case 'progress':
          losses.push(...m.losses);
          show('train-steps', `${m.step} / ${req.steps}`);
          redraw(m.w, m.b, m.probability);
          break;
        case 'done':
          show('train-loss', m.loss.toFixed(4));
          show('train-accuracy', m.testAccuracy.toFixed(3));
          show('train-train-accuracy', m.trainAccuracy.toFixed(3));
          show('train-weights', `w = (${m.w[0].toFixed(3)}, ${m.w[1].toFixed(3)}), b = ${m.b.toFixed(3)}`);
          show('train-time', `${m.ms.toFixed(0)} ms (${((m.ms * 1000) / m.steps).toFixed(0)} µs per step)`);
          stop('done');
          break;
        case 'error':
          show('train-error', m.message);
          stop('error');
          break;
      }
    };
    worker.postMessage(req);
  });
}
