import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/graph/apply.js';
import { defineOp } from '../../src/graph/op.js';
import { Session } from '../../src/session/session.js';
import { toFlat, toNested } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { assign, assignAdd, assignSub } from '../../src/ops/assign.js';
import { group } from '../../src/ops/group.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { variable } from '../../src/ops/variable.js';
import * as init from '../../src/init/initializers.js';
import { exp } from '../../src/ops/exp.js';

describe('Session.run', () => {
  it('returns values shaped like the fetches: one node, an array, a record', () => {
    const x = placeholder('x', [2]);
    const y = mul(x, 2);
    const s = new Session();
    expect(toFlat(s.run(y, { x: [1, 2] }))).toEqual([2, 4]);
    const [a, b] = s.run([x, y], { x: [1, 2] });
    expect([toFlat(a), toFlat(b)]).toEqual([[1, 2], [2, 4]]);
    const r = s.run({ input: x, doubled: y }, { x: [3, 4] });
    expect(toFlat(r.doubled)).toEqual([6, 8]);
    expect(Object.keys(r)).toEqual(['input', 'doubled']);
  });

  it('accepts feeds keyed by node (Map or pairs) and by placeholder name', () => {
    const x = placeholder('x', [2]);
    const y = add(x, 1);
    const s = new Session();
    expect(toFlat(s.run(y, new Map([[x, [1, 2]]])))).toEqual([2, 3]);
    expect(toFlat(s.run(y, [[x, [5, 6]]]))).toEqual([6, 7]);
    expect(toFlat(s.run(y, { x: [7, 8] }))).toEqual([8, 9]);
  });

  it('accepts ndarrays, typed arrays with a shape, nested arrays and scalars as feeds', () => {
    const x = placeholder('x', [2, 2], { dtype: 'float64' });
    const y = sum(x);
    const s = new Session();
    expect(toFlat(s.run(y, { x: ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]) }))).toEqual([10]);
    expect(toFlat(s.run(y, { x: { data: new Float64Array([1, 1, 1, 1]), shape: [2, 2] } }))).toEqual([4]);
    expect(toFlat(s.run(y, { x: [[1, 2], [3, 5]] }))).toEqual([11]);
    const z = placeholder('z', []);
    expect(toFlat(s.run(mul(z, 3), { z: 2 }))).toEqual([6]);
  });

  it('runs only the ancestors of the fetches, each node once', () => {
    let calls = 0;
    const Counted = defineOp({
      name: 'counted',
      infer: ([x]) => x,
      forward: ([x], out) => {
        calls++;
        (out.data as Float32Array).set(x.data as Float32Array);
      },
    });
    const x = placeholder('x', [1]);
    const c = apply(Counted, [x]);
    const y = add(c, c);
    const unrelated = apply(Counted, [x]);
    const s = new Session();
    s.run([y, c], { x: [1] });
    expect(calls).toBe(1);
    void unrelated;
  });

  it('lets a feed override an intermediate node, cutting the graph above it', () => {
    const x = placeholder('x', [2]);
    const h = mul(x, 10);
    const y = add(h, 1);
    const s = new Session();
    // x is not fed: h's feed makes it unnecessary
    expect(toFlat(s.run(y, new Map([[h, [1, 2]]])))).toEqual([2, 3]);
  });

  it('gives identical results on repeated runs', () => {
    const x = placeholder('x', [null, 3]);
    const w = variable('w', init.glorotUniform([3, 2]));
    const y = exp(matmul(x, w));
    const s = new Session({ seed: 7 });
    const feed = { x: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]] };
    const first = toFlat(s.run(y, feed));
    for (let i = 0; i < 5; i++) expect(toFlat(s.run(y, feed))).toEqual(first);
    expect(toFlat(new Session({ seed: 7 }).run(y, feed))).toEqual(first);
    expect(toFlat(new Session({ seed: 8 }).run(y, feed))).not.toEqual(first);
  });

  it('compiles a plan once per fetches and feed shapes, then reuses it without shape inference', () => {
    let infers = 0;
    const Traced = defineOp({
      name: 'traced',
      infer: ([x]) => {
        infers++;
        return x;
      },
      forward: ([x], out) => (out.data as Float32Array).set(x.data as Float32Array),
    });
    const x = placeholder('x', [null]);
    const y = apply(Traced, [x]);
    const s = new Session();
    const atBuild = infers;
    s.run(y, { x: [1, 2] });
    expect(infers).toBe(atBuild + 1);
    s.run(y, { x: [3, 4] });
    s.run(y, { x: [5, 6] });
    expect(infers).toBe(atBuild + 1);
    s.run(y, { x: [1, 2, 3] });
    expect(infers).toBe(atBuild + 2);
  });

  it('returns fresh arrays that later runs do not overwrite', () => {
    const x = placeholder('x', [1]);
    const y = mul(x, 2);
    const s = new Session();
    const a = s.run(y, { x: [1] });
    s.run(y, { x: [5] });
    expect(toFlat(a)).toEqual([2]);
  });
});

