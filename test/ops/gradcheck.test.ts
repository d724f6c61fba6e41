import { describe, expect, it } from 'vitest';
import { checkOp } from '../../src/index.js';
import { OPS } from '../../src/ops/index.js';
import type { Row } from './table.js';
import { cases as cast } from './cases/cast.js';
import { cases as compare } from './cases/compare.js';
import { cases as conv, poolCases, randomCases } from './cases/conv.js';
import { cases as math } from './cases/math.js';
import { cases as core } from './cases/core.js';
import { cases as elementwise } from './cases/elementwise.js';
import { cases as nn } from './cases/nn.js';
import { cases as reduce } from './cases/reduce.js';
import { cases as shape } from './cases/shape.js';

const TABLE: Row[] = [...core, ...elementwise, ...compare, ...reduce, ...shape, ...nn, ...cast, ...conv, ...poolCases, ...randomCases, ...math];

describe('the gradient-check table', () => {
  it('has a case for every op in OPS', () => {
    const covered = new Set(TABLE.map((r) => r.op));
    const missing = OPS.filter((op) => !covered.has(op)).map((op) => op.name);
    expect(missing).toEqual([]);
  });

  it('lists every op once in OPS, by a unique name', () => {
    const names = OPS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const { op, case: c } of TABLE) {
    const what = c.zeroDerivative ? 'backward and jvp give zeros' : 'backward and jvp match central differences';
    it(`${op.name} (${c.name}): the kernel writes every element of the rule's shape; ${what}`, () => {
      const report = checkOp(op, [c]);
      if (!report.ok) throw new Error(report.summary);
      if (!c.zeroDerivative) expect(report.cases[0].inputs.length).toBeGreaterThan(0);
      // ops the session runs itself (placeholders, variables, constants, updates) have no kernel to check
      if ((op.kind ?? 'op') === 'op') expect(report.cases[0].shape.kernelWrote).toBeGreaterThanOrEqual(0);
    });
  }
});
