/**
 * Every simplification is exact: on each case of the op table (test/ops/cases) and on random graphs,
 * the simplified gradient, second derivative and tangent give the same bits as the raw graph.
 */
import { describe, expect, it } from 'vitest';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import { constant } from '../../src/graph/constant.js';
import { apply } from '../../src/graph/apply.js';
import type { Node } from '../../src/graph/node.js';
import { Rng } from '../../src/graph/random.js';
import { toFlat, toNdArray, type Input } from '../../src/graph/tensor.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';
import { Session } from '../../src/session/session.js';
import type { Row } from '../ops/table.js';
import { cases as cast } from '../ops/cases/cast.js';
import { cases as compare } from '../ops/cases/compare.js';
import { cases as core } from '../ops/cases/core.js';
import { cases as elementwise } from '../ops/cases/elementwise.js';
import { cases as nn } from '../ops/cases/nn.js';
import { cases as reduce } from '../ops/cases/reduce.js';
import { cases as shape } from '../ops/cases/shape.js';
import { bitsEqual, randomGraph } from './helpers.js';

const TABLE: Row[] = [...core, ...elementwise, ...compare, ...reduce, ...shape, ...nn, ...cast];

/** The case's own inputs, fed to placeholders of its static shapes. */
function setUp({ op, case: c }: Row) {
  const dtypes = c.inputs.map((_, i) => c.dtypes?.[i] ?? 'float64');
  const values = c.inputs.map((v, i) => toNdArray(v, { dtype: dtypes[i], cast: true }));
  const xs = values.map((v, i) => placeholder(`x${i}`, c.staticShapes?.[i] ?? v.shape, { dtype: dtypes[i] }));
  const feeds: [Node, Input][] = xs.map((x, i) => [x, values[i]]);
  const y = c.build ? c.build(...xs) : apply(op, xs, c.attrs ?? {});
  return { y, feeds, shapes: values.map((v) => v.shape), diff: xs.filter((_, i) => dtypes[i] === 'float64') };
}

/** A random constant of `shape` (unknown dims taken from the fed shape). */
const randomLike = (like: Node, concrete: readonly number[], rng: Rng): Node =>
  constant({ data: Float64Array.from({ length: concrete.reduce((p, d) => p * d, 1) }, () => rng.uniform(-1.5, 1.5)), shape: concrete.slice() }, { dtype: like.dtype });

/** Runs raw and simplified versions together and compares bit for bit; returns how many values were compared. */
function compareRuns(pairs: [Node, Node][], feeds: [Node, Input][]): number {
  const sess = new Session();
  const out = sess.run(pairs.flat(), feeds).map(toFlat);
  for (let k = 0; k < pairs.length; k++) {
    const [raw, simple] = [out[2 * k], out[2 * k + 1]];
    expect(simple.length).toBe(raw.length);
    const bad = raw.findIndex((v, i) => !bitsEqual(v, simple[i], pairs[k][0].dtype));
    if (bad >= 0) throw new Error(`${pairs[k][0]} element ${bad}: raw ${raw[bad]} vs simplified ${simple[bad]}`);
  }
  return out.reduce((s, a) => s + a.length, 0);
}

describe('simplified derivatives equal the raw ones bit for bit', () => {
  for (const row of TABLE) {
    const c = row.case;
    it(`${row.op.name} (${c.name}): gradients, second derivatives and tangents`, () => {
      const rng = new Rng(7);
      const { y, feeds, shapes, diff } = setUp(row);
      const fedShape = new Map(feeds.map(([x], i) => [x, shapes[i]]));
      const yShape = new Session().run(y, feeds).shape;
      const seed = randomLike(y, yShape, rng);
      const pairs: [Node, Node][] = [];
      for (const gradYs of [undefined, [seed]]) {
        const raw = gradients(y, diff, gradYs, { simplify: false });
        const simple = gradients(y, diff, gradYs, { simplify: true });
        raw.forEach((g, i) => pairs.push([g, simple[i]]));
        if (c.zeroDerivative || gradYs) continue;
        // second order, raw vs simplified differentiation of the same (simplified) first derivative:
        // differentiating two different first-derivative graphs may sum contributions in another order
        for (let i = 0; i < raw.length; i++) {
          let r2: Node[] | undefined;
          try {
            r2 = gradients(sum(simple[i]), diff, undefined, { simplify: false });
          } catch {
            continue; // an op without a second derivative: nothing to compare
          }
          const s2 = gradients(sum(simple[i]), diff, undefined, { simplify: true });
          r2.forEach((g, j) => pairs.push([g, s2[j]]));
        }
      }
      const tangents = diff.map((x) => randomLike(x, fedShape.get(x)!, rng));
      const rawT = jvp(y, diff, tangents, { simplify: false });
      const simpleT = jvp(y, diff, tangents, { simplify: true });
      rawT.forEach((t, i) => pairs.push([t, simpleT[i]]));
      expect(compareRuns(pairs, feeds)).toBeGreaterThan(0);
    });
  }
});

describe('on random graphs', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: 40 random graphs, their gradients, Hessian-vector products and tangents`, () => {
      const rng = new Rng(dtype === 'float64' ? 11 : 12);
      for (let g = 0; g < 40; g++) {
        const { y, xs, feeds, shapes } = randomGraph(rng, dtype);
        const raw = gradients(y, xs, undefined, { simplify: false });
        const simple = gradients(y, xs, undefined, { simplify: true });
        const pairs: [Node, Node][] = raw.map((r, i) => [r, simple[i]]);
        const vs = xs.map((x, i) => constant({ data: Float64Array.from({ length: shapes[i].reduce((p, d) => p * d, 1) }, () => rng.uniform(-1, 1)), shape: shapes[i] }, { dtype }));
        const hvRaw = jvp(simple, xs, vs, { simplify: false });
        const hvSimple = jvp(simple, xs, vs, { simplify: true });
        hvRaw.forEach((r, i) => pairs.push([r, hvSimple[i]]));
        const tRaw = jvp(y, xs, vs, { simplify: false });
        const tSimple = jvp(y, xs, vs, { simplify: true });
        pairs.push([tRaw[0], tSimple[0]]);
        compareRuns(pairs, feeds);
      }
    });
  }
});
