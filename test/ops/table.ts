/**
 * The gradient-check table: rows of (op, case), the case being the public checkOp's OpCase. Every
 * op in OPS needs at least one row (the meta-test enforces it), and every row runs through
 * checkOp as a user's op would: the shape rule against what the kernel writes (with sentinels),
 * the kernel against the session's run, and backward and jvp against central differences in float64.
 */
import { Rng, type Input, type NestedArray, type OpCase, type OpDef } from '../../src/index.js';

export interface Row {
  /** The op the case covers (the meta-test counts these). */
  readonly op: OpDef;
  readonly case: OpCase & { readonly name: string };
}

/** A row of the table: `c.build` (or applying `op` itself) must make at least one node of `op`. */
export const on = <A>(op: OpDef<A>, c: OpCase<A> & { readonly name: string }): Row => ({ op, case: c });

export interface DrawOptions {
  /** Drawn uniformly from here. Default [-2, 2]. */
  readonly range?: readonly [number, number];
  /** Kept at least 0.1 away from these points (kinks, poles). */
  readonly avoid?: readonly number[];
  /** Explicit values per input (undefined entries are drawn); int32 inputs must have them. */
  readonly values?: readonly (NestedArray | undefined)[];
}

/** One input per shape, drawn from one seeded stream, so a case's numbers never change. */
export function draw(shapes: readonly (readonly number[])[], opts: DrawOptions = {}): Input[] {
  const rng = new Rng(1);
  const [lo, hi] = opts.range ?? [-2, 2];
  return shapes.map((shape, i) => {
    const given = opts.values?.[i];
    if (given !== undefined) return given;
    const n = shape.reduce((p, d) => p * d, 1);
    const data: number[] = [];
    while (data.length < n) {
      const v = rng.uniform(lo, hi);
      if ((opts.avoid ?? []).every((a) => Math.abs(v - a) >= 0.1)) data.push(v);
    }
    return { data, shape: shape.slice() };
  });
}
