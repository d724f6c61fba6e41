import { describe, expect, it } from 'vitest';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { constant } from '../../src/graph/constant.js';
import { exp } from '../../src/ops/exp.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { variable } from '../../src/ops/variable.js';
import { defineOp } from '../../src/graph/op.js';
import { apply } from '../../src/graph/apply.js';
import { stopGradient } from '../../src/ops/identity.js';

const f64 = (name: string, shape: (number | null)[] = []) => placeholder(name, shape, { dtype: 'float64' });
const run = (ys: Parameters<Session['run']>[0], feeds: Record<string, number | number[]>) =>
  new Session().run(ys as never, feeds) as unknown;
const flat = (x: unknown) => toFlat(x as never);

describe('gradients', () => {
  it('sums fan-out: b = a + a; c = b + b gives dc/da = 4', () => {
    const a = f64('a');
    const b = add(a, a);
    const c = add(b, b);
    const [g] = gradients(c, [a]);
    // g may not read a at all (simplified to a constant): fetch c too, so that a has a placeholder to go to
    expect(flat((run([g, c], { a: 3 }) as unknown[])[0])).toEqual([4]);
  });

  it('sums both paths of a diamond: y = exp(a) * (a + 1)', () => {
    const a = f64('a');
    const left = exp(a);
    const right = add(a, 1);
    const y = mul(left, right);
    const [g] = gradients(y, [a]);
    const x = 0.7;
    // d/da e^a (a+1) = e^a (a+1) + e^a = e^a (a+2)
    expect(flat(run(g, { a: x }))[0]).toBeCloseTo(Math.exp(x) * (x + 2), 12);
  });

  it('differentiates y = x1 + x2*x3*x1 with respect to each input', () => {
    const [x1, x2, x3] = [f64('x1'), f64('x2'), f64('x3')];
    const y = add(x1, mul(mul(x2, x3), x1));
    const gs = gradients(y, [x1, x2, x3]);
    const [g1, g2, g3] = (run(gs, { x1: 2, x2: 3, x3: 5 }) as never[]).map((v) => flat(v)[0]);
    expect(g1).toBe(1 + 3 * 5);
    expect(g2).toBe(5 * 2);
    expect(g3).toBe(3 * 2);
  });

  it('differentiates a gradient: y = x2*x2 + x2*x3, d/dx2 (dy/dx2) = 2 and d/dx3 (dy/dx2) = 1', () => {
    const [x2, x3] = [f64('x2'), f64('x3')];
    const y = add(mul(x2, x2), mul(x2, x3));
    const [dy2] = gradients(y, [x2]);
    const [d22, d23] = gradients(dy2, [x2, x3]);
    const out = (run([dy2, d22, d23], { x2: 1.5, x3: -4 }) as never[]).map((v) => flat(v)[0]);
    expect(out).toEqual([2 * 1.5 - 4, 2, 1]);
  });

  it('takes derivatives to the fourth order: d^4/dx^4 exp(2x) = 16 exp(2x)', () => {
    const x = f64('x');
    let g = exp(mul(x, 2));
    for (let k = 0; k < 4; k++) [g] = gradients(g, [x]);
    expect(flat(run(g, { x: 0.3 }))[0]).toBeCloseTo(16 * Math.exp(0.6), 10);
  });

  it('gives zeros of its shape to an unused variable', () => {
    const a = f64('a', [2]);
    const unused = variable('unused', [[1, 2, 3]], { dtype: 'float64' });
    const [ga, gu] = gradients(sum(mul(a, a)), [a, unused]);
    const [va, vu] = run([ga, gu], { a: [1, 2] }) as never[];
    expect(flat(va)).toEqual([2, 4]);
    expect((vu as { shape: number[] }).shape).toEqual([1, 3]);
    expect(flat(vu)).toEqual([0, 0, 0]);
  });

  it("with unconnected: 'null', gives null where no gradient reaches (unused, or only through stopGradient)", () => {
    const a = f64('a', [2]);
    const unused = f64('u', [2]);
    const stopped = f64('s', [2]);
    const y = sum(mul(a, stopGradient(stopped)));
    const [ga, gu, gs] = gradients(y, [a, unused, stopped], undefined, { unconnected: 'null' });
    expect(gu).toBeNull();
    expect(gs).toBeNull();
    expect(flat((run([ga!, y], { a: [1, 2], s: [3, 4] } as never) as unknown[])[0])).toEqual([3, 4]);
  });

  it('weights non-scalar ys with gradYs, and defaults to the gradient of their sum', () => {
    const a = f64('a', [3]);
    const y = mul(a, a);
    const [gSum] = gradients(y, [a]);
    const [gW] = gradients(y, [a], [constant([1, 0, -1], { dtype: 'float64' })]);
    const [s, w] = run([gSum, gW], { a: [1, 2, 3] }) as never[];
    expect(flat(s)).toEqual([2, 4, 6]);
    expect(flat(w)).toEqual([2, 0, -6]);
  });

  it('passes nothing through stopGradient', () => {
    const a = f64('a');
    const [g] = gradients(mul(a, stopGradient(a)), [a]);
    expect(flat(run(g, { a: 3 }))).toEqual([3]);
  });

  it('undoes broadcasting: the gradient of a bias added to a batch is summed over the batch', () => {
    const x = f64('x', [null, 3]);
    const b = f64('b', [3]);
    const [gb] = gradients(sum(add(x, b)), [b]);
    // the gradient reads x's batch size only, not b (docs/simplify.md): b is not fed
    expect(flat(run(gb, { x: [[1, 2, 3], [4, 5, 6]] } as never))).toEqual([2, 2, 2]);
  });

  it('fails loudly, naming the op and node, when an op on the path has no backward', () => {
    const Opaque = defineOp({ name: 'opaque', infer: ([x]) => x, forward: () => {} });
    const a = f64('a');
    const y = apply(Opaque, [a], {}, 'blackbox');
    expect(() => gradients(y, [a])).toThrow("gradients: opaque 'blackbox' has no backward rule");
  });

  it('rejects gradYs of the wrong shape', () => {
    const a = f64('a', [3]);
    expect(() => gradients(a, [a], [constant([1, 2], { dtype: 'float64' })])).toThrow(/gradYs\[0\] is \[2\] float64/);
  });

  it('builds, sorts, runs forward and backward on a chain of 100,000 nodes', () => {
    const x = f64('x');
    let y = x;
    for (let i = 0; i < 100_000; i++) y = add(y, 1e-5);
    const [g] = gradients(y, [x]);
    const [v, d] = run([y, g], { x: 1 }) as never[];
    expect(flat(v)[0]).toBeCloseTo(2, 9);
    expect(flat(d)).toEqual([1]);
  });
});

