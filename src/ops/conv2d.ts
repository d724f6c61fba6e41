/**
 * Convolutions, NHWC, filters HWIO: conv2d, its two adjoints (conv2dTranspose in the input,
 * conv2dBackpropFilter in the filter), and conv1d as conv2d over a height-1 image. The three ops
 * close under differentiation: each one's gradients are the other two, so derivatives of any order
 * are convolutions again.
 */
import type { NdArray } from 'ndarray';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp, type OpDef, type TensorType } from '../graph/op.js';
import { formatShape, ShapeError, type Dim } from '../graph/shape.js';
import { conv2dFilterKernel, conv2dKernel, conv2dTransposeKernel, type ConvAttrs, type ConvKernel } from '../kernels/conv.js';
import { addTangents } from './broadcast.js';
import { expandDims } from './expandDims.js';
import { squeeze } from './squeeze.js';

export type { ConvAttrs };
/** 'valid': no padding; 'same': output size ceil(input / stride), padded as TensorFlow does; or [[top, bottom], [left, right]]. */
export type Padding = 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];

export interface Conv2dOptions {
  strides?: number | readonly [number, number];
  padding?: Padding;
  dilations?: number | readonly [number, number];
  /** Input and output channels split into this many independent groups (groups = channels: depthwise). */
  groups?: number;
  name?: string;
}

const pair = (v: number | readonly [number, number] | undefined, what: string): [number, number] => {
  const p: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 1)) throw new ShapeError(`${what} must be integers >= 1, got ${JSON.stringify(v)}`);
  return p;
};

/** The extent of a window of k taps spaced d apart. */
export const span = (k: number, d: number): number => (k - 1) * d + 1;

/** Output length along one axis, or a ShapeError when the window does not fit the padded input. */
export function outLength(n: Dim, k: number, s: number, d: number, before: number, after: number, what: () => string): Dim {
  if (n === null) return null;
  if (n + before + after < span(k, d)) throw new ShapeError(`window ${span(k, d)} is larger than the padded input ${n + before + after}: ${what()}`);
  return Math.floor((n + before + after - span(k, d)) / s) + 1;
}

/** TensorFlow's 'same' padding along one axis: total ((ceil(n/s) - 1) s + span - n), the odd one after. */
export function samePads(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + span(k, d) - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Explicit [top, bottom, left, right] pads from a padding option, for an input of spatial size [H, W]. */
export function resolvePads(padding: Padding, hw: readonly [Dim, Dim], k: readonly [number, number], s: readonly number[], d: readonly number[]): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (hw[0] === null || hw[1] === null) throw new ShapeError(`'same' padding needs the input's height and width, got [${hw.join(',')}]`);
    return [...samePads(hw[0], k[0], s[0], d[0]), ...samePads(hw[1], k[1], s[1], d[1])];
  }
  const flat = Array.isArray(padding) && padding.length === 2 ? padding.flat() : [];
  if (flat.length !== 4 || !flat.every((p) => Number.isInteger(p) && p >= 0)) {
    throw new ShapeError(`padding must be 'same', 'valid' or [[top, bottom], [left, right]] of integers >= 0, got ${JSON.stringify(padding)}`);
  }
  return flat as [number, number, number, number];
}

const describeAttrs = (a: ConvAttrs): string =>
  `strides [${a.strides}], dilations [${a.dilations}], pads [${a.pads}], groups ${a.groups}`;

/** The output size of a convolution of [H, W] (checked to fit). */
function convOut(h: Dim, w: Dim, kh: number, kw: number, a: ConvAttrs, what: () => string): [Dim, Dim] {
  return [
    outLength(h, kh, a.strides[0], a.dilations[0], a.pads[0], a.pads[1], what),
    outLength(w, kw, a.strides[1], a.dilations[1], a.pads[2], a.pads[3], what),
  ];
}

