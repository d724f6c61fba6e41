import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { evaluate } from '../../src/session/session.js';
import { ShapeError } from '../../src/graph/shape.js';
import { toFlat } from '../../src/graph/tensor.js';
import { abs } from '../../src/ops/abs.js';
import { equal, greater, greaterEqual, less, lessEqual } from '../../src/ops/compare.js';
import { constant } from '../../src/graph/constant.js';
import { maximum } from '../../src/ops/maximum.js';
import { minimum } from '../../src/ops/minimum.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { pow } from '../../src/ops/pow.js';
import { relu } from '../../src/ops/relu.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { softplus } from '../../src/ops/softplus.js';
import { sqrt } from '../../src/ops/sqrt.js';
import { square } from '../../src/ops/square.js';
import { tanh } from '../../src/ops/tanh.js';
import { transpose } from '../../src/ops/transpose.js';
import { where } from '../../src/ops/where.js';

let uid = 0;
const input = (shape: number[], dtype: DType = 'float64'): Node => placeholder(`ew_${uid++}`, shape, { dtype });

/** Runs `fetch` with each placeholder fed a flat list of values (reshaped to its static shape). */
function run(fetch: Node, feeds: [Node, number[]][]): { values: number[]; data: unknown } {
  const out = evaluate(fetch, feeds.map(([x, v]) => [x, { data: v, shape: x.shape as number[] }] as const));
  return { values: toFlat(out), data: out.data };
}

/** Builds f on one placeholder per dtype and compares every value with `expected`, to the dtype's precision. */
function checkUnary(f: (x: Node) => Node, expected: (x: number) => number, xs: number[]): void {
  for (const dtype of ['float32', 'float64'] as const) {
    const x = input([xs.length], dtype);
    const { values, data } = run(f(x), [[x, xs]]);
    expect(data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
    const rel = dtype === 'float32' ? 1e-6 : 1e-14;
    values.forEach((v, i) => {
      const want = expected(dtype === 'float32' ? Math.fround(xs[i]) : xs[i]);
      expect(Math.abs(v - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));
    });
  }
}

const POINTS = [-2.5, -1, -0.3, 0, 0.7, 3];
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

describe('forward values match Math.* in float32 and float64', () => {
  it('sqrt', () => checkUnary(sqrt, Math.sqrt, [0, 0.25, 2, 9, 1e-8]));
  it('square', () => checkUnary(square, (x) => x * x, POINTS));
  it('abs', () => checkUnary(abs, Math.abs, POINTS));
  it('sigmoid', () => checkUnary(sigmoid, logistic, POINTS));
  it('tanh', () => checkUnary(tanh, Math.tanh, POINTS));
  it('relu', () => checkUnary(relu, (x) => (x > 0 ? x : 0), POINTS));
  it('softplus', () => checkUnary(softplus, (x) => Math.log(1 + Math.exp(x)), POINTS));

  it('pow broadcasts [2,3] ^ [3]', () => {
    const a = input([2, 3]), b = input([3]);
    const av = [0.5, 2, 3, 1.5, 4, 0], bv = [2, -1, 0.5];
    const { values } = run(pow(a, b), [[a, av], [b, bv]]);
    expect(values).toEqual(av.map((x, i) => Math.pow(x, bv[i % 3])));
  });

  it('maximum and minimum broadcast [2,1] against [3], and propagate NaN', () => {
    const a = input([2, 1]), b = input([3]);
    const feeds: [Node, number[]][] = [[a, [1, NaN]], [b, [0, 1, 2]]];
    expect(run(maximum(a, b), feeds).values).toEqual([1, 1, 2, NaN, NaN, NaN]);
    expect(run(minimum(a, b), feeds).values).toEqual([0, 1, 1, NaN, NaN, NaN]);
  });
});

describe('stability at large |x|', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`sigmoid, softplus and tanh of ±1000 are finite and exact in ${dtype}, and so are their gradients`, () => {
      const x = input([2], dtype);
      const feeds: [Node, number[]][] = [[x, [-1000, 1000]]];
      expect(run(sigmoid(x), feeds).values).toEqual([0, 1]);
      expect(run(softplus(x), feeds).values).toEqual([0, 1000]);
      expect(run(tanh(x), feeds).values).toEqual([-1, 1]);
      expect(run(gradients(sigmoid(x), [x])[0], feeds).values).toEqual([0, 0]);
      expect(run(gradients(softplus(x), [x])[0], feeds).values).toEqual([0, 1]);
      expect(run(gradients(tanh(x), [x])[0], feeds).values).toEqual([0, 0]);
    });
  }

  it('softplus keeps the tail: softplus(-30) = e^-30 (1 - e^-30 / 2) to 1e-14', () => {
    const x = input([1]);
    const [v] = run(softplus(x), [[x, [-30]]]).values;
    const want = Math.exp(-30) * (1 - Math.exp(-30) / 2);
    expect(Math.abs(v - want) / want).toBeLessThan(1e-14);
  });
});

