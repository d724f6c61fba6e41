import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { variable } from '../../src/ops/variable.js';
import { toDot } from '../../src/visualize/dot.js';

describe('toDot', () => {
  const x = placeholder('x', [null, 2]);
  const w = variable('w_dot', [[1, 2]]);
  const y = add(mul(x, w), 3, { name: 'y' });

  it('draws every ancestor once, with an edge per input and user names beside op names', () => {
    const dot = toDot(y);
    expect(dot.startsWith('digraph dagrad {')).toBe(true);
    expect(dot.match(/\[label=/g)).toHaveLength(5); // x, w, mul, 3, y
    expect(dot.match(/->/g)).toHaveLength(4);
    expect(dot).toContain('label="y = add\\n[null,2] float32"');
    expect(dot).toContain('label="x\\n[null,2] float32"');
    expect(dot).toContain('label="3"');
  });

  it('shades the gradient graph apart from the forward graph', () => {
    const [g] = gradients(y, [w]);
    const dot = toDot(g, { forward: y });
    const shaded = dot.split('\n').filter((l) => l.includes('#fde8d0'));
    expect(shaded.length).toBeGreaterThan(0);
    expect(shaded.some((l) => l.includes('y = add'))).toBe(false);
  });

  it('refuses a drawing too large to read', () => {
    let z = x;
    for (let i = 0; i < 20; i++) z = add(z, 1);
    expect(() => toDot(z, { maxNodes: 10 })).toThrow('toDot: 41 nodes is more than maxNodes (10)');
  });
});
