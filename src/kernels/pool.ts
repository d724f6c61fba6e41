/**
 * 2-D pooling kernels, NHWC. Inputs are read through their strides (any layout), outputs are
 * contiguous. Windows are clipped to the image: padding never takes part in a max or in an
 * average's count (TensorFlow's convention). The max of a window is its first largest element (a
 * NaN wins), and the same choice routes gradients, so the pair of max kernels agree.
 */
import type { NdArray } from 'ndarray';
import type { Data } from '../graph/layout.js';

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

/**
 * Calls `visit(o, n, oh, ow, h0, h1, w0, w1)` for every output pixel: o its flat index in a
 * contiguous output (channel 0), [h0, h1) x [w0, w1) its window clipped to the image.
 */
function windows(g: Geometry, visit: (o: number, n: number, oh: number, ow: number, h0: number, h1: number, w0: number, w1: number) => void): void {
  let o = 0;
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      const hs = oh * g.sh - g.pt, h0 = Math.max(hs, 0), h1 = Math.min(hs + g.KH, g.H);
      for (let ow = 0; ow < g.OW; ow++, o += g.C) {
        const ws = ow * g.sw - g.pl, w0 = Math.max(ws, 0), w1 = Math.min(ws + g.KW, g.W);
        visit(o, n, oh, ow, h0, h1, w0, w1);
      }
    }
  }
}

/** Where channel c's window has its max, as h * W + w: the first largest element, or the first NaN. */
function argmax(x: NdArray, n: number, c: number, h0: number, h1: number, w0: number, w1: number): number {
  const d = x.data as Data, s = x.stride, W = x.shape[2];
  const q0 = x.offset + n * s[0] + c * s[3];
  let best = h0 * W + w0;
  let m = d[q0 + h0 * s[1] + w0 * s[2]];
  for (let h = h0; h < h1; h++) {
    for (let w = w0; w < w1; w++) {
      const v = d[q0 + h * s[1] + w * s[2]];
      if (v > m || (v !== v && m === m)) [m, best] = [v, h * W + w];
    }
  }
  return best;
}

/** The offset of element (n, k = h * W + w, c) of a rank-4 array. */
const at = (a: NdArray, n: number, k: number, c: number): number => {
  const W = a.shape[2], s = a.stride;
  return a.offset + n * s[0] + Math.floor(k / W) * s[1] + (k % W) * s[2] + c * s[3];
};

/** The offset of element (n, oh, ow, c) of a rank-4 array. */
const at4 = (a: NdArray, n: number, h: number, w: number, c: number): number =>
  a.offset + n * a.stride[0] + h * a.stride[1] + w * a.stride[2] + c * a.stride[3];

/** out = the max of each window. */
export function maxPoolInto(out: NdArray, x: NdArray, a: PoolAttrs): void {
  const g = geometry(x.shape, out.shape, a), xd = x.data as Data, od = out.data as Data;
  windows(g, (o, n, _oh, _ow, h0, h1, w0, w1) => {
    for (let c = 0; c < g.C; c++) od[out.offset + o + c] = xd[at(x, n, argmax(x, n, c, h0, h1, w0, w1), c)];
  });
}

/** out = h at the position of each window's max in x (h shaped like x, out like the pooled x). */
export function maxPoolSelectInto(out: NdArray, x: NdArray, h: NdArray, a: PoolAttrs): void {
  const g = geometry(x.shape, out.shape, a), hd = h.data as Data, od = out.data as Data;
  windows(g, (o, n, _oh, _ow, h0, h1, w0, w1) => {
    for (let c = 0; c < g.C; c++) od[out.offset + o + c] = hd[at(h, n, argmax(x, n, c, h0, h1, w0, w1), c)];
  });
}

/** dx = grad added at the position of each window's max in x, zero elsewhere. */
export function maxPoolBackpropInto(dx: NdArray, x: NdArray, grad: NdArray, a: PoolAttrs): void {
  const g = geometry(x.shape, grad.shape, a), gd = grad.data as Data, dd = dx.data as Data;
  for (let i = 0, n = dx.size; i < n; i++) dd[dx.offset + i] = 0;
  windows(g, (_o, n, oh, ow, h0, h1, w0, w1) => {
    for (let c = 0; c < g.C; c++) dd[at(dx, n, argmax(x, n, c, h0, h1, w0, w1), c)] += gd[at4(grad, n, oh, ow, c)];
  });
}

/** out = the mean of each window (its in-image elements). */
export function avgPoolInto(out: NdArray, x: NdArray, a: PoolAttrs): void {
  const g = geometry(x.shape, out.shape, a), xd = x.data as Data, od = out.data as Data, s = x.stride;
  windows(g, (o, n, _oh, _ow, h0, h1, w0, w1) => {
    const inv = 1 / ((h1 - h0) * (w1 - w0));
    for (let c = 0; c < g.C; c++) {
      const q0 = x.offset + n * s[0] + c * s[3];
      let acc = 0;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) acc += xd[q0 + h * s[1] + w * s[2]];
      od[out.offset + o + c] = acc * inv;
    }
  });
}

/** dx = each window's grad spread evenly over its in-image elements (the adjoint of avgPoolInto). */
export function avgPoolBackpropInto(dx: NdArray, grad: NdArray, a: PoolAttrs): void {
  const g = geometry(dx.shape, grad.shape, a), gd = grad.data as Data, dd = dx.data as Data, s = dx.stride;
  for (let i = 0, n = dx.size; i < n; i++) dd[dx.offset + i] = 0;
  windows(g, (_o, n, oh, ow, h0, h1, w0, w1) => {
    const inv = 1 / ((h1 - h0) * (w1 - w0));
    for (let c = 0; c < g.C; c++) {
      const v = gd[at4(grad, n, oh, ow, c)] * inv, q0 = dx.offset + n * s[0] + c * s[3];
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) dd[q0 + h * s[1] + w * s[2]] += v;
    }
  });
}
