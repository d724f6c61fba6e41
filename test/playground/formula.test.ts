import { describe, expect, it } from 'vitest';
import {
  Session, abs, add, constant, div, exp, gradients, log, matmul, max, maximum, mean, min, minimum, mul, neg, placeholder,
  pow, relu, sigmoid, softplus, sqrt, square, sub, sum, tanh, toFlat, transpose, type Node,
} from '../../src/index.js';
import { analyse } from '../../examples/playground/analysis.js';
import { FormulaError, buildGraph, caret, parseFormula, parseValue, type Value } from '../../examples/playground/formula.js';

const f64 = (name: string, v: Value) => placeholder(name, shapeOf(v), { dtype: 'float64' });
const shapeOf = (v: Value): number[] => (typeof v === 'number' ? [] : [v.length, ...shapeOf(v[0])]);
const c = (v: number) => constant(v, { dtype: 'float64' });

const scalars = { a: 0.7, b: -1.3, x: 2.5 };
const vectors = { v: [0.5, -1, 2], A: [[1, 2, -1], [0.5, -3, 4]] };

/** [formula, values, the same graph built by hand from dagrad's builders]. */
const CASES: [string, Record<string, Value>, (p: Record<string, Node>) => Node][] = [
  ['a + b - x', scalars, (p) => sub(add(p.a, p.b), p.x)],
  ['a * b / x', scalars, (p) => div(mul(p.a, p.b), p.x)],
  ['a ^ 3 + x ^ a', scalars, (p) => add(pow(p.a, c(3)), pow(p.x, p.a))],
  ['-a + -(b * x)', scalars, (p) => add(neg(p.a), neg(mul(p.b, p.x)))],
  ['2x + 3 a', scalars, (p) => add(mul(c(2), p.x), mul(c(3), p.a))],
  ['exp(a) + log(x) + sqrt(x)', scalars, (p) => add(add(exp(p.a), log(p.x)), sqrt(p.x))],
  ['tanh(a) * sigmoid(b) - relu(b) + abs(b)', scalars, (p) => add(sub(mul(tanh(p.a), sigmoid(p.b)), relu(p.b)), abs(p.b))],
  ['square(b) + softplus(b) + pow(x, b)', scalars, (p) => add(add(square(p.b), softplus(p.b)), pow(p.x, p.b))],
  ['maximum(a, b) * minimum(a, x)', scalars, (p) => mul(maximum(p.a, p.b), minimum(p.a, p.x))],
  ['1/(1+exp(-(a+b*x)))', scalars, (p) => div(c(1), add(c(1), exp(neg(add(p.a, mul(p.b, p.x))))))],
  ['pi * a + e', scalars, (p) => add(mul(c(Math.PI), p.a), c(Math.E))],
  ['sum(A * v)', vectors, (p) => sum(mul(p.A, p.v))],
  ['mean(A, 0) + max(A, 1) * 0 + v', { ...vectors, A: [[1, 2, -1], [0.5, -3, 4], [2, 2, 2]] }, (p) => add(add(mean(p.A, { axes: 0 }), mul(max(p.A, { axes: 1 }), c(0))), p.v)],
  ['sum(matmul(A, transpose(A)))', vectors, (p) => sum(matmul(p.A, transpose(p.A, { perm: [1, 0] })))],
  ["sum(matmul(A', A)) + min(v)", vectors, (p) => add(sum(matmul(transpose(p.A, { perm: [1, 0] }), p.A)), min(p.v))],
  ['sum([[1, 2, 3], [4, 5, -6]] * A)', vectors, (p) => sum(mul(constant([[1, 2, 3], [4, 5, -6]], { dtype: 'float64' }), p.A))],
  ['sum(exp(v) .* v ./ 2)', vectors, (p) => sum(div(mul(exp(p.v), p.v), c(2)))],
];

