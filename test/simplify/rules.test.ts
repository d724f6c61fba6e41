/**
 * Each rule of the table, on its own pattern, with the values IEEE arithmetic treats specially
 * (NaN, ±Infinity, ±0, subnormals, overflow): the rewritten graph gives the same bits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  add, addN, gradients, sum, broadcastLike, broadcastTo, constant, div, expandDims, identity, mul, neg, onesLike, placeholder, Session,
  size, squeeze, sub, sumTo, tanh, toFlat, topoSort, type Input, type Node,
} from '../../src/index.js';
import { Rewriter, RULES } from '../../src/autodiff/simplify.js';
import { bitsEqual } from './helpers.js';

const X = [NaN, Infinity, -Infinity, -0, 0, 1.5, -2.25, 5e-324];
const Y = [-0, NaN, 2, -Infinity, 0, -1e308, 1e308, 3];

type Build = (x: Node, y: Node, k: (v: number) => Node) => Node;
const CASES: Record<string, Build[]> = {
  identity: [(x) => identity(tanh(x))],
  'rearrange-to-same-shape': [(x) => squeeze(expandDims(x, 0), { axes: 0 })],
  'rearrange-broadcast-scalar': [(x, _, k) => mul(squeeze(expandDims(broadcastTo(k(2.5), [8]), 0), { axes: 0 }), x)],
  'checked-shape-known': [(x) => gradients(sum(tanh(x)), [x], undefined, { simplify: false })[0]],
  'like-to-same-shape': [(x) => sumTo(mul(x, x), x), (x, y) => broadcastLike(x, y), (_, y) => broadcastTo(y, [8])],
  'shape-not-value': [(x, y) => mul(onesLike(tanh(x)), y), (x) => div(x, size(tanh(x)))],
  'elementwise-reads-broadcast': [(_, y, k) => mul(broadcastTo(k(-3), [8]), y)],
  'times-one': [(x, _, k) => mul(x, k(1)), (x, _, k) => mul(k(1), x), (x, _, k) => div(x, k(1))],
  'times-minus-one': [(x, _, k) => mul(x, k(-1)), (x, _, k) => mul(k(-1), x)],
  'minus-zero': [(x, _, k) => add(x, k(-0)), (x, _, k) => add(k(-0), x), (x, _, k) => sub(x, k(0))],
  'double-negation': [(x) => neg(neg(x))],
  'add-negation': [(x, y) => add(x, neg(y)), (x, y) => add(neg(x), y), (x, y) => sub(x, neg(y))],
  'sum-with-negations': [(x, y) => addN([x, neg(y), neg(x)]), (x, y) => addN([y, x])],
  'constant-first': [(x, _, k) => mul(x, k(3))],
  'negate-constant-factor': [(x, _, k) => neg(mul(k(3), x)), (x, y) => neg(mul(neg(x), y)), (x, y) => neg(mul(x, neg(y)))],
  'product-of-negations': [(x, y) => mul(neg(x), neg(y)), (x, _, k) => mul(neg(x), k(0.1)), (x, _, k) => mul(k(0.1), neg(x))],
  fold: [(x, _, k) => mul(x, add(k(0.1), k(0.2))), (x, _, k) => mul(x, div(k(1), k(3)))],
  cse: [(x) => mul(tanh(x), tanh(x))],
};

describe('every rule gives the bits of the graph it replaces', () => {
  it('leaves a broadcast in place when dropping it could change the output shape', () => {
    const x = placeholder('x', [null], { dtype: 'float64' });
    const rw = new Rewriter();
    rw.simplifyAll([mul(broadcastTo(constant(2, { dtype: 'float64' }), [8]), x)], new Set([x]));
    expect(rw.fired.get('elementwise-reads-broadcast')).toBeUndefined();
  });

  it('lists every rule, with its reason, in docs/simplify.md', () => {
    const doc = readFileSync(new URL('../../docs/simplify.md', import.meta.url), 'utf8');
    for (const r of RULES) expect(doc).toContain(`| \`${r.name}\` | ${r.why} |`);
  });

  it('has a case for every rule of the table', () => {
    expect(RULES.map((r) => r.name).filter((n) => !(n in CASES))).toEqual([]);
  });

  it('a rule naming its ops fires on those only (the rewriter tries it on no other)', () => {
    // every node of every case, each rule that does not name the node's op: nothing fires
    const x = placeholder('x', [null], { dtype: 'float64' });
    const y = placeholder('y', [8], { dtype: 'float64' });
    const nodes = new Set(Object.values(CASES).flat().flatMap((build) => topoSort([build(x, y, (v) => constant(v, { dtype: 'float64' }))])));
    const rw = new Rewriter();
    let tried = 0;
    for (const rule of RULES) {
      if (!rule.ops) continue;
      for (const n of nodes) {
        if (rule.ops.includes(n.op.name)) continue;
        tried++;
        expect(rule.apply(n, rw), `${rule.name} on ${n.op.name}`).toBeUndefined();
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, builds] of Object.entries(CASES)) {
      it(`${name} (${dtype})`, () => {
        builds.forEach((build, i) => {
          // unknown lengths, so that shapes are symbolic as they are in gradients of batched models
          const x = placeholder('x', [name === 'like-to-same-shape' && i === 1 ? 8 : null], { dtype });
          const y = placeholder('y', [8], { dtype });
          const original = build(x, y, (v) => constant(v, { dtype }));
          const rw = new Rewriter();
          const [rewritten] = rw.simplifyAll([original], new Set([x, y]));
          expect(rw.fired.get(name), `case ${i} of ${name}`).toBeGreaterThan(0);
          const used = new Set(topoSort([original]));
          const feeds = ([[x, { data: X, shape: [8] }], [y, { data: Y, shape: [8] }]] as [Node, Input][]).filter(([p]) => used.has(p));
          const sess = new Session({ simplify: false });
          const [a, b] = sess.run([original, rewritten], feeds).map(toFlat);
          expect(b.length).toBe(a.length);
          a.forEach((v, j) => expect(bitsEqual(v, b[j], dtype), `case ${i} element ${j}: ${v} vs ${b[j]}`).toBe(true));
        });
      });
    }
  }
});
