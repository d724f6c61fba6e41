/**
 * Layers as functions (the shape of tf.layers and the Keras functional API): `dense(x, 8)` makes its
 * variables under a scope of its own, `dense/kernel` and `dense/bias`, and returns a node. Variables
 * are ordinary variables, so gradients, optimizers, checkpoints and traces see them as they are.
 *
 * A layer's scope is its `name`, or its kind made unique against the graph it extends: the first
 * dense layer on a path is `dense`, the next `dense_1`, and so on. The names depend only on the
 * graph, so building the same model twice gives the same names (a checkpoint of one loads into the
 * other). Two layers on parallel branches of one input cannot see each other: name them (the
 * session, summary and fit refuse two layers of one scope, naming it).
 */
import type { DType } from '../graph/dtype.js';
import { Node } from '../graph/node.js';
import { currentScope, scope } from '../graph/scope.js';
import { ShapeError, sizeOf } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import * as init from '../init/initializers.js';
import type { Initializer } from '../init/initializers.js';
import {
  add, assign, batchNormalization, cast, conv2d as conv2dOp, dropout as dropoutOp, gather, identity, layerNorm as layerNormOp,
  matmul, moments, mul, relu, reshape, sigmoid, softmax, sub, tanh, variable, type Padding,
} from '../ops/index.js';
import { isVariable } from '../ops/variable.js';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | ((x: Node) => Node);

export function activate(x: Node, a: Activation | undefined): Node {
  if (a === undefined || a === 'linear') return x;
  if (typeof a === 'function') return a(x);
  switch (a) {
    case 'relu': return relu(x);
    case 'sigmoid': return sigmoid(x);
    case 'tanh': return tanh(x);
    case 'softmax': return softmax(x);
  }
  throw new TypeError(`unknown activation ${JSON.stringify(a)}`);
}

/** What a layer function leaves on the graph: read by summary, fit and updatesOf. */
export interface LayerRecord {
  readonly kind: string;
  /** The layer's full scope, `block1/dense`. */
  readonly scope: string;
  readonly output: Node;
  /** Its parameters (trainable or not), in the order it made them. */
  readonly variables: readonly Node[];
  /** Assign nodes a training step runs beside the optimizer's update (batchNorm's moving averages). */
  readonly updates: readonly Node[];
  /** Training-flag variables it made (0 = inference); fit sets them to 1 while it trains. */
  readonly flags: readonly Node[];
}

// NOTE: a side table keyed by the layer's output node, so a record lives exactly as long as its part
// of the graph and is found only by walking that graph; nothing here is shared between models.
const records = new WeakMap<Node, LayerRecord>();

/** The layer that made `node` its output, if one did. */
export const layerOf = (node: Node): LayerRecord | undefined => records.get(node);

/** Every layer whose output `outputs` depend on, in the order they were built. */
export function layersOf(outputs: Node | readonly Node[]): LayerRecord[] {
  const found: LayerRecord[] = [];
  for (const n of topoSort(outputs instanceof Node ? [outputs] : outputs)) {
    const r = records.get(n);
    if (r) found.push(r);
  }
  const byScope = new Map<string, LayerRecord>();
  for (const r of found) {
    const other = byScope.get(r.scope);
    if (other) {
      throw new Error(`two layers share the scope '${r.scope}' (a ${other.kind} and a ${r.kind}, on parallel branches): give them names`);
    }
    byScope.set(r.scope, r);
  }
  return found;
}

/** The assign nodes a training step of `outputs` should run: every layer's updates. */
export const updatesOf = (outputs: Node | readonly Node[]): Node[] => layersOf(outputs).flatMap((r) => r.updates);

/** The training flags layers made for `outputs` (each a float32 scalar variable, 0 unless set). */
export const trainingFlagsOf = (outputs: Node | readonly Node[]): Node[] => [...new Set(layersOf(outputs).flatMap((r) => r.flags))];

/**
 * A training flag to share between layers: a float32 scalar variable, 0 (inference) until a session
 * sets it; fit sets every flag of a model to 1 while it trains.
 */
export const trainingFlag = (name = 'training'): Node =>
  variable(name, init.zeros([], { dtype: 'float32' }), { trainable: false });

