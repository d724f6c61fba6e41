import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes } from '../graph/shape.js';
import { addInto } from '../kernels/elementwise.js';
import { sumTo } from './broadcast.js';
import { bindBinary } from '../kernels/tiny.js';

/** Elementwise sum, NumPy broadcasting.  d(a+b) = da + db */
export const Add = defineOp({
  name: 'add',
  inplace: true,
  bind: bindBinary((x, y) => x + y),
  broadcast: true,
  linear: true,
  infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b]) }),
  forward: ([a, b], out) => addInto(out, a, b),
  backward: (grad, { inputs: [a, b] }) => [sumTo(grad, a), sumTo(grad, b)],
});
export const add = (a: Operand, b: Operand, name?: string): Node => apply(Add, [a, b], {}, name);
