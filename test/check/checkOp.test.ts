import { describe, expect, it } from 'vitest';
import { checkOp, OpCheckError } from '../../src/check/checkOp.js';
import { apply, FLOATS, sameDType } from '../../src/graph/apply.js';
import { GradientError, gradients } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { defineOp } from '../../src/graph/op.js';
import { broadcastShapes, ShapeError } from '../../src/graph/shape.js';
import { toFlat } from '../../src/graph/tensor.js';
import { map1, map2 } from '../../src/kernels/elementwise.js';
import { addTangents, sumTo } from '../../src/ops/broadcast.js';
import { cast } from '../../src/ops/cast.js';
import { div } from '../../src/ops/div.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { square } from '../../src/ops/square.js';
import { stopGradient } from '../../src/ops/identity.js';

/** x^3 with a backward that multiplies by `k` x^2: right for k = 3. */
const cube = (k: number) =>
  defineOp({
    name: k === 3 ? 'cube' : 'badCube',
    infer: ([x]) => ({ shape: x.shape, dtype: sameDType([x], FLOATS) }),
    forward: ([x], out) => map1(out, x, (v) => v * v * v),
    backward: (grad, { inputs: [x] }) => [mul(grad, mul(k, square(x)))],
    jvp: ([dx], { inputs: [x] }) => mul(dx!, mul(3, square(x))),
  });

/** sqrt(a^2 + b^2), broadcasting.  d = (a da + b db) / out */
const Hypot = defineOp({
  name: 'hypot',
  broadcast: true,
  infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b], FLOATS) }),
  forward: ([a, b], out) => map2(out, a, b, Math.hypot),
  backward: (grad, out) => {
    const [a, b] = out.inputs;
    return [sumTo(mul(grad, div(a, out)), a), sumTo(mul(grad, div(b, out)), b)];
  },
  jvp: ([da, db], out) => {
    const [a, b] = out.inputs;
    const t = addTangents(da && mul(a, da), db && mul(b, db));
    return t && div(t, out);
  },
});

/** Row sums of a matrix, its kernel looping over the rows; the rule wrongly says one per column. */
const BadRowSum = defineOp({
  name: 'badRowSum',
  infer: ([x]) => {
    if (x.shape.length !== 2) throw new ShapeError('needs a matrix');
    return { shape: [x.shape[1]], dtype: x.dtype };
  },
  forward: ([x], out) => {
    const o = out.data as Float64Array;
    for (let i = 0; i < x.shape[0]; i++) {
      let s = 0;
      for (let j = 0; j < x.shape[1]; j++) s += x.get(i, j);
      o[out.offset + i] = s;
    }
  },
  backward: (grad, { inputs: [x] }) => [mul(grad, x)],
});

const v = (data: number[], shape = [data.length]) => ({ data: Float64Array.from(data), shape });

