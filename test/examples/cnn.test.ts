import { describe, expect, it } from 'vitest';
import { formatConfusion, loadSplit, trainCnn } from '../../examples/cnn/cnn.js';

describe('examples/cnn', () => {
  it('splits the 10,000 digits by seed, 20% held out, the same split for the same seed', () => {
    const a = loadSplit(1), b = loadSplit(1), c = loadSplit(2);
    expect(a.train.y.data.length).toBe(8000);
    expect(a.test.x.shape).toEqual([2000, 28, 28, 1]);
    expect(b.test.y.data).toEqual(a.test.y.data);
    expect(c.test.y.data).not.toEqual(a.test.y.data);
  });

  it('learns digits in one short epoch: over 75% of the held-out 2000 (the full run is in docs/cnn.md)', () => {
    const r = trainCnn({ epochs: 1, batchSize: 32, learningRate: 0.002, seed: 1, batchNorm: false, dropout: 0.25, limit: 1200, progress: 'none', validate: false });
    expect(r.accuracy).toBeGreaterThan(0.75);
    const total = r.confusion.flat().reduce((x, y) => x + y);
    expect(total).toBe(2000);
    expect(r.confusion.reduce((s, row, i) => s + row[i], 0) / total).toBe(r.accuracy);
    expect(formatConfusion(r.confusion).split('\n')).toHaveLength(11);
  }, 180_000);
});
