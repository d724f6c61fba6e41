import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import { add } from '../../src/ops/add.js';
import { addN } from '../../src/ops/addN.js';
import { constant } from '../../src/graph/constant.js';
import { div } from '../../src/ops/div.js';
import { exp } from '../../src/ops/exp.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { square } from '../../src/ops/square.js';
import { sub } from '../../src/ops/sub.js';
import { sum } from '../../src/ops/sum.js';
import { countNodes, toExpression } from '../../src/symbolic/print.js';
import { derivative } from '../../src/autodiff/hessian.js';
import { mean } from '../../src/ops/mean.js';
import { sigmoidCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { tanh } from '../../src/ops/tanh.js';

const s = (name: string) => placeholder(name, [], { dtype: 'float64' });

function founding() {
  const [w0, w1, w2, x1, x2] = ['w0', 'w1', 'w2', 'x1', 'x2'].map(s);
  return { x1, f: div(1, add(1, exp(neg(add(add(w0, mul(w1, x1)), mul(w2, x2)))))) };
}

describe('toExpression', () => {
  it('prints the founding example as written', () => {
    expect(toExpression(founding().f)).toBe('1 / (1 + exp(-(w0 + w1 * x1 + w2 * x2)))');
  });

  it('puts parentheses only where the structure needs them', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(s);
    expect(toExpression(sub(a, sub(b, c)))).toBe('a - (b - c)');
    expect(toExpression(sub(sub(a, b), c))).toBe('a - b - c');
    expect(toExpression(div(a, mul(b, c)))).toBe('a / (b * c)');
    expect(toExpression(mul(add(a, b), c))).toBe('(a + b) * c');
    expect(toExpression(neg(neg(a)))).toBe('-(-a)');
    expect(toExpression(square(add(a, b)))).toBe('(a + b)^2');
    expect(toExpression(mul(a, -2.5))).toBe('a * -2.5');
    expect(toExpression(addN([a, mul(b, c), a]))).toBe('a + b * c + a');
  });

  it('shows attributes other than defaults, and hides shape-only ops', () => {
    const v = placeholder('v', [3], { dtype: 'float64' });
    const m = placeholder('m', [2, 3], { dtype: 'float64' });
    expect(toExpression(sum(v, { axes: 0, keepDims: true }))).toBe('sum(v, axes=[0], keepDims=true)');
    expect(toExpression(matmul(m, m, { transposeB: true }))).toBe('m·mᵀ');
    expect(toExpression(matmul(add(m, m), m, { transposeA: true }))).toBe('(m + m)ᵀ·m');
    expect(toExpression(gradients(sum(mul(v, v)), [v], undefined, { simplify: false })[0])).toBe('1 * v + 1 * v');
    expect(toExpression(gradients(sum(mul(v, v)), [v])[0])).toBe('v + v');
    expect(toExpression(mul(v, constant([1, 2, 0.5], { dtype: 'float64' })))).toBe('v * [1, 2, 0.5]');
  });

  // Unsimplified, the two `1 / t2` are distinct nodes: f itself (div's backward reuses its output) and
  // the seed 1 over t2. Simplified, they are one node, and the double negation is gone.
  it('prints a gradient node inlined, or with its shared subexpressions named', () => {
    const { f, x1 } = founding();
    const simple = gradients(f, [x1])[0];
    const e = 'exp(-(w0 + w1 * x1 + w2 * x2))';
    expect(toExpression(simple)).toBe(`1 / (1 + ${e}) * (1 / (1 + ${e})) * ${e} * w1`);
    expect(toExpression(simple, { shared: true })).toBe([`let t1 = ${e}`, 'let t2 = 1 / (1 + t1)', 't2 * t2 * t1 * w1'].join('\n'));
    const g = gradients(f, [x1], undefined, { simplify: false })[0];
    const z = '-(w0 + w1 * x1 + w2 * x2)';
    expect(toExpression(g)).toBe(`-(-(1 / (1 + exp(${z})) * (1 / (1 + exp(${z})))) * exp(${z})) * w1`);
    expect(toExpression(g, { shared: true })).toBe(
      [`let t1 = exp(${z})`, 'let t2 = 1 + t1', '-(-(1 / t2 * (1 / t2)) * t1) * w1'].join('\n'),
    );
  });

  it('prints the simplified forms as the math reads: the mean 1/N, matrix products, -2 tanh(c)', () => {
    const x = placeholder('x', [8, 3], { dtype: 'float32' });
    const y = placeholder('y', [8, 1], { dtype: 'float32' });
    const w = placeholder('w', [3, 1], { dtype: 'float32' });
    const b = placeholder('b', [1], { dtype: 'float32' });
    const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits: add(matmul(x, w), b) }));
    const [dw, db] = gradients(loss, [w, b]);
    expect(toExpression(dw)).toBe('xᵀ·(1/8 * (sigmoid(x·w + b) - y))');
    expect(toExpression(db)).toBe('sum(1/8 * (sigmoid(x·w + b) - y), axes=[0])');
    const c = placeholder('c', [], { dtype: 'float64' });
    expect(toExpression(derivative(sum(tanh(c)), c, 2))).toBe('-2 * tanh(c) * (1 - tanh(c)^2)');
    expect(toExpression(mul(c, constant(1 / 3, { dtype: 'float64' })))).toBe('c * (1/3)');
    expect(toExpression(mul(c, constant(0.5, { dtype: 'float64' })))).toBe('c * 0.5');
  });

  it('writes named nodes by their names, except the root', () => {
    const [a, b] = ['a', 'b'].map(s);
    const p = mul(a, b);
    const q = exp(p);
    expect(toExpression(q, { names: new Map([[p, 'v1'], [q, 'v2']]) })).toBe('exp(v1)');
  });

  it('refuses to inline a tree larger than maxNodes, and suggests shared', () => {
    let x = s('x');
    for (let i = 0; i < 20; i++) x = mul(x, x); // 21 distinct nodes, a tree of 2^21 - 1
    expect(() => toExpression(x)).toThrow(/tree of 2097151 nodes .* \{ shared: true \}/);
    const printed = toExpression(x, { shared: true });
    expect(printed.split('\n')).toHaveLength(20);
    expect(printed.split('\n')[0]).toBe('let t1 = x * x');
    expect(printed.split('\n')[19]).toBe('t19 * t19');
  });
});

describe('countNodes', () => {
  it('counts distinct nodes, or the nodes of the tree with every reuse copied', () => {
    const a = s('a');
    const b = add(a, a);
    const c = mul(b, b);
    expect(countNodes(c)).toBe(3);
    expect(countNodes(c, { tree: true })).toBe(7); // c(b(a, a), b(a, a))
    expect(countNodes([b, c])).toBe(3);
  });
});
