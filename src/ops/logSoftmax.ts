import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { bindSoftmax, softmaxInto } from '../kernels/softmax.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { axisAttrs } from '../graph/shape.js';
import { alongAxisType } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * x - log(sum(e^x)) along an axis (the last by default): log-sum-exp shifted by the max, so
 * logits of +-1000 stay finite.  d logSoftmax = dx - sum(e^y * dx), e^y = softmax, y the output.
 */
export const LogSoftmax = defineOp<{ axis: number }>({
  name: 'logSoftmax',
  infer: alongAxisType,
  forward: ([x], out, { axis }) => softmaxInto(out, x, axis, true),
  bind: ([x], out, { axis }) => bindSoftmax(out, x, axis, true),
  backward: (grad, out) => [sub(grad, mul(exp(out), sum(grad, { axes: out.attrs.axis, keepDims: true })))],
  jvp: ([dx], out) => sub(dx!, sum(mul(exp(out), dx!), { axes: out.attrs.axis, keepDims: true })),
});
export const logSoftmax = (x: Node, opts: { axis?: number; name?: string } = {}): Node => apply(LogSoftmax, [x], axisAttrs(opts.axis ?? -1), opts.name);