describe('checkOp', () => {
  it('passes a correct op and reports the worst error per input and mode', () => {
    const r = checkOp(cube(3), [{ inputs: [v([0.5, -1.2, 2])] }, { name: 'matrix', inputs: [v([1, 2, 3, 4], [2, 2])], expected: [[1, 8], [27, 64]] }]);
    expect(r.ok).toBe(true);
    expect(r.op).toBe('cube');
    expect(r.cases.map((c) => c.name)).toEqual(['[3]', 'matrix']);
    expect(r.cases[1].shape).toEqual({ inferred: [2, 2], runtime: [2, 2], kernelWrote: 4 });
    expect(r.worst.map((w) => `${w.input} ${w.mode}`)).toEqual(['x0 reverse', 'x0 forward']);
    for (const w of r.worst) expect(w.score).toBeLessThan(1e-7);
    expect(r.summary).toMatch(/^checkOp cube: 2 case\(s\), all passed/);
  });

  it('checks every input of a broadcasting op', () => {
    const r = checkOp(Hypot, [{ inputs: [v([1, -2, 3, 0.5, 2, -1], [2, 3]), v([0.7, 1.5, -2])] }]);
    expect(r.ok).toBe(true);
    expect(r.cases[0].inputs.map((i) => `${i.input} ${i.mode}`)).toEqual(['x0 reverse', 'x0 forward', 'x1 reverse', 'x1 forward']);
  });

  it('checks the rule on unknown static dimensions', () => {
    const r = checkOp(Hypot, [{ inputs: [v([1, -2, 3, 0.5, 2, -1], [2, 3]), v([0.7, 1.5, -2])], staticShapes: [[null, 3]] }]);
    expect(r.ok).toBe(true);
    expect(r.cases[0].shape).toMatchObject({ inferred: [null, 3], runtime: [2, 3] });
  });

  it('feeds int32 inputs without differentiating them', () => {
    /** x scaled by an integer count k.  d = k dx */
    const Scale = defineOp({
      name: 'scale',
      infer: ([x]) => ({ shape: x.shape, dtype: x.dtype }),
      forward: ([x, k], out) => map1(out, x, (a) => a * k.get()),
      backward: (grad, { inputs: [, k] }) => [mul(grad, cast(k, 'float64')), null],
      jvp: ([dx], { inputs: [, k] }) => dx && mul(dx, cast(k, 'float64')),
    });
    const r = checkOp(Scale, [{ inputs: [v([0.5, -1]), 3], dtypes: ['float64', 'int32'], expected: [1.5, -3] }]);
    expect(r.ok).toBe(true);
    expect(r.worst.map((w) => `${w.input} ${w.mode}`)).toEqual(['x0 reverse', 'x0 forward']);
  });

  it('catches a wrong backward, while the right jvp passes, and can throw a readable error', () => {
    const cases = [{ inputs: [v([0.5, -1.2, 2])] }];
    const r = checkOp(cube(2), cases);
    expect(r.ok).toBe(false);
    const [rev, fwd] = r.cases[0].inputs;
    expect(rev.mode).toBe('reverse');
    // Backward gives 2x^2 where 3x^2 is right: the worst element is x = 2, off by 4 * (its output weight).
    expect(rev.index).toBe(2);
    expect(rev.absError / Math.abs(rev.numeric)).toBeCloseTo(1 / 3, 6);
    expect(fwd.score).toBeLessThan(1e-7);
    expect(r.cases[0].problems).toEqual([expect.stringMatching(/^backward is wrong for input 0 \(x0\)/)]);
    expect(() => checkOp(cube(2), cases, { throwOnFailure: true })).toThrow(OpCheckError);
    expect(() => checkOp(cube(2), cases, { throwOnFailure: true })).toThrow(/checkOp badCube: 1 case\(s\), 1 failed\n {2}FAIL \[3\]/);
  });

  it('catches a shape rule smaller than what the kernel writes', () => {
    const r = checkOp(BadRowSum, [{ inputs: [v([1, 2, 3, 4, 5, 6], [3, 2])] }]);
    expect(r.ok).toBe(false);
    expect(r.cases[0].problems[0]).toBe(
      'the kernel wrote 1 element(s) past the end of its [2] output (2 elements): the shape rule is smaller than what the kernel produces',
    );
  });

  it('catches a shape rule larger than what the kernel writes', () => {
    const r = checkOp(BadRowSum, [{ inputs: [v([1, 2, 3, 4, 5, 6], [2, 3])] }]);
    expect(r.cases[0].problems[0]).toMatch(/left 1 of the 3 elements of its \[3\] output unwritten: the shape rule is larger/);
    expect(r.cases[0].shape.kernelWrote).toBe(2);
  });

  it('catches a wrong shape through the expected value', () => {
    const r = checkOp(BadRowSum, [{ inputs: [v([1, 2, 3, 4], [2, 2])], expected: [[3], [7]] }]);
    expect(r.cases[0].problems).toEqual(['the output has shape [2] but the expected value has [2,1]']);
  });

  it('catches a kernel that accumulates into its output', () => {
    const Acc = defineOp({
      name: 'accumulates',
      infer: ([x]) => x,
      forward: ([x], out) => map2(out, out, x, (o, a) => o + a),
      backward: (grad) => [grad],
    });
    const r = checkOp(Acc, [{ inputs: [v([1, 2])] }]);
    expect(r.cases[0].problems).toEqual([
      "2 output element(s) depend on the output buffer's previous contents: a kernel must overwrite every element, not accumulate into it",
    ]);
  });

  it('catches wrong values against the expected output', () => {
    const r = checkOp(cube(3), [{ inputs: [v([1, 2])], expected: [1, 9] }]);
    expect(r.cases[0].problems).toEqual(['output element [1] is 8, expected 9']);
  });

  it('catches a view whose shape differs from the rule', () => {
    const FirstRow = defineOp({
      name: 'firstRow',
      infer: ([x]) => ({ shape: [x.shape[0]], dtype: x.dtype }),
      view: ([x]) => x.pick(0, null),
      backward: (grad) => [grad],
    });
    const r = checkOp(FirstRow, [{ inputs: [v([1, 2, 3, 4, 5, 6], [2, 3])] }], { mode: 'none' });
    expect(r.cases[0].problems).toEqual(['the view has shape [3] but the shape rule gives [2]']);
  });

  it('reports an op without a backward by the op and its node', () => {
    const NoGrad = defineOp({
      name: 'noGrad',
      infer: ([x]) => x,
      forward: ([x], out) => map1(out, x, Math.sin),
      jvp: ([dx], { inputs: [x] }) => mul(dx!, x),
    });
    const r = checkOp(NoGrad, [{ inputs: [v([0.5])] }]);
    expect(r.cases[0].problems[0]).toMatch(/^backward for input 0 \(x0\) failed: gradients: noGrad 'noGrad_\d+' has no backward rule/);
    // jvp is checked on its own, and is wrong here (x dx instead of cos(x) dx).
    expect(r.cases[0].problems[1]).toMatch(/^jvp is wrong for input 0/);
  });

  it('checks an op composed of other ops, given as a builder', () => {
    const swish = (x: Node) => mul(x, sigmoid(x));
    const r = checkOp(swish, [{ inputs: [v([-2, 0.3, 1.7])], expected: (xs) => v(toFlat(xs[0]).map((a) => a / (1 + Math.exp(-a)))) }]);
    expect(r.op).toBe('swish');
    expect(r.ok).toBe(true);
    expect(r.cases[0].shape.kernelWrote).toBe(-1);
  });

  it('checks the kernel of every node of the op inside the graph a case builds, on the values reaching it', () => {
    const r = checkOp(cube(3), [{ name: 'between ops', inputs: [v([0.5, -1.2, 2]), v([1, 2, 3])], build: (a, b) => mul(apply(cube(3), [mul(a, b)]), a) }]);
    expect(r.cases[0].problems).toEqual(["the case's graph has no 'cube' node"]);
    const Cube = cube(3);
    const ok = checkOp(Cube, [{ inputs: [v([0.5, -1.2, 2]), v([1, 2, 3])], build: (a, b) => mul(apply(Cube, [mul(a, b)]), apply(Cube, [a])) }]);
    expect(ok.ok).toBe(true);
    expect(ok.cases[0].shape.kernelWrote).toBe(6);
    expect(ok.worst.map((w) => `${w.input} ${w.mode}`)).toEqual(['x0 reverse', 'x0 forward', 'x1 reverse', 'x1 forward']);
    const bad = checkOp(BadRowSum, [{ inputs: [v([1, 2, 3, 4, 5, 6], [2, 3])], build: (x) => mul(apply(BadRowSum, [x]), 2) }]);
    expect(bad.cases[0].problems[0]).toMatch(/^the kernel left 1 of the 3 elements of its \[3\] output unwritten/);
  });

  it('takes attrs as a function of the input nodes, as a builder passes them to apply', () => {
    const Scaled = defineOp<{ k: number }>({
      name: 'scaled',
      infer: ([x]) => x,
      forward: ([x], out, { k }) => map1(out, x, (a) => k * a),
      backward: (grad, { attrs: { k } }) => [mul(grad, k)],
      jvp: ([dx], { attrs: { k } }) => dx && mul(dx, k),
    });
    const r = checkOp(Scaled, [{ inputs: [v([1, 2, 3])], attrs: ([x]) => ({ k: x.shape[0]! }), expected: [3, 6, 9] }]);
    expect(r.ok).toBe(true);
  });

  it('catches a plan-bound kernel that disagrees with forward', () => {
    const Drift = defineOp({
      name: 'drift',
      infer: ([x]) => x,
      forward: ([x], out) => map1(out, x, (a) => 2 * a),
      bind: ([x], out) => () => map1(out, x, (a) => 2 * a + 1e-3),
      backward: (grad) => [mul(grad, 2)],
    });
    const r = checkOp(Drift, [{ inputs: [v([1, 2])] }], { mode: 'none' });
    expect(r.cases[0].problems).toEqual([expect.stringMatching(/^output element \[0\] is 2, but the session's value of drift 'drift_\d+' is 2.001$/)]);
  });

  it('checks that a derivative zero by design is zero', () => {
    const ok = checkOp(cube(3), [{ inputs: [v([0.5, 2])], build: (x) => mul(stopGradient(apply(cube(3), [x])), 1), zeroDerivative: true }]);
    expect(ok.cases[0].problems).toEqual(["the case's graph has no 'cube' node"]);
    const Cube = cube(3);
    expect(checkOp(Cube, [{ inputs: [v([0.5, 2])], build: (x) => stopGradient(apply(Cube, [x])), zeroDerivative: true }]).ok).toBe(true);
    const r = checkOp(Cube, [{ inputs: [v([0.5, 2])], zeroDerivative: true }]);
    expect(r.cases[0].problems).toEqual([
      'backward for input 0 (x0) is 0.75 at [0], not zero',
      'jvp for input 0 (x0) is 0.75 at [0], not zero',
    ]);
  });

  it('names a case whose node cannot be built', () => {
    const r = checkOp(BadRowSum, [{ inputs: [v([1, 2, 3])] }]);
    expect(r.cases[0].problems).toEqual(["building the node failed: badRowSum 'badRowSum_" + r.cases[0].problems[0].match(/_(\d+)'/)![1] + "': needs a matrix"]);
  });
});

describe('an op without a backward', () => {
  it('fails a gradient request with an error naming the op and the node', () => {
    const NoGrad = defineOp({ name: 'noGrad', infer: ([x]) => x, forward: ([x], out) => map1(out, x, Math.sin) });
    const x = placeholder('x', [2], { dtype: 'float64' });
    const y = apply(NoGrad, [x], {}, 'wave');
    expect(() => gradients(y, [x])).toThrow(GradientError);
    expect(() => gradients(y, [x])).toThrow("gradients: noGrad 'wave' has no backward rule, and a gradient must flow through it");
  });

  it('is fine where no gradient has to flow through it', () => {
    const NoGrad = defineOp({ name: 'noGrad', infer: ([x]) => x, forward: ([x], out) => map1(out, x, Math.sin) });
    const x = placeholder('x', [2], { dtype: 'float64' });
    const w = placeholder('w', [2], { dtype: 'float64' });
    expect(() => gradients(mul(apply(NoGrad, [x]), w), [w])).not.toThrow();
  });
});
