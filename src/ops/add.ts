import ops from 'ndarray-ops';
import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes } from '../graph/shape.js';
import { map2 } from '../kernels/elementwise.js';
import { sumTo } from './broadcast.js';

/** Elementwise sum, NumPy broadcasting.  d(a+b) = da + db */
export const Add = defineOp({
  name: 'add',
  broadcast: true,
  linear: true,
  infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b]) }),
  forward: ([a, b], out) => map2(out, a, b, (x, y) => x + y, ops.add),
  backward: (grad, { inputs: [a, b] }) => [sumTo(grad, a), sumTo(grad, b)],
});
export const add = (a: Operand, b: Operand, name?: string): Node => apply(Add, [a, b], {}, name);
