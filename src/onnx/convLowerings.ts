/**
 * Convolutions and pooling in standard ONNX (opset 18). dagrad is NHWC with HWIO filters; ONNX's
 * Conv, ConvTranspose, MaxPool and AveragePool are NCHW with OIHW weights, so each row transposes
 * in and out (ONNX Runtime cancels the back-to-back pairs when it optimises the graph). Pads are
 * always written explicitly, as dagrad resolved them ('same' included), in ONNX's order
 * [top, left, bottom, right]. The gradient companions, which ONNX lacks, are written with the same
 * standard ops: the filter gradient as a convolution with the roles of batch and channels swapped,
 * the max-pool gradient through MaxPool's Indices output, the average-pool gradient as a
 * ConvTranspose with a kernel of ones.
 */
import type { Node } from '../index.js';
import { outLength, span } from '../ops/conv2d.js';
import type { Builder, Lowering } from './lowerings.js';

interface ConvAttrs {
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: readonly [number, number, number, number];
  readonly groups: number;
}
interface SizedConvAttrs extends ConvAttrs {
  readonly size: readonly [number, number];
}
interface PoolAttrs {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}
interface SizedPoolAttrs extends PoolAttrs {
  readonly size: readonly [number, number];
}

const toNchw = (b: Builder, x: string): string => b.node('Transpose', [x], { perm: [0, 3, 1, 2] });
const toNhwc = (b: Builder, x: string): string => b.node('Transpose', [x], { perm: [0, 2, 3, 1] });
/** dagrad's [KH, KW, I, O] filter as ONNX's [O, I, KH, KW] weight (ConvTranspose's [in, out / groups, KH, KW] alike). */
const toOihw = (b: Builder, f: string): string => b.node('Transpose', [f], { perm: [3, 2, 0, 1] });
const onnxPads = ([t, bottom, l, r]: readonly number[]): number[] => [t, l, bottom, r];
/** How many windows fit along an axis of known length (windows the shape rule already let through). */
const windows = (n: number, k: number, s: number, d: number, before: number, after: number): number =>
  outLength(n, k, s, d, before, after, () => 'toOnnx') as number;

/**
 * ConvTranspose's output_padding that gives an output of `size` along each axis: the rows of the
 * image no window reaches (fewer than one stride), which receive nothing.
 */
function outputPadding(size: readonly [number, number], k: readonly number[], a: { strides: readonly number[]; pads: readonly number[] }, d: readonly number[]): number[] {
  return [0, 1].map((i) => {
    const [before, after] = [a.pads[2 * i], a.pads[2 * i + 1]];
    const o = windows(size[i], k[i], a.strides[i], d[i], before, after);
    return size[i] - ((o - 1) * a.strides[i] + span(k[i], d[i]) - before - after);
  });
}

const poolAttrs = (a: PoolAttrs) => ({ kernel_shape: [...a.window], strides: [...a.strides], pads: onnxPads(a.pads) });

/** MaxPool's Indices: for each window, the flat index of its max in the NCHW input (N and C included). */
function maxIndices(b: Builder, xNchw: string, a: PoolAttrs): string {
  return b.outputs('MaxPool', [xNchw], 2, poolAttrs(a))[1];
}

function channels(n: Node, who: string): number {
  const c = n.shape[3];
  if (c === null) throw new Error(`toOnnx: ${who} '${n.name}' ${JSON.stringify(n.shape)} needs a known channel count for ONNX`);
  return c;
}

