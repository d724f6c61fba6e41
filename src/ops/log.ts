import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { logInto } from '../kernels/elementwise.js';
import { div } from './div.js';
import { bindUnary } from '../kernels/tiny.js';

/** Elementwise natural logarithm (NaN below 0, -Infinity at 0).  d(log a) = da / a */
export const Log = defineOp({
  name: 'log',
  inplace: true,
  bind: bindUnary(Math.log),
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => logInto(out, a),
  backward: (grad, { inputs: [a] }) => [div(grad, a)],
  jvp: ([da], { inputs: [a] }) => div(da!, a),
});
export const log = (a: Operand, name?: string): Node => apply(Log, [a], {}, name);
