import { describe, expect, it } from 'vitest';
import { derivative, hessian, hessianVectorProduct } from '../../src/autodiff/hessian.js';
import { GradientError, gradients, jvp } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { Session } from '../../src/session/session.js';
import { toFlat, type Input } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { constant } from '../../src/graph/constant.js';
import { exp } from '../../src/ops/exp.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { square } from '../../src/ops/square.js';
import { sub } from '../../src/ops/sub.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import { numericJacobian, rows, worst } from './numeric.js';

const f64 = (data: readonly number[], shape: number[]) => ({ data: Float64Array.from(data), shape });

/** A two-layer MLP's squared-error loss as a function of its first weight matrix W [3,2]. */
function mlpLoss() {
  const W = placeholder('W', [3, 2], { dtype: 'float64' });
  const X = constant([[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.6, 0.9, 1.5], [0.2, -0.3, -1.1]], { dtype: 'float64' });
  const w2 = constant([[0.8], [-1.3]], { dtype: 'float64' });
  const target = constant([[0.5], [-0.2], [0.1], [0.3]], { dtype: 'float64' });
  const loss = sum(square(sub(matmul(tanh(matmul(X, W)), w2), target)));
  return { W, loss, value: [0.3, -0.5, 0.8, 0.1, -0.4, 0.6] };
}

describe('hessian', () => {
  it('of a small MLP loss is symmetric and matches central differences of the gradient, in both modes', () => {
    const { W, loss, value } = mlpLoss();
    const feeds: [Node, Input][] = [[W, f64(value, [3, 2])]];
    const sess = new Session();
    const [Hf, Hr] = sess.run([hessian(loss, W), hessian(loss, W, { mode: 'reverse' })], feeds);
    expect(Hf.shape).toEqual([3, 2, 3, 2]);
    const F = rows(toFlat(Hf), 6), R = rows(toFlat(Hr), 6);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(Math.abs(F[i][j] - F[j][i])).toBeLessThan(1e-12);
    expect(worst(F, R)).toBeLessThan(1e-12);
    const numeric = numericJacobian(gradients(loss, [W])[0], W, value, [], 1e-5);
    expect(worst(F, numeric)).toBeLessThan(1e-7);
    // Not diagonal: the weights of one hidden unit interact (a check that cannot pass by accident).
    expect(Math.abs(F[0][2])).toBeGreaterThan(1e-3);
  });

  it('refuses a non-scalar f', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    expect(() => hessian(mul(x, x), x)).toThrow(GradientError);
    expect(() => hessian(mul(x, x), x)).toThrow(/must be a scalar/);
  });
});

describe('hessianVectorProduct', () => {
  it('equals the Hessian times the vector, without forming the Hessian', () => {
    const { W, loss, value } = mlpLoss();
    const v = [1, -2, 0.5, 0.25, -1, 3];
    const feeds: [Node, Input][] = [[W, f64(value, [3, 2])]];
    const sess = new Session();
    const [H, hv] = sess.run([hessian(loss, W), hessianVectorProduct(loss, W, f64(v, [3, 2]))], feeds);
    expect(hv.shape).toEqual([3, 2]);
    const Hm = rows(toFlat(H), 6);
    const expected = Hm.map((r) => r.reduce((s, h, j) => s + h * v[j], 0));
    toFlat(hv).forEach((got, i) => expect(got).toBeCloseTo(expected[i], 12));
  });

  it('of x . x is 2v', () => {
    const x = placeholder('x', [3], { dtype: 'float64' });
    const hv = new Session().run(hessianVectorProduct(sum(mul(x, x)), x, f64([1, 2, -3], [3])), [[x, f64([5, 6, 7], [3])]]);
    expect(toFlat(hv)).toEqual([2, 4, -6]);
  });
});

