import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import { maxPoolBackpropKernel, maxPoolKernel, maxPoolSelectKernel, type PoolAttrs } from '../../src/kernels/pool.js';
import { Rng } from '../../src/graph/random.js';

/** The same values as `a` ([N, H, W, C], dense), stored channel-first and viewed NHWC: not dense. */
function strided(a: NdArray): NdArray {
  const [N, H, W, C] = a.shape;
  const t = ndarray(new Float64Array(a.size), [N, C, H, W]);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) t.set(n, c, h, w, a.get(n, h, w, c));
  return t.transpose(0, 2, 3, 1);
}

/** Values on a coarse grid, so windows hold ties, plus a NaN or two. */
function input(rng: Rng, shape: number[], nans: number): NdArray {
  const n = shape.reduce((p, q) => p * q, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.round(rng.uniform(-2, 2));
  for (let k = 0; k < nans; k++) d[rng.int(n)] = NaN;
  return ndarray(d, shape);
}

/** The first largest element of each window (or its first NaN), by a loop over the definition. */
function naiveArgmax(x: NdArray, a: PoolAttrs, OH: number, OW: number): number[][] {
  const [N, H, W, C] = x.shape, out: number[][] = [];
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
    let best: number[] | undefined;
    for (let h = oh * a.strides[0] - a.pads[0]; h < oh * a.strides[0] - a.pads[0] + a.window[0]; h++) {
      for (let w = ow * a.strides[1] - a.pads[2]; w < ow * a.strides[1] - a.pads[2] + a.window[1]; w++) {
        if (h < 0 || h >= H || w < 0 || w >= W) continue;
        const v = x.get(n, h, w, c);
        if (!best) { best = [h, w]; continue; }
        const m = x.get(n, best[0], best[1], c);
        if (Number.isNaN(m)) continue;
        if (Number.isNaN(v) || v > m) best = [h, w];
      }
    }
    out.push([n, best![0], best![1], c]);
  }
  return out;
}

const CASES: { name: string; shape: number[]; a: PoolAttrs }[] = [
  { name: '2x2 stride 2 (the CNN\'s)', shape: [2, 6, 6, 5], a: { window: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
  { name: '3x3 stride 2, padded', shape: [2, 7, 6, 3], a: { window: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0] } },
  { name: '3x2 stride (1, 2), odd sizes', shape: [1, 5, 7, 4], a: { window: [3, 2], strides: [1, 2], pads: [0, 0, 0, 0] } },
];

describe('max pooling, dense and strided paths, against a loop over each window', () => {
  for (const { name, shape, a } of CASES) {
    it(name, () => {
      const rng = new Rng(3);
      const xd = input(rng, shape, 3), xs = strided(xd);
      const [N, H, W, C] = shape;
      const OH = Math.floor((H + a.pads[0] + a.pads[1] - a.window[0]) / a.strides[0]) + 1;
      const OW = Math.floor((W + a.pads[2] + a.pads[3] - a.window[1]) / a.strides[1]) + 1;
      const at = naiveArgmax(xd, a, OH, OW);
      const hd = ndarray(Float64Array.from({ length: xd.size }, (_, i) => i + 0.5), shape), hs = strided(hd);
      const gd = ndarray(Float64Array.from({ length: N * OH * OW * C }, () => rng.uniform(-1, 1)), [N, OH, OW, C]), gs = strided(gd);
      for (const [x, h, g] of [[xd, hd, gd], [xs, hs, gs]]) {
        const y = ndarray(new Float64Array(N * OH * OW * C), [N, OH, OW, C]);
        maxPoolKernel(x, y, a)([x], y);
        expect(Array.from(y.data), 'max').toEqual(at.map(([n, hh, ww, c]) => xd.get(n, hh, ww, c)));
        const sel = ndarray(new Float64Array(y.size), y.shape.slice());
        maxPoolSelectKernel(x, sel, a)([x, h], sel);
        expect(Array.from(sel.data), 'select').toEqual(at.map(([n, hh, ww, c]) => hd.get(n, hh, ww, c)));
        const dx = ndarray(new Float64Array(xd.size).fill(NaN), shape);
        maxPoolBackpropKernel(x, dx, a, g.shape)([x, g], dx);
        const want = new Float64Array(xd.size);
        at.forEach(([n, hh, ww, c], i) => (want[((n * H + hh) * W + ww) * C + c] += (gd.data as Float64Array)[i]));
        expect(Array.from(dx.data), 'backprop').toEqual(Array.from(want));
      }
    });
  }
});
