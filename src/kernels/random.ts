/**
 * Random draws for the random ops. A random op owns a state variable [seed, counter] (int32): each
 * draw mixes the two into the seed of one mulberry32 stream and advances the counter, so a session
 * gives a fresh draw every run, and the same sequence of draws again from the same session seed.
 */
import type { Data } from '../graph/layout.js';

/** The seed of this draw's stream, from the state at `off`; advances the state's counter. */
export function nextStream(state: Data, off: number): number {
  const counter = state[off + 1] | 0;
  state[off + 1] = (counter + 1) | 0;
  // murmur3's finaliser over seed + counter * golden ratio: neighbouring counters give unrelated streams
  let z = (state[off] + Math.imul(counter, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** out[off .. off+n) = uniform draws in [lo, hi) from stream `seed` (mulberry32, as graph/random.ts). */
export function fillUniform(out: Data, off: number, n: number, seed: number, lo: number, hi: number): void {
  let s = seed >>> 0;
  const w = hi - lo;
  for (let i = 0; i < n; i++) {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[off + i] = lo + w * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
}

/**
 * out = normal draws (Box-Muller on pairs of uniforms, both outputs used).
 * NOTE: the first uniform of a pair is taken as 1 - u, in (0, 1], so its log is finite.
 */
export function fillNormal(out: Data, off: number, n: number, seed: number, mean: number, stddev: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < n; i += 2) {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u0 = 1 - ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u1 = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    const r = stddev * Math.sqrt(-2 * Math.log(u0)), a = 2 * Math.PI * u1;
    out[off + i] = mean + r * Math.cos(a);
    if (i + 1 < n) out[off + i + 1] = mean + r * Math.sin(a);
  }
}

/** out = an inverted-dropout mask: 1 / (1 - rate) where a uniform draw (in float64) is >= rate, else 0. */
export function fillDropoutMask(out: Data, off: number, n: number, seed: number, rate: number): void {
  let s = seed >>> 0;
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[off + i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 >= rate ? scale : 0;
  }
}
