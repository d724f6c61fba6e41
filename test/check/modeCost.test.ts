import { describe, expect, it } from 'vitest';
import { modeCost } from '../../src/check/modeCost.js';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { constant } from '../../src/graph/constant.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { sum } from '../../src/ops/sum.js';

const vec = (n: number, f: (i: number) => number) => ({ data: Float64Array.from({ length: n }, (_, i) => f(i)), shape: [n] });

describe('modeCost', () => {
  it('counts 2n kernel calls in forward mode and none in reverse mode for f = sum(w * x)', () => {
    // Forward, per sweep: the tangent is sum(mul(w, dx)) (w is constant, so d(w*x) = w*dx, and sum is
    // linear): 2 kernels, and the primal is not needed. Reverse: the seed is the constant 1, stretched
    // back through sum as a view, and 1 * w simplifies to w (docs/simplify.md): the gradient is the
    // constant w, no kernel at all (unsimplified it was 4: f's mul and sum, onesLike(f), mul(grad, w)).
    for (const n of [1, 10, 100]) {
      const x = placeholder('x', [n], { dtype: 'float64' });
      const w = constant(vec(n, (i) => i + 2), { dtype: 'float64' });
      const cost = modeCost(sum(mul(w, x)), x, [[x, vec(n, () => 0.5)]]);
      expect(cost.n).toBe(n);
      expect(cost.forward).toMatchObject({ sweeps: n, kernelCalls: 2 * n });
      expect(cost.reverse).toMatchObject({ sweeps: 1, kernelCalls: 0 });
      const w1 = Array.from({ length: n }, (_, i) => i + 2);
      expect(cost.forward.gradient).toEqual(w1);
      expect(cost.reverse.gradient).toEqual(w1);
    }
  });

  it('measures n times one sweep for forward mode and one gradient run for reverse mode', () => {
    for (const n of [1, 7, 40]) {
      const x = placeholder('x', [n], { dtype: 'float64' });
      const w = constant(vec(n, (i) => 0.1 * (i - 3)), { dtype: 'float64' });
      const f = sum(sigmoid(mul(w, x)));
      const feeds: [typeof x, ReturnType<typeof vec>][] = [[x, vec(n, (i) => Math.cos(i))]];
      const sess = new Session();
      const cost = modeCost(f, x, feeds, { session: sess });
      const dx = placeholder('dx', [n], { dtype: 'float64' });
      const perSweep = sess.plan(jvp(f, [x], [dx])[0], [...feeds, [dx, vec(n, () => 0)]]).kernels;
      const backward = sess.plan(gradients(f, [x])[0], feeds).kernels;
      expect(cost.forward.kernelCalls).toBe(n * perSweep);
      expect(cost.reverse.kernelCalls).toBe(backward);
      cost.forward.gradient.forEach((g, i) => expect(g).toBeCloseTo(cost.reverse.gradient[i], 14));
      // d/dx_i sum(sigmoid(w x)) = w_i s (1 - s) at s = sigmoid(w_i x_i).
      cost.reverse.gradient.forEach((g, i) => {
        const wi = 0.1 * (i - 3), s = 1 / (1 + Math.exp(-wi * Math.cos(i)));
        expect(g).toBeCloseTo(wi * s * (1 - s), 14);
      });
    }
  });

  it('refuses a non-scalar f', () => {
    const x = placeholder('x', [3], { dtype: 'float64' });
    expect(() => modeCost(mul(x, x), x)).toThrow(/must be a scalar/);
  });
});
