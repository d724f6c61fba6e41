/** Second and higher derivatives, built by differentiating derivative graphs again. */
import { GradientError, gradients, jvp } from './gradients.js';
import { describe, Node } from '../graph/node.js';
import { formatShape, sizeOf } from '../graph/shape.js';
import type { Input } from '../graph/tensor.js';
import { constant } from '../graph/constant.js';
import { concreteShape, jacobian, type JacobianOptions } from './jacobian.js';

/** f must hold a single number (any rank of 1s): a Hessian is of a scalar function. */
function requireScalar(f: Node, fn: string): void {
  const s = concreteShape(f, fn, 'f');
  if (sizeOf(s) !== 1) throw new GradientError(`${fn}: f (${describe(f)}) has shape ${formatShape(s)}; it must be a scalar (sum it first)`);
}

/**
 * H v without forming H: forward over reverse, jvp(gradient of f, x, v). One gradient graph plus one
 * tangent sweep through it, so it costs a small multiple of evaluating f whatever the size of x.
 * `v` has x's shape (a node, or a value made a constant of x's dtype). `simplify: false` builds the raw graph.
 */
export function hessianVectorProduct(f: Node, x: Node, v: Node | Input, opts: { simplify?: boolean } = {}): Node {
  requireScalar(f, 'hessianVectorProduct');
  const vn = v instanceof Node ? v : constant(v, { dtype: x.dtype });
  const g = gradients(f, [x], undefined, opts)[0];
  return jvp(g, [x], [vn], opts)[0];
}

/**
 * d2f/dx2 as a node of shape [...x.shape, ...x.shape]: the Jacobian of the gradient. Default mode
 * 'forward' (forward over reverse: each column is a Hessian-vector product); 'reverse' differentiates
 * the gradient again in reverse mode. For small x: it takes size(x) sweeps.
 */
export function hessian(f: Node, x: Node, opts: JacobianOptions = {}): Node {
  requireScalar(f, 'hessian');
  concreteShape(x, 'hessian', 'x');
  return jacobian(gradients(f, [x])[0], x, { mode: opts.mode ?? 'forward' });
}

/**
 * The n-th derivative d^n y / dx^n by repeated reverse mode, for x a scalar or y elementwise in x
 * (each step differentiates the sum of the previous one, which for an elementwise function is the
 * elementwise derivative). n = 0 is y itself. `simplify: false` builds the raw graphs.
 */
export function derivative(y: Node, x: Node, n = 1, opts: { simplify?: boolean } = {}): Node {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`derivative: order must be an integer >= 0, not ${n}`);
  let d = y;
  for (let k = 0; k < n; k++) d = gradients(d, [x], undefined, opts)[0];
  return d;
}
