import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/graph/node.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { cosineDecay, exponentialDecay, stepDecay, type Schedule } from '../../src/optim/index.js';

const step = placeholder('schedule_step', [], { dtype: 'int32' });
const sess = new Session();
const built = new Map<string, Node>();
/** The schedule's graph, built once per schedule and dtype, run at step k. */
const graphAt = (s: Schedule, k: number, dtype: 'float32' | 'float64' = 'float64'): number => {
  const key = `${s.description} ${dtype}`;
  if (!built.has(key)) built.set(key, s.build(step, dtype));
  return toFlat(sess.run(built.get(key)!, [[step, { data: Int32Array.of(k), shape: [] }]]))[0];
};

/** Checks the evaluator against hand-computed values, and the graph against both. */
function check(s: Schedule, expected: [step: number, value: number][]) {
  for (const [k, want] of expected) {
    expect(Math.abs(s.at(k) - want), `at(${k})`).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(graphAt(s, k) - want), `graph at ${k}`).toBeLessThanOrEqual(1e-15);
  }
}

describe('learning-rate schedules', () => {
  it('stepDecay drops by the factor every stepSize steps', () => {
    check(stepDecay(0.1, { stepSize: 10, factor: 0.5 }), [[0, 0.1], [9, 0.1], [10, 0.05], [19, 0.05], [20, 0.025], [35, 0.0125]]);
  });

  it('exponentialDecay is smooth, or a staircase', () => {
    check(exponentialDecay(2, { decaySteps: 4, decayRate: 0.25 }), [[0, 2], [2, 1], [4, 0.5], [6, 0.25], [12, 2 / 64]]);
    check(exponentialDecay(2, { decaySteps: 4, decayRate: 0.25, staircase: true }), [[0, 2], [3, 2], [4, 0.5], [7, 0.5], [8, 0.125]]);
  });

  it('cosineDecay follows half a cosine down to alpha * lr, then stays', () => {
    // lr (alpha + (1 - alpha) (1 + cos(pi p)) / 2) at p = 0, 1/4, 1/2, 3/4, 1
    const s = cosineDecay(1, { decaySteps: 8, alpha: 0.2 });
    const c = (cos: number) => 0.2 + (0.8 * (1 + cos)) / 2;
    check(s, [[0, 1], [2, c(Math.SQRT1_2)], [4, 0.6], [6, c(-Math.SQRT1_2)], [8, 0.2], [100, 0.2]]);
  });

  it('cosineDecay with warmup rises linearly from 0, then decays', () => {
    const s = cosineDecay(0.4, { decaySteps: 6, warmupSteps: 4 });
    check(s, [[0, 0], [1, 0.1], [3, 0.3], [4, 0.4], [7, 0.2], [10, 0], [11, 0]]);
  });

  it('the graph of the cosine agrees with Math.cos to double precision at every step', () => {
    const s = cosineDecay(1, { decaySteps: 997, warmupSteps: 3, alpha: 0.1 });
    let worst = 0;
    for (let k = 0; k <= 1002; k++) worst = Math.max(worst, Math.abs(graphAt(s, k) - s.at(k)));
    expect(worst).toBeLessThanOrEqual(1e-15);
  });

  it('builds float32 nodes, rounded once from the float64 value', () => {
    const s = exponentialDecay(0.1, { decaySteps: 3, decayRate: 0.9 });
    const node = s.build(step);
    expect(node.dtype).toBe('float32');
    expect(graphAt(s, 5, 'float32')).toBe(Math.fround(0.1 * 0.9 ** (5 / 3)));
  });

  it('refuses bad arguments with the schedule in the message', () => {
    expect(() => stepDecay(0.1, { stepSize: 0 })).toThrow('stepDecay: stepSize must be positive, got 0');
    expect(() => cosineDecay(0.1, { decaySteps: 10, alpha: -1 })).toThrow('cosineDecay: alpha must be non-negative, got -1');
    expect(() => stepDecay(0.1, { stepSize: 2 }).at(-1)).toThrow('stepDecay: step must be a non-negative integer, got -1');
    expect(() => stepDecay(0.1, { stepSize: 2 }).build(placeholder('float_step', [], { dtype: 'float32' }))).toThrow(
      "stepDecay: the step must be a scalar int32 node, got placeholder 'float_step' [] float32",
    );
  });
});
