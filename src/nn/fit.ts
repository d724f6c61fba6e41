/**
 * The training loop: fit (shuffled mini-batches, an optimizer, loss and accuracy, validation data,
 * progress, early stopping, a callback per epoch), evaluate and predict. Everything runs through
 * one session: the model's variables live there, and each batch shape compiles once into a plan.
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate, type DType, type TypedArray } from '../graph/dtype.js';
import { Node } from '../graph/node.js';
import { Rng } from '../graph/random.js';
import { formatShape, sizeOf } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import { contiguous, toNdArray, type Input } from '../graph/tensor.js';
import {
  argmax, cast, equal, group, mean, placeholder, sparseSoftmaxCrossEntropyWithLogits, square, sub, sum,
} from '../ops/index.js';
import { isVariable } from '../ops/variable.js';
import type { Optimizer } from '../optim/index.js';
import type { Session } from '../session/session.js';
import { layersOf } from './functional.js';
import { Sequential } from './sequential.js';

/**
 * A model made of layer functions: its input (a placeholder) and output nodes. Its parameters,
 * batchNorm updates and training flags are found from the graph (the layers it depends on).
 */
export interface FunctionalModel {
  readonly input: Node;
  readonly output: Node;
  /** Names the label placeholders fit makes (default 'model'). */
  readonly name?: string;
}

/** What fit, evaluate and predict take. */
export type Model = Sequential | FunctionalModel;

/** A model as the loop sees it, whichever kind it is. */
interface View {
  readonly name: string;
  readonly input: Node;
  readonly output: Node;
  /** What early stopping saves and restores. */
  readonly variables: readonly Node[];
  readonly updates: readonly Node[];
  /** Set to 1 while training, 0 otherwise. */
  readonly flags: readonly Node[];
}

function view(model: Model, where: string): View {
  if (model instanceof Sequential) {
    return { name: model.name, input: model.input, output: model.output, variables: model.variables, updates: model.updates, flags: [model.training] };
  }
  if (!model || !(model.input instanceof Node) || !(model.output instanceof Node)) {
    throw new TypeError(`${where}: a model is a Sequential or { input, output } nodes`);
  }
  const { input, output } = model;
  if (input.op.kind !== 'placeholder') throw new TypeError(`${where}: the model's input ${input} must be a placeholder`);
  const layers = layersOf(output);
  // flags and updates from the layers found, as trainingFlagsOf and updatesOf would (each a walk of the graph)
  const flags = new Set(layers.flatMap((l) => l.flags));
  const owned = new Set(layers.flatMap((l) => l.variables));
  // every trainable variable (made by a layer or by hand) and every layer's own state (moving averages)
  const graph = topoSort([output]);
  if (!graph.includes(input)) throw new TypeError(`${where}: the model's output ${output} does not depend on its input ${input}`);
  const variables = graph.filter((n) => isVariable(n) && !flags.has(n) && (n.attrs.trainable || owned.has(n)));
  return { name: model.name ?? 'model', input, output, variables, updates: layers.flatMap((l) => l.updates), flags: [...flags] };
}

/**
 * 'sparseCategoricalCrossentropy' (the default): the model outputs logits [N, classes] and y holds
 * class ids; 'meanSquaredError': y is shaped like the output. Or a loss of one's own: `loss`, a
 * scalar node (the batch's mean, what is minimised, e.g. with a penalty), `labels`, the placeholder
 * y is fed to, and optionally `predictions`, an int32 class per row compared with the labels for
 * accuracy.
 */
export type Loss = 'sparseCategoricalCrossentropy' | 'meanSquaredError' | CustomLoss;

export interface CustomLoss {
  readonly loss: Node;
  readonly labels: Node;
  readonly predictions?: Node;
}

export interface Data {
  /** Inputs, [N, ...the model input's other dimensions]. */
  readonly x: Input;
  /** Class ids [N] (cross-entropy) or targets shaped like the output (squared error). */
  readonly y: Input;
}

