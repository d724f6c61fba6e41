import { describe, expect, it } from 'vitest';
import { placeholder } from '../../src/ops/placeholder.js';
import { Session } from '../../src/session/session.js';
import { gradcheck } from '../../src/check/gradcheck.js';
import { toFlat } from '../../src/graph/tensor.js';
import { clip, elu, gelu, leakyRelu, selu, SELU_ALPHA, SELU_SCALE } from '../../src/ops/activations.js';
import { argmin, logSumExp, norm } from '../../src/ops/reductions.js';
import { erf } from '../../src/ops/erf.js';
import { round, sign, floor } from '../../src/ops/rounding.js';
import { cumsum } from '../../src/ops/cumsum.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../../src/ops/sparseCrossEntropy.js';
import { softmaxCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { oneHot } from '../../src/ops/oneHot.js';
import type { Node } from '../../src/graph/node.js';

const xs = [-2.5, -1.3, -0.4, 0.3, 0.9, 2.2];
const x = placeholder('x', [6], { dtype: 'float64' });
const run = (y: Node, v: number[] = xs) => toFlat(new Session().run(y, [[x, v]]));
const check = (y: Node, v: number[] = xs) => {
  const r = gradcheck(y, [x], [[x, v]]);
  if (!r.ok) throw new Error(r.summary);
};

describe('elementwise ops built from ops', () => {
  it('gelu is x Phi(x) (the normal CDF from erf), with derivatives matching central differences', () => {
    // Phi(x) from a table: Phi(-1.3) = 0.0968004846, Phi(0.9) = 0.8159398747
    const y = run(gelu(x));
    expect(y[1]).toBeCloseTo(-1.3 * 0.0968004846, 9);
    expect(y[4]).toBeCloseTo(0.9 * 0.8159398747, 9);
    check(gelu(x));
  });
  it('erf matches tabulated values', () => {
    const v = run(erf(x), [0.5, 1, 2, 2.6, 3.5, -0.1]);
    [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9997639655834707, 0.9999992569016276, -0.1124629160182849]
      .forEach((want, i) => expect(v[i]).toBeCloseTo(want, 14));
  });
  it('leakyRelu, elu, selu take their definitions; derivatives match away from 0', () => {
    expect(run(leakyRelu(x, { alpha: 0.1 }))).toEqual(xs.map((v) => (v > 0 ? v : 0.1 * v)));
    run(elu(x, { alpha: 0.5 })).forEach((v, i) => expect(v).toBeCloseTo(xs[i] > 0 ? xs[i] : 0.5 * Math.expm1(xs[i]), 15));
    run(selu(x)).forEach((v, i) => expect(v).toBeCloseTo(SELU_SCALE * (xs[i] > 0 ? xs[i] : SELU_ALPHA * Math.expm1(xs[i])), 14));
    for (const y of [leakyRelu(x), elu(x), selu(x)]) check(y);
  });
  it('clip limits to [lo, hi] and passes gradient only strictly inside', () => {
    expect(run(clip(x, -1, 1))).toEqual([-1, -1, -0.4, 0.3, 0.9, 1]);
    check(clip(x, -1, 1));
    expect(() => clip(x, 2, 1, { name: 'c' })).toThrow("clip 'c': lo 2 must not exceed hi 1");
  });
  it('sign, floor and round (half to even) compute NumPy\'s values', () => {
    expect(run(sign(x), [-2, 0, 3, -0, 1e-300, -5])).toEqual([-1, 0, 1, -0, 1, -1]);
    expect(run(floor(x), [-2.5, -0.5, 0.5, 1.5, 2.5, 2.7])).toEqual([-3, -1, 0, 1, 2, 2]);
    expect(run(round(x), [-2.5, -0.5, 0.5, 1.5, 2.5, 2.7])).toEqual([-2, -0, 0, 2, 2, 3]);
  });
  it('cumsum: inclusive, exclusive, reverse', () => {
    expect(run(cumsum(x))).toEqual(xs.map((_, i) => xs.slice(0, i + 1).reduce((a, b) => a + b)));
    expect(run(cumsum(x, { axis: 0, exclusive: true, reverse: true }), [1, 2, 3, 4, 5, 6])).toEqual([20, 18, 15, 11, 6, 0]);
  });
});

describe('reductions built from ops', () => {
  it('logSumExp is finite for large inputs and its gradient is softmax', () => {
    expect(run(logSumExp(x), [1000, 1000, 0, 0, 0, 0])[0]).toBeCloseTo(1000 + Math.log(2), 10);
    run(logSumExp(x)).forEach((v) => expect(v).toBeCloseTo(Math.log(xs.reduce((a, b) => a + Math.exp(b), 0)), 14));
    check(logSumExp(x));
  });
  it('argmin is the index of the first smallest element', () => {
    expect(run(argmin(x, { axis: 0 }), [3, -1, 4, -1, 5, 9])).toEqual([1]);
  });
  it('norm: ord 1, 2 and Infinity', () => {
    const l1 = xs.reduce((a, b) => a + Math.abs(b), 0), l2 = Math.sqrt(xs.reduce((a, b) => a + b * b, 0));
    expect(run(norm(x, { ord: 1 }))[0]).toBeCloseTo(l1, 14);
    expect(run(norm(x))[0]).toBeCloseTo(l2, 14);
    expect(run(norm(x, { ord: Infinity }))[0]).toBe(2.5);
    check(norm(x));
  });
});

describe('sparseSoftmaxCrossEntropyWithLogits', () => {
  const logits = placeholder('logits', [null, 3], { dtype: 'float64' }), labels = placeholder('labels', [null], { dtype: 'int32' });
  const lv = [[1, 2, 3], [1000, -1000, 0]];
  it('equals the dense cross-entropy against one-hot labels, finite for large logits', () => {
    const s = new Session();
    const sparse = toFlat(s.run(sparseSoftmaxCrossEntropyWithLogits({ labels, logits }), [[labels, [2, 0]], [logits, lv]]));
    const dense = toFlat(s.run(softmaxCrossEntropyWithLogits({ labels: oneHot(labels, 3, { dtype: 'float64' }), logits }), [[labels, [2, 0]], [logits, lv]]));
    expect(sparse[0]).toBeCloseTo(dense[0], 14);
    expect(sparse[1]).toBeCloseTo(0, 14);
  });
  it('rejects a label outside [0, classes) at run time, naming the node and the label', () => {
    const y = sparseSoftmaxCrossEntropyWithLogits({ labels, logits, name: 'loss' });
    expect(() => new Session().run(y, [[labels, [0, 3]], [logits, lv]])).toThrow("sparseSoftmaxCrossEntropyWithLogits 'loss': label 3 at position 1 is outside [0, 3)");
    expect(() => new Session().run(y, [[labels, [-1, 0]], [logits, lv]])).toThrow('label -1 at position 0 is outside [0, 3)');
  });
  it('rejects float labels and mismatched shapes at build time', () => {
    expect(() => sparseSoftmaxCrossEntropyWithLogits({ labels: placeholder('f', [null], { dtype: 'float64' }), logits, name: 'l1' })).toThrow(
      "sparseSoftmaxCrossEntropyWithLogits 'l1': labels [null] float64 and logits [null,3]: labels must be int32 class ids");
    expect(() => sparseSoftmaxCrossEntropyWithLogits({ labels: placeholder('i', [2, 2], { dtype: 'int32' }), logits, name: 'l2' })).toThrow(
      "labels must be shaped like the logits without their last axis");
  });
});
