/**
 * Pooling, NHWC: maxPool2d and avgPool2d over windows, and globalAvgPool2d (a mean over height and
 * width). Windows are clipped to the image, so padding never enters a max or an average's count.
 * Each op's gradient is a companion op, and the companions are each other's gradients, so derivatives
 * of any order stay in this file.
 */
import type { NdArray } from 'ndarray';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp, type OpDef, type TensorType } from '../graph/op.js';
import { compatible, formatShape, ShapeError, type Dim } from '../graph/shape.js';
import { avgPoolBackpropInto, avgPoolInto, maxPoolBackpropKernel, maxPoolKernel, maxPoolSelectKernel, type PoolAttrs, type PoolKernel } from '../kernels/pool.js';
import { outLength, resolvePads, type Padding } from './conv2d.js';
import { mean } from './mean.js';

export type { PoolAttrs };

export interface Pool2dOptions {
  /** Strides; the window's size by default (non-overlapping windows). */
  strides?: number | readonly [number, number];
  /** 'valid' by default. */
  padding?: Padding;
  name?: string;
}

/** A kernel bound once per plan (its scratch made then), or made afresh for a one-off call. */
const kernelOf = (make: (ins: readonly NdArray[], out: NdArray, a: PoolAttrs) => PoolKernel): Pick<OpDef<PoolAttrs>, 'forward' | 'bind'> => ({
  forward: (ins, out, a) => make(ins, out, a)(ins, out),
  bind: (ins, out, a) => {
    const k = make(ins, out, a);
    return () => k(ins, out);
  },
});

const describeAttrs = (a: PoolAttrs): string => `window [${a.window}], strides [${a.strides}], pads [${a.pads}]`;

/** The pooled shape of x, checked: rank 4, window fits, no window entirely in the padding. */
function pooled(x: TensorType, a: PoolAttrs): Dim[] {
  if (x.shape.length !== 4) throw new ShapeError(`input ${formatShape(x.shape)} must be rank 4 (NHWC)`);
  const [t, b, l, r] = a.pads;
  if (t >= a.window[0] || b >= a.window[0] || l >= a.window[1] || r >= a.window[1]) {
    throw new ShapeError(`pads [${a.pads}] must be smaller than the window [${a.window}]: a window would see only padding`);
  }
  const what = () => `input ${formatShape(x.shape)}, ${describeAttrs(a)}`;
  const oh = outLength(x.shape[1], a.window[0], a.strides[0], 1, t, b, what);
  const ow = outLength(x.shape[2], a.window[1], a.strides[1], 1, l, r, what);
  return [x.shape[0], oh, ow, x.shape[3]];
}

function sameShapes(x: TensorType, y: TensorType, what: string): void {
  if (!compatible(x.shape, y.shape)) throw new ShapeError(`${what} ${formatShape(y.shape)} must be shaped like ${formatShape(x.shape)}`);
}

/**
 * The max of each window: x [N, H, W, C] -> [N, OH, OW, C].  d = maxPool2dSelect(x, dx), and the
 * gradient routes grad to each window's max (maxPool2dBackprop). NOTE: ties go to the first maximum.
 */
export const MaxPool2d: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'maxPool2d',
  infer: ([x], a) => ({ shape: pooled(x, a), dtype: sameDType([x], FLOATS) }),
  ...kernelOf((ins, out, a) => maxPoolKernel(ins[0], out, a)),
  backward: (grad, { inputs: [x], attrs }) => [apply(MaxPool2dBackprop, [x, grad], attrs)],
  jvp: ([dx], { inputs: [x], attrs }) => apply(MaxPool2dSelect, [x, dx!], attrs),
});

/**
 * The gradient of maxPool2d: grad [N, OH, OW, C] added at each window's max in x [N, H, W, C], zero
 * elsewhere. Linear in grad, piecewise constant in x.  d grad: maxPool2dSelect(x, grad'), d x: 0.
 */
export const MaxPool2dBackprop: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'maxPool2dBackprop',
  infer: ([x, g], a) => {
    sameShapes({ shape: pooled(x, a), dtype: x.dtype }, g, 'gradient');
    return { shape: x.shape, dtype: sameDType([x, g], FLOATS) };
  },
  ...kernelOf((ins, out, a) => maxPoolBackpropKernel(ins[0], out, a, ins[1].shape)),
  backward: (grad, { inputs: [x], attrs }) => [null, apply(MaxPool2dSelect, [x, grad], attrs)],
  jvp: ([, dg], { inputs: [x], attrs }) => dg && apply(MaxPool2dBackprop, [x, dg], attrs),
});

