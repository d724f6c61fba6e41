/**
 * The node-count table of docs/simplify.md: simplified derivative graphs are within 1.5x of the
 * hand-derived ones (the logistic gradient at most 6 nodes), compute the same numbers, and the
 * table in the docs is the one these graphs give.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Session, toFlat } from '../../src/index.js';
import { countCases, countRows, countTable } from '../../examples/autodiff-modes/counts.js';

describe('node counts, raw vs simplified vs by hand', () => {
  const rows = countRows();

  it('simplified is within 1.5x of hand-derived on every row, and smaller than raw', () => {
    for (const r of rows) {
      expect(r.simplified, r.name).toBeLessThanOrEqual(1.5 * r.hand);
      expect(r.simplified, r.name).toBeLessThan(r.raw);
    }
  });

  it('the logistic gradient takes at most 6 nodes', () => {
    expect(rows.find((r) => r.name.startsWith('logistic'))!.simplified).toBeLessThanOrEqual(6);
  });

  it('raw, simplified and hand-derived graphs compute the same derivatives', () => {
    for (const c of countCases()) {
      const sess = new Session();
      const [raw, simple, hand] = [c.raw, c.simplified, c.hand].map((ds) => sess.run([...ds], c.feeds).map(toFlat).flat());
      expect(simple.length).toBe(raw.length);
      simple.forEach((v, i) => {
        expect(v, c.name).toBeCloseTo(raw[i], 12);
        expect(v, c.name).toBeCloseTo(hand[i], 12);
      });
    }
  });

  it('is the table docs/simplify.md shows', () => {
    const doc = readFileSync(new URL('../../docs/simplify.md', import.meta.url), 'utf8');
    expect(doc).toContain(countTable(rows));
  });
});