export interface EpochLogs {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly seconds: number;
}

/** Where progress goes: `write` gets text; `isTTY` picks the live bar over one line per epoch. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export interface EarlyStopping {
  /** Default 'valLoss' with validation data, else 'loss'. Accuracies are maximised, losses minimised. */
  monitor?: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';
  /** Epochs without an improvement of at least minDelta before stopping. */
  patience: number;
  minDelta?: number;
  /** Put back the variables of the best epoch when stopping (or at the end). Default true. */
  restoreBest?: boolean;
}

export interface FitOptions {
  optimizer: Optimizer;
  loss?: Loss;
  epochs?: number;
  batchSize?: number;
  /** Shuffle the examples each epoch (default true), from this seed (default 0). */
  shuffle?: boolean;
  seed?: number;
  validationData?: Data;
  /** 'auto' (default): a bar on a terminal, a line per epoch otherwise; or 'none'. */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  /** Default: the process's standard output when there is one. */
  output?: ProgressSink;
  earlyStopping?: EarlyStopping;
  /** Called after every epoch; returning false stops training. */
  onEpochEnd?: (logs: EpochLogs) => void | boolean;
  /** Called after every batch with its mean loss and the epoch's running mean (a throw ends training). */
  onBatchEnd?: (logs: BatchLogs) => void;
}

export interface BatchLogs {
  readonly epoch: number;
  /** 1-based, of `batches`. */
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  /** Mean loss over the epoch's examples so far. */
  readonly runningLoss: number;
}

export interface History {
  readonly epochs: EpochLogs[];
  /** Why training ended: all epochs ran, early stopping, or the callback. */
  readonly stopped: 'completed' | 'earlyStopping' | 'callback';
  /** With early stopping: the epoch whose variables the model holds at the end. */
  readonly bestEpoch?: number;
}

/** The graph fit and evaluate run, made once per model and loss. */
interface Heads {
  readonly labels: Node;
  /** Mean loss over the batch (what is minimised), and its sum and the count of correct answers (for epoch means). */
  readonly loss: Node;
  /** null: the sum is the mean times the batch's rows (a custom loss gives only its mean). */
  readonly lossSum: Node | null;
  readonly correct: Node | null;
  /** The number of classes, when labels are class ids to check. */
  readonly classes: number | null;
  readonly steps: Map<Optimizer, Node>;
}

// NOTE: keyed by the model's output node, so the heads (and the plans compiled for them) live as long
// as the model's graph, and a functional model passed as a fresh { input, output } finds them again.
const headsOf = new WeakMap<Node, Map<Loss, Heads>>();

function heads(model: View, lossKind: Loss): Heads {
  let byLoss = headsOf.get(model.output);
  if (!byLoss) headsOf.set(model.output, (byLoss = new Map()));
  let h = byLoss.get(lossKind);
  if (h) return h;
  const out = model.output;
  if (typeof lossKind === 'object') {
    const { loss, labels, predictions } = lossKind;
    if (!(loss instanceof Node) || loss.rank !== 0) throw new TypeError(`fit: a custom loss is a scalar node, got ${loss}`);
    if (!(labels instanceof Node) || labels.op.kind !== 'placeholder') throw new TypeError(`fit: a custom loss's labels must be a placeholder, got ${labels}`);
    if (predictions && (predictions.dtype !== 'int32' || labels.dtype !== 'int32')) {
      throw new TypeError(`fit: predictions ${predictions} and labels ${labels} must both be int32 class ids for accuracy`);
    }
    const correct = predictions ? sum(cast(equal(predictions, labels), 'float64')) : null;
    h = { labels, loss, lossSum: null, correct, classes: null, steps: new Map() };
  } else if (lossKind === 'sparseCategoricalCrossentropy') {
    const classes = out.shape.at(-1);
    if (out.rank !== 2 || classes === null || classes === undefined) throw new TypeError(`fit: sparse cross-entropy needs logits [N, classes], got ${out}`);
    const labels = placeholder(`${model.name}/labels`, [null], { dtype: 'int32' });
    const per = sparseSoftmaxCrossEntropyWithLogits({ labels, logits: out });
    const correct = sum(cast(equal(argmax(out, { axis: -1 }), labels), 'float64'));
    h = { labels, loss: mean(per), lossSum: sum(cast(per, 'float64')), correct, classes, steps: new Map() };
  } else if (lossKind === 'meanSquaredError') {
    const labels = placeholder(`${model.name}/targets`, out.shape, { dtype: out.dtype });
    const rest = Array.from({ length: out.rank - 1 }, (_, i) => i + 1);
    const per = rest.length ? mean(square(sub(out, labels)), { axes: rest }) : square(sub(out, labels));
    h = { labels, loss: mean(per), lossSum: sum(cast(per, 'float64')), correct: null, classes: null, steps: new Map() };
  } else {
    throw new TypeError(`fit: unknown loss ${JSON.stringify(lossKind)}`);
  }
  byLoss.set(lossKind, h);
  return h;
}

