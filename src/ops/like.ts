import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { fill } from '../kernels/elementwise.js';

/** Ones shaped like `x` (whose value is used only for its shape). No gradient flows to x. */
export const OnesLike = defineOp({
  name: 'onesLike',
  nondifferentiable: true,
  infer: ([x]) => x,
  forward: (_, out) => fill(out, 1),
});
export const onesLike = (x: Operand, opts: { name?: string } = {}): Node => apply(OnesLike, [x], {}, opts.name);

/** Zeros shaped like `x` (whose value is used only for its shape). No gradient flows to x. */
export const ZerosLike = defineOp({
  name: 'zerosLike',
  nondifferentiable: true,
  infer: ([x]) => x,
  forward: (_, out) => fill(out, 0),
});
export const zerosLike = (x: Operand, opts: { name?: string } = {}): Node => apply(ZerosLike, [x], {}, opts.name);
