import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/check/gradcheck.js';
import { apply } from '../../src/graph/apply.js';
import { defineOp } from '../../src/graph/op.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { exp } from '../../src/ops/exp.js';
import { variable } from '../../src/ops/variable.js';
import { map1 } from '../../src/kernels/elementwise.js';

/** x^3 with a deliberately wrong derivative (2x^2 instead of 3x^2) in both modes. */
const WrongCube = defineOp({
  name: 'wrongCube',
  infer: ([x]) => x,
  forward: ([x], out) => map1(out, x, (v) => v * v * v),
  backward: (grad, { inputs: [x] }) => [mul(grad, mul(mul(x, x), 2))],
  jvp: ([dx], { inputs: [x] }) => mul(dx!, mul(mul(x, x), 2)),
});

describe('gradcheck', () => {
  it('passes a correct derivative with errors far below the tolerance', () => {
    const x = placeholder('x', [3], { dtype: 'float64' });
    const r = gradcheck(exp(mul(x, x)), [x], { x: [0.1, -0.5, 0.9] });
    expect(r.ok).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-7);
    expect(r.inputs.map((i) => i.mode)).toEqual(['reverse', 'forward']);
  });

  it('catches a wrong backward and a wrong jvp, and says where', () => {
    const x = placeholder('x', [2], { dtype: 'float64' });
    const r = gradcheck(apply(WrongCube, [x]), [x], { x: [1, 2] });
    expect(r.ok).toBe(false);
    const rev = r.inputs.find((i) => i.mode === 'reverse')!;
    // d/dx x^3 at the worst point: numeric 3x^2, analytic 2x^2, weighted by a random factor
    expect(Math.abs(rev.analytic / rev.numeric - 2 / 3)).toBeLessThan(1e-6);
    expect(r.inputs.find((i) => i.mode === 'forward')!.score).toBeGreaterThan(0.1);
    expect(r.summary).toMatch(/reverse d\/dx/);
  });

  it('checks variables at their session values', () => {
    const w = variable('gc_w', [0.3, -0.2], { dtype: 'float64' });
    const x = placeholder('x', [2], { dtype: 'float64' });
    const r = gradcheck(mul(exp(w), x), [w, x], { x: [1, 2] });
    expect(r.ok).toBe(true);
    expect(r.inputs.filter((i) => i.mode === 'reverse').map((i) => i.input)).toEqual(['gc_w', 'x']);
  });

  it('refuses float32: derivatives are checked in float64', () => {
    const x = placeholder('x', [2]);
    expect(() => gradcheck(exp(x), [x], { x: [1, 2] })).toThrow("gradcheck: exp 'exp_");
  });
});
