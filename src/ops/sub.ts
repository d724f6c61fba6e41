import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';
import { neg } from './neg.js';

/** Elementwise difference, NumPy broadcasting.  d(a-b) = da - db */
export const Sub = elementwise({
  name: 'sub',
  arity: 2,
  expr: 'a - b',
  linear: true,
  backward: (grad, { inputs: [a, b] }) => [sumTo(grad, a), sumTo(neg(grad), b)],
});
export const sub = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Sub, [a, b], {}, opts.name);
/** out = a - b on arrays (the sub kernel). */
export const subInto = Sub.kernel;
