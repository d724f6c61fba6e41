import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/ops/index.js';
import type { OpCase } from './table.js';
import { runCase } from './table.js';
import { cases as cast } from './cases/cast.js';
import { cases as compare } from './cases/compare.js';
import { cases as conv, poolCases, randomCases } from './cases/conv.js';
import { cases as core } from './cases/core.js';
import { cases as elementwise } from './cases/elementwise.js';
import { cases as nn } from './cases/nn.js';
import { cases as reduce } from './cases/reduce.js';
import { cases as shape } from './cases/shape.js';

const TABLE: OpCase[] = [...core, ...elementwise, ...compare, ...reduce, ...shape, ...nn, ...cast, ...conv, ...poolCases, ...randomCases];

describe('the gradient-check table', () => {
  it('has a case for every op in OPS', () => {
    const covered = new Set(TABLE.map((c) => c.op));
    const missing = OPS.filter((op) => !covered.has(op)).map((op) => op.name);
    expect(missing).toEqual([]);
  });

  it('lists every op once in OPS, by a unique name', () => {
    const names = OPS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of TABLE) {
    if (c.zeroGradient) {
      it(`${c.op.name} (${c.name}): gradients and tangents are zero`, () => {
        const { zeros } = runCase(c);
        for (const g of [...zeros!.grads, ...zeros!.tangents]) {
          expect(g.every((v) => v === 0)).toBe(true);
        }
        expect(zeros!.grads.length).toBeGreaterThan(0);
      });
    } else {
      it(`${c.op.name} (${c.name}): backward and jvp match central differences`, () => {
        const { report } = runCase(c);
        expect(report!.inputs.length).toBeGreaterThan(0);
        if (!report!.ok) throw new Error(report!.summary);
        for (const r of report!.inputs) expect(r.score).toBeLessThanOrEqual(c.tol ?? 1e-6);
      });
    }
  }
});
