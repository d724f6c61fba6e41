/** The page's two pictures: the loss curve as inline SVG, and the points over the model's decision regions on a canvas. */
import type { Points } from './blobs.js';

const SVG = 'http://www.w3.org/2000/svg';
export const COLOURS = ['#2563eb', '#ea580c'] as const;
/** Class 0 and class 1 tints (RGB) for the background, mixed by the predicted probability. */
const TINTS = [[191, 212, 254], [254, 215, 170]] as const;

/** The rectangle of the plane that is drawn: x0..x1 by y0..y1. */
export interface View { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number }

/** A square view holding every point with a margin, so the boundary's angle is drawn true. */
export function viewOf(points: Points, margin = 0.6): View {
  let lo = Infinity, hi = -Infinity;
  for (const v of points.x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return { x0: lo - margin, x1: hi + margin, y0: lo - margin, y1: hi + margin };
}

/** The centres of an n x n grid of cells over the view, row-major from the top row down: what the model is asked about. */
export function gridOf(view: View, n: number): Float32Array {
  const g = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      g[2 * (r * n + c)] = view.x0 + ((c + 0.5) / n) * (view.x1 - view.x0);
      g[2 * (r * n + c) + 1] = view.y1 - ((r + 0.5) / n) * (view.y1 - view.y0);
    }
  }
  return g;
}

/**
 * Paints P(class 1) over the grid, the line where it is 1/2 (w . p + b = 0), then the points.
 * NOTE: the line comes from the weights, not from the grid, so it is exact rather than cell-sized.
 */
export function drawBoundary(canvas: HTMLCanvasElement, view: View, n: number, probability: ArrayLike<number>, w: ArrayLike<number>, b: number, points: Points): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser gives no 2-D canvas context');
  const { width, height } = canvas;
  const px = (x: number) => ((x - view.x0) / (view.x1 - view.x0)) * width;
  const py = (y: number) => ((view.y1 - y) / (view.y1 - view.y0)) * height;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const p = probability[r * n + c];
      const mix = (k: number) => Math.round(TINTS[0][k] * (1 - p) + TINTS[1][k] * p);
      ctx.fillStyle = `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
      ctx.fillRect(Math.floor((c * width) / n), Math.floor((r * height) / n), Math.ceil(width / n) + 1, Math.ceil(height / n) + 1);
    }
  }
  // Where the line meets the view's left and right edges, or its top and bottom when it is steep.
  ctx.strokeStyle = '#111827';
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.beginPath();
  if (Math.abs(w[1]) > Math.abs(w[0])) {
    ctx.moveTo(px(view.x0), py(-(w[0] * view.x0 + b) / w[1]));
    ctx.lineTo(px(view.x1), py(-(w[0] * view.x1 + b) / w[1]));
  } else if (w[0] !== 0) {
    ctx.moveTo(px(-(w[1] * view.y0 + b) / w[0]), py(view.y0));
    ctx.lineTo(px(-(w[1] * view.y1 + b) / w[0]), py(view.y1));
  }
  ctx.stroke();
  ctx.lineWidth = devicePixelRatio;
  ctx.strokeStyle = 'white';
  for (let i = 0; i < points.rows; i++) {
    ctx.fillStyle = COLOURS[points.y[i]];
    ctx.beginPath();
    ctx.arc(px(points.x[2 * i]), py(points.x[2 * i + 1]), 4 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Redraws `svg` as the curve of `losses` (one per step) against a step axis of `steps`, from loss 0 up. */
export function drawLossCurve(svg: SVGSVGElement, losses: readonly number[], steps: number): void {
  const W = 440, H = 300, left = 52, right = 16, top = 16, bottom = 42;
  // Up to the next multiple of 0.2, so the four gridlines fall on round numbers.
  const yMax = Math.ceil(Math.max(0.1, ...losses) * 5) / 5;
  const x = (s: number) => left + (s / steps) * (W - left - right);
  const y = (l: number) => top + (1 - l / yMax) * (H - top - bottom);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  for (let k = 0; k <= 4; k++) {
    const l = (yMax * k) / 4;
    svg.append(el('line', { x1: left, x2: W - right, y1: y(l), y2: y(l), stroke: '#e5e7eb' }));
    svg.append(el('text', { x: left - 6, y: y(l) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#4b5563' }, l.toFixed(2)));
  }
  for (let k = 0; k <= 5; k++) {
    const s = Math.round((steps * k) / 5);
    svg.append(el('text', { x: x(s), y: H - bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#4b5563' }, String(s)));
  }
  svg.append(el('line', { x1: left, x2: left, y1: top, y2: H - bottom, stroke: '#9ca3af' }));
  svg.append(el('line', { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, stroke: '#9ca3af' }));
  svg.append(el('text', { x: (left + W - right) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#111827' }, 'Adam step'));
  svg.append(el('text', { x: 14, y: (top + H - bottom) / 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#111827', transform: `rotate(-90 14 ${(top + H - bottom) / 2})` }, 'training loss (cross-entropy)'));
  const path = losses.map((l, s) => `${s === 0 ? 'M' : 'L'}${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(' ');
  svg.append(el('path', { d: path, fill: 'none', stroke: COLOURS[0], 'stroke-width': 2 }));
}