describe('second derivatives match closed forms (reverse over reverse, and forward over reverse)', () => {
  const xs = [-1.5, -0.4, 0.3, 2];

  /** d2f/dx2 elementwise, both ways, at xs. */
  function second(f: (x: Node) => Node, points: number[]): [number[], number[]] {
    const x = input([points.length]);
    const g = gradients(f(x), [x])[0];
    const rr = gradients(g, [x])[0];
    const fr = jvp(g, [x], [constant(new Array(points.length).fill(1), { dtype: 'float64' })])[0];
    return [run(rr, [[x, points]]).values, run(fr, [[x, points]]).values];
  }
  function expectClose(got: number[], want: number[]): void {
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-12 * (1 + Math.abs(want[i]))));
  }
  const cases: [string, (x: Node) => Node, (x: number) => number][] = [
    ['tanh: -2 t (1 - t^2)', tanh, (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)],
    ['sigmoid: s (1 - s)(1 - 2s)', sigmoid, (x) => logistic(x) * (1 - logistic(x)) * (1 - 2 * logistic(x))],
    ['softplus: s (1 - s)', softplus, (x) => logistic(x) * (1 - logistic(x))],
    ['square: 2', square, () => 2],
    ['pow(x, 3): 6x', (x) => pow(x, 3), (x) => 6 * x],
  ];
  for (const [name, f, d2] of cases) {
    it(name, () => {
      const [rr, fr] = second(f, xs);
      expectClose(rr, xs.map(d2));
      expectClose(fr, xs.map(d2));
    });
  }

  it('pow(a, b): d2/da2 = b(b-1)a^(b-2), d2/db2 = log(a)^2 a^b, d2/da db = a^(b-1)(1 + b log a)', () => {
    const av = [0.5, 1.3, 2.2], bv = [2.5, -1, 3];
    const a = input([3]), b = input([3]);
    const [ga, gb] = gradients(pow(a, b), [a, b]);
    const feeds: [Node, number[]][] = [[a, av], [b, bv]];
    const [aa, ab] = gradients(ga, [a, b]).map((n) => run(n, feeds).values);
    const bb = run(gradients(gb, [b])[0], feeds).values;
    expectClose(aa, av.map((x, i) => bv[i] * (bv[i] - 1) * x ** (bv[i] - 2)));
    expectClose(bb, av.map((x, i) => Math.log(x) ** 2 * x ** bv[i]));
    expectClose(ab, av.map((x, i) => x ** (bv[i] - 1) * (1 + bv[i] * Math.log(x))));
  });
});

describe('derivatives at kinks and ties follow the documented rules', () => {
  const ones = (n: number) => constant(new Array(n).fill(1), { dtype: 'float64' });

  it("relu'(0) = 0, in reverse and forward mode", () => {
    const x = input([3]);
    const feeds: [Node, number[]][] = [[x, [-1, 0, 2]]];
    expect(run(gradients(relu(x), [x])[0], feeds).values).toEqual([0, 0, 1]);
    expect(run(jvp(relu(x), [x], [ones(3)])[0], feeds).values).toEqual([0, 0, 1]);
  });

  it("abs'(0) = 0 and abs' = sign elsewhere, in reverse and forward mode", () => {
    const x = input([3]);
    const feeds: [Node, number[]][] = [[x, [-1, 0, 2]]];
    expect(run(gradients(abs(x), [x])[0], feeds).values).toEqual([-1, 0, 1]);
    expect(run(jvp(abs(x), [x], [ones(3)])[0], feeds).values).toEqual([-1, 0, 1]);
  });

  it('maximum and minimum split a tie half and half, and send the rest to the winner', () => {
    const a = input([3]), b = input([3]);
    const feeds: [Node, number[]][] = [[a, [1, 2, 3]], [b, [1, 5, 0]]];
    const grads = (y: Node) => gradients(y, [a, b]).map((g) => run(g, feeds).values);
    expect(grads(maximum(a, b))).toEqual([[0.5, 0, 1], [0.5, 1, 0]]);
    expect(grads(minimum(a, b))).toEqual([[0.5, 1, 0], [0.5, 0, 1]]);
  });

  it('maximum with a broadcast [1] operand sums its gradient over the stretched axis', () => {
    const a = input([4]), b = input([1]);
    const [ga, gb] = gradients(maximum(a, b), [a, b]).map((g) => run(g, [[a, [-1, 0, 2, 3]], [b, [0]]]).values);
    expect(ga).toEqual([0, 0.5, 1, 1]);
    expect(gb).toEqual([1.5]);
  });
});

