import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';

/** The input itself, as a view.  d(id x) = dx */
export const Identity = defineOp({
  name: 'identity',
  linear: true,
  infer: ([x]) => x,
  view: ([x]) => x,
  backward: (grad) => [grad],
});
export const identity = (x: Operand, opts: { name?: string } = {}): Node => apply(Identity, [x], {}, opts.name);

/** The input's value, but no gradient or tangent passes through it. */
export const StopGradient = defineOp({
  name: 'stopGradient',
  nondifferentiable: true,
  infer: ([x]) => x,
  view: ([x]) => x,
});
export const stopGradient = (x: Operand, opts: { name?: string } = {}): Node => apply(StopGradient, [x], {}, opts.name);
