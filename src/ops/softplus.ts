import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';

const softplusInto = unary((x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));

/**
 * Elementwise log(1 + e^a).  d softplus(a) = sigmoid(a) da
 * NOTE: computed as max(a, 0) + log1p(e^-|a|): the exponent is never positive, so nothing overflows
 * (softplus(1000) = 1000), and log1p keeps the tail accurate (softplus(-30) = 9.36e-14, not 0).
 */
export const Softplus = defineOp({
  name: 'softplus',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => softplusInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, sigmoid(a))],
  jvp: ([da], { inputs: [a] }) => mul(da!, sigmoid(a)),
});
export const softplus = (a: Operand, name?: string): Node => apply(Softplus, [a], {}, name);