describe('jvp', () => {
  it('gives the directional derivative in one forward sweep', () => {
    const [x1, x2] = [f64('x1'), f64('x2')];
    const y = mul(exp(x1), x2);
    const [t] = jvp(y, [x1, x2], [constant(1, { dtype: 'float64' }), constant(2, { dtype: 'float64' })]);
    // dy = e^x1 x2 dx1 + e^x1 dx2
    const v = flat(run(t, { x1: 0.5, x2: 3 }))[0];
    expect(v).toBeCloseTo(Math.exp(0.5) * 3 * 1 + Math.exp(0.5) * 2, 12);
  });

  it('treats a null tangent as zero and gives zeros to an unreached output', () => {
    const [x1, x2] = [f64('x1'), f64('x2')];
    const [t1, t2] = jvp([mul(x1, x2), exp(x2)], [x1, x2], [constant(1, { dtype: 'float64' }), null]);
    const [a, b] = (run([t1, t2], { x2: 5 }) as never[]).map((v) => flat(v)[0]);
    expect(a).toBe(5);
    expect(b).toBe(0);
  });

  it('agrees with reverse mode on a matmul model', () => {
    const x = f64('x', [2, 3]);
    const w = f64('w', [3, 2]);
    const y = sum(exp(matmul(x, w)));
    const [gw] = gradients(y, [w]);
    const dir = [[1, 0], [0, 0], [0, 0]];
    const [t] = jvp(y, [w], [constant(dir, { dtype: 'float64' })]);
    const feeds = { x: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], w: [[0.1, -0.1], [0.2, 0.3], [-0.2, 0.1]] };
    const [g, tv] = run([gw, t], feeds as never) as never[];
    expect(flat(tv)[0]).toBeCloseTo(flat(g)[0], 12);
  });
});