function checkFilter(f: TensorType, x: TensorType, channels: Dim, groups: number, who: string): [number, number, number, number] {
  if (f.shape.length !== 4 || f.shape.some((d) => d === null)) throw new ShapeError(`filter ${formatShape(f.shape)} must be [height, width, in channels / groups, out channels], all known`);
  const [kh, kw, cg, o] = f.shape as number[];
  if (!Number.isInteger(groups) || groups < 1) throw new ShapeError(`groups must be an integer >= 1, got ${groups}`);
  if (channels !== null && channels % groups !== 0) throw new ShapeError(`groups ${groups} does not divide the ${channels} channels of ${who} ${formatShape(x.shape)}`);
  if (o % groups !== 0) throw new ShapeError(`groups ${groups} does not divide the filter's ${o} output channels: filter ${formatShape(f.shape)}`);
  if (channels !== null && cg * groups !== channels) {
    throw new ShapeError(`filter ${formatShape(f.shape)} takes ${cg} input channels${groups > 1 ? ` per group (x ${groups} groups = ${cg * groups})` : ''} but ${who} ${formatShape(x.shape)} has ${channels}`);
  }
  return [kh, kw, cg, o];
}

const rank4 = (t: TensorType, what: string): void => {
  if (t.shape.length !== 4) throw new ShapeError(`${what} ${formatShape(t.shape)} must be rank 4 (NHWC)`);
};

/** Kernel plumbing shared by the three ops: bound once per plan, or made afresh for a one-off call. */
/** The tangent of an op linear in each of its two inputs (the three convolutions): op(da, b) + op(a, db). */
function bilinearJvp<A>([da, db]: readonly (Node | null)[], n: Node<A>): Node | null {
  const [a, b] = n.inputs;
  return addTangents(da && apply(n.op, [da, b], n.attrs), db && apply(n.op, [a, db], n.attrs));
}

const kernelOf = <A extends ConvAttrs>(make: (a: NdArray, b: NdArray, out: NdArray, attrs: A) => ConvKernel): Pick<OpDef<A>, 'forward' | 'bind'> => ({
  forward: ([a, b], out, attrs) => make(a, b, out, attrs)(a, b, out),
  bind: ([a, b], out, attrs) => {
    const k = make(a, b, out, attrs);
    return () => k(a, b, out);
  },
});

/**
 * 2-D convolution (cross-correlation, as in every framework): x [N, H, W, C], filter
 * [KH, KW, C / groups, O] -> [N, OH, OW, O].  dx = conv2dTranspose(grad, filter),
 * dfilter = conv2dBackpropFilter(x, grad); bilinear, so d = conv(dx, f) + conv(x, df).
 */
export const Conv2d: OpDef<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2d',
  infer: ([x, f], a) => {
    rank4(x, 'input');
    const dtype = sameDType([x, f], FLOATS);
    const [kh, kw, , o] = checkFilter(f, x, x.shape[3], a.groups, 'the input');
    const [oh, ow] = convOut(x.shape[1], x.shape[2], kh, kw, a, () => `input ${formatShape(x.shape)}, filter ${formatShape(f.shape)}, ${describeAttrs(a)}`);
    return { shape: [x.shape[0], oh, ow, o], dtype };
  },
  ...kernelOf(conv2dKernel),
  backward: (grad, { inputs: [x, f], attrs }) => [
    conv2dBackpropInput(grad, f, attrs, spatial(x)),
    conv2dBackpropFilter(x, grad, attrs, [f.shape[0]!, f.shape[1]!]),
  ],
  jvp: bilinearJvp,
});

export interface Conv2dTransposeAttrs extends ConvAttrs {
  /** [H, W] of the output (the input of the convolution this is the adjoint of). */
  readonly size: readonly [number, number];
}

/**
 * The adjoint of conv2d in its input (the gradient of conv2d, a "deconvolution"): dy [N, OH, OW, O],
 * filter [KH, KW, C / groups, O] -> [N, H, W, C].  d dy = conv2d(grad, filter),
 * dfilter = conv2dBackpropFilter(grad, dy); bilinear.
 */