describe('higher-order derivatives', () => {
  const points = [-2, -0.7, 0, 0.4, 1.5];
  const at = (y: Node, x: Node) => toFlat(new Session().run(y, [[x, f64(points, [points.length])]]));

  it('third derivative of tanh matches (1 - t^2)(6t^2 - 2)', () => {
    // t' = 1 - t^2; t'' = -2 t t'; t''' = -2 t'^2 - 2 t t'' = t'(-2(1 - t^2) + 4t^2) = (1 - t^2)(6t^2 - 2).
    const x = placeholder('x', [points.length], { dtype: 'float64' });
    const got = at(derivative(tanh(x), x, 3), x);
    points.forEach((p, i) => {
      const t = Math.tanh(p);
      expect(got[i]).toBeCloseTo((1 - t * t) * (6 * t * t - 2), 12);
    });
    expect(got[2]).toBe(-2);
  });

  it('third derivative of sigmoid(x) * exp(x) matches e^x - s(1-s)(1 - 6s + 6s^2)', () => {
    // s e^x = e^2x / (1 + e^x) = e^x - 1 + 1/(1 + e^x) = e^x - s, so its third derivative is e^x - s''',
    // with s' = s(1-s), s'' = s'(1-2s), s''' = s''(1-2s) - 2s'^2 = s'(1 - 6s + 6s^2).
    const x = placeholder('x', [points.length], { dtype: 'float64' });
    const got = at(derivative(mul(sigmoid(x), exp(x)), x, 3), x);
    points.forEach((p, i) => {
      const s = 1 / (1 + Math.exp(-p));
      expect(got[i]).toBeCloseTo(Math.exp(p) - s * (1 - s) * (1 - 6 * s + 6 * s * s), 12);
    });
  });

  it('forward over reverse over reverse gives the same third derivative', () => {
    const x = placeholder('x', [points.length], { dtype: 'float64' });
    const y = mul(sigmoid(x), exp(x));
    const ones = constant(f64(points.map(() => 1), [points.length]), { dtype: 'float64' });
    const fwd = at(jvp(derivative(y, x, 2), [x], [ones])[0], x);
    const rev = at(derivative(y, x, 3), x);
    fwd.forEach((v, i) => expect(v).toBeCloseTo(rev[i], 13));
  });

  it('order 0 is y itself and a negative order is refused', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const y = exp(x);
    expect(derivative(y, x, 0)).toBe(y);
    expect(() => derivative(y, x, -1)).toThrow(/order must be an integer >= 0/);
  });
});

describe('mixed partials', () => {
  // f = x^2 y^3 + e^(xy):  f_xy = 6 x y^2 + e^(xy)(1 + xy),  f_xxy = 6 y^2 + 2y e^(xy) + x y^2 e^(xy).
  const x = placeholder('x', [], { dtype: 'float64' });
  const y = placeholder('y', [], { dtype: 'float64' });
  const f = add(mul(square(x), mul(y, square(y))), exp(mul(x, y)));
  const cases = [[0.5, -1.2], [1.3, 0.4], [-0.8, 0.9]];

  it('d2f/dxdy = d2f/dydx = 6xy^2 + e^(xy)(1 + xy)', () => {
    const [fx] = gradients(f, [x]);
    const [fy] = gradients(f, [y]);
    const fxy = gradients(fx, [y])[0], fyx = gradients(fy, [x])[0];
    const sess = new Session();
    for (const [a, b] of cases) {
      const [u, v] = sess.run([fxy, fyx], { x: a, y: b }).map((r) => toFlat(r)[0]);
      const want = 6 * a * b * b + Math.exp(a * b) * (1 + a * b);
      expect(u).toBeCloseTo(want, 12);
      expect(v).toBeCloseTo(want, 12);
    }
  });

  it('d3f/dx2dy = 6y^2 + 2y e^(xy) + x y^2 e^(xy)', () => {
    const fxxy = gradients(derivative(f, x, 2), [y])[0];
    const sess = new Session();
    for (const [a, b] of cases) {
      const got = toFlat(sess.run(fxxy, { x: a, y: b }))[0];
      expect(got).toBeCloseTo(6 * b * b + 2 * b * Math.exp(a * b) + a * b * b * Math.exp(a * b), 12);
    }
  });
});
