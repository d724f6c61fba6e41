/**
 * The gradient-check table's case type and runner. Every op in OPS needs at least one case (the
 * meta-test enforces it); each case is checked in reverse and forward mode against central
 * differences in float64.
 */
import type { OpDef } from '../../src/graph/op.js';
import type { Shape } from '../../src/graph/shape.js';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { Session } from '../../src/session/session.js';
import { toFlat, type Input, type NestedArray } from '../../src/graph/tensor.js';
import { Rng } from '../../src/graph/random.js';
import { gradcheck, type GradcheckReport } from '../../src/check/gradcheck.js';
import { constant } from '../../src/graph/constant.js';
import { placeholder } from '../../src/ops/placeholder.js';

export interface OpCase {
  /** The op this case covers (the meta-test counts these). */
  readonly op: OpDef;
  /** What is special about the case: 'broadcast [2,3] x [3]', 'axis -1 keepDims'. */
  readonly name: string;
  /** One concrete shape per input placeholder. */
  readonly shapes: readonly (readonly number[])[];
  /** The placeholders' static shapes, where they differ from `shapes` (unknown dims: `null`). */
  readonly staticShapes?: readonly (Shape | undefined)[];
  /** Builds the output from the input placeholders. */
  readonly build: (xs: Node[]) => Node;
  /** Random inputs are drawn uniformly from here. Default [-2, 2]. */
  readonly range?: readonly [number, number];
  /** Random inputs are kept at least 0.1 away from these points (kinks, poles). */
  readonly avoid?: readonly number[];
  /** Explicit values per input (undefined entries are drawn at random). */
  readonly values?: readonly (NestedArray | undefined)[];
  /** Per input: int32 inputs (indices, labels) are fed, never differentiated. Default float64. */
  readonly dtypes?: readonly ('float64' | 'int32')[];
  /** A state update or other op whose derivative is zero by design: checks that gradients and tangents are zeros. */
  readonly zeroGradient?: boolean;
  /** Tolerance, when the default 1e-6 cannot hold for a documented numerical reason. */
  readonly tol?: number;
}

function draw(c: OpCase, shape: readonly number[], rng: Rng): number[] {
  const [lo, hi] = c.range ?? [-2, 2];
  const n = shape.reduce((p, d) => p * d, 1);
  const out: number[] = [];
  while (out.length < n) {
    const v = rng.uniform(lo, hi);
    if ((c.avoid ?? []).every((a) => Math.abs(v - a) >= 0.1)) out.push(v);
  }
  return out;
}

export interface CaseResult {
  readonly report: GradcheckReport | null;
  readonly zeros?: { grads: number[][]; tangents: number[][] };
}

export function runCase(c: OpCase, seed = 1): CaseResult {
  const rng = new Rng(seed);
  const dtypes = c.dtypes ?? c.shapes.map(() => 'float64' as const);
  const xs = c.shapes.map((s, i) => placeholder(`x${i}`, c.staticShapes?.[i] ?? s, { dtype: dtypes[i] }));
  const feeds = xs.map((x, i) => {
    const given = c.values?.[i];
    const v = given ?? { data: draw(c, c.shapes[i], rng), shape: c.shapes[i] };
    return [x, dtypes[i] === 'int32' ? constantValue(given, x) : v] as const;
  });
  const y = c.build(xs);
  const diff = xs.filter((_, i) => dtypes[i] === 'float64');
  if (c.zeroGradient) {
    const sess = new Session();
    const gs = gradients(y, diff);
    const ts = jvp(y, diff, diff.map(onesFor));
    const feedList = feeds.map(([k, v]) => [k, v] as [Node, Input]);
    return {
      report: null,
      zeros: {
        grads: sess.run(gs, feedList).map(toFlat),
        tangents: sess.run(ts, feedList).map(toFlat),
      },
    };
  }
  const report = gradcheck(y, diff, feeds.map(([k, v]) => [k, v] as [Node, Input]), { tol: c.tol, seed });
  return { report };
}

function constantValue(given: NestedArray | undefined, x: Node): NestedArray {
  if (given === undefined) throw new Error(`case input '${x.name}' is int32 and needs explicit values`);
  return given;
}

function onesFor(x: Node): Node {
  const shape = x.shape.map((d) => d ?? 1);
  return constant({ data: new Float64Array(shape.reduce((p, d) => p * d, 1)).fill(1), shape });
}
