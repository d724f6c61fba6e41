/**
 * Layers: objects that create their variables under a scope of their own name the first time they
 * are called on a node, and build the same computation (with the same variables) on every call.
 * Variables are ordinary dagrad variables, so gradients, optimizers, checkpoints and traces see them
 * as they are: `dense_1/W`, `conv2d_0/b`, `batchNorm_2/movingMean`.
 */
import type { DType } from '../graph/dtype.js';
import type { Node } from '../graph/node.js';
import { scope } from '../graph/scope.js';
import { formatShape, ShapeError, sizeOf } from '../graph/shape.js';
import * as init from '../init/initializers.js';
import type { Initializer } from '../init/initializers.js';
import {
  add, avgPool2d, conv2d, dropout, gather, globalAvgPool2d, layerNorm, matmul, maxPool2d, reshape, variable,
  type Padding,
} from '../ops/index.js';
import {
  activate, batchNormWith, channelAxis, floatOf, lastDim, type Activation, type BatchNormLayerOptions, type Conv2dLayerFnOptions, type DenseLayerOptions,
} from './functional.js';

/** What a layer's call needs besides its input: the model's training flag (a scalar float variable, 1 while training). */
export interface CallContext {
  readonly training: Node;
}

export abstract class Layer {
  /** Set by the layer's options or, in a sequential model, from its kind and position. */
  name: string | undefined;
  readonly kind: string;
  /** Variables made by this layer (after its first call), trainable or not. */
  readonly variables: Node[] = [];
  /** Assign nodes a training step should run too (batchNorm's moving averages). */
  readonly updates: Node[] = [];
  private built = false;

  protected constructor(kind: string, name?: string) {
    this.kind = kind;
    this.name = name;
  }

  /** Builds the layer on x (under its scope); variables are made on the first call and reused after. */
  call(x: Node, ctx: CallContext): Node {
    const name = (this.name ??= this.kind);
    return scope(name, () => {
      if (!this.built) {
        this.build(x);
        this.built = true;
      }
      return this.forward(x, ctx);
    });
  }

  /** Makes the variables for an input like x. */
  protected build(_x: Node): void {}
  protected abstract forward(x: Node, ctx: CallContext): Node;

  protected weight(name: string, initial: Initializer, trainable = true): Node {
    const v = variable(name, initial, { trainable });
    this.variables.push(v);
    return v;
  }

  /** Trainable and other parameter counts, for summaries. */
  paramCounts(): { trainable: number; other: number } {
    let trainable = 0, other = 0;
    for (const v of this.variables) {
      const n = sizeOf(v.shape as number[]);
      if ((v.attrs as { trainable: boolean }).trainable) trainable += n;
      else other += n;
    }
    return { trainable, other };
  }
}


/** nn.Dense's options: nn.dense's. */
export type DenseOptions = DenseLayerOptions;

/** y = activation(x W + b) over the last axis: W [in, units] (Glorot uniform), b [units] (zeros). */
export class Dense extends Layer {
  private W!: Node;
  private b: Node | null = null;
  constructor(readonly units: number, private readonly opts: DenseOptions = {}) {
    super('dense', opts.name);
    if (!Number.isInteger(units) || units < 1) throw new TypeError(`dense: units must be an integer >= 1, got ${units}`);
  }
  protected override build(x: Node): void {
    const dtype = floatOf(x, 'dense');
    this.W = this.weight('W', (this.opts.kernelInitializer ?? init.glorotUniform)([lastDim(x, 'dense'), this.units], { dtype }));
    if (this.opts.useBias ?? true) this.b = this.weight('b', init.zeros([this.units], { dtype }));
  }
  protected forward(x: Node): Node {
    const y = matmul(x, this.W);
    return activate(this.b ? add(y, this.b) : y, this.opts.activation);
  }
}

/** nn.Conv2D's options: nn.conv2d's. */
export type Conv2dLayerOptions = Conv2dLayerFnOptions;

