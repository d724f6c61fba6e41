/**
 * Node counts of derivative graphs, raw (simplify: false) vs simplified vs derived by hand, on the
 * models of docs/simplify.md. A count is the nodes a derivative adds to the graph it differentiates
 * (constants included, the forward nodes it reuses not). Each hand-derived graph is a dagrad graph
 * too, so test/simplify/counts.test.ts checks it computes the same numbers as the derivative.
 */
import {
  add, constant, derivative, div, formatTable, gradients, greater, hessianVectorProduct, matmul, mean, mul, placeholder, relu,
  sigmoid, sigmoidCrossEntropyWithLogits, softmax, softmaxCrossEntropyWithLogits, square, sub, sum, tanh, exp, neg, topoSort,
  type Input, type Node,
} from '../../src/index.js';

export interface CountCase {
  readonly name: string;
  /** The graph being differentiated: its nodes are not counted. */
  readonly forward: readonly Node[];
  readonly raw: readonly Node[];
  readonly simplified: readonly Node[];
  /** The same derivatives written out by hand from the math. */
  readonly hand: readonly Node[];
  readonly feeds: ReadonlyMap<Node, Input>;
}

/** Nodes of `ds` not in the graph of `forward`. */
export function added(forward: readonly Node[], ds: readonly Node[]): number {
  const seen = new Set(topoSort(forward));
  return topoSort(ds).filter((n) => !seen.has(n)).length;
}

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const mat = (r: number, c: number, seed: number): Input => ({ data: seq(r * c, (i) => Math.sin(seed * 7.1 + i * 1.3)), shape: [r, c] });
const k = (v: number) => constant(v, { dtype: 'float64' });
const N = 8;

function logistic(): CountCase {
  const x = placeholder('x', [N, 3], { dtype: 'float64' });
  const y = placeholder('y', [N, 1], { dtype: 'float64' });
  const w = placeholder('w', [3, 1], { dtype: 'float64' });
  const b = placeholder('b', [1], { dtype: 'float64' });
  const z = add(matmul(x, w), b);
  const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: z }));
  const r = div(sub(sigmoid(z), y), k(N));
  return {
    name: 'logistic regression, d/d[w, b]', forward: [loss],
    raw: gradients(loss, [w, b], undefined, { simplify: false }), simplified: gradients(loss, [w, b]),
    hand: [matmul(x, r, { transposeA: true }), sum(r, { axes: 0 })],
    feeds: new Map<Node, Input>([[x, mat(N, 3, 1)], [y, { data: seq(N, (i) => i % 2), shape: [N, 1] }], [w, mat(3, 1, 2)], [b, [0.1]]]),
  };
}

