import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { div } from './div.js';
import { elementwise } from './elementwise.js';
import { mul } from './mul.js';

/**
 * Elementwise square root (NaN below 0).  d(sqrt a) = da / (2 sqrt a), reusing the output.
 * NOTE: the derivative is +Infinity at 0; keep inputs positive where gradients are wanted.
 */
export const Sqrt = elementwise({
  name: 'sqrt',
  arity: 1,
  expr: 'Math.sqrt(a)',
  dtypes: FLOATS,
  backward: (grad, out) => [div(grad, mul(out, 2))],
  jvp: ([da], out) => div(da!, mul(out, 2)),
});
export const sqrt = (a: Operand, opts: { name?: string } = {}): Node => apply(Sqrt, [a], {}, opts.name);
