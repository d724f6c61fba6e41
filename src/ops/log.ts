import ops from 'ndarray-ops';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { map1 } from '../kernels/elementwise.js';
import { div } from './div.js';

/** Elementwise natural logarithm (NaN below 0, -Infinity at 0).  d(log a) = da / a */
export const Log = defineOp({
  name: 'log',
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => map1(out, a, Math.log, ops.log),
  backward: (grad, { inputs: [a] }) => [div(grad, a)],
  jvp: ([da], { inputs: [a] }) => div(da!, a),
});
export const log = (a: Operand, name?: string): Node => apply(Log, [a], {}, name);
