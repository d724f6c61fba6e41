/** Random graphs for the exactness tests, and bit-for-bit comparison of values. */
import {
  add, broadcastTo, constant, div, exp, expandDims, identity, matmul, mean, mul, neg, placeholder, relu, reshape, Rng, sigmoid,
  square, sub, sum, tanh, type Input, type Node,
} from '../../src/index.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The same bits in `dtype` (any NaN equals any NaN: JavaScript does not keep NaN payloads apart). */
export function bitsEqual(a: number, b: number, dtype: string): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (dtype === 'float32') {
    f32[0] = a;
    const x = u32[0];
    f32[0] = b;
    return x === u32[0];
  }
  f64[0] = a;
  const x = u64[0];
  f64[0] = b;
  return x === u64[0];
}

const SHAPES: readonly (readonly number[])[] = [[2, 3], [1, 3], [3], [2, 1], []];

/**
 * A random graph of about a dozen ops over two or three placeholders (some with an unknown batch
 * dimension), with the constants the rules look for (1, -1, 2, -0, +0) mixed in, broadcasting,
 * reductions and rearrangements; reduced to a scalar.
 */
export function randomGraph(rng: Rng, dtype: 'float32' | 'float64') {
  const count = 2 + rng.int(2);
  const shapes = Array.from({ length: count }, () => SHAPES[rng.int(SHAPES.length)].slice());
  const xs = shapes.map((s, i) => placeholder(`x${i}`, s.length === 2 && s[0] === 2 && rng.uniform(0, 1) < 0.5 ? [null, s[1]] : s, { dtype }));
  const feeds: [Node, Input][] = xs.map((x, i) => [x, { data: Array.from({ length: shapes[i].reduce((p, d) => p * d, 1) }, () => rng.uniform(-2, 2)), shape: shapes[i] }]);
  const pool: Node[] = [...xs];
  const pick = () => pool[rng.int(pool.length)];
  const k = (v: number) => constant(v, { dtype });
  const steps: ((a: Node, b: Node) => Node)[] = [
    (a, b) => add(a, b), (a, b) => sub(a, b), (a, b) => mul(a, b), (a, b) => div(a, add(square(b), 1)),
    (a) => neg(a), (a) => tanh(a), (a) => sigmoid(a), (a) => exp(tanh(a)), (a) => square(a), (a) => relu(a),
    (a) => mul(a, k(1)), (a) => mul(k(-1), a), (a) => mul(a, k(2)), (a) => add(a, k(-0)), (a) => sub(a, k(0)), (a) => add(a, k(0)),
    (a) => div(a, k(1)), (a) => neg(neg(a)), (a) => identity(a), (a) => add(a, neg(a)),
    (a) => (a.rank > 0 ? sum(a, { axes: -1, keepDims: rng.uniform(0, 1) < 0.5 }) : a),
    (a) => (a.rank > 0 ? mean(a, { axes: 0 }) : a),
    (a) => expandDims(a, 0),
    (a) => (a.shape.every((d) => d !== null) ? reshape(a, [-1]) : a),
    (a) => (a.shape.every((d) => d !== null) ? broadcastTo(a, [2, ...(a.rank === 0 ? [3] : a.shape as number[])].slice(-Math.max(2, a.rank))) : a),
    (a, b) => (a.rank === 2 && b.rank === 2 && a.shape[1] === 3 && b.shape[1] === 3 && [...a.shape, ...b.shape].every((d) => d !== null) ? matmul(a, b, { transposeB: true }) : mul(a, b)),
  ];
  for (let s = 0; s < 12; s++) {
    const step = steps[rng.int(steps.length)];
    try {
      pool.push(step(pick(), pick()));
    } catch {
      // shapes that do not broadcast: draw again
    }
  }
  const y = sum(pool.slice(count).reduce((acc, n) => add(acc, sum(n)), k(0)));
  return { y, xs, feeds, shapes };
}