function trainStep(model: View, h: Heads, optimizer: Optimizer): Node {
  let step = h.steps.get(optimizer);
  if (!step) {
    step = group([optimizer.minimize(h.loss), ...model.updates]);
    h.steps.set(optimizer, step);
  }
  return step;
}

/** Examples as one contiguous block of rows, with the dtype the placeholder wants. */
class Rows {
  readonly n: number;
  readonly rowShape: number[];
  readonly row: number;
  readonly data: TypedArray;
  constructor(value: Input, dtype: DType, where: string) {
    const a = contiguous(toNdArray(value, { dtype, where, cast: true }), dtype, false);
    if (a.shape.length === 0) throw new TypeError(`${where}: needs a leading example axis, got a scalar`);
    this.n = a.shape[0];
    this.rowShape = a.shape.slice(1);
    this.row = sizeOf(this.rowShape);
    this.data = a.data as TypedArray;
  }
  /** Rows `idx[from .. to)` gathered into `buf`, returned as a feed. */
  gather(idx: Int32Array, from: number, to: number, buf: TypedArray): { data: TypedArray; shape: number[] } {
    const r = this.row;
    for (let i = from; i < to; i++) buf.set(this.data.subarray(idx[i] * r, idx[i] * r + r), (i - from) * r);
    return { data: buf.subarray(0, (to - from) * r), shape: [to - from, ...this.rowShape] };
  }
}

function checkData(model: View, h: Heads, data: Data, where: string): { x: Rows; y: Rows } {
  const x = new Rows(data.x, model.input.dtype, `${where}: x`);
  const y = new Rows(data.y, h.labels.dtype, `${where}: y`);
  const want = model.input.shape.slice(1);
  if (want.length !== x.rowShape.length || want.some((d, i) => d !== null && d !== x.rowShape[i])) {
    throw new TypeError(`${where}: x has examples of shape ${formatShape(x.rowShape)}, the model's input ${model.input} wants ${formatShape(want)}`);
  }
  if (x.n !== y.n) throw new TypeError(`${where}: x has ${x.n} examples but y has ${y.n}`);
  if (h.classes !== null) {
    const classes = h.classes;
    for (let i = 0; i < y.n; i++) {
      const c = y.data[i];
      if (!(c >= 0 && c < classes)) throw new RangeError(`${where}: y: label ${c} of example ${i} is outside [0, ${classes})`);
    }
  }
  return { x, y };
}

