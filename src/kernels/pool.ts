/**
 * 2-D pooling kernels, NHWC. Inputs are read through their strides (any layout), outputs are
 * contiguous. Windows are clipped to the image: padding never takes part in a max or in an
 * average's count (TensorFlow's convention). The max of a window is its first largest element (a
 * NaN wins), and the same choice routes gradients, so the max kernels agree. The max kernels
 * keep scratch of one pixel's channels, made when they are bound. When every array of a max kernel
 * is dense (the usual case in a plan) it scans through `scanMaxDense`, which records each max by its
 * position in the image, the same in x, h and dx, and spares the per-axis index arithmetic.
 */
import type { NdArray } from 'ndarray';
import type { Data } from '../graph/layout.js';
import { isContiguous } from '../graph/tensor.js';

/** Normalised pooling attributes. */
export interface PoolAttrs {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: readonly [number, number, number, number];
}

interface Geometry {
  N: number; H: number; W: number; C: number; OH: number; OW: number;
  KH: number; KW: number; sh: number; sw: number; pt: number; pl: number;
}

const geometry = (x: readonly number[], y: readonly number[], a: PoolAttrs): Geometry => ({
  N: x[0], H: x[1], W: x[2], C: x[3], OH: y[1], OW: y[2],
  KH: a.window[0], KW: a.window[1], sh: a.strides[0], sw: a.strides[1], pt: a.pads[0], pl: a.pads[2],
});

/** The window of output row oh (or column): [start, end) clipped to the image. */
const clip = (o: number, stride: number, pad: number, k: number, size: number): [number, number] => {
  const s = o * stride - pad;
  return [Math.max(s, 0), Math.min(s + k, size)];
};

/**
 * For every output pixel, the position of each channel's window max in x: calls `each(n, oh, ow)`
 * after filling hs[c], ws[c] (the max's row and column) for every channel. The first largest
 * element wins, or the first NaN. `best`, `hs`, `ws` are scratch of C elements.
 */
function scanMax(x: NdArray, g: Geometry, best: Float64Array, hs: Int32Array, ws: Int32Array, each: (n: number, oh: number, ow: number) => void): void {
  const d = x.data as Data, [s0, s1, s2, s3] = x.stride, C = g.C;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      const [h0, h1] = clip(oh, g.sh, g.pt, g.KH, g.H);
      for (let ow = 0; ow < g.OW; ow++) {
        const [w0, w1] = clip(ow, g.sw, g.pl, g.KW, g.W);
        const first = x.offset + n * s0 + h0 * s1 + w0 * s2;
        for (let c = 0; c < C; c++) {
          best[c] = d[first + c * s3];
          hs[c] = h0;
          ws[c] = w0;
        }
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const q = x.offset + n * s0 + h * s1 + w * s2;
            for (let c = 0; c < C; c++) {
              const v = d[q + c * s3], m = best[c];
              if (v > m || (v !== v && m === m)) {
                best[c] = v;
                hs[c] = h;
                ws[c] = w;
              }
            }
          }
        }
        each(n, oh, ow);
      }
    }
  }
}

/**
 * scanMax for a dense x: `at[c]` is the max's element index in x less x.offset, which is also its
 * index in any dense array shaped like x. Same choice of max (first largest, or first NaN).
 */
function scanMaxDense(x: NdArray, g: Geometry, best: Float64Array, at: Int32Array, each: (n: number, oh: number, ow: number) => void): void {
  const d = x.data as Data, xo = x.offset, { C, H, W, OH, OW, sh, sw, pt, pl, KH, KW } = g;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const hs = oh * sh - pt, h0 = Math.max(hs, 0), h1 = Math.min(hs + KH, H);
      for (let ow = 0; ow < OW; ow++) {
        const ws = ow * sw - pl, w0 = Math.max(ws, 0), w1 = Math.min(ws + KW, W);
        const first = ((n * H + h0) * W + w0) * C;
        for (let c = 0; c < C; c++) {
          best[c] = d[xo + first + c];
          at[c] = first + c;
        }
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const q = ((n * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = d[xo + q + c], m = best[c];
              if (v > m || (v !== v && m === m)) {
                best[c] = v;
                at[c] = q + c;
              }
            }
          }
        }
        each(n, oh, ow);
      }
    }
  }
}

export type PoolKernel = (ins: readonly NdArray[], out: NdArray) => void;

/** out = the max of each window. */
export function maxPoolKernel(x: NdArray, out: NdArray, a: PoolAttrs): PoolKernel {
  const g = geometry(x.shape, out.shape, a);
  const best = new Float64Array(g.C), hs = new Int32Array(g.C), ws = new Int32Array(g.C);
  const dense = isContiguous(x);
  return ([x], out) => {
    const od = out.data as Data;
    let o = out.offset;
    if (dense) {
      scanMaxDense(x, g, best, hs, () => {
        for (let c = 0; c < g.C; c++) od[o + c] = best[c];
        o += g.C;
      });
      return;
    }
    scanMax(x, g, best, hs, ws, () => {
      for (let c = 0; c < g.C; c++) od[o + c] = best[c];
      o += g.C;
    });
  };
}