describe('Session feed checks', () => {
  const x = placeholder('xin', [null, 3]);
  const w = variable('wcheck', init.zeros([3, 1]));
  const loss = sum(matmul(x, w, { name: 'logits' }), { name: 'loss' });

  it('names the missing placeholder and the fetch that needs it', () => {
    expect(() => new Session().run(loss)).toThrow("missing feed for placeholder 'xin' [null,3] float32, needed by fetch sum 'loss'");
  });

  it('names both shapes when a feed has the wrong shape', () => {
    expect(() => new Session().run(loss, { xin: [[1, 2, 3, 4]] })).toThrow("feed for placeholder 'xin': shape [1,4] does not match [null,3]");
  });

  it('names both dtypes when a feed has the wrong dtype', () => {
    const bad = { data: new Float64Array(3), shape: [1, 3] };
    expect(() => new Session().run(loss, { xin: bad })).toThrow("feed for placeholder 'xin': dtype float64 does not match float32");
  });

  it('rejects an unknown feed key', () => {
    expect(() => new Session().run(loss, { xin: [[1, 2, 3]], nosuch: 1 })).toThrow("unknown feed key 'nosuch': no placeholder has that name");
  });

  it('rejects a ragged nested array, saying where', () => {
    expect(() => new Session().run(loss, { xin: [[1, 2, 3], [4, 5]] })).toThrow(/ragged nested array at \[1\]: length 2, expected length 3/);
  });

  it('rejects a fetch that is not a node', () => {
    expect(() => new Session().run([loss, 3 as never])).toThrow('run: fetch 1 is number, not a Node');
  });
});

describe('Session variables', () => {
  it('initialises from the initializer on first use, reproducibly by seed and name', () => {
    const v = variable('v_init', init.uniform([4], { min: 0, max: 1 }));
    const a = new Session({ seed: 3 }).getValue(v);
    const b = new Session({ seed: 3 }).getValue(v);
    expect(toFlat(a)).toEqual(toFlat(b));
    expect(toFlat(a).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('can be read and set by the user; setValue checks the shape', () => {
    const v = variable('v_set', [1, 2, 3]);
    const s = new Session();
    s.setValue(v, [4, 5, 6]);
    expect(toFlat(s.run(v))).toEqual([4, 5, 6]);
    expect(() => s.setValue(v, [1, 2])).toThrow("setValue 'v_set': shape [2] does not match [3]");
  });

  it('sees start-of-run values in every read; assigns take effect at the end of the run', () => {
    const v = variable('v_run', [1]);
    const inc = assignAdd(v, 10);
    const read = mul(v, 1);
    const s = new Session();
    const [before, newValue] = s.run([read, inc]);
    expect(toFlat(before)).toEqual([1]);
    expect(toFlat(newValue)).toEqual([11]);
    expect(toFlat(s.run(v))).toEqual([11]);
  });

  it('applies two assigns to one variable in plan (topological) order: the later one wins', () => {
    const v = variable('v_order', [0]);
    const first = assign(v, 5);
    const second = assignSub(v, 1);
    const s = new Session();
    s.run(group([first, second]));
    // both read v = 0 at the start; `second` comes later in the plan
    expect(toFlat(s.run(v))).toEqual([-1]);
  });

  it('refuses two variables with one name in a session', () => {
    const a = variable('dup', [1]);
    const b = variable('dup', [2]);
    const s = new Session();
    s.getValue(a);
    expect(() => s.run(add(a, b))).toThrow("two variables are named 'dup'");
  });

  it('rejects assigning a value of the wrong shape at build time', () => {
    const v = variable('v_shape', init.zeros([2, 2]));
    expect(() => assign(v, placeholder('p', [3]), { name: 'upd' })).toThrow("assign 'upd': value shape [3] does not match variable shape [2,2]");
  });

  it('keeps nested values', () => {
    const v = variable('v_nested', [[1, 2], [3, 4]], { dtype: 'float64' });
    expect(toNested(new Session().getValue(v))).toEqual([[1, 2], [3, 4]]);
  });
});