function softmaxRegression(): CountCase {
  const x = placeholder('x', [N, 4], { dtype: 'float64' });
  const labels = placeholder('labels', [N, 3], { dtype: 'float64' });
  const w = placeholder('w', [4, 3], { dtype: 'float64' });
  const b = placeholder('b', [3], { dtype: 'float64' });
  const logits = add(matmul(x, w), b);
  const loss = mean(softmaxCrossEntropyWithLogits({ labels, logits }));
  const r = div(sub(softmax(logits), labels), k(N));
  return {
    name: 'softmax regression, d/d[w, b]', forward: [loss],
    raw: gradients(loss, [w, b], undefined, { simplify: false }), simplified: gradients(loss, [w, b]),
    hand: [matmul(x, r, { transposeA: true }), sum(r, { axes: 0 })],
    feeds: new Map<Node, Input>([
      [x, mat(N, 4, 3)], [labels, { data: seq(N * 3, (i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), shape: [N, 3] }],
      [w, mat(4, 3, 4)], [b, [0.1, -0.2, 0.05]],
    ]),
  };
}

function mlp(): CountCase {
  const x = placeholder('x', [N, 4], { dtype: 'float64' });
  const y = placeholder('y', [N, 1], { dtype: 'float64' });
  const w1 = placeholder('w1', [4, 8], { dtype: 'float64' });
  const b1 = placeholder('b1', [8], { dtype: 'float64' });
  const w2 = placeholder('w2', [8, 1], { dtype: 'float64' });
  const b2 = placeholder('b2', [1], { dtype: 'float64' });
  const z1 = add(matmul(x, w1), b1);
  const h = relu(z1);
  const p = add(matmul(h, w2), b2);
  const loss = mean(square(sub(p, y)));
  const r = mul(k(2 / N), sub(p, y));
  const dz1 = mul(matmul(r, w2, { transposeB: true }), greater(z1, k(0)));
  const vs = [w1, b1, w2, b2];
  return {
    name: '2-layer ReLU MLP, squared error, d/d[w1, b1, w2, b2]', forward: [loss],
    raw: gradients(loss, vs, undefined, { simplify: false }), simplified: gradients(loss, vs),
    hand: [matmul(x, dz1, { transposeA: true }), sum(dz1, { axes: 0 }), matmul(h, r, { transposeA: true }), sum(r, { axes: 0 })],
    feeds: new Map<Node, Input>([
      [x, mat(N, 4, 5)], [y, mat(N, 1, 6)], [w1, mat(4, 8, 7)], [b1, { data: seq(8, (i) => 0.1 * i - 0.3), shape: [8] }],
      [w2, mat(8, 1, 8)], [b2, [0.2]],
    ]),
  };
}

function founding(): CountCase {
  const [w0, w1, w2, x1, x2] = ['w0', 'w1', 'w2', 'x1', 'x2'].map((n) => placeholder(n, [], { dtype: 'float64' }));
  const f = div(1, add(1, exp(neg(add(add(w0, mul(w1, x1)), mul(w2, x2))))), { name: 'f' });
  const xs = [w0, w1, w2, x1];
  // f' = f (1 - f) times the inner derivative (1, x1, x2, w1)
  const s = mul(f, sub(1, f));
  return {
    name: 'founding example, d/d[w0, w1, w2, x1]', forward: [f],
    raw: gradients(f, xs, undefined, { simplify: false }), simplified: gradients(f, xs),
    hand: [s, mul(s, x1), mul(s, x2), mul(s, w1)],
    feeds: new Map<Node, Input>([[w0, 0.5], [w1, -1.2], [w2, 0.8], [x1, 2], [x2, 1.5]]),
  };
}

function higher(fn: 'tanh' | 'sigmoid', order: 2 | 3): CountCase {
  const c = placeholder('c', [], { dtype: 'float64' });
  const y = fn === 'tanh' ? tanh(c) : sigmoid(c);
  let hand: Node;
  if (fn === 'tanh') {
    const t2 = square(y);
    // tanh'' = -2 t (1 - t^2), tanh''' = -2 (1 - t^2)(1 - 3 t^2)
    hand = order === 2 ? mul(k(-2), mul(y, sub(k(1), t2))) : mul(k(-2), mul(sub(k(1), t2), sub(k(1), mul(k(3), t2))));
  } else {
    const d = mul(y, sub(k(1), y));
    // sigmoid'' = d (1 - 2s), sigmoid''' = d (1 - 6 d), d = s (1 - s)
    hand = order === 2 ? mul(d, sub(k(1), mul(k(2), y))) : mul(d, sub(k(1), mul(k(6), d)));
  }
  const nth = order === 2 ? 'second' : 'third';
  return {
    name: `${nth} derivative of ${fn}(c)`, forward: [y],
    raw: [derivative(sum(y), c, order, { simplify: false })], simplified: [derivative(sum(y), c, order)], hand: [hand],
    feeds: new Map<Node, Input>([[c, 0.4]]),
  };
}

function hvp(): CountCase {
  const x = placeholder('x', [N, 3], { dtype: 'float64' });
  const y = placeholder('y', [N, 1], { dtype: 'float64' });
  const w = placeholder('w', [3, 1], { dtype: 'float64' });
  const v = placeholder('v', [3, 1], { dtype: 'float64' });
  const z = matmul(x, w);
  const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: z }));
  // H v = x^T (s (1 - s) * (x v)) / N
  const s = sigmoid(z);
  const hand = matmul(x, div(mul(mul(s, sub(k(1), s)), matmul(x, v)), k(N)), { transposeA: true });
  return {
    name: 'Hessian-vector product, logistic loss in w', forward: [loss],
    raw: [hessianVectorProduct(loss, w, v, { simplify: false })], simplified: [hessianVectorProduct(loss, w, v)], hand: [hand],
    feeds: new Map<Node, Input>([[x, mat(N, 3, 9)], [y, { data: seq(N, (i) => (i * 3) % 2), shape: [N, 1] }], [w, mat(3, 1, 10)], [v, mat(3, 1, 11)]]),
  };
}

export const countCases = (): CountCase[] => [
  logistic(), softmaxRegression(), mlp(), founding(),
  higher('tanh', 2), higher('tanh', 3), higher('sigmoid', 2), higher('sigmoid', 3), hvp(),
];

export interface CountRow {
  readonly name: string;
  readonly raw: number;
  readonly simplified: number;
  readonly hand: number;
}

export const countRows = (): CountRow[] =>
  countCases().map((c) => ({ name: c.name, raw: added(c.forward, c.raw), simplified: added(c.forward, c.simplified), hand: added(c.forward, c.hand) }));

/** The table as docs/simplify.md shows it. */
export function countTable(rows: readonly CountRow[] = countRows()): string {
  return formatTable(
    ['derivative', 'raw', 'simplified', 'by hand', 'simplified / by hand'],
    rows.map((r) => [r.name, String(r.raw), String(r.simplified), String(r.hand), (r.simplified / r.hand).toFixed(2)]),
    { alignRight: [1, 2, 3, 4] },
  );
}
