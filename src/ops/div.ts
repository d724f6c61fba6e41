import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sub } from './sub.js';

/**
 * Elementwise quotient, NumPy broadcasting.  d(a/b) = da/b - (a/b)*db/b
 * NOTE: int32 division truncates toward zero, as C does.
 */
export const Div = elementwise({
  name: 'div',
  arity: 2,
  expr: 'a / b',
  backward: (grad, out) => {
    const [a, b] = out.inputs;
    const ga = div(grad, b);
    return [sumTo(ga, a), sumTo(neg(mul(ga, out)), b)];
  },
  jvp: ([da, db], out) => {
    const b = out.inputs[1];
    if (!db) return div(da!, b);
    return da ? div(sub(da, mul(out, db)), b) : neg(div(mul(out, db), b));
  },
});
export const div = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Div, [a, b], {}, opts.name);