/** Runs every example once, in batches, without training: the summed loss and correct count. */
function sweep(session: Session, model: View, h: Heads, x: Rows, y: Rows, batchSize: number): { loss: number; accuracy?: number } {
  const idx = Int32Array.from({ length: x.n }, (_, i) => i);
  const bx = allocate(model.input.dtype, batchSize * x.row), by = allocate(h.labels.dtype, batchSize * y.row);
  const fetches = h.correct ? [h.lossSum ?? h.loss, h.correct] : [h.lossSum ?? h.loss];
  let loss = 0, correct = 0;
  for (let i = 0; i < x.n; i += batchSize) {
    const end = Math.min(i + batchSize, x.n);
    const r = session.run(fetches, [[model.input, x.gather(idx, i, end, bx)], [h.labels, y.gather(idx, i, end, by)]]);
    loss += h.lossSum ? r[0].get() : r[0].get() * (end - i);
    if (h.correct) correct += r[1].get();
  }
  return h.correct ? { loss: loss / x.n, accuracy: correct / x.n } : { loss: loss / x.n };
}

function setFlags(session: Session, model: View, value: 0 | 1): void {
  for (const f of model.flags) session.setValue(f, value);
}

const defaultSink = (): ProgressSink | undefined => (globalThis as { process?: { stdout?: ProgressSink } }).process?.stdout;

const fmt = (l: EpochLogs): string =>
  [`loss ${l.loss.toFixed(4)}`, l.accuracy !== undefined && `accuracy ${l.accuracy.toFixed(4)}`,
    l.valLoss !== undefined && `val loss ${l.valLoss.toFixed(4)}`, l.valAccuracy !== undefined && `val accuracy ${l.valAccuracy.toFixed(4)}`]
    .filter(Boolean).join('  ');

