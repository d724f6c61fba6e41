import { describe, expect, it } from 'vitest';
import { add } from '../../src/ops/add.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { expandDims } from '../../src/ops/expandDims.js';
import { squeeze } from '../../src/ops/squeeze.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';

describe('building nodes', () => {
  it('lifts numbers to constants of the sibling node dtype', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    const y = mul(x, 2);
    expect(y.inputs[1].dtype).toBe('float64');
    expect(y.inputs[1].op.name).toBe('constant');
    expect(toFlat(new Session().run(y, { x: [1.5, 2] }))).toEqual([3, 4]);
  });

  it('infers shapes at build time, with unknown dimensions kept', () => {
    const x = placeholder('x', [null, 3]);
    expect(add(x, placeholder('b', [3])).shape).toEqual([null, 3]);
    expect(sum(x, { axes: 1, keepDims: true }).shape).toEqual([null, 1]);
  });

  it('refuses mixed dtypes, naming the op, the node and both types', () => {
    const a = placeholder('a', [2]);
    const b = placeholder('b', [2], { dtype: 'float64' });
    expect(() => add(a, b, { name: 'mixed' })).toThrow("add 'mixed': dtypes differ: float32 [2] vs float64 [2]");
  });

  it('refuses shapes that do not broadcast, naming the op, the node and the shapes', () => {
    expect(() => mul(placeholder('a', [2, 3]), placeholder('b', [4]), { name: 'prod' })).toThrow("mul 'prod': shapes do not broadcast: [2,3] vs [4]");
  });

  it('names the node when an axis is out of range or repeated', () => {
    const x = placeholder('x', [2, 3]);
    expect(() => sum(x, { axes: 2, name: 'total' })).toThrow("sum 'total': axis 2 is out of range [-2, 2) for [2,3]");
    expect(() => expandDims(x, 5, { name: 'wide' })).toThrow("expandDims 'wide': axis 5 is out of range [-3, 3) for rank 3");
    expect(() => squeeze(x, { axes: 0, name: 'thin' })).toThrow("squeeze 'thin': axis 0 of [2,3] has size 2, not 1");
  });

  it('says which input is not a node', () => {
    expect(() => add(placeholder('x', [1]), [1, 2] as never, { name: 'bad' })).toThrow("add 'bad': input 1 is an array (wrap it in constant()), expected a Node or a number");
  });

  it('makes nodes immutable', () => {
    const y = add(placeholder('x', [1]), 1);
    expect(Object.isFrozen(y)).toBe(true);
    expect(() => {
      (y as { name: string }).name = 'other';
    }).toThrow();
  });
});
