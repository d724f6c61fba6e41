import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/graph/node.js';
import { toFlat } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { div } from '../../src/ops/div.js';
import { exp } from '../../src/ops/exp.js';
import { mul } from '../../src/ops/mul.js';
import { neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { variable } from '../../src/ops/variable.js';
import { formatTrace } from '../../src/trace/format.js';
import { adjointTrace, forwardTrace, tangentTrace, type Trace } from '../../src/trace/trace.js';

/** f = 1 / (1 + exp(-(w0 + w1*x1 + w2*x2))) at a fixed point. */
function founding() {
  const [w0, w1, w2, x1, x2] = ['w0', 'w1', 'w2', 'x1', 'x2'].map((n) => placeholder(n, [], { dtype: 'float64' }));
  const f = div(1, add(1, exp(neg(add(add(w0, mul(w1, x1)), mul(w2, x2))))), { name: 'f' });
  const p = { w0: 0.5, w1: -1.2, w2: 0.8, x1: 2, x2: 1.5 };
  return { w0, w1, w2, x1, x2, f, p };
}

const table = (t: Trace) => t.rows.map((r) => [r.label, r.definition, r.value ? toFlat(r.value)[0] : null]);

describe('traces of the founding example', () => {
  const { x1, f, p } = founding();
  // By hand: z = w0 + w1 x1 + w2 x2 = 0.5 - 2.4 + 1.2 = -0.7, e = exp(0.7), s = 1 / (1 + e).
  const z = p.w0 + p.w1 * p.x1 + p.w2 * p.x2;
  const e = Math.exp(-z), s = 1 / (1 + e), ds = s * (1 - s);

  it('the forward trace lists inputs, then every intermediate with its definition and value', () => {
    const rows = table(forwardTrace(f, p));
    expect(rows.map(([l, d]) => `${l} = ${d}`)).toEqual([
      'v₋₄ = w0', 'v₋₃ = w1', 'v₋₂ = x1', 'v₋₁ = w2', 'v₀ = x2',
      'v₁ = v₋₃ * v₋₂', 'v₂ = v₋₄ + v₁', 'v₃ = v₋₁ * v₀', 'v₄ = v₂ + v₃', 'v₅ = -v₄', 'v₆ = exp(v₅)', 'v₇ = 1 + v₆', 'v₈ = 1 / v₇',
    ]);
    const want = [0.5, -1.2, 2, 0.8, 1.5, -2.4, -1.9, 1.2, z, -z, e, 1 + e, s];
    rows.forEach(([, , v], i) => expect(v).toBeCloseTo(want[i], 14));
  });

  it('the tangent trace along x1 ends in df/dx1 = w1 s (1 - s)', () => {
    const rows = table(tangentTrace(f, p, [[x1, 1]]));
    expect(rows.map(([l, d]) => `${l} = ${d}`)).toEqual([
      'v̇₋₄ = 0', 'v̇₋₃ = 0', 'v̇₋₂ = 1', 'v̇₋₁ = 0', 'v̇₀ = 0',
      'v̇₁ = v₋₃ * v̇₋₂', 'v̇₂ = 0 + v̇₁', 'v̇₃ = 0', 'v̇₄ = v̇₂ + 0', 'v̇₅ = -v̇₄', 'v̇₆ = v̇₅ * v₆', 'v̇₇ = 0 + v̇₆', 'v̇₈ = -(v₈ * v̇₇ / v₇)',
    ]);
    const w1 = p.w1;
    const want = [0, 0, 1, 0, 0, w1, w1, 0, w1, -w1, -w1 * e, -w1 * e, w1 * ds];
    rows.forEach(([, , v], i) => expect(v).toBeCloseTo(want[i], 14));
  });

  it('the adjoint trace runs from f back to the inputs and ends in the whole gradient', () => {
    const rows = table(adjointTrace(f, p));
    expect(rows.map(([l, d]) => `${l} = ${d}`)).toEqual([
      'v̄₈ = 1', 'v̄₇ = -(v̄₈ / v₇ * v₈)', 'v̄₆ = v̄₇', 'v̄₅ = v̄₆ * v₆', 'v̄₄ = -v̄₅', 'v̄₃ = v̄₄', 'v̄₂ = v̄₄', 'v̄₁ = v̄₂',
      'v̄₀ = v̄₃ * v₋₁', 'v̄₋₁ = v̄₃ * v₀', 'v̄₋₂ = v̄₁ * v₋₃', 'v̄₋₃ = v̄₁ * v₋₂', 'v̄₋₄ = v̄₂',
    ]);
    // df/dz = s(1 - s); df/d(1 + e) = -s^2; df/de = -s^2; df/d(-z) = -s^2 e.
    const want = [1, -s * s, -s * s, -s * s * e, ds, ds, ds, ds, ds * p.w2, ds * p.x2, ds * p.w1, ds * p.x1, ds];
    rows.forEach(([, , v], i) => expect(v).toBeCloseTo(want[i], 14));
  });

  it('the tangent along a mixed direction is the directional derivative', () => {
    const { x1, x2, f } = founding();
    const t = tangentTrace(f, p, new Map<Node, number>([[x1, 1], [x2, -2]]));
    expect(toFlat(t.rows.at(-1)!.value!)[0]).toBeCloseTo(ds * (p.w1 - 2 * p.w2), 14);
  });

  it('refuses a direction on a node that is not an input of the trace', () => {
    expect(() => tangentTrace(f, p, [[founding().x1, 1]])).toThrow(/placeholder 'x1' in the direction is not one of the trace's inputs/);
  });
});

describe('traces of other graphs', () => {
  it('number given inputs in the given order and refuse a node outside the graph', () => {
    const a = placeholder('a', [], { dtype: 'float64' });
    const b = placeholder('b', [], { dtype: 'float64' });
    const y = mul(a, b);
    expect(forwardTrace(y, { a: 2, b: 3 }, { inputs: [b, a] }).rows.map((r) => `${r.label} = ${r.definition}`)).toEqual([
      'v₋₁ = b', 'v₀ = a', 'v₁ = v₀ * v₋₁',
    ]);
    expect(() => forwardTrace(y, { a: 2, b: 3 }, { inputs: [placeholder('c', [], { dtype: 'float64' })] })).toThrow(/placeholder 'c' is not part of the graph/);
  });

  it('sum fan-out contributions in the adjoint of an input used twice', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const y = add(mul(x, x), x); // dy/dx = 2x + 1
    const rows = adjointTrace(y, { x: 3 }).rows;
    expect(rows.at(-1)!.definition).toBe('v̄₂ + v̄₂ * v₀ + v̄₂ * v₀');
    expect(toFlat(rows.at(-1)!.value!)).toEqual([7]);
  });

  it('trace arrays and variables', () => {
    const w = variable('trace_w', { data: Float64Array.from([1, -2, 3]), shape: [3] });
    const x = placeholder('x', [3], { dtype: 'float64' });
    const y = sum(mul(w, x));
    const fwd = forwardTrace(y, { x: { data: Float64Array.from([4, 5, 6]), shape: [3] } });
    expect(toFlat(fwd.rows.find((r) => r.definition === 'v₋₁ * v₀')!.value!)).toEqual([4, -10, 18]);
    const adj = adjointTrace(y, { x: { data: Float64Array.from([4, 5, 6]), shape: [3] } });
    expect(toFlat(adj.rows.find((r) => r.node === x)!.value!)).toEqual([1, -2, 3]);
    expect(toFlat(adj.rows.find((r) => r.node === w)!.value!)).toEqual([4, 5, 6]);
  });
});

describe('formatTrace', () => {
  it('prints an aligned table with a title', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const y = add(mul(x, x), x, { name: 'y' });
    expect(formatTrace(forwardTrace(y, { x: 3 }), { digits: 2 })).toBe(
      [
        'Forward evaluation trace of y',
        '  definition    value  op',
        '  ------------  -----  -----------',
        '  v₀ = x         3.00  placeholder',
        '  v₁ = v₀ * v₀   9.00  mul',
        '  v₂ = v₁ + v₀  12.00  add',
      ].join('\n'),
    );
  });

  it('aligns labels with combining marks and subscripts by what the eye sees', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const w = placeholder('w', [], { dtype: 'float64' });
    const lines = formatTrace(tangentTrace(mul(w, x), { x: 3, w: 2 }, [[x, 1]])).split('\n');
    expect(lines.slice(3)).toEqual([
      '  v̇₋₁ = 0         0.000000  placeholder',
      '  v̇₀  = 1         1.000000  placeholder',
      '  v̇₁  = v₋₁ * v̇₀  2.000000  mul',
    ]);
  });
});
