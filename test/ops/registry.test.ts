/**
 * Registration is closed: every op defined in src/ops (and the graph's own constant) is in OPS, the
 * one list the gradient table and docs/ops.md are checked against; and every builder reaches the
 * public API through src/ops/index.ts. Adding an op is one file, one line in each index (in
 * src/ops/index.ts its definitions and builders together) and a gradient-table case: forgetting any
 * of them fails here or in test/ops/gradcheck.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import * as opsIndex from '../../src/ops/index.js';
import { OPS } from '../../src/ops/index.js';
import { isOpDef, type OpDef } from '../../src/graph/op.js';

const SRC = path.resolve(__dirname, '../../src');
/** Every file that may define ops, relative to src/. */
const FILES = [
  ...fs.readdirSync(path.join(SRC, 'ops')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => `ops/${f}`),
  'graph/constant.ts',
];


const lowerFirst = (s: string): string => s[0].toLowerCase() + s.slice(1);

async function modules(): Promise<[string, Record<string, unknown>][]> {
  return Promise.all(FILES.map(async (f) => [f, (await import(path.join(SRC, f))) as Record<string, unknown>] as [string, Record<string, unknown>]));
}

describe('op registration', () => {
  it('every op definition in src/ops and graph/constant.ts is exported and listed in OPS, and OPS holds nothing else', async () => {
    const listed = new Set<OpDef>(OPS);
    const missing: string[] = [];
    const defined = new Set<OpDef>();
    for (const [file, mod] of await modules()) {
      // a definition kept private to its file could never reach OPS
      const text = fs.readFileSync(path.join(SRC, file), 'utf8');
      for (const m of text.matchAll(/^(?!export\b)\s*const (\w+)\b[^=\n]*=\s*defineOp\b/gm)) missing.push(`${file}: ${m[1]} is not exported`);
      for (const [name, v] of Object.entries(mod)) {
        if (!isOpDef(v)) continue;
        defined.add(v);
        if (!listed.has(v)) missing.push(`${file}: ${name} ('${v.name}') is not in OPS`);
      }
    }
    expect(missing).toEqual([]);
    expect(OPS.filter((op) => !defined.has(op)).map((op) => op.name)).toEqual([]);
  });

  it('every builder of an op (the op name, lower-cased: Mul -> mul) is exported by src/ops/index.ts and src/index.ts', async () => {
    const missing: string[] = [];
    for (const [file, mod] of await modules()) {
      for (const [name, v] of Object.entries(mod)) {
        if (!isOpDef(v)) continue;
        const builder = lowerFirst(name);
        if (typeof mod[builder] !== 'function') continue;
        if ((opsIndex as Record<string, unknown>)[builder] !== mod[builder]) missing.push(`${file}: ${builder} is not exported by src/ops/index.ts`);
        if ((api as Record<string, unknown>)[builder] !== mod[builder]) missing.push(`${file}: ${builder} is not exported by src/index.ts`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('src/index.ts exports everything src/ops/index.ts exports but OPS and the op definitions, the very same values', () => {
    const fromIndex = Object.entries(opsIndex).filter(([name, v]) => name !== 'OPS' && !isOpDef(v));
    expect(fromIndex.length).toBeGreaterThan(50);
    expect(fromIndex.filter(([name, v]) => (api as Record<string, unknown>)[name] !== v).map(([name]) => name)).toEqual([]);
  });
});
