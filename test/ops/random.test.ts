import { describe, expect, it } from 'vitest';
import { dropout, randomNormal, randomUniform } from '../../src/ops/random.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { Session } from '../../src/session/session.js';
import { gradients } from '../../src/autodiff/gradients.js';
import { toFlat } from '../../src/graph/tensor.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import { matmul } from '../../src/ops/matmul.js';
import { variable } from '../../src/ops/variable.js';
import { uniform } from '../../src/init/initializers.js';
import type { Node } from '../../src/graph/node.js';

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, std: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length), min: Math.min(...v), max: Math.max(...v) };
};

describe('random ops', () => {
  it('randomUniform draws in [min, max) with the uniform mean and spread (10000 draws, 5-sigma bounds)', () => {
    const s = stats(toFlat(new Session().run(randomUniform([100, 100], { min: -1, max: 3, dtype: 'float64' }))));
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(3);
    // mean 1, sd of the mean 4 / sqrt(12 * 10000) = 0.0115; std 4 / sqrt(12) = 1.1547
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.06);
    expect(Math.abs(s.std - 1.1547)).toBeLessThan(0.03);
  });

  it('randomNormal has the asked mean and stddev (20001 draws, an odd count)', () => {
    const s = stats(toFlat(new Session().run(randomNormal([20001], { mean: 2, stddev: 0.5 }))));
    // sd of the mean 0.5 / sqrt(20001) = 0.0035; of the std about 0.5 / sqrt(2 * 20001) = 0.0025
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.018);
    expect(Math.abs(s.std - 0.5)).toBeLessThan(0.0125);
  });

  it('draws afresh each run, repeats the sequence in a session of the same seed, and differs for another seed', () => {
    const r = randomUniform([8], { name: 'r' });
    const seq = (seed: number) => {
      const s = new Session({ seed });
      return [toFlat(s.run(r)), toFlat(s.run(r))];
    };
    const [a1, a2] = seq(1);
    expect(a1).not.toEqual(a2);
    expect(seq(1)).toEqual([a1, a2]);
    expect(seq(2)[0]).not.toEqual(a1);
  });

  it('an op seed fixes the stream whatever the session seed', () => {
    const r = randomNormal([4], { seed: 42 });
    expect(toFlat(new Session({ seed: 1 }).run(r))).toEqual(toFlat(new Session({ seed: 2 }).run(r)));
  });

  it('takes the shape of a node, known only at run time', () => {
    const x = placeholder('x', [null, 3]);
    const r = randomUniform(x);
    expect(r.shape).toEqual([null, 3]);
    expect(new Session().run(r, [[x, [[1, 2, 3], [4, 5, 6]]]]).shape).toEqual([2, 3]);
  });

  it('rejects a bad shape', () => {
    expect(() => randomUniform([2, -1], { name: 'bad' })).toThrow("randomUniform 'bad': shape [2,-1] must be integers >= 0");
  });
});

describe('dropout', () => {
  const x = placeholder('x', [null, 1000], { dtype: 'float64' });
  const xv = [Array.from({ length: 1000 }, (_, i) => 1 + (i % 7)), Array.from({ length: 1000 }, (_, i) => -1 - (i % 5))];

  it('zeroes a fraction `rate` of the elements and scales the rest by 1 / (1 - rate); the gradient uses the same mask', () => {
    const y = dropout(x, 0.25);
    const w = placeholder('w', [2, 1000], { dtype: 'float64' });
    const [g] = gradients(sum(mul(y, w)), [x]);
    const wv = xv.map((r) => r.map((_, i) => Math.sin(i)));
    const [yv, gv] = new Session().run([y, g], [[x, xv], [w, wv]]).map(toFlat);
    const flatX = xv.flat(), flatW = wv.flat();
    const dropped = yv.filter((v) => v === 0).length / yv.length;
    // sd of the fraction sqrt(0.25 * 0.75 / 2000) = 0.0097
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.05);
    yv.forEach((v, i) => {
      const mask = v / flatX[i];
      expect(mask === 0 || Math.abs(mask - 4 / 3) < 1e-12).toBe(true);
      expect(gv[i]).toBeCloseTo(flatW[i] * mask, 12);
    });
  });

  it('is the identity with training: false (no op built) and decided each run by a training flag', () => {
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    const training = placeholder('training', [], { dtype: 'float64' });
    const y = dropout(x, 0.5, { training });
    const s = new Session();
    expect(toFlat(s.run(y, [[x, xv], [training, 0]]))).toEqual(xv.flat());
    expect(toFlat(s.run(y, [[x, xv], [training, 1]])).filter((v) => v === 0).length).toBeGreaterThan(800);
  });

  it('rejects a rate outside [0, 1) at build time', () => {
    for (const rate of [1, -0.1, Number.NaN]) {
      expect(() => dropout(x, rate, { name: 'd' })).toThrow(`dropout 'd': rate ${rate} is outside [0, 1) (input placeholder 'x' [null,1000] float64)`);
    }
  });

  it('is never recomputed by gradient checkpointing: the same loss and gradients as without it', () => {
    const W = Array.from({ length: 8 }, (_, i) => variable(`ckpt/W${i}`, uniform([16, 16], { min: -0.5, max: 0.5, dtype: 'float64' })));
    const input = placeholder('in', [4, 16], { dtype: 'float64' });
    let h: Node = input;
    for (const w of W) h = dropout(tanh(matmul(h, w)), 0.3);
    const loss = sum(mul(h, h));
    const grads = gradients(loss, W);
    const feed = [[input, Array.from({ length: 4 }, (_, i) => Array.from({ length: 16 }, (_, j) => Math.cos(i * 16 + j)))]] as const;
    const plain = new Session({ seed: 9 }), ckpt = new Session({ seed: 9, checkpoint: 2 });
    const plan = ckpt.plan([loss, ...grads], feed as never);
    expect(plan.memory.recomputed).toBeGreaterThan(0);
    expect(plan.steps.filter((s) => s.recompute && s.node.op.stateful)).toEqual([]);
    for (let run = 0; run < 2; run++) {
      const a = plain.run([loss, ...grads], feed as never).map(toFlat);
      const b = ckpt.run([loss, ...grads], feed as never).map(toFlat);
      expect(b).toEqual(a);
    }
  });
});
