/**
 * Softmax-family loops along one axis. NOTE: every lane is shifted by its max before exp, so
 * exp never sees a positive number: logits of +-1000 neither overflow nor lose the answer.
 * Sums run in float64 locals.
 */
import type { NdArray } from 'ndarray';
import type { Data } from '../graph/tensor.js';
import { alongAxis, lanes } from './lanes.js';

/** out = softmax(x) along axis, or log-softmax when `log`. */
export function softmaxInto(out: NdArray, x: NdArray, axis: number, log: boolean): void {
  const n = x.shape[axis], sx = x.stride[axis], so = out.stride[axis];
  const src = x.data as Data, dst = out.data as Data;
  lanes([x, out], axis, (off) => {
    const xo = off[0], oo = off[1];
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, src[xo + j * sx]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(src[xo + j * sx] - m);
    const logS = Math.log(s);
    for (let j = 0; j < n; j++) {
      const shifted = src[xo + j * sx] - m;
      dst[oo + j * so] = log ? shifted - logS : Math.exp(shifted - logS);
    }
  });
}

/** out = -sum(labels * logSoftmax(logits)) along axis; `out` lacks the axis. */
export function softmaxCrossEntropyInto(out: NdArray, labels: NdArray, logits: NdArray, axis: number): void {
  const n = logits.shape[axis], sz = labels.stride[axis], sx = logits.stride[axis];
  const z = labels.data as Data, x = logits.data as Data, dst = out.data as Data;
  lanes([labels, logits, alongAxis(out, axis, n)], axis, (off) => {
    const zo = off[0], xo = off[1];
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[xo + j * sx]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[xo + j * sx] - m);
    const logS = Math.log(s);
    let loss = 0;
    for (let j = 0; j < n; j++) loss += z[zo + j * sz] * (logS - (x[xo + j * sx] - m));
    dst[off[2]] = loss;
  });
}
