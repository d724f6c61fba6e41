/** toOnnx's options and its errors on bad input. */
import { describe, expect, it } from 'vitest';
import { add, assign, assignAdd, group, mul, placeholder, Session, sum, toFlat, variable } from '../../src/index.js';
import { toOnnx, toOnnxModel } from '../../src/onnx/index.js';
import { fromOnnx } from '../../src/onnx/index.js';

describe('toOnnx', () => {
  it('orders the graph inputs as `inputs` says, keeps unknown dims symbolic, and names outputs by record keys', () => {
    const a = placeholder('opt/a', [null, 2]);
    const b = placeholder('opt/b', [2]);
    const m = toOnnxModel({ total: add(a, b) }, { inputs: [b, a] });
    expect(m.graph!.input!.map((i) => i.name)).toEqual(['opt/b', 'opt/a']);
    expect(m.graph!.input![1].type!.tensorType!.shape!.dim).toEqual([{ dimParam: 'opt/a:0' }, { dimValue: 2 }]);
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['total']);
    expect(m.opsetImport).toEqual([{ domain: '', version: 18 }]);
  });

  it('refuses inputs that leave out a placeholder the fetches need, or that are not placeholders', () => {
    const a = placeholder('opt/c', [2]), b = placeholder('opt/d', [2]);
    const v = variable('opt/v', [1, 2]);
    expect(() => toOnnx(add(a, b), { inputs: [a] })).toThrow("toOnnx: the fetches need placeholder 'opt/d', missing from inputs");
    expect(() => toOnnx(add(a, v), { inputs: [a, v] })).toThrow("toOnnx: input variable 'opt/v' is not a placeholder");
  });

  it('refuses two updates of one variable, and an op that reads a group', () => {
    const x = placeholder('opt/x', [2]);
    const v = variable('opt/w', [0, 0]);
    expect(() => toOnnx(group([assign(v, x, { name: 'first' }), assign(v, mul(x, 2), { name: 'second' })]))).toThrow(
      "toOnnx: variable 'opt/w' is assigned twice (assign 'second' and assign 'first'); export one update per variable",
    );
    const g = group([assign(v, x)]);
    expect(() => toOnnx(add(sum(x), sum(g)))).toThrow(/reads a group, which has no value in ONNX/);
  });

  it('keeps user metadata apart from its own record', () => {
    const x = placeholder('opt/m', [1]);
    expect(fromOnnx(toOnnx(x, { metadata: { note: 'hi' } })).metadata).toEqual({ note: 'hi' });
    expect(() => toOnnx(x, { metadata: { dagrad: 'mine' } })).toThrow("toOnnx: metadata key 'dagrad' is dagrad's own record");
  });

  it("bakes variables in as initializers by default, or makes them inputs with `variables: 'inputs'`", () => {
    const x = placeholder('opt/y', [2]);
    const v = variable('opt/u', [3, 4]);
    const session = new Session();
    session.setValue(v, [5, 6]);
    const baked = toOnnxModel(mul(x, v), { session });
    expect(baked.graph!.input!.map((i) => i.name)).toEqual(['opt/y']);
    expect(baked.graph!.initializer!.find((t) => t.name === 'opt/u')!.dims).toEqual([2]);
    const open = toOnnxModel(mul(x, v), { session, variables: 'inputs' });
    expect(open.graph!.input!.map((i) => i.name)).toEqual(['opt/y', 'opt/u']);
    expect(open.graph!.initializer!.map((t) => t.name)).toContain('opt/u:init');
    const back = fromOnnx(toOnnx(mul(x, v), { session })).variables['opt/u'];
    expect(toFlat(new Session().getValue(back))).toEqual([5, 6]);
  });
});

describe('toOnnx output names', () => {
  it('names outputs by record keys even when a node elsewhere has that name, and refuses a key that is an input', () => {
    const x = placeholder('names/x', [2]);
    const y = mul(x, 2, { name: 'y' });
    const m = toOnnxModel({ y: add(y, 1), z: y });
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['y', 'z']);
    expect(() => toOnnx({ 'names/x': mul(x, 3) })).toThrow("toOnnx: output 'names/x' has the name of an input, a variable or a variable's update; choose another key");
  });
});

describe('toOnnx state updates', () => {
  it('exports an assign the fetches reach through other ops, not only through a group', async () => {
    const x = placeholder('reach/x', [2]);
    const v = variable('reach/v', [1, 1]);
    const y = mul(assignAdd(v, x), 2);
    const m = toOnnxModel(y);
    expect(m.graph!.output!.map((o) => o.name).sort()).toEqual(['reach/v:new', y.name].sort());
  });
});
