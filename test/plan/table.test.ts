/**
 * Every case of the gradient-check table, run planned and unplanned: each op's forward and backward
 * kernels must give the same bits when their buffers are reused (reused buffers start as NaN, so a
 * kernel that skips an element shows) and when they write in place.
 */
import { describe, expect, it } from 'vitest';
import { apply, gradients, toNdArray, type Input, type Node } from '../../src/index.js';
import { placeholder } from '../../src/ops/placeholder.js';
import type { Row } from '../ops/table.js';
import { cases as cast } from '../ops/cases/cast.js';
import { cases as compare } from '../ops/cases/compare.js';
import { cases as core } from '../ops/cases/core.js';
import { cases as elementwise } from '../ops/cases/elementwise.js';
import { cases as nn } from '../ops/cases/nn.js';
import { cases as reduce } from '../ops/cases/reduce.js';
import { cases as shape } from '../ops/cases/shape.js';
import { runWith } from './helpers.js';

const TABLE: Row[] = [...core, ...elementwise, ...compare, ...reduce, ...shape, ...nn, ...cast];

describe('every op of the gradient-check table, planned against unplanned', () => {
  for (const { op, case: c } of TABLE) {
    it(`${op.name} (${c.name}): value and gradients are the same bits`, () => {
      const dtypes = c.inputs.map((_, i) => c.dtypes?.[i] ?? 'float64');
      const values = c.inputs.map((v, i) => toNdArray(v, { dtype: dtypes[i], cast: true }));
      const xs = values.map((v, i) => placeholder(`plan_x${i}`, c.staticShapes?.[i] ?? v.shape, { dtype: dtypes[i] }));
      const feeds = xs.map((x, i) => [x, values[i]] as [Node, Input]);
      const y = c.build ? c.build(...xs) : apply(op, xs, c.attrs ?? {});
      const floats = xs.filter((x) => x.dtype === 'float64');
      const fetches = c.zeroDerivative || y.dtype === 'int32' || floats.length === 0 ? [y] : [y, ...gradients(y, floats)];
      const unplanned = runWith({ planMemory: false }, fetches, feeds);
      for (const checkpoint of [false, 2]) expect(runWith({ checkpoint }, fetches, feeds)).toEqual(unplanned);
    });
  }
});
