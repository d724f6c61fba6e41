import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { greater } from './compare.js';
import { mul } from './mul.js';

const reluInto = unary((x) => Math.max(x, 0));

/**
 * Elementwise max(a, 0).  d relu(a) = [a > 0] da
 * NOTE: relu'(0) = 0 (the mask is a strict `greater`), as in PyTorch, TensorFlow and JAX. NaN stays NaN.
 */
export const Relu = defineOp({
  name: 'relu',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a]) }),
  forward: ([a], out) => reluInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, greater(a, 0))],
  jvp: ([da], { inputs: [a] }) => mul(da!, greater(a, 0)),
});
export const relu = (a: Operand, name?: string): Node => apply(Relu, [a], {}, name);
