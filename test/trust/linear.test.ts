/**
 * Big graphs: the tools that walk a graph do work linear in its size. Work is counted, not timed:
 * every read of a node's inputs (the graph's edges) and every element an array scan (includes,
 * indexOf, find, filter, some, every) passes over. A tool that re-walks the graph or rescans a list
 * per node does N^2 of these: at 100k nodes, 10^10, far above the bounds below.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardTrace, adjointTrace, Node, placeholder, Session, toExpression, topoSort } from '../../src/index.js';
import { Neg } from '../../src/ops/neg.js';
import { AddN } from '../../src/ops/addN.js';
import { takeId } from '../../src/graph/node.js';

let work = 0;
const counted = <T extends object>(xs: T): T =>
  new Proxy(xs, {
    get(t, k, r) {
      work++;
      return Reflect.get(t, k, r);
    },
  });

const SCANS = ['includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'filter', 'some', 'every'] as const;
const originals = new Map<string, (...a: unknown[]) => unknown>();
beforeEach(() => {
  for (const m of SCANS) {
    const f = (Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[m];
    originals.set(m, f);
    Object.defineProperty(Array.prototype, m, {
      configurable: true, writable: true,
      value: function (this: unknown[], ...a: unknown[]) {
        work += this.length;
        return f.apply(this, a);
      },
    });
  }
});
afterEach(() => {
  for (const [m, f] of originals) Object.defineProperty(Array.prototype, m, { configurable: true, writable: true, value: f });
});

/** A chain of n negations of a scalar placeholder, every edge counted. */
function chain(n: number): { x: Node; y: Node } {
  const x = placeholder(`cx${n}`, [], { dtype: 'float64' });
  let y = x;
  for (let i = 0; i < n; i++) y = new Node(takeId(), Neg, counted([y]), {}, [], 'float64', `n${i}`);
  return { x, y };
}

const measure = (f: () => unknown): number => {
  work = 0;
  f();
  return work;
};

describe('on 100k-node graphs, work is linear', () => {
  const N = 100_000;
  it('topoSort, plan compilation, the first run and toExpression (shared) of a chain', () => {
    const { x, y } = chain(N);
    expect(measure(() => topoSort([y]))).toBeLessThan(4 * N);
    const sess = new Session();
    const first = measure(() => sess.run(y, { [x.name]: 1.5 }));
    expect(first).toBeLessThan(40 * N);
    expect(sess.run(y, { [x.name]: 1.5 }).get()).toBe(1.5); // an even number of negations
    const printed = measure(() => toExpression(y, { shared: true, maxLength: 1e7 }));
    expect(printed).toBeLessThan(20 * N);
    expect(toExpression(y, { shared: true })).toBe(`${'-('.repeat(N - 1)}-${x.name}${')'.repeat(N - 1)}`);
  });

  it('refuses an expression above its size limit, saying so', () => {
    const { y } = chain(N);
    expect(() => toExpression(y, { shared: true, maxLength: 50_000 })).toThrow(
      /^toExpression: the expression for 'n99999' is longer than 50000 characters \(at neg 'n\d+'\); raise maxLength, or print a part of it$/,
    );
  });

  it('the first run of an addN over 100k placeholders (the feed look-up)', () => {
    const xs = Array.from({ length: N }, (_, i) => placeholder(`p${i}`, [], { dtype: 'float64' }));
    const total = new Node(takeId(), AddN, counted(xs), {}, [], 'float64', 'total');
    const feeds = new Map(xs.map((p, i) => [p, i] as const));
    const w = measure(() => new Session().run(total, feeds));
    expect(w).toBeLessThan(40 * N);
    expect(new Session().run(total, feeds).get()).toBe((N * (N - 1)) / 2);
  });

  it('forwardTrace and adjointTrace of a chain', () => {
    const { x, y } = chain(N);
    const fwd = measure(() => forwardTrace(y, { [x.name]: 2 }));
    expect(fwd).toBeLessThan(60 * N);
    // the adjoint trace builds and runs the gradient graph too: 30k nodes keep the suite quick
    const small = chain(30_000);
    const back = measure(() => adjointTrace(small.y, { [small.x.name]: 2 }));
    expect(back).toBeLessThan(150 * 30_000);
  });
});
