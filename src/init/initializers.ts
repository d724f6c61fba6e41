/**
 * Initializers: how a variable gets its first value. Each draws from the Rng the session gives it
 * (seeded from the session's seed and the variable's name) unless it carries its own `seed`.
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate, type DType } from '../graph/dtype.js';
import { formatShape, sizeOf, type ConcreteShape } from '../graph/shape.js';
import { Rng } from '../graph/random.js';

export interface Initializer {
  readonly shape: ConcreteShape;
  readonly dtype: DType;
  /** For printing: `glorotUniform([784,10])`. */
  readonly description: string;
  readonly seed?: number;
  create(rng: Rng): NdArray;
}

export interface InitOptions {
  dtype?: DType;
  seed?: number;
}

function make(name: string, shape: readonly number[], opts: InitOptions, draw: (rng: Rng) => number, detail = ''): Initializer {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new TypeError(`${name}: bad shape ${formatShape(shape)}`);
  }
  const dtype = opts.dtype ?? 'float32';
  return Object.freeze({
    shape: shape.slice(),
    dtype,
    seed: opts.seed,
    description: `${name}(${formatShape(shape)}${detail})`,
    create(rng: Rng) {
      const own = opts.seed === undefined ? rng : new Rng(opts.seed);
      const data = allocate(dtype, sizeOf(shape));
      for (let i = 0; i < data.length; i++) data[i] = draw(own);
      return ndarray(data, shape.slice());
    },
  });
}

/** fan in and fan out: the last two axes, times the receptive field (the product of the others). */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const field = sizeOf(shape.slice(0, -2));
  return [shape.at(-2)! * field, shape.at(-1)! * field];
}

export const zeros = (shape: readonly number[], opts: InitOptions = {}): Initializer => make('zeros', shape, opts, () => 0);
export const ones = (shape: readonly number[], opts: InitOptions = {}): Initializer => make('ones', shape, opts, () => 1);
export const fill = (shape: readonly number[], value: number, opts: InitOptions = {}): Initializer =>
  make('fill', shape, opts, () => value, `, ${value}`);

/** Uniform in [min, max); default [-0.05, 0.05) as in Keras. */
export const uniform = (shape: readonly number[], opts: InitOptions & { min?: number; max?: number } = {}): Initializer => {
  const { min = -0.05, max = 0.05 } = opts;
  return make('uniform', shape, opts, (r) => r.uniform(min, max), `, ${min}, ${max}`);
};

/** Normal(mean, stddev); default N(0, 0.05) as in Keras. */
export const normal = (shape: readonly number[], opts: InitOptions & { mean?: number; stddev?: number } = {}): Initializer => {
  const { mean = 0, stddev = 0.05 } = opts;
  return make('normal', shape, opts, (r) => r.normal(mean, stddev), `, ${mean}, ${stddev}`);
};

/** Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). */
export const glorotUniform = (shape: readonly number[], opts: InitOptions = {}): Initializer => {
  const [fi, fo] = fans(shape);
  const l = Math.sqrt(6 / (fi + fo));
  return make('glorotUniform', shape, opts, (r) => r.uniform(-l, l));
};

/** Glorot (Xavier) normal: N(0, sqrt(2 / (fanIn + fanOut))). */
export const glorotNormal = (shape: readonly number[], opts: InitOptions = {}): Initializer => {
  const [fi, fo] = fans(shape);
  const s = Math.sqrt(2 / (fi + fo));
  return make('glorotNormal', shape, opts, (r) => r.normal(0, s));
};

/** He uniform: U(-l, l), l = sqrt(6 / fanIn), for ReLU layers. */
export const heUniform = (shape: readonly number[], opts: InitOptions = {}): Initializer => {
  const l = Math.sqrt(6 / fans(shape)[0]);
  return make('heUniform', shape, opts, (r) => r.uniform(-l, l));
};

/** He normal: N(0, sqrt(2 / fanIn)), for ReLU layers. */
export const heNormal = (shape: readonly number[], opts: InitOptions = {}): Initializer => {
  const s = Math.sqrt(2 / fans(shape)[0]);
  return make('heNormal', shape, opts, (r) => r.normal(0, s));
};

/** A fixed value as an initializer. */
export function fromValue(value: NdArray, dtype: DType): Initializer {
  return Object.freeze({
    shape: value.shape.slice(),
    dtype,
    description: `value(${formatShape(value.shape)})`,
    create: () => value,
  });
}

export const isInitializer = (x: unknown): x is Initializer =>
  typeof x === 'object' && x !== null && 'create' in x && 'description' in x && 'shape' in x;
