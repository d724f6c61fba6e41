/**
 * Softmax-family loops along one axis. NOTE: every lane is shifted by its max before exp, so
 * exp never sees a positive number: logits of +-1000 neither overflow nor lose the answer.
 * Sums run in float64 locals. On arrays in a WebAssembly arena, softmax and log-softmax run two
 * lanes at a time in SIMD (assembly/softmax.ts) with fdlibm's exp and log, the algorithms of V8's
 * Math.exp and Math.log: the same bits as the loops here.
 */
import type { NdArray } from 'ndarray';
import type { Data } from '../graph/tensor.js';
import { collapse } from '../graph/layout.js';
import { kernelsFor, wasmCalls, wasmEnabled } from '../wasm/runtime.js';
import { alongAxis, lanes } from './lanes.js';

/** out = softmax(x) along axis, or log-softmax when `log`. */
export function softmaxInto(out: NdArray, x: NdArray, axis: number, log: boolean): void {
  const simd = simdRows(out, x, axis, log);
  if (simd) return simd();
  const n = x.shape[axis], sx = x.stride[axis], so = out.stride[axis];
  lanes([x, out], axis, (off) => softmaxLane(out.data as Data, off[1], so, x.data as Data, off[0], sx, n, log));
}

/**
 * softmaxInto bound to these arrays (a plan's `bind`): the SIMD kernel's call when it takes them,
 * else the lanes' offsets found once and each lane's loop.
 */
export function bindSoftmax(out: NdArray, x: NdArray, axis: number, log: boolean): () => void {
  const simd = simdRows(out, x, axis, log);
  if (simd) return simd;
  const n = x.shape[axis], sx = x.stride[axis], so = out.stride[axis];
  const offsets: number[] = [];
  lanes([x, out], axis, (off) => void offsets.push(off[0], off[1]));
  const at = Int32Array.from(offsets);
  return () => {
    const src = x.data as Data, dst = out.data as Data;
    for (let l = 0; l < at.length; l += 2) softmaxLane(dst, at[l + 1], so, src, at[l], sx, n, log);
  };
}

function softmaxLane(dst: Data, oo: number, so: number, src: Data, xo: number, sx: number, n: number, log: boolean): void {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, src[xo + j * sx]);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(src[xo + j * sx] - m);
  const logS = Math.log(s);
  for (let j = 0; j < n; j++) {
    const shifted = src[xo + j * sx] - m;
    dst[oo + j * so] = log ? shifted - logS : Math.exp(shifted - logS);
  }
}

type Float = Float32Array | Float64Array;
const kindOf = (d: unknown): 'f32' | 'f64' | null =>
  d instanceof Float32Array ? 'f32' : d instanceof Float64Array ? 'f64' : null;

/**
 * The SIMD call when x and out are floats of one kind in one WebAssembly arena, unit steps along the
 * axis, and their other axes fold into one of rows with non-negative steps; out either is x or does
 * not overlap it. Else undefined.
 */
function simdRows(out: NdArray, x: NdArray, axis: number, log: boolean): (() => void) | undefined {
  const xd = x.data as Float, od = out.data as Float, kind = kindOf(xd);
  if (kind === null || kindOf(od) !== kind || xd.buffer !== od.buffer || !(xd.buffer instanceof ArrayBuffer) || !wasmEnabled()) return undefined;
  const kernels = kernelsFor(xd.buffer);
  const n = x.shape[axis];
  if (kernels === undefined || (n > 1 && (x.stride[axis] !== 1 || out.stride[axis] !== 1))) return undefined;
  const drop = (v: readonly number[]) => v.filter((_, d) => d !== axis);
  const { shape, strides: [sx, so] } = collapse(drop(x.shape), [drop(x.stride), drop(out.stride)]);
  if (shape.length > 1) return undefined;
  const R = shape.length === 0 ? 1 : shape[0], ldx = shape.length === 0 ? 0 : sx[0], ldo = shape.length === 0 ? 0 : so[0];
  // rows run two at a time: output rows must not overlap
  if (ldx < 0 || ldo < 0 || (R > 1 && n > 0 && ldo < n)) return undefined;
  const w = xd.BYTES_PER_ELEMENT, px = xd.byteOffset + x.offset * w, po = od.byteOffset + out.offset * w;
  const span = (ld: number) => (R === 0 || n === 0 ? 0 : ((R - 1) * ld + n) * w);
  if (!(px === po && ldx === ldo) && px < po + span(ldo) && po < px + span(ldx)) return undefined;
  const kernel = kind === 'f32' ? kernels.softmax_f32 : kernels.softmax_f64;
  return () => {
    kernel(po, px, R, n, ldx, ldo, log);
    wasmCalls.softmax++;
  };
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