/** The scope names taken below the current scope in the graph of `inputs`. */
function takenNames(inputs: readonly Node[]): Set<string> {
  const here = currentScope();
  const prefix = here === '' ? '' : `${here}/`;
  const taken = new Set<string>();
  for (const n of topoSort(inputs)) {
    if (!n.name.startsWith(prefix)) continue;
    const slash = n.name.indexOf('/', prefix.length);
    if (slash > 0) taken.add(n.name.slice(prefix.length, slash));
  }
  return taken;
}

/**
 * Runs `body` under the layer's scope and records the layer on the node it returns. `body` gets
 * `weight` to make the layer's variables and returns its output with its updates and flags.
 */
function layer(
  kind: string, name: string | undefined, inputs: readonly Node[],
  body: (weight: (name: string, initial: Initializer, trainable?: boolean) => Node) => { y: Node; updates?: Node[]; flags?: Node[] },
): Node {
  const taken = takenNames(inputs);
  let local: string;
  if (name !== undefined) {
    if (taken.has(name)) {
      const full = currentScope() ? `${currentScope()}/${name}` : name;
      throw new Error(`${kind} '${name}': the graph of its input ${inputs[0]} already has a scope '${full}'; layers need names of their own`);
    }
    local = name;
  } else {
    local = kind;
    for (let i = 1; taken.has(local); i++) local = `${kind}_${i}`;
  }
  const variables: Node[] = [];
  const weight = (n: string, initial: Initializer, trainable = true): Node => {
    const v = variable(n, initial, { trainable });
    variables.push(v);
    return v;
  };
  return scope(local, () => {
    const { y, updates = [], flags = [] } = body(weight);
    // the record is keyed by the output, so the output must be a node of this layer's own
    const output = inputs.includes(y) || records.has(y) ? identity(y, { name: 'output' }) : y;
    records.set(output, { kind, scope: currentScope(), output, variables, updates, flags });
    return output;
  });
}

/** x's dtype, or an error naming the layer kind when x is int32. */
export const floatOf = (x: Node, kind: string): DType => {
  if (x.dtype === 'int32') throw new ShapeError(`${kind}: input ${x} must be a float`);
  return x.dtype;
};

/** x's last dimension, or an error naming the layer kind when it is unknown. */
export const lastDim = (x: Node, kind: string): number => {
  const d = x.shape.at(-1);
  if (d === null || d === undefined) throw new ShapeError(`${kind}: the last dimension of input ${x} must be known`);
  return d;
};

/**
 * A flag for a layer with a training mode: the one given, or one of the layer's own (0 until fit sets
 * it). A flag that is a variable is recorded, so fit sets it; a placeholder flag is the caller's to feed.
 */
function flagFor(training: boolean | Node | undefined, flags: Node[]): boolean | Node {
  if (training instanceof Node && isVariable(training)) flags.push(training);
  if (training !== undefined) return training;
  const f = trainingFlag('training');
  flags.push(f);
  return f;
}

export interface DenseLayerOptions {
  activation?: Activation;
  useBias?: boolean;
  /** Default Glorot uniform. */
  kernelInitializer?: (shape: number[], opts: init.InitOptions) => Initializer;
  name?: string;
}

/** activation(x kernel + bias) over the last axis: kernel [in, units] (Glorot uniform), bias [units] (zeros). */
export function dense(x: Node, units: number, opts: DenseLayerOptions = {}): Node {
  if (!Number.isInteger(units) || units < 1) throw new TypeError(`dense: units must be an integer >= 1, got ${units} (input ${x})`);
  return layer('dense', opts.name, [x], (weight) => {
    const dtype = floatOf(x, 'dense');
    const kernel = weight('kernel', (opts.kernelInitializer ?? init.glorotUniform)([lastDim(x, 'dense'), units], { dtype }));
    const y = matmul(x, kernel);
    const b = (opts.useBias ?? true) ? weight('bias', init.zeros([units], { dtype })) : null;
    return { y: activate(b ? add(y, b) : y, opts.activation) };
  });
}

export interface Conv2dLayerFnOptions extends DenseLayerOptions {
  strides?: number | readonly [number, number];
  padding?: Padding;
  dilations?: number | readonly [number, number];
  groups?: number;
}

