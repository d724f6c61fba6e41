import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { sub } from '../../src/ops/sub.js';
import { tanh } from '../../src/ops/tanh.js';
import { differentiate } from '../../src/symbolic/differentiate.js';
import { binary, evaluateExpr, exprSize, formatExpr, fromNode, num, sym, unary } from '../../src/symbolic/expr.js';
import { countNodes } from '../../src/symbolic/print.js';

const x = sym('x');

describe('differentiate', () => {
  it('applies the textbook rules, with or without trivial simplification', () => {
    const l1 = binary('mul', binary('mul', num(4), x), binary('sub', num(1), x)); // 4x(1 - x)
    expect(formatExpr(differentiate(l1, 'x'))).toBe('4 * (1 - x) + 4 * x * -1');
    expect(formatExpr(differentiate(l1, 'x', { simplify: false }))).toBe('(0 * x + 4 * 1) * (1 - x) + 4 * x * (0 - 1)');
    expect(formatExpr(differentiate(binary('div', num(1), x), 'x'))).toBe('-(1 / (x * x))');
    expect(formatExpr(differentiate(unary('exp', binary('pow', x, num(2))), 'x'))).toBe('exp(x^2) * (2 * x^1)');
  });

  it('gives derivatives whose values match closed forms', () => {
    const y = sym('y');
    const e = binary('add', unary('log', binary('mul', x, y)), unary('tanh', binary('div', x, y))); // log(xy) + tanh(x/y)
    const env = { x: 0.7, y: 1.9 };
    const t = Math.tanh(0.7 / 1.9);
    expect(evaluateExpr(differentiate(e, 'x'), env)).toBeCloseTo(1 / 0.7 + (1 - t * t) / 1.9, 14);
    expect(evaluateExpr(differentiate(e, 'y'), env)).toBeCloseTo(1 / 1.9 - (1 - t * t) * 0.7 / (1.9 * 1.9), 14);
    const s = 1 / (1 + Math.exp(-1.3));
    expect(evaluateExpr(differentiate(unary('sigmoid', x), 'x'), { x: 1.3 })).toBeCloseTo(s * (1 - s), 15);
  });

  it('refuses a variable exponent', () => {
    expect(() => differentiate(binary('pow', x, sym('y')), 'x')).toThrow(/numeric exponents/);
  });
});

describe('expression swell', () => {
  // The logistic map l_{n+1} = 4 l_n (1 - l_n), l_0 = x: the naive derivative of l_n grows by a factor
  // of more than 2 per level (about n 2^n), while dagrad's gradient graph grows by a constant number of nodes.
  const levels = (n: number) => {
    const x0 = placeholder('x', [], { dtype: 'float64' });
    let l = x0;
    const out = [];
    for (let k = 1; k <= n; k++) {
      l = mul(mul(4, l), sub(1, l));
      const g = gradients(l, [x0])[0];
      out.push({ l, g, x0, tree: fromNode(l) });
    }
    return out;
  };

  it('the naive symbolic derivative swells geometrically; the gradient graph grows linearly', () => {
    const ls = levels(8);
    const naive = ls.map(({ tree }) => exprSize(differentiate(tree, 'x')));
    const graph = ls.map(({ g }) => countNodes(g));
    // By hand: d l1 = 4 * (1 - x) + 4 * x * -1 has 11 nodes; d l2 = 4 dl1 (1 - l1) + 4 l1 (-dl1) has 1 + 23 + 22.
    expect(naive.slice(0, 2)).toEqual([11, 46]);
    for (let k = 2; k < naive.length; k++) expect(naive[k] / naive[k - 1]).toBeGreaterThan(2);
    const steps = graph.slice(1).map((v, k) => v - graph[k]);
    expect(new Set(steps).size).toBe(1);
    expect(graph[7]).toBeLessThan(100);
    expect(naive[7]).toBeGreaterThan(10000);
  });

  it('both derivatives have the same value', () => {
    const { l, g, x0, tree } = levels(5)[4];
    const [fv, gv] = new Session().run([l, g], { x: 0.3 }).map((a) => toFlat(a)[0]);
    expect(evaluateExpr(tree, { x: 0.3 })).toBeCloseTo(fv, 14);
    expect(evaluateExpr(differentiate(tree, 'x'), { x: 0.3 })).toBeCloseTo(gv, 10);
    expect(x0.name).toBe('x');
  });
});

describe('fromNode', () => {
  it('turns a scalar graph into a tree, copying shared nodes', () => {
    const a = placeholder('a', [], { dtype: 'float64' });
    const b = tanh(a);
    const e = fromNode(mul(sigmoid(b), b));
    expect(formatExpr(e)).toBe('sigmoid(tanh(a)) * tanh(a)');
    expect(exprSize(e)).toBe(6);
  });

  it('names the op it cannot express', () => {
    const v = placeholder('v', [2], { dtype: 'float64' });
    expect(() => fromNode(gradients(mul(v, v), [v], undefined, { simplify: false })[0])).toThrow(/op 'onesLike' has no expression form/);
  });
});
