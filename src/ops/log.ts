import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { div } from './div.js';
import { elementwise } from './elementwise.js';

/** Elementwise natural logarithm (NaN below 0, -Infinity at 0).  d(log a) = da / a */
export const Log = elementwise({
  name: 'log',
  arity: 1,
  expr: 'Math.log(a)',
  dtypes: FLOATS,
  backward: (grad, { inputs: [a] }) => [div(grad, a)],
  jvp: ([da], { inputs: [a] }) => div(da!, a),
});
export const log = (a: Operand, opts: { name?: string } = {}): Node => apply(Log, [a], {}, opts.name);
