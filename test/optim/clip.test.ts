import { describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { constant } from '../../src/graph/constant.js';
import { clipByGlobalNorm } from '../../src/optim/index.js';

const run = (nodes: { grads: (import('../../src/graph/node.js').Node | null)[]; norm: import('../../src/graph/node.js').Node }) => {
  const sess = new Session();
  return {
    grads: nodes.grads.map((g) => (g ? toFlat(sess.run(g)) : null)),
    norm: toFlat(sess.run(nodes.norm))[0],
  };
};

describe('clipByGlobalNorm', () => {
  // [3, 4] and [[12]]: the global norm is sqrt(9 + 16 + 144) = 13.
  const a = constant([3, 4], { dtype: 'float64' });
  const b = constant([[12]], { dtype: 'float64' });

  it('scales every gradient by maxNorm / norm when the norm is larger', () => {
    const out = run(clipByGlobalNorm([a, b], 6.5));
    expect(out.norm).toBe(13);
    expect(out.grads).toEqual([[1.5, 2], [6]]);
  });

  it('leaves gradients unchanged when the norm is within maxNorm', () => {
    const out = run(clipByGlobalNorm([a, b], 20));
    expect(out.norm).toBe(13);
    expect(out.grads).toEqual([[3, 4], [12]]);
  });

  it('passes null gradients through and keeps float32 gradients float32', () => {
    const c = constant([6, 8], { dtype: 'float32' });
    const clipped = clipByGlobalNorm([null, c, a], 7.5);
    expect(clipped.grads[0]).toBeNull();
    expect(clipped.grads[1]!.dtype).toBe('float32');
    expect(clipped.norm.dtype).toBe('float64');
    // norm sqrt(36 + 64 + 9 + 16) = sqrt(125); scale 7.5 / sqrt(125)
    const scale = 7.5 / Math.sqrt(125);
    const out = run(clipped);
    expect(out.norm).toBeCloseTo(Math.sqrt(125), 14);
    expect(out.grads[1]).toEqual([Math.fround(6 * Math.fround(scale)), Math.fround(8 * Math.fround(scale))]);
    expect(out.grads[2]![0]).toBeCloseTo(3 * scale, 15);
  });

  it('turns every gradient to NaN when the norm is infinite, so divergence shows', () => {
    const out = run(clipByGlobalNorm([constant([Infinity, 1], { dtype: 'float64' }), a], 1));
    expect(out.norm).toBe(Infinity);
    expect(out.grads.flat().every((x) => Number.isNaN(x))).toBe(true);
  });

  it('refuses a maxNorm that is not positive', () => {
    expect(() => clipByGlobalNorm([a], 0)).toThrow('clipByGlobalNorm: maxNorm must be a positive number, got 0');
  });
});
