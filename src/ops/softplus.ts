import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';
import { sigmoid } from './sigmoid.js';

/**
 * Elementwise log(1 + e^a).  d softplus(a) = sigmoid(a) da
 * NOTE: computed as max(a, 0) + log1p(e^-|a|): the exponent is never positive, so nothing overflows
 * (softplus(1000) = 1000), and log1p keeps the tail accurate (softplus(-30) = 9.36e-14, not 0).
 */
export const Softplus = elementwise({
  name: 'softplus',
  arity: 1,
  expr: 'Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)))',
  dtypes: FLOATS,
  ...bySlope(({ inputs: [a] }) => sigmoid(a)),
});
export const softplus = (a: Operand, opts: { name?: string } = {}): Node => apply(Softplus, [a], {}, opts.name);
