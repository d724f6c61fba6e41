import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';

/** Elementwise sum, NumPy broadcasting.  d(a+b) = da + db */
export const Add = elementwise({
  name: 'add',
  arity: 2,
  expr: 'a + b',
  linear: true,
  backward: (grad, { inputs: [a, b] }) => [sumTo(grad, a), sumTo(grad, b)],
});
export const add = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Add, [a, b], {}, opts.name);
/** out = a + b on arrays (the add kernel, for ops that sum into a buffer). */
export const addInto = Add.kernel;
