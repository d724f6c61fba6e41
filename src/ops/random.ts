/**
 * Random ops: randomUniform, randomNormal and dropout's mask. Each owns a state variable
 * `<name>/state` (int32 [seed, counter], not trainable), whose seed the session draws from its own
 * seed and the variable's name (or takes from the op's `seed` option). Each run draws afresh and
 * advances the counter in place, so runs differ from each other while a session with the same seed
 * repeats the same sequence. The ops are `stateful`: a plan never recomputes them (gradient
 * checkpointing keeps their output), so a mask is the same in forward and in backward.
 */
import ndarray from 'ndarray';
import { apply, FLOATS } from '../graph/apply.js';
import type { DType } from '../graph/dtype.js';
import type { Data } from '../graph/layout.js';
import type { Rng } from '../graph/random.js';
import { Node, takeId } from '../graph/node.js';
import { defineOp, type OpDef, type TensorType } from '../graph/op.js';
import { formatShape, ShapeError, type Shape } from '../graph/shape.js';
import type { Initializer } from '../init/initializers.js';
import { fillDropoutMask, fillNormal, fillUniform, nextStream } from '../kernels/random.js';
import { mul } from './mul.js';
import { variable } from './variable.js';

export interface RandomAttrs {
  readonly dist: 'uniform' | 'normal';
  /** min and max (uniform), or mean and stddev (normal). */
  readonly a: number;
  readonly b: number;
  /** The output's shape, or null: the shape of the second input. */
  readonly shape: Shape | null;
  readonly dtype: DType;
}

function checkState(s: TensorType): void {
  if (s.dtype !== 'int32' || s.shape.length !== 1 || s.shape[0] !== 2) throw new ShapeError(`state ${formatShape(s.shape)} ${s.dtype} must be int32 [2]`);
}

/**
 * Draws from a uniform or a normal distribution, afresh each run, of a given shape or of the
 * shape of a second input (whose values are not read). No gradient: the draw is not a function of the inputs.
 */
export const RandomDraw: OpDef<RandomAttrs> = defineOp<RandomAttrs>({
  name: 'random',
  stateful: true,
  nondifferentiable: true,
  infer: ([state, like], a) => {
    checkState(state);
    if (!FLOATS.includes(a.dtype)) throw new ShapeError(`dtype ${a.dtype} is not a float dtype`);
    return { shape: a.shape ?? like.shape, dtype: a.dtype };
  },
  forward: ([state], out, a) => {
    const seed = nextStream(state.data as Data, state.offset);
    (a.dist === 'uniform' ? fillUniform : fillNormal)(out.data as Data, out.offset, out.size, seed, a.a, a.b);
  },
});

/**
 * Inverted dropout's mask, shaped like its second input: 1 / (1 - rate) with probability 1 - rate,
 * else 0, drawn afresh each run; all ones when a third input (a training flag) holds 0. No gradient.
 */
export const DropoutMask: OpDef<{ rate: number }> = defineOp<{ rate: number }>({
  name: 'dropoutMask',
  stateful: true,
  nondifferentiable: true,
  infer: ([state, like, training], { rate }) => {
    checkState(state);
    if (!(rate >= 0 && rate < 1)) throw new ShapeError(`rate ${rate} is outside [0, 1)`);
    if (training && training.shape.length !== 0) throw new ShapeError(`the training flag ${formatShape(training.shape)} must be a scalar`);
    return { shape: like.shape, dtype: like.dtype };
  },
  forward: ([state, , training], out, { rate }) => {
    const o = out.data as Data;
    if (training && (training.data as Data)[training.offset] === 0) {
      for (let i = 0, n = out.size; i < n; i++) o[out.offset + i] = 1;
      return;
    }
    fillDropoutMask(o, out.offset, out.size, nextStream(state.data as Data, state.offset), rate);
  },
});

export interface RandomOptions {
  dtype?: DType;
  /** Fixes this op's stream whatever the session's seed. */
  seed?: number;
  name?: string;
}

/** The initial [seed, counter] of a random op's state: a seed drawn from the session's stream for this variable. */
const stateInitializer = (seed: number | undefined): Initializer => Object.freeze<Initializer>({
  shape: [2], dtype: 'int32', seed, description: 'randomState([2])',
  create: (rng: Rng) => ndarray(Int32Array.from([Math.floor(rng.next() * 4294967296) | 0, 0]), [2]),
});

function draw(dist: RandomAttrs['dist'], shape: readonly number[] | Node, a: number, b: number, opts: RandomOptions): Node {
  const name = opts.name ?? `${dist === 'uniform' ? 'randomUniform' : 'randomNormal'}_${takeId()}`;
  const state = variable(`${name}/state`, stateInitializer(opts.seed), { trainable: false });
  if (shape instanceof Node) return apply(RandomDraw, [state, shape], { dist, a, b, shape: null, dtype: opts.dtype ?? shape.dtype }, name);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${dist === 'uniform' ? 'randomUniform' : 'randomNormal'} '${name}': shape ${JSON.stringify(shape)} must be integers >= 0 (or a node to take the shape of)`);
  }
  return apply(RandomDraw, [state], { dist, a, b, shape: shape.slice(), dtype: opts.dtype ?? 'float32' }, name);
}

/** Uniform draws in [min, max) (default [0, 1)), of `shape` or shaped like a node; fresh each run. */
export const randomUniform = (shape: readonly number[] | Node, opts: RandomOptions & { min?: number; max?: number } = {}): Node =>
  draw('uniform', shape, opts.min ?? 0, opts.max ?? 1, opts);

/** Normal draws (default mean 0, stddev 1), of `shape` or shaped like a node; fresh each run. */
export const randomNormal = (shape: readonly number[] | Node, opts: RandomOptions & { mean?: number; stddev?: number } = {}): Node =>
  draw('normal', shape, opts.mean ?? 0, opts.stddev ?? 1, opts);

export interface DropoutOptions {
  /**
   * true (the default): drop; false: the identity, no op built; a scalar node (a placeholder fed 1
   * while training and 0 otherwise): decided each run.
   */
  training?: boolean | Node;
  seed?: number;
  name?: string;
}

/**
 * Inverted dropout: each element of x zeroed with probability `rate`, the rest scaled by
 * 1 / (1 - rate), so the expected value is x and inference needs no rescaling.
 * d = grad * mask (the same mask as forward).
 */
export function dropout(x: Node, rate: number, opts: DropoutOptions = {}): Node {
  const name = opts.name ?? `dropout_${takeId()}`;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ShapeError(`dropout '${name}': rate ${rate} is outside [0, 1) (input ${x})`);
  if (opts.training === false || rate === 0) return x;
  const state = variable(`${name}/state`, stateInitializer(opts.seed), { trainable: false });
  const inputs = opts.training instanceof Node ? [state, x, opts.training] : [state, x];
  return mul(x, apply(DropoutMask, inputs, { rate }, `${name}/mask`), { name });
}