/** y = activation(conv2d(x, W) + b), NHWC: W [KH, KW, C / groups, filters] (Glorot uniform), b [filters] (zeros). */
export class Conv2D extends Layer {
  private W!: Node;
  private b: Node | null = null;
  readonly kernel: [number, number];
  constructor(readonly filters: number, kernel: number | readonly [number, number], private readonly opts: Conv2dLayerOptions = {}) {
    super('conv2d', opts.name);
    this.kernel = typeof kernel === 'number' ? [kernel, kernel] : [kernel[0], kernel[1]];
  }
  protected override build(x: Node): void {
    const dtype = floatOf(x, 'conv2d');
    const groups = this.opts.groups ?? 1;
    const c = lastDim(x, 'conv2d');
    if (c % groups !== 0) throw new ShapeError(`conv2d '${this.name}': groups ${groups} does not divide the ${c} channels of input ${x}`);
    this.W = this.weight('W', (this.opts.kernelInitializer ?? init.glorotUniform)([...this.kernel, c / groups, this.filters], { dtype }));
    if (this.opts.useBias ?? true) this.b = this.weight('b', init.zeros([this.filters], { dtype }));
  }
  protected forward(x: Node): Node {
    const { strides, padding, dilations, groups } = this.opts;
    const y = conv2d(x, this.W, { strides, padding, dilations, groups });
    return activate(this.b ? add(y, this.b) : y, this.opts.activation);
  }
}

/** Max pooling (no variables). */
export class MaxPool2D extends Layer {
  constructor(readonly window: number | readonly [number, number], private readonly opts: { strides?: number | readonly [number, number]; padding?: Padding; name?: string } = {}) {
    super('maxPool2d', opts.name);
  }
  protected forward(x: Node): Node {
    return maxPool2d(x, this.window, { strides: this.opts.strides, padding: this.opts.padding });
  }
}

/** Average pooling (no variables). */
export class AvgPool2D extends Layer {
  constructor(readonly window: number | readonly [number, number], private readonly opts: { strides?: number | readonly [number, number]; padding?: Padding; name?: string } = {}) {
    super('avgPool2d', opts.name);
  }
  protected forward(x: Node): Node {
    return avgPool2d(x, this.window, { strides: this.opts.strides, padding: this.opts.padding });
  }
}

/** The mean over height and width: [N, H, W, C] -> [N, C]. */
export class GlobalAvgPool2D extends Layer {
  constructor(opts: { name?: string } = {}) {
    super('globalAvgPool2d', opts.name);
  }
  protected forward(x: Node): Node {
    return globalAvgPool2d(x);
  }
}

/** [N, ...] -> [N, product of the rest] (the rest must be known). */
export class Flatten extends Layer {
  constructor(opts: { name?: string } = {}) {
    super('flatten', opts.name);
  }
  protected forward(x: Node): Node {
    const rest = x.shape.slice(1);
    if (rest.some((d) => d === null)) throw new ShapeError(`flatten: every dimension but the first of input ${x} must be known`);
    return reshape(x, [-1, sizeOf(rest as number[])]);
  }
}

/** Inverted dropout while the model's training flag is 1; the identity otherwise. */
export class Dropout extends Layer {
  constructor(readonly rate: number, private readonly opts: { seed?: number; name?: string } = {}) {
    super('dropout', opts.name);
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ShapeError(`dropout${opts.name ? ` '${opts.name}'` : ''}: rate ${rate} is outside [0, 1)`);
  }
  protected forward(x: Node, ctx: CallContext): Node {
    return dropout(x, this.rate, { training: ctx.training, seed: this.opts.seed, name: 'dropout' });
  }
}

/** nn.BatchNorm's options: nn.batchNorm's but `training`, which the model's flag decides. */
export type BatchNormOptions = Omit<BatchNormLayerOptions, 'training'>;