/** activation(conv2d(x, kernel) + bias), NHWC: kernel [KH, KW, C / groups, filters] (Glorot uniform), bias [filters] (zeros). */
export function conv2d(x: Node, filters: number, kernelSize: number | readonly [number, number], opts: Conv2dLayerFnOptions = {}): Node {
  if (!Number.isInteger(filters) || filters < 1) throw new TypeError(`conv2d: filters must be an integer >= 1, got ${filters} (input ${x})`);
  const k = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
  return layer('conv2d', opts.name, [x], (weight) => {
    const dtype = floatOf(x, 'conv2d');
    if (x.rank !== 4) throw new ShapeError(`conv2d: input ${x} must be an NHWC image batch (rank 4)`);
    const groups = opts.groups ?? 1, c = lastDim(x, 'conv2d');
    if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) throw new ShapeError(`conv2d: groups ${groups} does not divide the ${c} channels of input ${x}`);
    const kernel = weight('kernel', (opts.kernelInitializer ?? init.glorotUniform)([k[0], k[1], c / groups, filters], { dtype }));
    const y = conv2dOp(x, kernel, { strides: opts.strides, padding: opts.padding, dilations: opts.dilations, groups });
    const b = (opts.useBias ?? true) ? weight('bias', init.zeros([filters], { dtype })) : null;
    return { y: activate(b ? add(y, b) : y, opts.activation) };
  });
}

export interface BatchNormLayerOptions {
  /**
   * Batch statistics (and moving-average updates) when true or when a flag node is 1; the moving
   * averages when false or 0. Default: a flag of the layer's own, `<scope>/training`, 0 until fit sets it.
   */
  training?: boolean | Node;
  /** Weight of the old value in each moving-average update. Default 0.99. */
  momentum?: number;
  epsilon?: number;
  /** The channel axis (default -1): statistics are taken over every other axis. */
  axis?: number;
  name?: string;
}

export interface BatchNormParts {
  readonly gamma: Node;
  readonly beta: Node;
  readonly movingMean: Node;
  readonly movingVariance: Node;
}

/** The channel axis of `x` for batchNorm, checked. */
export function channelAxis(x: Node, a: number): number {
  const axis = a < 0 ? a + x.rank : a;
  if (!Number.isInteger(a) || axis < 0 || axis >= x.rank) throw new ShapeError(`batchNorm: axis ${a} is out of range for input ${x}`);
  return axis;
}

/**
 * Batch normalisation of x with these variables, the computation nn.batchNorm and nn.BatchNorm
 * share: batch statistics where `training` is on (and updates m <- momentum m + (1 - momentum) batch),
 * the moving averages where it is off; then scale gamma and offset beta, per channel.
 * NOTE: the moving variance averages the batch's divide-by-n variance, as Keras does.
 */
export function batchNormWith(x: Node, p: BatchNormParts, training: boolean | Node, opts: { axis: number; momentum: number; epsilon: number }): { y: Node; updates: Node[] } {
  const axis = opts.axis;
  const shape = x.shape.map((d, i) => (i === axis ? d! : 1));
  const norm = (mean: Node, variance: Node) => batchNormalization(x, reshape(mean, shape), reshape(variance, shape), {
    scale: reshape(p.gamma, shape), offset: reshape(p.beta, shape), epsilon: opts.epsilon,
  });
  if (training === false) return { y: norm(p.movingMean, p.movingVariance), updates: [] };
  const others = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis);
  const { mean, variance } = moments(x, others);
  const m = opts.momentum;
  const updates = [
    assign(p.movingMean, add(mul(p.movingMean, m), mul(mean, 1 - m))),
    assign(p.movingVariance, add(mul(p.movingVariance, m), mul(variance, 1 - m))),
  ];
  if (training === true) return { y: norm(mean, variance), updates };
  const t = training.dtype === x.dtype ? training : cast(training, x.dtype);
  // the flag blends batch and moving statistics: exactly one of the two weights is 1
  const blend = (batch: Node, moving: Node) => add(mul(t, batch), mul(sub(1, t), moving));
  return { y: norm(blend(mean, p.movingMean), blend(variance, p.movingVariance)), updates };
}

