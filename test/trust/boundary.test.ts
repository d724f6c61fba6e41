import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { add, assign, exp, gather, gradients, init, jvp, mul, placeholder, Session, sum, toFlat, variable, type Node } from '../../src/index.js';

describe('int32 feeds', () => {
  const i = placeholder('idx', [2], { dtype: 'int32' });
  const table = placeholder('table', [3, 1], { dtype: 'float64' });
  const picked = gather(table, i);
  const rows = [[10], [20], [30]];
  it('reject non-integers and out-of-range values in every input form, naming the placeholder', () => {
    const s = new Session();
    expect(toFlat(s.run(picked, { idx: [2, 0], table: rows }))).toEqual([30, 10]);
    for (const bad of [[1.9, 0], { data: [1.9, 0], shape: [2] }]) {
      expect(() => s.run(picked, { idx: bad as never, table: rows })).toThrow("feed for placeholder 'idx': 1.9 is not an integer, but the dtype is int32");
    }
    for (const bad of [[3e9, 0], { data: [3e9, 0], shape: [2] }]) {
      expect(() => s.run(picked, { idx: bad as never, table: rows })).toThrow("feed for placeholder 'idx': 3000000000 is outside the int32 range");
    }
    const scalar = placeholder('k', [], { dtype: 'int32' });
    expect(() => new Session().run(add(scalar, 1), { k: 2.5 })).toThrow("feed for placeholder 'k': 2.5 is not an integer");
    expect(() => new Session().run(add(scalar, 1), { k: -3e9 })).toThrow("feed for placeholder 'k': -3000000000 is outside the int32 range");
    expect(toFlat(new Session().run(add(scalar, 1), { k: 4 }))).toEqual([5]);
  });
});

describe('feed errors name the placeholder', () => {
  const x = placeholder('fx', [3]);
  const y = exp(x);
  it.each([
    [null, 'cannot make an array from null'],
    [undefined, 'cannot make an array from undefined'],
    [{}, 'cannot make an array from an object'],
    [new BigInt64Array(3), 'cannot make an array from a BigInt64Array'],
    [{ data: new BigInt64Array(3), shape: [3] }, 'data is a BigInt64Array, expected a Float32Array'],
    [{ data: new Float32Array(2), shape: [3] }, '2 values do not fill shape [3]'],
    [{ data: [1, 2, 3], shape: 'abc' }, 'shape string is not a list of integers >= 0'],
  ])('%s', (bad, message) => {
    const s = new Session();
    expect(() => s.run(y, { fx: bad as never })).toThrow(`feed for placeholder 'fx': ${message}`);
    s.run(y, { fx: [1, 2, 3] });
    expect(() => s.run(y, { fx: bad as never })).toThrow(`feed for placeholder 'fx': ${message}`);
  });
});

describe('public functions check their arguments', () => {
  const x = placeholder('ax', [3]);
  it('run, gradients, jvp and Session say what they expected', () => {
    expect(() => new Session().run(42 as never)).toThrow(new TypeError('run: fetches are a Node, an array of Nodes or a record of Nodes, not number'));
    expect(() => new Session().run(exp(x), 42 as never)).toThrow(new TypeError('run: feeds are a Map, an array of [key, value] pairs or a record, not number'));
    expect(() => gradients(sum(x), [3 as never])).toThrow(new TypeError('gradients: xs[0] is number, expected a Node'));
    expect(() => gradients(sum(x), x as never)).toThrow(new TypeError('gradients: xs is a bare Node (placeholder \'ax\'), expected an array of Nodes'));
    expect(() => gradients('y' as never, [x])).toThrow(new TypeError('gradients: ys is string, expected a Node or an array of Nodes'));
    expect(() => jvp(sum(x), [x], [7 as never])).toThrow(new TypeError('jvp: tangent 0 is number, expected a Node or null'));
    expect(() => new Session({ sed: 1 } as never)).toThrow(TypeError);
    expect(() => new Session({ sed: 1 } as never)).toThrow(/^Session: unknown option 'sed' \(expected one of seed, maxPlans, planMemory, checkpoint, arena, .*checkNumerics.*\)$/);
    expect(() => new Session({ seed: '1' } as never)).toThrow(new TypeError("Session: option 'seed' is string, expected a number"));
  });
});

describe('the graph', () => {
  it('reports a cycle made by mutating inputs, with the nodes on it', () => {
    const x = placeholder('cyc', [2]);
    const a = exp(x);
    const b = mul(a, 2);
    const c = add(b, 1);
    (a.inputs as Node[])[0] = c;
    expect(() => new Session().run(c)).toThrow(
      `the graph has a cycle: ${[c, b, a, c].map((n) => `${n.op.name} '${n.name}'`).join(' -> ')} (each reads the next as an input)`,
    );
    expect(() => gradients(c, [x])).toThrow('the graph has a cycle');
  });

  it('names the op, the shape and the bytes when memory cannot be had', () => {
    const big = placeholder('huge', [1e6, 1e6]);
    const y = exp(big, { name: 'e' });
    expect(() => new Session().plan(y, { huge: { data: new Float32Array(0), shape: [1e6, 0] } })).toThrow("shape [1000000,0] does not match [1000000,1000000]");
    const z = placeholder('huge2', [null, 1e6]);
    expect(() => new Session().plan(exp(z, { name: 'e2' }), new Map([[z, ndarray(new Float32Array(0), [1e6, 1e6], [0, 0])]]))).toThrow(
      /cannot allocate a plan of 8000000000000 bytes \(.*\); its largest buffer is (placeholder 'huge2'|exp 'e2') \[1000000,1000000\] float32, 4000000000000 bytes/,
    );
    expect(() => new Session().getValue(variable('hugev', init.zeros([1e6, 1e6])))).toThrow(
      /variable 'hugev' \[1000000,1000000\] float32: cannot allocate 4000000000000 bytes/,
    );
  });
});

describe('assign', () => {
  it('runs with the variable fed, on a fresh session', () => {
    const v = variable('vfed', [1, 2]);
    const s = new Session();
    expect(toFlat(s.run(assign(v, add(v, 1)), new Map([[v, [5, 6]]])))).toEqual([6, 7]);
    expect(toFlat(s.getValue(v))).toEqual([6, 7]);
  });
});
