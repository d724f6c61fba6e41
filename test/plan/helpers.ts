/** Shared by the plan tests: running one graph planned and unplanned, and comparing bit for bit. */
import type { NdArray } from 'ndarray';
import { expect } from 'vitest';
import type { Node } from '../../src/graph/node.js';
import { Session, type Feeds, type SessionOptions } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { Rng } from '../../src/graph/random.js';

/** Uniform values in [lo, hi) from a fixed seed. */
export function draw(n: number, seed: number, lo = -1, hi = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Runs `fetches` `runs` times in a fresh session with these options; returns the last run's values. */
export function runWith(opts: SessionOptions, fetches: readonly Node[], feeds: Feeds = {}, runs = 2): number[][] {
  const s = new Session({ seed: 5, ...opts });
  let out: NdArray[] = [];
  for (let i = 0; i < runs; i++) out = s.run(fetches, feeds);
  return out.map(toFlat);
}

/**
 * Expects planned runs (reused buffers, in place; with and without checkpointing) to give exactly
 * the unplanned run's values, and returns the planned plan so a test can check that planning did
 * something.
 */
export function expectSameAsUnplanned(fetches: readonly Node[], feeds: Feeds = {}) {
  const unplanned = runWith({ planMemory: false }, fetches, feeds);
  // toEqual compares with Object.is: NaN equals NaN, and -0 differs from 0
  for (const checkpoint of [false, true, 2]) expect(runWith({ checkpoint }, fetches, feeds)).toEqual(unplanned);
  return new Session({ seed: 5 }).plan(fetches, feeds);
}