/** out = h at the position of each window's max in x (h shaped like x, out like the pooled x). */
export function maxPoolSelectKernel(x: NdArray, out: NdArray, a: PoolAttrs): PoolKernel {
  const g = geometry(x.shape, out.shape, a);
  const best = new Float64Array(g.C), hs = new Int32Array(g.C), ws = new Int32Array(g.C);
  return ([x, h], out) => {
    const od = out.data as Data, hd = h.data as Data, [t0, t1, t2, t3] = h.stride;
    let o = out.offset;
    if (isContiguous(x) && isContiguous(h)) {
      scanMaxDense(x, g, best, hs, () => {
        for (let c = 0; c < g.C; c++) od[o + c] = hd[h.offset + hs[c]];
        o += g.C;
      });
      return;
    }
    scanMax(x, g, best, hs, ws, (n) => {
      for (let c = 0; c < g.C; c++) od[o + c] = hd[h.offset + n * t0 + hs[c] * t1 + ws[c] * t2 + c * t3];
      o += g.C;
    });
  };
}

/** dx = grad added at the position of each window's max in x, zero elsewhere. */
export function maxPoolBackpropKernel(x: NdArray, dx: NdArray, a: PoolAttrs, gradShape: readonly number[]): PoolKernel {
  const g = geometry(x.shape, gradShape, a);
  const best = new Float64Array(g.C), hs = new Int32Array(g.C), ws = new Int32Array(g.C);
  return ([x, grad], dx) => {
    const gd = grad.data as Data, dd = dx.data as Data, [t0, t1, t2, t3] = grad.stride;
    const [d0, d1, d2, d3] = dx.stride;
    for (let i = 0, n = dx.size; i < n; i++) dd[dx.offset + i] = 0;
    if (isContiguous(x) && isContiguous(grad) && isContiguous(dx)) {
      let b = grad.offset;
      scanMaxDense(x, g, best, hs, () => {
        for (let c = 0; c < g.C; c++) dd[dx.offset + hs[c]] += gd[b + c];
        b += g.C;
      });
      return;
    }
    scanMax(x, g, best, hs, ws, (n, oh, ow) => {
      const base = grad.offset + n * t0 + oh * t1 + ow * t2;
      for (let c = 0; c < g.C; c++) dd[dx.offset + n * d0 + hs[c] * d1 + ws[c] * d2 + c * d3] += gd[base + c * t3];
    });
  };
}

/** out = the mean of each window (its in-image elements). */
export function avgPoolInto(out: NdArray, x: NdArray, a: PoolAttrs): void {
  const g = geometry(x.shape, out.shape, a), xd = x.data as Data, od = out.data as Data, [s0, s1, s2, s3] = x.stride;
  let o = out.offset;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      const [h0, h1] = clip(oh, g.sh, g.pt, g.KH, g.H);
      for (let ow = 0; ow < g.OW; ow++, o += g.C) {
        const [w0, w1] = clip(ow, g.sw, g.pl, g.KW, g.W);
        const inv = 1 / ((h1 - h0) * (w1 - w0));
        for (let c = 0; c < g.C; c++) od[o + c] = 0;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const q = x.offset + n * s0 + h * s1 + w * s2;
            for (let c = 0; c < g.C; c++) od[o + c] += xd[q + c * s3];
          }
        }
        for (let c = 0; c < g.C; c++) od[o + c] *= inv;
      }
    }
  }
}

/** dx = each window's grad spread evenly over its in-image elements (the adjoint of avgPoolInto). */
export function avgPoolBackpropInto(dx: NdArray, grad: NdArray, a: PoolAttrs): void {
  const g = geometry(dx.shape, grad.shape, a), gd = grad.data as Data, dd = dx.data as Data;
  const [t0, t1, t2, t3] = grad.stride, [d0, d1, d2, d3] = dx.stride;
  for (let i = 0, n = dx.size; i < n; i++) dd[dx.offset + i] = 0;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      const [h0, h1] = clip(oh, g.sh, g.pt, g.KH, g.H);
      for (let ow = 0; ow < g.OW; ow++) {
        const [w0, w1] = clip(ow, g.sw, g.pl, g.KW, g.W);
        const inv = 1 / ((h1 - h0) * (w1 - w0));
        const base = grad.offset + n * t0 + oh * t1 + ow * t2;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const q = dx.offset + n * d0 + h * d1 + w * d2;
            for (let c = 0; c < g.C; c++) dd[q + c * d3] += gd[base + c * t3] * inv;
          }
        }
      }
    }
  }
}
