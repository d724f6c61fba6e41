/**
 * Learning-rate schedules: functions of the step count (the number of updates already applied, 0 for
 * the first), each both a graph builder (what an optimizer runs) and a plain-number evaluator (for
 * plots and tests). The two are written separately on purpose, so each checks the other.
 */
import type { DType } from '../graph/dtype.js';
import { describe, Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { cast } from '../ops/cast.js';
import { less } from '../ops/compare.js';
import { div } from '../ops/div.js';
import { maximum } from '../ops/maximum.js';
import { minimum } from '../ops/minimum.js';
import { mul } from '../ops/mul.js';
import { pow } from '../ops/pow.js';
import { sub } from '../ops/sub.js';
import { where } from '../ops/where.js';

export interface Schedule {
  /** For printing: `cosineDecay(0.1, decaySteps 1000, alpha 0, warmupSteps 100)`. */
  readonly description: string;
  /** The learning rate after `step` updates, as a plain number. */
  at(step: number): number;
  /**
   * The same value as a scalar graph node of `dtype` (default float32), from `step`, a scalar int32
   * node such as an optimizer's step count. Computed in float64 and cast once at the end.
   */
  build(step: Node, dtype?: DType): Node;
}

export const isSchedule = (x: unknown): x is Schedule =>
  typeof x === 'object' && x !== null && typeof (x as Schedule).at === 'function' && typeof (x as Schedule).build === 'function';

function positive(schedule: string, what: string, x: number, allowZero = false): number {
  if (!Number.isFinite(x) || x < 0 || (x === 0 && !allowZero)) {
    throw new RangeError(`${schedule}: ${what} must be ${allowZero ? 'non-negative' : 'positive'}, got ${x}`);
  }
  return x;
}

function stepCount(schedule: string, step: Node): Node {
  if (!(step instanceof Node) || step.dtype !== 'int32' || step.rank !== 0) {
    throw new TypeError(`${schedule}: the step must be a scalar int32 node, got ${step instanceof Node ? `${describe(step)} [${step.shape}] ${step.dtype}` : typeof step}`);
  }
  return step;
}

function checkStep(schedule: string, step: number): number {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`${schedule}: step must be a non-negative integer, got ${step}`);
  return step;
}

/** `lr * factor^floor(step / stepSize)`: the rate drops by `factor` every `stepSize` steps (PyTorch's StepLR). */
export function stepDecay(lr: number, opts: { stepSize: number; factor?: number }): Schedule {
  positive('stepDecay', 'lr', lr, true);
  const stepSize = positive('stepDecay', 'stepSize', opts.stepSize);
  if (!Number.isInteger(stepSize)) throw new RangeError(`stepDecay: stepSize must be an integer, got ${stepSize}`);
  const factor = positive('stepDecay', 'factor', opts.factor ?? 0.1, true);
  return {
    description: `stepDecay(${lr}, stepSize ${stepSize}, factor ${factor})`,
    at: (step) => lr * Math.pow(factor, Math.floor(checkStep('stepDecay', step) / stepSize)),
    // NOTE: int32 division truncates, which is floor for the non-negative step count.
    build: (step, dtype = 'float32') => {
      const drops = cast(div(stepCount('stepDecay', step), stepSize), 'float64');
      return cast(mul(pow(factor, drops), lr), dtype);
    },
  };
}

/**
 * `lr * decayRate^(step / decaySteps)`, or with `staircase` `lr * decayRate^floor(step / decaySteps)`
 * (TensorFlow's ExponentialDecay).
 */
export function exponentialDecay(lr: number, opts: { decaySteps: number; decayRate: number; staircase?: boolean }): Schedule {
  positive('exponentialDecay', 'lr', lr, true);
  const decaySteps = positive('exponentialDecay', 'decaySteps', opts.decaySteps);
  const rate = positive('exponentialDecay', 'decayRate', opts.decayRate, true);
  const staircase = opts.staircase ?? false;
  if (staircase && !Number.isInteger(decaySteps)) throw new RangeError(`exponentialDecay: decaySteps must be an integer with staircase, got ${decaySteps}`);
  return {
    description: `exponentialDecay(${lr}, decaySteps ${decaySteps}, decayRate ${rate}${staircase ? ', staircase' : ''})`,
    at: (step) => {
      const p = checkStep('exponentialDecay', step) / decaySteps;
      return lr * Math.pow(rate, staircase ? Math.floor(p) : p);
    },
    build: (step, dtype = 'float32') => {
      const s = stepCount('exponentialDecay', step);
      const p = staircase ? cast(div(s, decaySteps), 'float64') : div(cast(s, 'float64'), decaySteps);
      return cast(mul(pow(rate, p), lr), dtype);
    },
  };
}

/**
 * Cosine decay with optional linear warmup. For `step < warmupSteps` the rate rises linearly from 0:
 * `lr * step / warmupSteps`; then it follows half a cosine from `lr` down to `alpha * lr` over
 * `decaySteps` steps and stays there:
 * `lr * (alpha + (1 - alpha) * (1 + cos(pi * min(step - warmupSteps, decaySteps) / decaySteps)) / 2)`.
 * (Loshchilov & Hutter's SGDR without restarts; warmup as in Goyal et al.)
 */
export function cosineDecay(lr: number, opts: { decaySteps: number; alpha?: number; warmupSteps?: number }): Schedule {
  positive('cosineDecay', 'lr', lr, true);
  const decaySteps = positive('cosineDecay', 'decaySteps', opts.decaySteps);
  const alpha = positive('cosineDecay', 'alpha', opts.alpha ?? 0, true);
  const warmup = positive('cosineDecay', 'warmupSteps', opts.warmupSteps ?? 0, true);
  return {
    description: `cosineDecay(${lr}, decaySteps ${decaySteps}, alpha ${alpha}, warmupSteps ${warmup})`,
    at: (step) => {
      if (checkStep('cosineDecay', step) < warmup) return (lr * step) / warmup;
      const p = Math.min(step - warmup, decaySteps) / decaySteps;
      return lr * (alpha + ((1 - alpha) * (1 + Math.cos(Math.PI * p))) / 2);
    },
    build: (step, dtype = 'float32') => {
      const s = cast(stepCount('cosineDecay', step), 'float64');
      const p = div(minimum(maximum(sub(s, warmup), 0), decaySteps), decaySteps);
      const decayed = mul(add(mul(add(cosPi(p), 1), (1 - alpha) / 2), alpha), lr);
      const out = warmup > 0 ? where(less(s, warmup), mul(div(s, warmup), lr), decayed) : decayed;
      return cast(out, dtype);
    },
  };
}

/**
 * cos(pi p) for p in [0, 1], from graph ops.
 * NOTE: dagrad has no cos op. cos(pi p) = sin(x) with x = pi (1/2 - p), and on |x| <= pi/2 the Taylor
 * series of sin through x^23, summed in Horner form, is exact to double precision: the first term
 * left out, (pi/2)^25 / 25!, is below 1e-20.
 */
function cosPi(p: Node): Node {
  const x = mul(sub(0.5, p), Math.PI);
  const x2 = mul(x, x);
  // sin x = x (1 - x^2/(2*3) (1 - x^2/(4*5) (1 - ... (1 - x^2/(22*23)))))
  let acc = sub(1, mul(x2, 1 / (22 * 23)));
  for (let k = 10; k >= 1; k--) acc = sub(1, mul(mul(x2, 1 / (2 * k * (2 * k + 1))), acc));
  return mul(x, acc);
}