describe('playground formulas', () => {
  it.each(CASES)('%s has the values and gradients of the graph built by hand', (formula, values, byHand) => {
    const built = buildGraph(parseFormula(formula), values);
    const names = built.inputs.map((x) => x.name);
    const ps = Object.fromEntries(names.map((n) => [n, f64(n, values[n])]));
    const direct = byHand(ps);
    const s = new Session();
    const feedsHand = new Map(names.map((n) => [ps[n], values[n]] as const));
    expect(built.output.shape).toEqual(direct.shape);
    expect(toFlat(s.run(built.output, built.feeds))).toEqual(toFlat(s.run(direct, feedsHand)));
    const g = s.run(gradients(built.output, [...built.inputs]), built.feedsByNode).map((v) => toFlat(v));
    const gHand = s.run(gradients(direct, names.map((n) => ps[n])), feedsHand).map((v) => toFlat(v));
    expect(g).toEqual(gHand);
  });

  it('lists the variables in order of first appearance, without the named constants', () => {
    expect(parseFormula('1/(1+exp(-(w0+w1*x1+w2*x2)))').variables).toEqual(['w0', 'w1', 'x1', 'w2', 'x2']);
    expect(parseFormula('e^x * pi + x').variables).toEqual(['x']);
  });

  it('builds the founding example, equal to its value by hand at the docs point', () => {
    const built = buildGraph(parseFormula('1/(1+exp(-(w0+w1*x1+w2*x2)))'), { w0: 0.5, w1: -1.2, w2: 0.8, x1: 2, x2: 1.5 });
    const z = 0.5 - 1.2 * 2 + 0.8 * 1.5;
    expect(toFlat(new Session().run(built.output, built.feeds))[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
  });
});

/** Runs `f` and returns the FormulaError it throws. */
function errorOf(f: () => unknown): FormulaError {
  try {
    f();
  } catch (e) {
    if (e instanceof FormulaError) return e;
    throw e;
  }
  throw new Error('no error was thrown');
}
const build = (formula: string, values: Record<string, Value> = {}) => () => buildGraph(parseFormula(formula), values);

describe('playground formula errors', () => {
  it.each([
    // [formula, index of the character it points at, words in the message]
    ['x + * 2', 4, 'Value expected'],
    ['exp(x', 5, 'Parenthesis ) expected'],
    ['1/(1+exp(-(w0+w1*', 17, 'Unexpected end of expression'],
    ['', 0, 'empty'],
  ] as const)('a syntax error in %j points at character %i', (formula, index, words) => {
    const e = errorOf(() => parseFormula(formula));
    expect(e.index).toBe(index);
    expect(e.message).toContain(words);
  });

  it('names an unknown function, lists the supported ones and points at the call', () => {
    const e = errorOf(build('x^2 * sin(x)', { x: 1 }));
    expect(e.message).toMatch(/^unknown function 'sin'; the supported functions are exp, log, sqrt, tanh, sigmoid, relu/);
    expect(e.index).toBe(6);
  });

  it('points at the right one of several calls and names', () => {
    // The first 'sin' is inside the word 'asin' (an unknown function too, so it is the one reported).
    expect(errorOf(build('exp(x) + x * cos(exp(x))', { x: 1 })).index).toBe(13);
    expect(errorOf(build('asin(x) + sin(x)', { x: 1 })).message).toContain("'asin'");
    expect(errorOf(build('exp(sin2) + exp(x) * sinh(x)', { x: 1, sin2: 1 })).index).toBe(21);
  });

  it.each([
    ['x > 2', 2, "the operator '>' is not supported"],
    ['x + y == 2', 6, "the operator '==' is not supported"],
    ['x = 3', 0, 'assignments'],
    ['x ? 1 : 2', 0, 'conditionals'],
    ['x; x', 0, 'one expression'],
    ['exp(x, x)', 0, 'exp takes 1 argument, not 2'],
    ['maximum(x)', 0, 'maximum takes 2 arguments, not 1'],
    ['sum(x, 0.5)', 7, 'the axis of sum must be a whole number'],
    ['2 * "abc"', 4, 'only numbers can be constants'],
  ] as const)('%j is refused at character %i', (formula, index, words) => {
    const e = errorOf(build(formula, { x: 1, y: 2 }));
    expect(e.message).toContain(words);
    expect(e.index).toBe(index);
  });

  it('a shape mismatch names the op and the shapes, at the operator or call', () => {
    const add = errorOf(build('x + A', { x: [1, 2, 3], A: [[1, 2], [3, 4]] }));
    expect(add.index).toBe(2);
    expect(add.message).toMatch(/add.*\[3\].*\[2,2\]/);
    const mm = errorOf(build('1 + matmul(A, x)', { x: [1, 2, 3], A: [[1, 2], [3, 4]] }));
    expect(mm.index).toBe(4);
    expect(mm.message).toMatch(/^matmul.*\[2,2\] x \[3\]/);
  });

  it('a missing or malformed value names the variable', () => {
    const missing = errorOf(build('a + bb * a', { a: 1 }));
    expect(missing.message).toBe("no value for 'bb'");
    expect(missing.index).toBe(4);
    expect(errorOf(() => parseValue('[1, 2', 'x')).message).toContain("the value of 'x' is not a number or a JSON array");
    expect(errorOf(() => parseValue('[[1, 2], [3]]', 'A')).message).toContain("the value of 'A' is not rectangular");
    expect(errorOf(() => parseValue('"one"', 'x')).source).toBe('x');
    expect(parseValue(' [[1, 2], [3, 4]] ', 'A')).toEqual([[1, 2], [3, 4]]);
  });

  it('caret puts a ^ under the character', () => {
    expect(caret('x + * 2', 4)).toBe('x + * 2\n    ^');
    expect(caret('exp(x', 5)).toBe('exp(x\n     ^');
  });
});

describe('playground analysis', () => {
  it('sums the fan-out contributions of a node used three times into its adjoint', () => {
    // f = x*x + sum(A*x); sum(f) = sum(x^2) + 2 sum(A*x), so d/dx_j = 2 x_j + 2 sum_i A_ij = [10, 16].
    const a = analyse('x*x + sum(A*x)', { x: [1, 2], A: [[1, 2], [3, 4]] });
    const x = a.built.inputs.find((n) => n.name === 'x')!;
    const parts = a.fanOut.get(x)!.map((p) => [...p.value]);
    expect(parts).toEqual([[1, 2], [1, 2], [8, 12]]);
    const adjoint = a.adjoint.rows.find((r) => r.node === x)!;
    expect(toFlat(adjoint.value!)).toEqual([10, 16]);
    const d = a.derivatives.find((r) => r.input === x)!;
    expect([...d.reverse]).toEqual([10, 16]);
    expect([...d.forward]).toEqual([10, 16]);
    d.central.forEach((v, i) => expect(v).toBeCloseTo([10, 16][i], 6));
    expect(a.gradcheck.ok).toBe(true);
  });

  it('gives the founding example four ways that agree, and its expression swell', () => {
    const a = analyse('1/(1+exp(-(w0+w1*x1+w2*x2)))', { w0: 0.5, w1: -1.2, w2: 0.8, x1: 2, x2: 1.5 });
    const s = 1 / (1 + Math.exp(-(0.5 - 1.2 * 2 + 0.8 * 1.5)));
    const partner: Record<string, number> = { w0: 1, w1: 2, x1: -1.2, w2: 1.5, x2: 0.8 };
    for (const d of a.derivatives) {
      const byHand = s * (1 - s) * partner[d.input.name];
      expect(d.reverse[0]).toBeCloseTo(byHand, 14);
      expect(d.forward[0]).toBeCloseTo(byHand, 14);
      expect(d.symbolic as number).toBeCloseTo(byHand, 14);
      expect(d.expressionValue as number).toBeCloseTo(byHand, 14);
      expect(d.central[0]).toBeCloseTo(byHand, 8);
      expect(d.naiveNodes!).toBeGreaterThan(d.gradientNodes);
    }
    expect(a.fanOut.size).toBe(0);
  });

  it('traces forward mode along one element of a matrix input, and refuses an element it does not have', () => {
    // f = sum(A * A): along A[1, 0] (flat index 2) the tangent of f is 2 A[1, 0] = 6.
    const a = analyse('sum(A * A)', { A: [[1, 2], [3, 4]] });
    const A = a.built.inputs[0];
    expect(toFlat(a.tangent(A, 2).rows.at(-1)!.value!)).toEqual([6]);
    expect(() => a.tangent(A, 4)).toThrow('A has 4 elements, so there is no element 4');
  });

  it('says why there is no naive symbolic derivative for vectors', () => {
    const a = analyse('sum(v * v)', { v: [1, 2] });
    expect(a.derivatives[0].symbolic).toBe('scalar formulas of scalar inputs only');
    expect(a.derivatives[0].naiveNodes).toBeNull();
  });
});