/**
 * h [N, H, W, C] read at each window's max of x [N, H, W, C] -> [N, OH, OW, C] (maxPool2d(x) is
 * maxPool2dSelect(x, x)). Linear in h, piecewise constant in x.  d h: maxPool2dBackprop(x, grad).
 */
export const MaxPool2dSelect: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'maxPool2dSelect',
  infer: ([x, h], a) => {
    sameShapes(x, h, 'values');
    return { shape: pooled(x, a), dtype: sameDType([x, h], FLOATS) };
  },
  ...kernelOf((ins, out, a) => maxPoolSelectKernel(ins[0], out, a)),
  backward: (grad, { inputs: [x], attrs }) => [null, apply(MaxPool2dBackprop, [x, grad], attrs)],
  jvp: ([, dh], { inputs: [x], attrs }) => dh && apply(MaxPool2dSelect, [x, dh], attrs),
});

/** The mean of each window's in-image elements: x [N, H, W, C] -> [N, OH, OW, C]. Linear; d = avgPool2dBackprop(grad). */
export const AvgPool2d: OpDef<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'avgPool2d',
  linear: true,
  infer: ([x], a) => ({ shape: pooled(x, a), dtype: sameDType([x], FLOATS) }),
  forward: ([x], out, a) => avgPoolInto(out, x, a),
  backward: (grad, { inputs: [x], attrs }) => [apply(AvgPool2dBackprop, [grad], { ...poolAttrs(attrs), size: spatial(x) })],
});

export interface AvgPoolBackpropAttrs extends PoolAttrs {
  /** [H, W] of the pooled input. */
  readonly size: readonly [number, number];
}

/** The adjoint of avgPool2d: each window's grad spread evenly over its in-image elements. Linear; d = avgPool2d(grad). */
export const AvgPool2dBackprop: OpDef<AvgPoolBackpropAttrs> = defineOp<AvgPoolBackpropAttrs>({
  name: 'avgPool2dBackprop',
  linear: true,
  infer: ([g], a) => {
    const x: TensorType = { shape: [g.shape[0], a.size[0], a.size[1], g.shape[3] ?? null], dtype: g.dtype };
    sameShapes({ shape: pooled(x, a), dtype: g.dtype }, g, 'gradient');
    return { shape: x.shape, dtype: sameDType([g], FLOATS) };
  },
  forward: ([g], out, a) => avgPoolBackpropInto(out, g, a),
  backward: (grad, { attrs }) => [apply(AvgPool2d, [grad], poolAttrs(attrs))],
});

const poolAttrs = ({ window, strides, pads }: PoolAttrs): PoolAttrs => ({ window, strides, pads });

function spatial(x: Node): [number, number] {
  const [h, w] = [x.shape[1], x.shape[2]];
  if (h === null || w === null) throw new ShapeError(`${x}: the gradient of avgPool2d needs the input's height and width`);
  return [h, w];
}

const pair = (v: number | readonly [number, number], what: string): [number, number] => {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 1)) throw new ShapeError(`${what} must be integers >= 1, got ${JSON.stringify(v)}`);
  return p;
};

function attrsOf(x: Node, window: number | readonly [number, number], opts: Pool2dOptions): PoolAttrs {
  const w = pair(window, 'window');
  const strides = pair(opts.strides ?? w, 'strides');
  const pads = resolvePads(opts.padding ?? 'valid', [x.shape[1] ?? null, x.shape[2] ?? null], w, strides, [1, 1]);
  return { window: w, strides, pads };
}

/** Max pooling: x [N, H, W, C], a window of [KH, KW] (or one size for both). */
export const maxPool2d = (x: Node, window: number | readonly [number, number], opts: Pool2dOptions = {}): Node =>
  apply(MaxPool2d, [x], ([x]) => attrsOf(x, window, opts), opts.name);

/** Average pooling: x [N, H, W, C], a window of [KH, KW] (or one size for both). */
export const avgPool2d = (x: Node, window: number | readonly [number, number], opts: Pool2dOptions = {}): Node =>
  apply(AvgPool2d, [x], ([x]) => attrsOf(x, window, opts), opts.name);

/** The mean over height and width: x [N, H, W, C] -> [N, C] ([N, 1, 1, C] with keepDims). */
export function globalAvgPool2d(x: Node, opts: { keepDims?: boolean; name?: string } = {}): Node {
  if (x.rank !== 4) throw new ShapeError(`globalAvgPool2d: input ${x} must be rank 4 (NHWC)`);
  return mean(x, { axes: [1, 2], ...opts });
}
