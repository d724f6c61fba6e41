import { describe, expect, it } from 'vitest';
import { scope, currentScope } from '../../src/graph/scope.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { variable } from '../../src/ops/variable.js';
import { constant } from '../../src/graph/constant.js';
import { matmul } from '../../src/ops/matmul.js';
import { add } from '../../src/ops/add.js';
import { dropout } from '../../src/ops/random.js';
import { Session } from '../../src/session/session.js';
import { toNested } from '../../src/graph/tensor.js';

describe('scope', () => {
  it('prefixes every node, variable, placeholder and constant made inside, nested, and only inside', () => {
    const x = placeholder('x', [1, 2]);
    const { w, y, c, p, d } = scope('block1', () => scope('dense', () => {
      const w = variable('W', [[1], [2]]);
      const c = constant(3);
      const p = placeholder('extra', [1]);
      const y = add(matmul(x, w), c, { name: 'out' });
      return { w, y, c, p, d: dropout(y, 0.5, { name: 'drop' }) };
    }));
    expect([w.name, y.name, p.name]).toEqual(['block1/dense/W', 'block1/dense/out', 'block1/dense/extra']);
    expect(c.name).toMatch(/^block1\/dense\/constant_\d+$/);
    expect(y.inputs[0].name).toMatch(/^block1\/dense\/matmul_\d+$/);
    expect(d.name).toBe('block1/dense/drop');
    expect(d.inputs[1].inputs[0].name).toBe('block1/dense/drop/state');
    expect(x.name).toBe('x');
    expect(add(x, 1).name).toMatch(/^add_\d+$/);
    expect(currentScope()).toBe('');
    expect(toNested(new Session().run(y, { x: [[1, 1]] }))).toEqual([[6]]);
  });

  it('is restored when its body throws, and rejects names with a slash', () => {
    expect(() => scope('a', () => { throw new Error('boom'); })).toThrow('boom');
    expect(currentScope()).toBe('');
    expect(() => scope('a/b', () => 0)).toThrow("scope: a name is a non-empty string without '/', got \"a/b\"");
  });

  it('returns its body\'s value', () => {
    expect(scope('s', () => currentScope())).toBe('s');
  });
});
