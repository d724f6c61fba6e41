import { apply, sameDType } from '../graph/apply.js';
import { Node, type Operand } from '../graph/node.js';
import { broadcastShapes } from '../graph/shape.js';
import { sumTo } from './broadcast.js';
import { constant } from '../graph/constant.js';
import { elementwise } from './elementwise.js';

/**
 * Elementwise select, NumPy broadcasting of all three: a where cond is nonzero, else b.
 * d where(c, a, b) = where(c, da, db); nothing flows to cond (the choice is piecewise constant).
 * cond may have any dtype (comparisons give masks in their inputs' dtype); a and b share one.
 * NOTE: NaN in cond counts as true, as NumPy's truthiness has it.
 */
export const Where = elementwise({
  name: 'where',
  arity: 3,
  expr: 'a !== 0 ? b : c',
  infer: ([c, a, b]) => ({ shape: broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape), dtype: sameDType([a, b]) }),
  backward: (grad, { inputs: [c, a, b] }) => [null, sumTo(where(c, grad, 0), a), sumTo(where(c, 0, grad), b)],
  jvp: ([, da, db], { inputs: [c] }) => (da || db ? where(c, da ?? 0, db ?? 0) : null),
});

/** Numbers for a or b are lifted to the dtype of the other (not of cond, as `apply` would), so `where(mask, x, 0)` works. */
export const where = (cond: Operand, a: Operand, b: Operand, { name }: { name?: string } = {}): Node => {
  const like = [a, b, cond].find((x): x is Node => x instanceof Node);
  const lift = (x: Operand): Operand => (typeof x === 'number' && like ? constant(x, { dtype: like.dtype }) : x);
  return apply(Where, [cond, lift(a), lift(b)], {}, name);
};