export const Conv2dTranspose: OpDef<Conv2dTransposeAttrs> = defineOp<Conv2dTransposeAttrs>({
  name: 'conv2dTranspose',
  infer: ([dy, f], a) => {
    rank4(dy, 'input');
    const dtype = sameDType([dy, f], FLOATS);
    if (f.shape.length !== 4 || f.shape.some((d) => d === null)) throw new ShapeError(`filter ${formatShape(f.shape)} must be [height, width, out channels / groups, in channels], all known`);
    const [kh, kw, cg, o] = f.shape as number[];
    if (dy.shape[3] !== null && dy.shape[3] !== o) throw new ShapeError(`filter ${formatShape(f.shape)} takes ${o} input channels but the input ${formatShape(dy.shape)} has ${dy.shape[3]}`);
    if (o % a.groups !== 0) throw new ShapeError(`groups ${a.groups} does not divide the ${o} channels of the input ${formatShape(dy.shape)}`);
    const [oh, ow] = convOut(a.size[0], a.size[1], kh, kw, a, () => `output [${a.size}], filter ${formatShape(f.shape)}, ${describeAttrs(a)}`);
    if ((dy.shape[1] !== null && dy.shape[1] !== oh) || (dy.shape[2] !== null && dy.shape[2] !== ow)) {
      throw new ShapeError(`an output of [${a.size}] convolves to [${oh},${ow}], not to the input ${formatShape(dy.shape)} (filter ${formatShape(f.shape)}, ${describeAttrs(a)})`);
    }
    return { shape: [dy.shape[0], a.size[0], a.size[1], cg * a.groups], dtype };
  },
  ...kernelOf(conv2dTransposeKernel),
  backward: (grad, { inputs: [dy, f], attrs }) => [
    apply(Conv2d, [grad, f], convAttrs(attrs)),
    conv2dBackpropFilter(grad, dy, attrs, [f.shape[0]!, f.shape[1]!]),
  ],
  jvp: bilinearJvp,
});

export interface Conv2dFilterAttrs extends ConvAttrs {
  /** [KH, KW] of the filter. */
  readonly size: readonly [number, number];
}

/**
 * The adjoint of conv2d in its filter: x [N, H, W, C], dy [N, OH, OW, O] -> [KH, KW, C / groups, O],
 * sum over the batch and pixels of x's patches times dy.  dx = conv2dTranspose(dy, grad),
 * d dy = conv2d(x, grad); bilinear.
 */
export const Conv2dBackpropFilter: OpDef<Conv2dFilterAttrs> = defineOp<Conv2dFilterAttrs>({
  name: 'conv2dBackpropFilter',
  infer: ([x, dy], a) => {
    rank4(x, 'input');
    rank4(dy, 'output gradient');
    const dtype = sameDType([x, dy], FLOATS);
    const [c, o] = [x.shape[3], dy.shape[3]];
    if (c === null || o === null) throw new ShapeError(`channels must be known: input ${formatShape(x.shape)}, output gradient ${formatShape(dy.shape)}`);
    if (c % a.groups !== 0 || o % a.groups !== 0) throw new ShapeError(`groups ${a.groups} does not divide the channels of input ${formatShape(x.shape)} and output gradient ${formatShape(dy.shape)}`);
    const [oh, ow] = convOut(x.shape[1], x.shape[2], a.size[0], a.size[1], a, () => `input ${formatShape(x.shape)}, filter [${a.size}], ${describeAttrs(a)}`);
    if ((oh !== null && dy.shape[1] !== null && dy.shape[1] !== oh) || (ow !== null && dy.shape[2] !== null && dy.shape[2] !== ow)) {
      throw new ShapeError(`input ${formatShape(x.shape)} convolves to [${oh},${ow}], not to the output gradient ${formatShape(dy.shape)}`);
    }
    return { shape: [a.size[0], a.size[1], c / a.groups, o], dtype };
  },
  ...kernelOf(conv2dFilterKernel),
  backward: (grad, { inputs: [x, dy], attrs }) => [
    conv2dBackpropInput(dy, grad, attrs, spatial(x)),
    apply(Conv2d, [x, grad], convAttrs(attrs)),
  ],
  jvp: bilinearJvp,
});

const convAttrs = ({ strides, dilations, pads, groups }: ConvAttrs): ConvAttrs => ({ strides, dilations, pads, groups });

function spatial(x: Node): [number, number] {
  const [h, w] = [x.shape[1], x.shape[2]];
  if (h === null || w === null) throw new ShapeError(`${x}: the input gradient of a convolution needs the input's height and width`);
  return [h, w];
}

const conv2dBackpropInput = (dy: Node, f: Node, a: ConvAttrs, size: [number, number]): Node =>
  apply(Conv2dTranspose, [dy, f], { ...convAttrs(a), size });
