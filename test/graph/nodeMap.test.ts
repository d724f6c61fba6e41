/**
 * NodeMap: a map keyed by node, stored by id in pages. It must behave as a Map<Node, V> for every
 * node, including nodes whose ids collide or are not page indices (a Node constructed by hand).
 */
import { describe, expect, it } from 'vitest';
import { Node, takeId } from '../../src/graph/node.js';
import { NodeMap } from '../../src/graph/nodeMap.js';
import { Neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';

const handMade = (id: number) => new Node(id, Neg, [], {}, [], 'float64', `n${id}`);

describe('NodeMap', () => {
  it('holds a value per node, as a Map would, across pages and in any order', () => {
    const nodes = Array.from({ length: 2000 }, (_, i) => placeholder(`p${i}`, [1]));
    const m = new NodeMap<number>();
    const ref = new Map<Node, number>();
    // set in a scattered order, overwrite some
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[(k * 769) % nodes.length];
      m.set(n, k);
      ref.set(n, k);
    }
    for (let k = 0; k < nodes.length; k += 3) {
      m.set(nodes[k], -k);
      ref.set(nodes[k], -k);
    }
    for (const n of nodes) {
      expect(m.get(n)).toBe(ref.get(n));
      expect(m.has(n)).toBe(true);
    }
    const other = placeholder('absent', [1]);
    expect(m.get(other)).toBeUndefined();
    expect(m.has(other)).toBe(false);
  });

  it('tells apart nodes that share an id, and takes ids that are not page indices', () => {
    const a = handMade(5), b = handMade(5), big = handMade(2 ** 40), neg = handMade(-3), frac = handMade(1.5);
    const m = new NodeMap<string>();
    for (const [n, v] of [[a, 'a'], [b, 'b'], [big, 'big'], [neg, 'neg'], [frac, 'frac']] as const) m.set(n, v);
    expect([a, b, big, neg, frac].map((n) => m.get(n))).toEqual(['a', 'b', 'big', 'neg', 'frac']);
    expect(m.has(handMade(5))).toBe(false);
    m.set(b, 'b2');
    expect([m.get(a), m.get(b)]).toEqual(['a', 'b2']);
  });

  it('has a key whose value is undefined, like a Map', () => {
    const n = handMade(takeId());
    const m = new NodeMap<number | undefined>();
    m.set(n, undefined);
    expect(m.has(n)).toBe(true);
    expect(m.get(n)).toBeUndefined();
  });
});
