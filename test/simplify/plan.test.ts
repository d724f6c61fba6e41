/**
 * The plan-time rewrite of user graphs: a repeated subexpression runs once, identities and nodes
 * read only for their shape do not run, and every user node (fetched, named, traced) keeps its value.
 */
import { describe, expect, it } from 'vitest';
import {
  add, exp, forwardTrace, gradients, identity, matmul, mean, mul, placeholder, Session, sigmoidCrossEntropyWithLogits, tanh, toFlat, variable,
} from '../../src/index.js';
import { Rewriter } from '../../src/autodiff/simplify.js';
import { constant, neg, type Node } from '../../src/index.js';
import { bitsEqual } from './helpers.js';

const feedsOf = (n: number) => ({ x: { data: Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), shape: [n] } });

describe('the plan-time rewrite', () => {
  it('computes a repeated subexpression once, and both nodes hold its value', () => {
    const x = placeholder('x', [5], { dtype: 'float64' });
    const a = exp(tanh(x), { name: 'a' });
    const b = exp(tanh(x), { name: 'b' });
    const y = mul(a, b);
    const plain = new Session({ simplify: false }).plan(y, feedsOf(5));
    const plan = new Session().plan(y, feedsOf(5));
    expect(plain.kernels).toBe(5);
    expect(plan.kernels).toBe(3);
    const sess = new Session();
    const got = sess.run({ a, b, y }, feedsOf(5));
    const want = new Session({ simplify: false }).run({ a, b, y }, feedsOf(5));
    for (const k of ['a', 'b', 'y'] as const) expect(toFlat(got[k])).toEqual(toFlat(want[k]));
    expect(toFlat(sess.run(b, feedsOf(5)))).toEqual(toFlat(want.b));
  });

  it('removes identities, and traces still number every node the user wrote', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const y = add(identity(tanh(x)), tanh(x));
    expect(new Session().plan(y, { x: 0.3 }).kernels).toBe(2);
    const trace = forwardTrace(y, { x: 0.3 });
    expect(trace.rows.map((r) => r.op)).toEqual(['placeholder', 'tanh', 'identity', 'tanh', 'add']);
    expect(toFlat(trace.rows.at(-1)!.value!)[0]).toBe(Math.tanh(0.3) + Math.tanh(0.3));
  });

  it('runs no forward node only for its shape: the logistic gradient with an unknown batch skips the loss', () => {
    const x = placeholder('x', [null, 3], { dtype: 'float64' });
    const y = placeholder('y', [null, 1], { dtype: 'float64' });
    const w = variable('w', [[0.1], [-0.2], [0.3]], { dtype: 'float64' });
    const b = variable('b', [0.05], { dtype: 'float64' });
    const perRow = sigmoidCrossEntropyWithLogits({ labels: y, logits: add(matmul(x, w), b) });
    const loss = mean(perRow);
    const gs = gradients(loss, [w, b]);
    const feeds = { x: { data: [1, 2, 3, -1, 0.5, 2, 0, 1, -2, 2, 2, 1], shape: [4, 3] }, y: { data: [1, 0, 1, 1], shape: [4, 1] } };
    const plan = new Session().plan(gs, feeds);
    expect(plan.order).not.toContain(perRow);
    expect(plan.order).not.toContain(loss);
    const raw = gradients(loss, [w, b], undefined, { simplify: false });
    const rawPlan = new Session({ simplify: false }).plan(raw, feeds);
    expect(rawPlan.order).toContain(perRow);
    expect(plan.kernels).toBeLessThan(rawPlan.kernels);
    const got = new Session().run(gs, feeds).map(toFlat).flat();
    const want = new Session({ simplify: false }).run(raw, feeds).map(toFlat).flat();
    expect(got.every((v, i) => bitsEqual(v, want[i], 'float64'))).toBe(true);
  });

  it('shares equal constants without rebuilding their readers: the plan runs the user\'s own nodes', () => {
    // every add reads a constant of its own, all 0.1: one is scheduled, and the adds and tanhs are kept
    const x = placeholder('x', [5], { dtype: 'float64' });
    const nodes: Node[] = [];
    let y: Node = x;
    for (let i = 0; i < 6; i++) nodes.push((y = add(y, 0.1)), (y = tanh(y)));
    const feeds = feedsOf(5);
    const plan = new Session().plan(y, feeds);
    expect(plan.steps.map((s) => s.node)).toEqual(nodes);
    const constants = plan.order.filter((n) => n.op.name === 'constant');
    expect(constants).toHaveLength(6);
    expect(new Set(constants.map((c) => plan.values.get(c))).size).toBe(1);
    const got = toFlat(new Session().run(y, feeds));
    const want = toFlat(new Session({ simplify: false }).run(y, feeds));
    expect(got.every((v, i) => bitsEqual(v, want[i], 'float64'))).toBe(true);
  });

  it('computes once two nodes that differ only in equal constants, next to a rule that rebuilds', () => {
    const x = placeholder('x', [5], { dtype: 'float64' });
    const a = mul(add(x, 0.5), 2, { name: 'a' });
    const b = mul(add(x, 0.5), 2, { name: 'b' });
    // neg(neg(.)) vanishes, so the sum is rebuilt over the shared product
    const y = add(neg(neg(a)), b);
    const feeds = feedsOf(5);
    const plan = new Session().plan([a, b, y], feeds);
    expect(plan.kernels).toBe(3);
    expect(plan.values.get(a)).toBe(plan.values.get(b));
    const got = new Session().run([a, b, y], feeds).map(toFlat);
    const want = new Session({ simplify: false }).run([a, b, y], feeds).map(toFlat);
    got.forEach((g, k) => expect(g.every((v, i) => bitsEqual(v, want[k][i], 'float64'))).toBe(true));
  });

  it('outside plans, the rewritten graph reads the shared constant itself', () => {
    const x = placeholder('x', [], { dtype: 'float64' });
    const c1 = constant(2, { dtype: 'float64' }), c2 = constant(2, { dtype: 'float64' });
    const y = add(add(x, c1), c2);
    const [whole] = new Rewriter().simplifyAll([y], new Set([x]));
    expect(whole).not.toBe(y);
    expect(whole.inputs[1]).toBe(whole.inputs[0].inputs[1]);
    const rw = new Rewriter();
    const [kept] = rw.simplifyAll([y], new Set([x]), { aliasConstants: true });
    expect(kept).toBe(y);
    expect(rw.resolve(c2)).toBe(rw.resolve(c1));
  });
});

