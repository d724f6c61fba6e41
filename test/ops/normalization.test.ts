import { describe, expect, it } from 'vitest';
import { batchNormalization, layerNorm, moments } from '../../src/ops/normalization.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { Session } from '../../src/session/session.js';
import { gradients } from '../../src/autodiff/gradients.js';
import { gradcheck } from '../../src/check/gradcheck.js';
import { toFlat, toNested } from '../../src/graph/tensor.js';
import { sum } from '../../src/ops/sum.js';
import { mul } from '../../src/ops/mul.js';
import { tanh } from '../../src/ops/tanh.js';

describe('normalisation', () => {
  const xv = [[1, 2, 3, 6], [0, -4, 4, 8], [2, 2, 2, 10]];
  const x = placeholder('x', [3, 4], { dtype: 'float64' });

  it('moments: the mean and the divide-by-n variance over the given axes', () => {
    const { mean, variance } = moments(x, 0);
    const [m, v] = new Session().run([mean, variance], [[x, xv]]).map(toNested);
    expect(m).toEqual([1, 0, 3, 8]);
    (v as number[]).forEach((a, i) => expect(a).toBeCloseTo([2 / 3, 8, 2 / 3, 8 / 3][i], 14));
    expect(moments(x, [0, 1], { keepDims: true }).mean.shape).toEqual([1, 1]);
  });

  it('layerNorm gives each row mean 0 and variance 1 / (1 + eps / var)', () => {
    const y = toNested(new Session().run(layerNorm(x, { epsilon: 1e-5 }), [[x, xv]])) as number[][];
    for (let i = 0; i < 3; i++) {
      const r = xv[i], m = r.reduce((a, b) => a + b) / 4, v = r.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      y[i].forEach((val, j) => expect(val).toBeCloseTo((r[j] - m) / Math.sqrt(v + 1e-5), 12));
    }
  });

  it('batchNormalization with batch statistics, scale and offset has gradients (and second derivatives) matching central differences', () => {
    const scale = placeholder('scale', [4], { dtype: 'float64' }), offset = placeholder('offset', [4], { dtype: 'float64' });
    const { mean, variance } = moments(x, 0);
    const y = batchNormalization(x, mean, variance, { scale, offset, epsilon: 1e-3 });
    const w = [[0.3, -1, 2, 0.5], [1, 0.2, -0.7, 1.5], [-0.4, 0.9, 0.1, -2]];
    const loss = sum(mul(tanh(y), placeholder('w', [3, 4], { dtype: 'float64' })));
    const feeds = [[x, xv], [scale, [1, 2, 0.5, -1]], [offset, [0, 1, -1, 2]], ['w', w]] as const;
    const r = gradcheck(loss, [x, scale, offset], feeds as never);
    if (!r.ok) throw new Error(r.summary);
    const [gx] = gradients(loss, [x]);
    const r2 = gradcheck(gx, [x, scale], feeds as never, { tol: 1e-5 });
    if (!r2.ok) throw new Error(r2.summary);
    expect(toFlat(new Session().run(y, feeds.slice(0, 3) as never)).length).toBe(12);
  });
});