/**
 * Batch normalisation with gamma (ones), beta (zeros) and the non-trainable movingMean (zeros) and
 * movingVariance (ones). In training mode its updates (updatesOf(output); fit runs them with each
 * step) move the moving averages toward each batch's statistics.
 */
export function batchNorm(x: Node, opts: BatchNormLayerOptions = {}): Node {
  const momentum = opts.momentum ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new TypeError(`batchNorm: momentum ${momentum} is outside [0, 1) (input ${x})`);
  return layer('batchNorm', opts.name, [x], (weight) => {
    const dtype = floatOf(x, 'batchNorm');
    const axis = channelAxis(x, opts.axis ?? -1);
    const c = x.shape[axis];
    if (c === null) throw new ShapeError(`batchNorm: the channel axis of input ${x} must be known`);
    const p: BatchNormParts = {
      gamma: weight('gamma', init.ones([c], { dtype })),
      beta: weight('beta', init.zeros([c], { dtype })),
      movingMean: weight('movingMean', init.zeros([c], { dtype }), false),
      movingVariance: weight('movingVariance', init.ones([c], { dtype }), false),
    };
    const flags: Node[] = [];
    const { y, updates } = batchNormWith(x, p, flagFor(opts.training, flags), { axis, momentum, epsilon: opts.epsilon ?? 1e-3 });
    return { y, updates, flags };
  });
}

/** Layer normalisation over the last axis, with a per-feature gamma (ones) and beta (zeros). */
export function layerNorm(x: Node, opts: { epsilon?: number; name?: string } = {}): Node {
  return layer('layerNorm', opts.name, [x], (weight) => {
    const dtype = floatOf(x, 'layerNorm'), c = lastDim(x, 'layerNorm');
    const gamma = weight('gamma', init.ones([c], { dtype }));
    const beta = weight('beta', init.zeros([c], { dtype }));
    return { y: layerNormOp(x, { scale: gamma, offset: beta, epsilon: opts.epsilon }) };
  });
}

/**
 * Inverted dropout (see the dropout op). `training`: true drops on every run, false never; a flag
 * node decides each run. Default: a flag of the layer's own, 0 (no dropout) until fit sets it.
 */
export function dropout(x: Node, rate: number, opts: { training?: boolean | Node; seed?: number; name?: string } = {}): Node {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ShapeError(`dropout${opts.name ? ` '${opts.name}'` : ''}: rate ${rate} is outside [0, 1) (input ${x})`);
  return layer('dropout', opts.name, [x], () => {
    const flags: Node[] = [];
    const training = flagFor(opts.training, flags);
    return { y: dropoutOp(x, rate, { training, seed: opts.seed, name: 'dropout' }), flags };
  });
}

/** Rows of an embeddings table [vocabulary, dim] (uniform in [-0.05, 0.05]) picked by int32 ids: [...ids] -> [...ids, dim]. */
export function embedding(ids: Node, vocabulary: number, dim: number, opts: { dtype?: DType; name?: string } = {}): Node {
  for (const [what, v] of [['vocabulary', vocabulary], ['dim', dim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TypeError(`embedding: ${what} must be an integer >= 1, got ${v} (ids ${ids})`);
  }
  return layer('embedding', opts.name, [ids], (weight) => {
    if (ids.dtype !== 'int32') throw new ShapeError(`embedding: ids ${ids} must be int32`);
    const table = weight('embeddings', init.uniform([vocabulary, dim], { min: -0.05, max: 0.05, dtype: opts.dtype ?? 'float32' }));
    return { y: gather(table, ids) };
  });
}

/** Applies `steps` in order: chain(x, [(h) => dense(h, 8, { activation: 'relu' }), (h) => dense(h, 2)]). */
export function chain(x: Node, steps: readonly ((h: Node) => Node)[]): Node {
  return steps.reduce((h, f) => f(h), x);
}

/** Parameter counts of a layer: trainable and the rest. */
export function paramCounts(variables: readonly Node[]): { trainable: number; other: number } {
  let trainable = 0, other = 0;
  for (const v of variables) {
    const n = sizeOf(v.shape as number[]);
    if (isVariable(v) && v.attrs.trainable) trainable += n;
    else other += n;
  }
  return { trainable, other };
}
