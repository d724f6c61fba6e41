import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes } from '../graph/shape.js';
import { mulInto } from '../kernels/elementwise.js';
import { addTangents, sumTo } from './broadcast.js';
import { bindBinary } from '../kernels/tiny.js';

/** Elementwise product, NumPy broadcasting.  d(a*b) = da*b + a*db */
export const Mul = defineOp({
  name: 'mul',
  inplace: true,
  bind: bindBinary((x, y) => x * y),
  broadcast: true,
  infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b]) }),
  forward: ([a, b], out) => mulInto(out, a, b),
  backward: (grad, { inputs: [a, b] }) => [sumTo(mul(grad, b), a), sumTo(mul(grad, a), b)],
  jvp: ([da, db], { inputs: [a, b] }) => addTangents(da && mul(da, b), db && mul(a, db)),
});
export const mul = (a: Operand, b: Operand, name?: string): Node => apply(Mul, [a, b], {}, name);