export const CONV_LOWERINGS: Readonly<Record<string, Lowering>> = {
  conv2d: (b, [x, f], n) => {
    const a = n.attrs as ConvAttrs;
    return toNhwc(b, b.node('Conv', [toNchw(b, x), toOihw(b, f)], { strides: [...a.strides], dilations: [...a.dilations], pads: onnxPads(a.pads), group: a.groups }));
  },
  conv2dTranspose: (b, [dy, f], n) => {
    const a = n.attrs as SizedConvAttrs;
    const k = n.inputs[1].shape as number[];
    return toNhwc(b, b.node('ConvTranspose', [toNchw(b, dy), toOihw(b, f)], {
      strides: [...a.strides], dilations: [...a.dilations], pads: onnxPads(a.pads), group: a.groups, output_padding: outputPadding(a.size, k, a, a.dilations),
    }));
  },
  // dfilter[kh, kw, c, o] = sum over n, oh, ow of x[n, oh s + kh d, ow s + kw d, c] dy[n, oh, ow, o]: a
  // convolution of x with channels as the batch and the batch as channels, by the kernel dy, with
  // stride and dilation swapped. Groups: x's channels of group g become input channels g N.. g N + N - 1,
  // so the convolution's own groups keep each group's outputs apart.
  conv2dBackpropFilter: (b, [x, dy], n) => {
    const a = n.attrs as SizedConvAttrs;
    const [xNode] = n.inputs;
    const c = channels(xNode, 'the input of conv2dBackpropFilter');
    const cg = c / a.groups;
    let xs: string;
    if (a.groups === 1) {
      xs = b.node('Transpose', [x], { perm: [3, 0, 1, 2] });
    } else {
      const split = b.node('Reshape', [x, b.int64([0, 0, 0, a.groups, cg])]);
      const moved = b.node('Transpose', [split], { perm: [4, 3, 0, 1, 2] });
      const [h, w] = [xNode.shape[1], xNode.shape[2]];
      const shape = h !== null && w !== null ? b.int64([cg, -1, h, w]) : b.node('Concat', [b.int64([cg, -1]), b.node('Gather', [b.shapeOf(x), b.int64([1, 2])])], { axis: 0 });
      xs = b.node('Reshape', [moved, shape]);
    }
    const kernel = b.node('Transpose', [dy], { perm: [3, 0, 1, 2] });
    let y = b.node('Conv', [xs, kernel], { strides: [...a.dilations], dilations: [...a.strides], pads: onnxPads(a.pads), group: a.groups });
    // The convolution yields every tap that fits the padded input; rows past the filter's own are cut.
    const [h, w] = [xNode.shape[1], xNode.shape[2]];
    const [oh, ow] = [n.inputs[1].shape[1], n.inputs[1].shape[2]];
    const fits = h !== null && w !== null && oh !== null && ow !== null &&
      windows(h, oh, a.dilations[0], a.strides[0], a.pads[0], a.pads[1]) === a.size[0] &&
      windows(w, ow, a.dilations[1], a.strides[1], a.pads[2], a.pads[3]) === a.size[1];
    if (!fits) y = b.node('Slice', [y, b.int64([0, 0]), b.int64([...a.size]), b.int64([2, 3])]);
    return b.node('Transpose', [y], { perm: [2, 3, 0, 1] });
  },
  // NOTE: MaxPool's implicit padding never wins a max, as dagrad's windows clipped to the image.
  maxPool2d: (b, [x], n) => toNhwc(b, b.node('MaxPool', [toNchw(b, x)], poolAttrs(n.attrs as PoolAttrs))),
  // grad added at each window's max: ScatterElements (reduction add) of grad at MaxPool's Indices into zeros.
  maxPool2dBackprop: (b, [x, g], n) => {
    const xc = toNchw(b, x);
    const idx = b.node('Reshape', [maxIndices(b, xc, n.attrs as PoolAttrs), b.int64([-1])]);
    const shape = nchwShape(b, n.inputs[0], xc);
    const zeros = b.node('Reshape', [b.node('Expand', [b.scalar(0, n.dtype), shape]), b.int64([-1])]);
    const flat = b.node('ScatterElements', [zeros, idx, b.node('Reshape', [toNchw(b, g), b.int64([-1])])], { axis: 0, reduction: 'add' });
    return toNhwc(b, b.node('Reshape', [flat, shape]));
  },
  // h read where x has each window's max: a Gather of the flat NCHW h at MaxPool's Indices.
  maxPool2dSelect: (b, [x, h], n) => {
    const idx = maxIndices(b, toNchw(b, x), n.attrs as PoolAttrs);
    return toNhwc(b, b.node('Gather', [b.node('Reshape', [toNchw(b, h), b.int64([-1])]), idx]));
  },
  // count_include_pad 0: the mean of each window's in-image elements, as dagrad's.
  avgPool2d: (b, [x], n) => toNhwc(b, b.node('AveragePool', [toNchw(b, x)], { ...poolAttrs(n.attrs as PoolAttrs), count_include_pad: 0 })),
  // Each window's grad divided by its in-image count, then spread over the window: a depthwise
  // ConvTranspose with a kernel of ones (the pads crop what falls outside the image).
  avgPool2dBackprop: (b, [g], n) => {
    const a = n.attrs as SizedPoolAttrs;
    const c = channels(n, 'avgPool2dBackprop');
    const counts = windowCounts(a);
    const scaled = b.node('Div', [g, b.constant(counts.values, n.dtype, [1, counts.oh, counts.ow, 1])]);
    const ones = b.constant(new Array<number>(c * a.window[0] * a.window[1]).fill(1), n.dtype, [c, 1, a.window[0], a.window[1]]);
    return toNhwc(b, b.node('ConvTranspose', [toNchw(b, scaled), ones], {
      strides: [...a.strides], pads: onnxPads(a.pads), group: c, output_padding: outputPadding(a.size, a.window, a, [1, 1]),
    }));
  },
};

/** The NCHW shape of an NHWC node: a constant when static, else read from the transposed value. */
function nchwShape(b: Builder, x: Node, xNchw: string): string {
  if (x.shape.every((d) => d !== null)) {
    const [nn, h, w, c] = x.shape as number[];
    return b.int64([nn, c, h, w]);
  }
  return b.node('Shape', [xNchw]);
}

/** How many in-image elements each window of an average pool over [H, W] holds, row-major [OH, OW]. */
function windowCounts(a: SizedPoolAttrs): { values: number[]; oh: number; ow: number } {
  const along = (i: number): number[] => {
    const [before, after] = [a.pads[2 * i], a.pads[2 * i + 1]];
    const o = windows(a.size[i], a.window[i], a.strides[i], 1, before, after);
    return Array.from({ length: o }, (_, k) => {
      const start = k * a.strides[i] - before;
      return Math.min(start + a.window[i], a.size[i]) - Math.max(start, 0);
    });
  };
  const [hs, ws] = [along(0), along(1)];
  return { values: hs.flatMap((h) => ws.map((w) => h * w)), oh: hs.length, ow: ws.length };
}
