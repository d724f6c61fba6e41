/** Central differences of a node with respect to one fed input, in float64: the independent reference for these tests. */
import type { Node } from '../../src/graph/node.js';
import { Session } from '../../src/session/session.js';
import { toFlat, type Input } from '../../src/graph/tensor.js';

/** d y / d x by central differences: an array [size(y)][size(x)], x fed as `value` (flat, of x's shape). */
export function numericJacobian(y: Node, x: Node, value: readonly number[], others: [Node, Input][] = [], eps = 1e-6): number[][] {
  const sess = new Session();
  const shape = x.shape as number[];
  const at = (v: number[]) => toFlat(sess.run(y, [...others, [x, { data: Float64Array.from(v), shape }]]));
  const ny = at([...value]).length;
  const J = Array.from({ length: ny }, () => new Array<number>(value.length).fill(0));
  for (let j = 0; j < value.length; j++) {
    const plus = [...value], minus = [...value];
    plus[j] += eps;
    minus[j] -= eps;
    const p = at(plus), m = at(minus);
    for (let i = 0; i < ny; i++) J[i][j] = (p[i] - m[i]) / (2 * eps);
  }
  return J;
}

/** Row-major chunks of `n`. */
export const rows = (flat: readonly number[], n: number): number[][] =>
  Array.from({ length: flat.length / n }, (_, i) => flat.slice(i * n, (i + 1) * n));

/** Max of |a - b| / (1 + |b|) over two equal-shaped matrices. */
export function worst(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let w = 0;
  a.forEach((r, i) => r.forEach((v, j) => (w = Math.max(w, Math.abs(v - b[i][j]) / (1 + Math.abs(b[i][j]))))));
  return w;
}