describe('comparisons', () => {
  const ops: [string, (a: Node, b: Node) => Node, (x: number, y: number) => boolean][] = [
    ['greater', greater, (x, y) => x > y],
    ['greaterEqual', greaterEqual, (x, y) => x >= y],
    ['less', less, (x, y) => x < y],
    ['lessEqual', lessEqual, (x, y) => x <= y],
    ['equal', equal, (x, y) => x === y],
  ];
  const av = [1, 2, 3, -1, 2, NaN], bv = [2, 2, 0];

  for (const [name, f, truth] of ops) {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      it(`${name} gives 1/0 in ${dtype}, broadcasting [2,3] against [3]; NaN compares false`, () => {
        const a = input([2, 3], dtype), b = input([3], dtype);
        const values = dtype === 'int32' ? av.map((v) => (Number.isNaN(v) ? 7 : v)) : av;
        const { values: got, data } = run(f(a, b), [[a, values], [b, bv]]);
        expect(data).toBeInstanceOf({ float32: Float32Array, float64: Float64Array, int32: Int32Array }[dtype]);
        expect(got).toEqual(values.map((x, i) => (truth(x, bv[i % 3]) ? 1 : 0)));
      });
    }
  }

  it('give the same 1/0 on contiguous inputs (plain loop) and transposed ones (ndarray-ops)', () => {
    const a = input([2, 3]), b = input([2, 3]);
    const feeds: [Node, number[]][] = [[a, [1, 5, 3, 4, 2, 6]], [b, [2, 2, 3, 3, 3, 3]]];
    const plain = run(transpose(greaterEqual(a, b)), feeds).values;
    const strided = run(greaterEqual(transpose(a), transpose(b)), feeds).values;
    expect(plain).toEqual([0, 1, 1, 0, 1, 1]);
    expect(strided).toEqual(plain);
  });

  it('pass no gradient: d(x * [x > 0])/dx is the mask alone', () => {
    const x = input([3]);
    expect(run(gradients(mul(x, greater(x, 0)), [x])[0], [[x, [-2, 0.5, 3]]]).values).toEqual([0, 1, 1]);
  });
});

describe('where', () => {
  it('selects with broadcasting of all three; cond may be int32; NaN in cond counts as true', () => {
    const c = input([2, 1]), a = input([3]), b = input([2, 3]);
    const av = [1, 2, 3], bv = [10, 20, 30, 40, 50, 60];
    expect(run(where(c, a, b), [[c, [NaN, 0]], [a, av], [b, bv]]).values).toEqual([1, 2, 3, 40, 50, 60]);
    const ci = input([3], 'int32');
    expect(run(where(ci, a, 0), [[ci, [0, -3, 1]], [a, av]]).values).toEqual([0, 2, 3]);
  });

  it('sends the gradient to the chosen branch (summed over broadcast axes) and none to cond', () => {
    const c = input([2, 1]), a = input([3]), b = input([2, 3]);
    const [gc, ga, gb] = gradients(where(c, a, b), [c, a, b]).map((g) =>
      run(g, [[c, [1, 0]], [a, [1, 2, 3]], [b, [0, 0, 0, 0, 0, 0]]]).values);
    expect(gc).toEqual([0, 0]);
    expect(ga).toEqual([1, 1, 1]);
    expect(gb).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('has tangent where(cond, da, 0) when only a moves, at the full output shape', () => {
    const c = input([2, 1]), a = input([3]), b = input([2, 3]);
    const t = jvp(where(c, a, b), [a], [constant([1, 2, 3], { dtype: 'float64' })])[0];
    expect(t.shape).toEqual([2, 3]);
    expect(run(t, [[c, [0, 1]], [a, [0, 0, 0]], [b, [0, 0, 0, 0, 0, 0]]]).values).toEqual([0, 0, 0, 1, 2, 3]);
  });

  it('is differentiable twice: d2/dx2 of where(x > 0, x^3, -x) is 6x on the right, 0 on the left', () => {
    const x = input([3]);
    const g = gradients(where(greater(x, 0), pow(x, 3), mul(x, -1)), [x])[0];
    // + 0 turns the -0 of 0 * -1 into 0.
    expect(run(gradients(g, [x])[0], [[x, [-1, 0.5, 2]]]).values.map((v) => v + 0)).toEqual([0, 3, 12]);
  });
});

describe('bad input is named at construction', () => {
  it('sqrt of int32 names the op and the dtype', () => {
    expect(() => sqrt(input([2], 'int32'), { name: 'r' })).toThrow(ShapeError);
    expect(() => sqrt(input([2], 'int32'), { name: 'r' })).toThrow(/sqrt 'r'.*int32/);
  });

  it('pow of shapes that do not broadcast names the op and both shapes', () => {
    expect(() => pow(input([2, 3]), input([4]), { name: 'p' })).toThrow(/pow 'p'.*\[2,3\] vs \[4\]/);
  });

  it('where with branches of different dtypes names the op and both', () => {
    expect(() => where(input([2]), input([2], 'float32'), input([2]), { name: 'w' })).toThrow(/where 'w'.*float32 \[2\] vs float64 \[2\]/);
  });

  it('a comparison of int32 against float64 names the op', () => {
    expect(() => greater(input([2], 'int32'), input([2]), { name: 'g' })).toThrow(/greater 'g'.*dtypes differ/);
  });
});