/**
 * Batch normalisation. While training (flag 1) it normalises by the batch's mean and variance and
 * its `updates` move movingMean and movingVariance (non-trainable variables) toward them:
 * m <- momentum m + (1 - momentum) batch. Otherwise (flag 0) it normalises by the moving averages.
 * Then scale gamma (ones) and offset beta (zeros), per channel (the computation nn.batchNorm does).
 */
export class BatchNorm extends Layer {
  private gamma!: Node;
  private beta!: Node;
  private movingMean!: Node;
  private movingVariance!: Node;
  constructor(private readonly opts: BatchNormOptions = {}) {
    super('batchNorm', opts.name);
    const m = opts.momentum ?? 0.99;
    if (!(m >= 0 && m < 1)) throw new TypeError(`batchNorm: momentum ${m} is outside [0, 1)`);
  }
  private axis(x: Node): number {
    return channelAxis(x, this.opts.axis ?? -1);
  }
  protected override build(x: Node): void {
    const dtype = floatOf(x, 'batchNorm');
    const c = x.shape[this.axis(x)];
    if (c === null) throw new ShapeError(`batchNorm: the channel axis of input ${x} must be known`);
    this.gamma = this.weight('gamma', init.ones([c], { dtype }));
    this.beta = this.weight('beta', init.zeros([c], { dtype }));
    this.movingMean = this.weight('movingMean', init.zeros([c], { dtype }), false);
    this.movingVariance = this.weight('movingVariance', init.ones([c], { dtype }), false);
  }
  protected forward(x: Node, ctx: CallContext): Node {
    const parts = { gamma: this.gamma, beta: this.beta, movingMean: this.movingMean, movingVariance: this.movingVariance };
    const { y, updates } = batchNormWith(x, parts, ctx.training, { axis: this.axis(x), momentum: this.opts.momentum ?? 0.99, epsilon: this.opts.epsilon ?? 1e-3 });
    this.updates.push(...updates);
    return y;
  }
}

/** Layer normalisation over the last axis, with a per-feature scale (ones) and offset (zeros). */
export class LayerNorm extends Layer {
  private gamma!: Node;
  private beta!: Node;
  constructor(private readonly opts: { epsilon?: number; name?: string } = {}) {
    super('layerNorm', opts.name);
  }
  protected override build(x: Node): void {
    const dtype = floatOf(x, 'layerNorm'), c = lastDim(x, 'layerNorm');
    this.gamma = this.weight('gamma', init.ones([c], { dtype }));
    this.beta = this.weight('beta', init.zeros([c], { dtype }));
  }
  protected forward(x: Node): Node {
    return layerNorm(x, { scale: this.gamma, offset: this.beta, epsilon: this.opts.epsilon });
  }
}

/** Rows of a [vocabulary, dim] table (uniform in [-0.05, 0.05]) picked by int32 ids: [...ids] -> [...ids, dim]. */
export class Embedding extends Layer {
  private table!: Node;
  constructor(readonly vocabulary: number, readonly dim: number, private readonly opts: { dtype?: DType; name?: string } = {}) {
    super('embedding', opts.name);
  }
  protected override build(x: Node): void {
    if (x.dtype !== 'int32') throw new ShapeError(`embedding: ids ${x} must be int32`);
    this.table = this.weight('table', init.uniform([this.vocabulary, this.dim], { min: -0.05, max: 0.05, dtype: this.opts.dtype ?? 'float32' }));
  }
  protected forward(x: Node): Node {
    return gather(this.table, x);
  }
}

/** An activation as a layer of its own. */
export class ActivationLayer extends Layer {
  constructor(readonly activation: Activation, opts: { name?: string } = {}) {
    super('activation', opts.name);
  }
  protected forward(x: Node): Node {
    return activate(x, this.activation);
  }
}

export const describeShape = (x: Node): string => formatShape(x.shape);
