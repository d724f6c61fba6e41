import { describe, expect, it } from 'vitest';
import { jacobian } from '../../src/autodiff/jacobian.js';
import { GradientError } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { constant } from '../../src/graph/constant.js';
import { exp } from '../../src/ops/exp.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import { numericJacobian, rows, worst } from './numeric.js';

const run = (n: ReturnType<typeof jacobian>, feeds: [ReturnType<typeof placeholder>, { data: Float64Array; shape: number[] }][]) =>
  new Session().run(n, feeds);

/** Values with -0 made 0 (a product with a zero tangent may be -0). */
const plain = (a: Parameters<typeof toFlat>[0]): number[] => toFlat(a).map((v) => v + 0);

describe('jacobian', () => {
  it('of x * x is diag(2x) in both modes', () => {
    const x = placeholder('x', [3], { dtype: 'float64' });
    const v = { data: Float64Array.from([1.5, -2, 0.25]), shape: [3] };
    for (const mode of ['forward', 'reverse'] as const) {
      const J = run(jacobian(mul(x, x), x, { mode }), [[x, v]]);
      expect(J.shape).toEqual([3, 3]);
      expect(plain(J)).toEqual([3, 0, 0, 0, -4, 0, 0, 0, 0.5]);
    }
  });

  it('has shape [...y.shape, ...x.shape]; both modes give the same matrix, which matches central differences', () => {
    const x = placeholder('x', [2, 3], { dtype: 'float64' });
    const A = constant([[0.5, -1], [2, 0.3]], { dtype: 'float64' });
    const y = mul(tanh(matmul(A, x)), exp(mul(x, 0.3)));
    const value = [0.2, -0.7, 1.1, 0.4, -0.3, 0.9];
    const feeds: [typeof x, { data: Float64Array; shape: number[] }][] = [[x, { data: Float64Array.from(value), shape: [2, 3] }]];
    const fwd = run(jacobian(y, x, { mode: 'forward' }), feeds);
    const rev = run(jacobian(y, x, { mode: 'reverse' }), feeds);
    expect(fwd.shape).toEqual([2, 3, 2, 3]);
    expect(rev.shape).toEqual([2, 3, 2, 3]);
    const F = rows(toFlat(fwd), 6), R = rows(toFlat(rev), 6);
    expect(worst(F, R)).toBeLessThan(1e-14);
    expect(worst(F, numericJacobian(y, x, value))).toBeLessThan(1e-8);
    // y[0,1] depends on x[:,1] only (matmul mixes rows, not columns): the rest of its row is exactly 0.
    expect(F[1].map((v, j) => (j % 3 === 1 ? v !== 0 : v === 0))).toEqual([true, true, true, true, true, true]);
  });

  it('of a scalar is the gradient, shaped like x', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    const f = sum(mul(x, x));
    const J = run(jacobian(f, x), [[x, { data: Float64Array.from([3, -1]), shape: [2] }]]);
    expect(J.shape).toEqual([2]);
    expect(toFlat(J)).toEqual([6, -2]);
  });

  it('can be differentiated again: the Jacobian of a Jacobian holds second derivatives', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    const y = mul(mul(x, x), x); // x^3 elementwise: d2y_i/dx_i^2 = 6 x_i
    const H = run(jacobian(jacobian(y, x, { mode: 'reverse' }), x, { mode: 'forward' }), [[x, { data: Float64Array.from([2, -1]), shape: [2] }]]);
    expect(H.shape).toEqual([2, 2, 2]);
    expect(plain(H)).toEqual([12, 0, 0, 0, 0, 0, 0, -6]);
  });

  it('refuses an x with an unknown dimension, naming it', () => {
    const x = placeholder('batch', [null, 3], { dtype: 'float64' });
    expect(() => jacobian(sum(mul(x, x)), x)).toThrow(GradientError);
    expect(() => jacobian(sum(mul(x, x)), x)).toThrow(/x \(placeholder 'batch'\) has shape \[null,3\]/);
  });

  it('refuses an unknown mode', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    expect(() => jacobian(x, x, { mode: 'sideways' as 'forward' })).toThrow(/mode is 'forward' or 'reverse'/);
  });
});
