/**
 * What the full gradient of f: R^n -> R costs in each mode, measured by counting the kernel calls
 * the session makes, not by formula.
 */
import type { NdArray } from 'ndarray';
import { gradients, jvp } from '../autodiff/gradients.js';
import { describe, type Node } from '../graph/node.js';
import { feedEntries, Session, type Feeds } from '../session/session.js';
import { formatShape, sizeOf } from '../graph/shape.js';
import { toFlat } from '../graph/tensor.js';
import { placeholder } from '../ops/placeholder.js';
import { concreteShape } from '../autodiff/jacobian.js';

export interface ModeRun {
  /** Session runs made: n tangent sweeps in forward mode, one in reverse mode. */
  readonly sweeps: number;
  /** Kernel calls those runs made (each run evaluates what it needs of f as well). */
  readonly kernelCalls: number;
  /** The gradient found, flat. */
  readonly gradient: readonly number[];
}

export interface ModeCost {
  /** The number of inputs, size(x). */
  readonly n: number;
  readonly forward: ModeRun;
  readonly reverse: ModeRun;
}

/**
 * The gradient of scalar `f` with respect to `x`, twice: by forward mode (one jvp sweep per element
 * of x, the tangent fed as a one-hot vector through a single compiled plan) and by reverse mode
 * (one gradient run), with the kernel calls each made.
 */
export function modeCost(f: Node, x: Node, feeds: Feeds = [], opts: { session?: Session } = {}): ModeCost {
  const fs = concreteShape(f, 'modeCost', 'f');
  if (sizeOf(fs) !== 1) throw new TypeError(`modeCost: f (${describe(f)}) has shape ${formatShape(fs)}; it must be a scalar`);
  const shape = concreteShape(x, 'modeCost', 'x');
  const n = sizeOf(shape);
  const sess = opts.session ?? new Session();
  const base = feedEntries(feeds);

  const dx = placeholder(`${x.name}_tangent`, shape, { dtype: x.dtype });
  const df = jvp(f, [x], [dx])[0];
  const seed = new Float64Array(n);
  const forwardGradient: number[] = [];
  let start = sess.kernelCalls;
  for (let j = 0; j < n; j++) {
    seed.fill(0);
    seed[j] = 1;
    const data = x.dtype === 'float32' ? Float32Array.from(seed) : seed;
    forwardGradient.push(toFlat(sess.run(df, [...base, [dx, { data, shape }]]))[0]);
  }
  const forwardCalls = sess.kernelCalls - start;

  const g = gradients(f, [x])[0];
  start = sess.kernelCalls;
  const reverseGradient = toFlat(sess.run(g, base) as NdArray);
  const reverseCalls = sess.kernelCalls - start;
  return {
    n,
    forward: { sweeps: n, kernelCalls: forwardCalls, gradient: forwardGradient },
    reverse: { sweeps: 1, kernelCalls: reverseCalls, gradient: reverseGradient },
  };
}
