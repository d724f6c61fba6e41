/**
 * Every case of the gradient-check table, run planned and unplanned: each op's forward and backward
 * kernels must give the same bits when their buffers are reused (reused buffers start as NaN, so a
 * kernel that skips an element shows) and when they write in place.
 */
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import type { Input } from '../../src/graph/tensor.js';
import { Rng } from '../../src/graph/random.js';
import { placeholder } from '../../src/ops/placeholder.js';
import type { OpCase } from '../ops/table.js';
import { cases as cast } from '../ops/cases/cast.js';
import { cases as compare } from '../ops/cases/compare.js';
import { cases as core } from '../ops/cases/core.js';
import { cases as elementwise } from '../ops/cases/elementwise.js';
import { cases as nn } from '../ops/cases/nn.js';
import { cases as reduce } from '../ops/cases/reduce.js';
import { cases as shape } from '../ops/cases/shape.js';
import { runWith } from './helpers.js';

const TABLE: OpCase[] = [...core, ...elementwise, ...compare, ...reduce, ...shape, ...nn, ...cast];

function values(c: OpCase, i: number, rng: Rng): Input {
  const given = c.values?.[i];
  if (given !== undefined) return given;
  const [lo, hi] = c.range ?? [-2, 2];
  const n = c.shapes[i].reduce((p, d) => p * d, 1);
  const data: number[] = [];
  while (data.length < n) {
    const v = rng.uniform(lo, hi);
    if ((c.avoid ?? []).every((a) => Math.abs(v - a) >= 0.1)) data.push(v);
  }
  return { data: new Float64Array(data), shape: c.shapes[i] };
}

describe('every op of the gradient-check table, planned against unplanned', () => {
  for (const c of TABLE) {
    it(`${c.op.name} (${c.name}): value and gradients are the same bits`, () => {
      const dtypes = c.dtypes ?? c.shapes.map(() => 'float64' as const);
      const xs = c.shapes.map((s, i) => placeholder(`plan_x${i}`, c.staticShapes?.[i] ?? s, { dtype: dtypes[i] }));
      const rng = new Rng(1);
      const feeds = xs.map((x, i) => [x, values(c, i, rng)] as [Node, Input]);
      const y = c.build(xs);
      const floats = xs.filter((x) => x.dtype === 'float64');
      const fetches = c.zeroGradient || y.dtype === 'int32' || floats.length === 0 ? [y] : [y, ...gradients(y, floats)];
      const unplanned = runWith({ planMemory: false }, fetches, feeds);
      for (const checkpoint of [false, 2]) expect(runWith({ checkpoint }, fetches, feeds)).toEqual(unplanned);
    });
  }
});