const conv2dBackpropFilter = (x: Node, dy: Node, a: ConvAttrs, size: [number, number]): Node =>
  apply(Conv2dBackpropFilter, [x, dy], { ...convAttrs(a), size });

/** Normalised attrs from builder options, for an input of spatial size hw and a [KH, KW, ...] filter. */
function attrsOf(opts: Conv2dOptions, hw: readonly [Dim, Dim], f: Node): ConvAttrs {
  const strides = pair(opts.strides, 'strides');
  const dilations = pair(opts.dilations, 'dilations');
  if (f.rank !== 4 || f.shape.some((d) => d === null)) throw new ShapeError(`filter ${formatShape(f.shape)} must be [height, width, channels, channels], all known`);
  const k: [number, number] = [f.shape[0]!, f.shape[1]!];
  const pads = resolvePads(opts.padding ?? 'valid', hw, k, strides, dilations);
  return { strides, dilations, pads, groups: opts.groups ?? 1 };
}

/** conv2d(x [N, H, W, C], filter [KH, KW, C / groups, O]); padding 'valid' unless given. */
export const conv2d = (x: Node, filter: Node, opts: Conv2dOptions = {}): Node =>
  apply(Conv2d, [x, filter], ([x, f]) => attrsOf(opts, [x.shape[1] ?? null, x.shape[2] ?? null], f), opts.name);

/**
 * The transposed convolution ("deconvolution"): x [N, H, W, Cin], filter [KH, KW, Cout / groups, Cin]
 * -> [N, H', W', Cout], where conv2d with the same options maps [H', W'] back to [H, W]. H' is
 * H * stride for 'same', (H - 1) * stride + the window span for 'valid' (less the pads when
 * explicit), or `outputSize` when given (any size that convolves back to [H, W]).
 */
export function conv2dTranspose(x: Node, filter: Node, opts: Conv2dOptions & { outputSize?: readonly [number, number] } = {}): Node {
  return apply(Conv2dTranspose, [x, filter], ([x, f]) => {
    const strides = pair(opts.strides, 'strides');
    const dilations = pair(opts.dilations, 'dilations');
    if (f.rank !== 4 || f.shape.some((d) => d === null)) throw new ShapeError(`filter ${formatShape(f.shape)} must be [height, width, out channels / groups, in channels], all known`);
    const [h, w] = [x.shape[1], x.shape[2]];
    if (h === null || w === null) throw new ShapeError(`the input ${formatShape(x.shape)} needs a known height and width`);
    const k = [f.shape[0]!, f.shape[1]!] as const;
    const padding = opts.padding ?? 'valid';
    const explicit = typeof padding === 'string' ? [0, 0, 0, 0] : resolvePads(padding, [h, w], k, strides, dilations);
    const size: [number, number] = opts.outputSize ? [opts.outputSize[0], opts.outputSize[1]]
      : padding === 'same' ? [h * strides[0], w * strides[1]]
      : [(h - 1) * strides[0] + span(k[0], dilations[0]) - explicit[0] - explicit[1], (w - 1) * strides[1] + span(k[1], dilations[1]) - explicit[2] - explicit[3]];
    const pads = resolvePads(padding, size, k, strides, dilations);
    return { strides, dilations, pads, groups: opts.groups ?? 1, size };
  }, opts.name);
}

export interface Conv1dOptions {
  stride?: number;
  padding?: 'same' | 'valid' | readonly [number, number];
  dilation?: number;
  groups?: number;
  name?: string;
}

/** 1-D convolution: x [N, L, C], filter [K, C / groups, O] -> [N, L', O]; conv2d on a height-1 image. */
export function conv1d(x: Node, filter: Node, opts: Conv1dOptions = {}): Node {
  const padding: Padding = typeof opts.padding === 'string' || opts.padding === undefined ? opts.padding ?? 'valid' : [[0, 0], opts.padding];
  const y = conv2d(expandDims(x, 1), expandDims(filter, 0), { strides: [1, opts.stride ?? 1], dilations: [1, opts.dilation ?? 1], padding, groups: opts.groups });
  return squeeze(y, { axes: 1, name: opts.name });
}
