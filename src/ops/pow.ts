import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { addTangents, sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/** d(a^b)/da and d(a^b)/db. */
const slopeA = (a: Node, b: Node): Node => mul(b, pow(a, sub(b, 1)));
const slopeB = (a: Node, out: Node): Node => mul(log(a), out);

/**
 * Elementwise a^b, NumPy broadcasting.  d(a^b) = b a^(b-1) da + log(a) a^b db
 * NOTE: d/db = log(a) * out is real only for a > 0 (NaN for a < 0, NaN or -Infinity at a = 0). It is
 * built only when a gradient or tangent for b is asked, so `pow(x, 3)` differentiates fine at x <= 0.
 * d/da uses a^(b-1) rather than b*out/a, which would be 0/0 at a = 0.
 */
export const Pow = elementwise({
  name: 'pow',
  arity: 2,
  expr: 'Math.pow(a, b)',
  dtypes: FLOATS,
  backward: (grad, out) => {
    const [a, b] = out.inputs;
    return [sumTo(mul(grad, slopeA(a, b)), a), sumTo(mul(grad, slopeB(a, out)), b)];
  },
  jvp: ([da, db], out) => {
    const [a, b] = out.inputs;
    return addTangents(da && mul(da, slopeA(a, b)), db && mul(db, slopeB(a, out)));
  },
});
export const pow = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Pow, [a, b], {}, opts.name);