/** Trains the model on `data`: see FitOptions. Returns each epoch's logs. */
export function fit(session: Session, m: Model, data: Data, opts: FitOptions): History {
  const model = view(m, 'fit');
  const lossKind = opts.loss ?? 'sparseCategoricalCrossentropy';
  const h = heads(model, lossKind);
  const { x, y } = checkData(model, h, data, 'fit');
  const val = opts.validationData && checkData(model, h, opts.validationData, 'fit: validationData');
  const epochs = opts.epochs ?? 1, batchSize = opts.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 0) throw new TypeError(`fit: epochs must be an integer >= 0, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`fit: batchSize must be an integer >= 1, got ${batchSize}`);
  if (x.n === 0) throw new TypeError('fit: no examples');
  const step = trainStep(model, h, opts.optimizer);
  const fetches = h.correct ? [step, h.lossSum ?? h.loss, h.correct] : [step, h.lossSum ?? h.loss];
  const sink = opts.progress === 'none' ? undefined : opts.output ?? defaultSink();
  const bar = sink && (opts.progress === 'bar' || ((opts.progress ?? 'auto') === 'auto' && !!sink.isTTY));
  const es = opts.earlyStopping;
  const monitor = es?.monitor ?? (val ? 'valLoss' : 'loss');
  const better = (a: number, b: number) => (monitor.endsWith('ccuracy') ? a > b + (es?.minDelta ?? 0) : a < b - (es?.minDelta ?? 0));
  let best: { value: number; epoch: number; values: Map<Node, NdArray> } | undefined;
  const rng = new Rng(opts.seed ?? 0);
  const idx = Int32Array.from({ length: x.n }, (_, i) => i);
  const bx = allocate(model.input.dtype, batchSize * x.row), by = allocate(h.labels.dtype, batchSize * y.row);
  const batches = Math.ceil(x.n / batchSize);
  const logs: EpochLogs[] = [];
  let stopped: History['stopped'] = 'completed';
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    if (opts.shuffle ?? true) for (let i = x.n - 1; i > 0; i--) { const j = rng.int(i + 1); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    let lossSum = 0, correct = 0, last = 0;
    setFlags(session, model, 1);
    try {
      for (let b = 0; b < batches; b++) {
        const from = b * batchSize, to = Math.min(from + batchSize, x.n);
        const r = session.run(fetches, [[model.input, x.gather(idx, from, to, bx)], [h.labels, y.gather(idx, from, to, by)]]);
        const batchLoss = r[1].get();
        lossSum += h.lossSum ? batchLoss : batchLoss * (to - from);
        if (h.correct) correct += r[2].get();
        opts.onBatchEnd?.({ epoch, batch: b + 1, batches, loss: h.lossSum ? batchLoss / (to - from) : batchLoss, runningLoss: lossSum / to });
        if (bar && (performance.now() - last > 100 || b === batches - 1)) {
          last = performance.now();
          const done = Math.round((30 * (b + 1)) / batches);
          const seen = to;
          const acc = h.correct ? `  accuracy ${(correct / seen).toFixed(4)}` : '';
          sink!.write(`\repoch ${epoch}/${epochs} [${'='.repeat(done)}${' '.repeat(30 - done)}] ${b + 1}/${batches}  loss ${(lossSum / seen).toFixed(4)}${acc}`);
        }
      }
    } finally {
      setFlags(session, model, 0);
    }
    const v = val && sweep(session, model, h, val.x, val.y, batchSize);
    const entry: EpochLogs = {
      epoch, loss: lossSum / x.n, ...(h.correct ? { accuracy: correct / x.n } : {}),
      ...(v ? { valLoss: v.loss, ...(v.accuracy !== undefined ? { valAccuracy: v.accuracy } : {}) } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    logs.push(entry);
    if (sink) sink.write(`${bar ? '\r' : ''}epoch ${epoch}/${epochs}  ${fmt(entry)}  (${entry.seconds.toFixed(1)} s)${bar ? '\x1b[K' : ''}\n`);
    if (es) {
      const value = entry[monitor];
      if (value === undefined) throw new TypeError(`fit: early stopping monitors '${monitor}', which this run does not compute`);
      if (!best || better(value, best.value)) {
        best = { value, epoch, values: (es.restoreBest ?? true) ? new Map(model.variables.map((w) => [w, session.getValue(w)])) : new Map() };
      } else if (epoch - best.epoch >= es.patience) {
        stopped = 'earlyStopping';
      }
    }
    if (opts.onEpochEnd?.(entry) === false && stopped === 'completed') stopped = 'callback';
    if (stopped !== 'completed') break;
  }
  if (best && (es?.restoreBest ?? true)) for (const [w, value] of best.values) session.setValue(w, value);
  return { epochs: logs, stopped, ...(best ? { bestEpoch: best.epoch } : {}) };
}

/** The mean loss (and accuracy, for cross-entropy) over `data`, in inference mode. */
export function evaluate(session: Session, m: Model, data: Data, opts: { loss?: Loss; batchSize?: number } = {}): { loss: number; accuracy?: number } {
  const model = view(m, 'evaluate');
  const h = heads(model, opts.loss ?? 'sparseCategoricalCrossentropy');
  const { x, y } = checkData(model, h, data, 'evaluate');
  setFlags(session, model, 0);
  return sweep(session, model, h, x, y, opts.batchSize ?? 256);
}

/** The model's outputs for every example of x, in inference mode, as one array [N, ...]. */
export function predict(session: Session, m: Model, x: Input, opts: { batchSize?: number } = {}): NdArray {
  const model = view(m, 'predict');
  const rows = new Rows(x, model.input.dtype, 'predict: x');
  const batchSize = opts.batchSize ?? 256;
  setFlags(session, model, 0);
  const idx = Int32Array.from({ length: rows.n }, (_, i) => i);
  const buf = allocate(model.input.dtype, batchSize * rows.row);
  let out: NdArray | undefined;
  for (let i = 0; i < rows.n; i += batchSize) {
    const end = Math.min(i + batchSize, rows.n);
    const r = session.run(model.output, [[model.input, rows.gather(idx, i, end, buf)]]);
    if (!out) out = ndarray(allocate(model.output.dtype, rows.n * (r.size / (end - i))), [rows.n, ...r.shape.slice(1)]);
    (out.data as TypedArray).set(r.data as TypedArray, i * (r.size / (end - i)));
  }
  return out ?? ndarray(allocate(model.output.dtype, 0), [0, ...model.output.shape.slice(1).map((d) => d ?? 0)]);
}
