import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes } from '../graph/shape.js';
import { subInto } from '../kernels/elementwise.js';
import { sumTo } from './broadcast.js';
import { neg } from './neg.js';
import { bindBinary } from '../kernels/tiny.js';

/** Elementwise difference, NumPy broadcasting.  d(a-b) = da - db */
export const Sub = defineOp({
  name: 'sub',
  inplace: true,
  bind: bindBinary((x, y) => x - y),
  broadcast: true,
  linear: true,
  infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b]) }),
  forward: ([a, b], out) => subInto(out, a, b),
  backward: (grad, { inputs: [a, b] }) => [sumTo(grad, a), sumTo(neg(grad), b)],
});
export const sub = (a: Operand, b: Operand, name?: string): Node => apply(Sub, [a, b], {}, name);
