import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { apply, defineOp, gradients, jvp, mul, placeholder, reshape, Session, sum, toFlat, type Node, type OpDef } from '../../src/index.js';
import { constant } from '../../src/graph/constant.js';

/** A custom elementwise double whose rules are replaced per test. */
function custom(over: Partial<OpDef>, name = 'dbl'): OpDef {
  return defineOp({
    name,
    infer: ([x]) => x,
    forward: ([x], out) => {
      for (let i = 0; i < out.size; i++) (out.data as Float64Array)[i] = 2 * (x.data as Float64Array)[x.offset + i];
    },
    backward: (g) => [mul(g, 2)],
    jvp: ([dx]) => (dx ? mul(dx, 2) : null),
    ...over,
  } as OpDef);
}
const f64 = (name: string, shape: (number | null)[] = [3]) => placeholder(name, shape, { dtype: 'float64' });

describe('backward rules are held to one entry per input', () => {
  it('refuses an empty list, a bare node, and two gradients for one input', () => {
    const x = f64('cx');
    for (const [backward, got] of [
      [() => [], '0 entries'],
      [(g: Node) => g, 'a bare Node'],
      [(g: Node) => [g, g], '2 entries'],
    ] as const) {
      const y = apply(custom({ backward: backward as never }), [x], {}, 'y1');
      expect(() => gradients(sum(y), [x])).toThrow(`gradients: the backward rule of dbl 'y1' returned ${got}`);
    }
    const y = apply(custom({ backward: () => [3 as never] }), [x], {}, 'y2');
    expect(() => gradients(sum(y), [x])).toThrow("gradients: the backward rule of dbl 'y2' returned number for input 0, expected a Node or null");
  });

  it('checks a gradient against its input at run time when dims were unknown at build time', () => {
    const x = f64('cu', [null]);
    const wrong = custom({ backward: (g: Node) => [reshape(constant([1, 2, 3, 4, 5, 6], { dtype: 'float64' }), [6]) ?? g] });
    const y = apply(wrong, [x], {}, 'y3');
    const [gx] = gradients(sum(y), [x]);
    expect(() => new Session().run(gx, { cu: [1, 2, 3] })).toThrow(
      "the gradient of dbl 'y3' for input 0 (placeholder 'cu') is [6], expected [3]",
    );
    // a right one passes, and its value is the rule's
    const [ok] = gradients(sum(apply(custom({}), [x], {}, 'y4')), [x]);
    expect(toFlat(new Session().run(ok, { cu: [1, 2, 3] }))).toEqual([2, 2, 2]);
  });
});

describe('jvp rules', () => {
  it('refuses a tangent of the wrong shape instead of broadcasting it', () => {
    const x = f64('jx');
    const y = apply(custom({ jvp: () => constant(1, { dtype: 'float64' }) }), [x], {}, 'y5');
    expect(() => jvp(y, [x], [constant([1, 1, 1], { dtype: 'float64' })])).toThrow("jvp: dbl 'y5' gave a [] float64 tangent for a [3] float64 output");
  });

  it('checks a tangent against its output at run time when dims were unknown', () => {
    const x = f64('ju', [null]);
    const y = apply(custom({ jvp: () => reshape(constant([1, 2, 3, 4], { dtype: 'float64' }), [4]) }), [x], {}, 'y6');
    const [t] = jvp(y, [x], [x]);
    expect(() => new Session().run(t, { ju: [1, 2] })).toThrow("the tangent of dbl 'y6' is [4], expected [2]");
  });
});

describe('errors thrown inside a rule name the op and the node', () => {
  it('in backward, jvp and the shape rule', () => {
    const x = f64('ex');
    const boom = () => {
      throw new Error('boom');
    };
    const y = apply(custom({ backward: boom, jvp: boom }), [x], {}, 'y7');
    expect(() => gradients(sum(y), [x])).toThrow("gradients: the backward rule of dbl 'y7' threw: boom");
    expect(() => jvp(y, [x], [x])).toThrow("jvp: the jvp rule of dbl 'y7' threw: boom");
    const undef = custom({ infer: ([x]: never[]) => ({ shape: (x as { nope: number[] }).nope.slice(), dtype: 'float64' }) } as never);
    expect(() => apply(undef, [x], {}, 'y8')).toThrow(/^dbl 'y8': the shape rule of op 'dbl' threw TypeError: Cannot read properties of undefined/);
    const badApply = custom({ backward: (g: Node) => [apply(custom({ infer: () => { throw new TypeError('inner'); } }, 'inner'), [g], {}, 'in1')] });
    expect(() => gradients(sum(apply(badApply, [x], {}, 'y9')), [x])).toThrow(
      "gradients: the backward rule of dbl 'y9' threw: TypeError: inner 'in1': the shape rule of op 'inner' threw TypeError: inner",
    );
  });
});

describe('shape rules are validated', () => {
  const x = f64('sx');
  it('refuses fractional and negative dims and an unknown dtype', () => {
    expect(() => apply(custom({ infer: () => ({ shape: [2.5], dtype: 'float64' }) }), [x], {}, 's1')).toThrow(
      "dbl 's1': the shape rule of op 'dbl' returned shape [2.5]; dims must be integers >= 0 or null",
    );
    expect(() => apply(custom({ infer: () => ({ shape: [-2], dtype: 'float64' }) }), [x], {}, 's2')).toThrow("returned shape [-2]");
    expect(() => apply(custom({ infer: () => ({ shape: [3], dtype: 'float16' as never }) }), [x], {}, 's3')).toThrow(
      "dbl 's3': the shape rule of op 'dbl' returned dtype float16; expected float32, float64 or int32",
    );
  });

  it('refuses a rule that answers differently at run time than at build time', () => {
    let calls = 0;
    const y = apply(custom({ infer: ([a]: { shape: number[]; dtype: string }[]) => ({ shape: calls++ === 0 ? a.shape : [7], dtype: a.dtype }) } as never), [x], {}, 's4');
    expect(() => new Session().run(y, { sx: [1, 2, 3] })).toThrow(
      "dbl 's4': the shape rule of op 'dbl' gave [7] float64 at run time, but [3] float64 when the node was built",
    );
  });

  it('refuses a view that does not have the declared shape', () => {
    const y = apply(custom({ view: ([a]: ndarray.NdArray[]) => ndarray(a.data, [1, 3]) } as never), [x], {}, 's5');
    expect(() => new Session().run(y, { sx: [1, 2, 3] })).toThrow("dbl 's5': the view of op 'dbl' has shape [1,3], but its shape rule says [3]");
  });
});