describe('hash-consing', () => {
  it('shares a node read by many with its copy, past the short list of readers', () => {
    // 40 different ops read x first; each is built twice: every copy resolves to the first build
    const x = placeholder('x', [3], { dtype: 'float64' });
    const build = (i: number) => (i % 2 ? mul(x, i + 2) : add(x, i + 2));
    const firsts = Array.from({ length: 40 }, (_, i) => build(i));
    const copies = Array.from({ length: 40 }, (_, i) => build(i));
    const rw = new Rewriter();
    const out = rw.simplifyAll([...firsts, ...copies], new Set([x]));
    out.slice(40).forEach((c, i) => expect(c).toBe(out[i]));
    expect(new Set(out.slice(0, 40)).size).toBe(40);
  });

  it('shares constants by dtype, shape and bits: -0 apart from 0, every NaN alike', () => {
    const k = (v: number | number[], dtype: 'float32' | 'float64' = 'float64') => constant(v, { dtype });
    const x = placeholder('x', [], { dtype: 'float64' });
    const pairs: [Node, Node, boolean][] = [
      [k(0), k(-0), false], [k(NaN), k(-NaN), true], [k(2), k(2, 'float32'), false], [k([2]), k(2), false], [k([1, 2]), k([1, 2]), true],
    ];
    for (const [a, b, same] of pairs) {
      const rw = new Rewriter();
      const [ra, rb] = rw.simplifyAll([a, b], new Set([x]));
      expect(ra === rb, `${a.name} ${b.name}`).toBe(same);
    }
  });
});

