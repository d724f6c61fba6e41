import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opRows, opsMarkdown } from '../scripts/ops-doc.js';

describe('docs/ops.md', () => {
  it('is the op table generated from OPS and the op files (run `npm run docs:ops` when it is stale)', () => {
    expect(readFileSync(new URL('../docs/ops.md', import.meta.url), 'utf8')).toBe(opsMarkdown());
  });

  it('documents every op: a file and a doc line for each', () => {
    const undocumented = opRows().filter((r) => r.file === '?' || r.doc === '').map((r) => r.name);
    expect(undocumented).toEqual([]);
  });
});
