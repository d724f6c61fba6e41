import { describe, expect, it } from 'vitest';
import * as init from '../../src/init/initializers.js';
import { Rng } from '../../src/graph/random.js';
import { toFlat } from '../../src/graph/tensor.js';

const stats = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  return { mean: m, std: Math.sqrt(v) };
};

describe('initializers', () => {
  it('draw the same values from the same seed and different ones from another', () => {
    const a = toFlat(init.normal([100], { stddev: 1 }).create(new Rng(1)));
    const b = toFlat(init.normal([100], { stddev: 1 }).create(new Rng(1)));
    const c = toFlat(init.normal([100], { stddev: 1 }).create(new Rng(2)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('glorotUniform stays within sqrt(6 / (fanIn + fanOut)) and has the uniform variance', () => {
    const v = toFlat(init.glorotUniform([200, 100], { dtype: 'float64' }).create(new Rng(3)));
    const l = Math.sqrt(6 / 300);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(l);
    expect(stats(v).std).toBeCloseTo(l / Math.sqrt(3), 2);
  });

  it('heNormal has standard deviation sqrt(2 / fanIn)', () => {
    const v = toFlat(init.heNormal([400, 50], { dtype: 'float64' }).create(new Rng(4)));
    const { mean, std } = stats(v);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeCloseTo(Math.sqrt(2 / 400), 3);
  });

  it('zeros, ones and fill give constant values of the dtype', () => {
    expect(toFlat(init.zeros([2]).create(new Rng(0)))).toEqual([0, 0]);
    expect(toFlat(init.ones([2], { dtype: 'int32' }).create(new Rng(0)))).toEqual([1, 1]);
    expect(toFlat(init.fill([3], 0.5).create(new Rng(0)))).toEqual([0.5, 0.5, 0.5]);
  });

  it('an initializer with its own seed ignores the session stream', () => {
    const i = init.uniform([5], { seed: 9 });
    expect(toFlat(i.create(new Rng(1)))).toEqual(toFlat(i.create(new Rng(2))));
  });

  it('rejects a bad shape', () => {
    expect(() => init.zeros([2, -1])).toThrow('zeros: bad shape [2,-1]');
  });
});
