import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { axisAttrs, checkAxis } from '../graph/shape.js';
import type { TensorType } from '../graph/op.js';
import { bindSoftmax, softmaxInto } from '../kernels/softmax.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/** The shape rule of an op along one axis that keeps its input's shape (softmax, logSoftmax). */
export function alongAxisType([x]: readonly TensorType[], { axis }: { axis: number }): TensorType {
  checkAxis(axis, x.shape);
  return { shape: x.shape, dtype: sameDType([x], FLOATS) };
}

/**
 * e^x / sum(e^x) along an axis (the last by default), shifted by the max so nothing overflows.
 * d softmax = y * (dx - sum(y * dx)), y the output: the same formula gives the gradient from grad.
 */
export const Softmax = defineOp<{ axis: number }>({
  name: 'softmax',
  infer: alongAxisType,
  forward: ([x], out, { axis }) => softmaxInto(out, x, axis, false),
  bind: ([x], out, { axis }) => bindSoftmax(out, x, axis, false),
  backward: (grad, out) => [mul(out, sub(grad, sum(mul(out, grad), { axes: out.attrs.axis, keepDims: true })))],
  jvp: ([dx], out) => mul(out, sub(dx!, sum(mul(out, dx!), { axes: out.attrs.axis, keepDims: true }))),
});
export const softmax = (x: Node, opts: { axis?: number; name?: string } = {}): Node => apply(Softmax, [x], axisAttrs(opts.axis ?? -1), opts.name);
