/**
 * The optimizer base: gradients in, a training-step node out. Everything an optimizer does is graph
 * ops, and everything it remembers (momentum, Adam's moments, the step count) is a variable of the
 * session, so a checkpoint of the session carries it.
 */
import type { DType } from '../graph/dtype.js';
import { gradients } from '../autodiff/gradients.js';
import { describe, Node } from '../graph/node.js';
import { formatShape, compatible } from '../graph/shape.js';
import { add } from '../ops/add.js';
import { assignAdd } from '../ops/assign.js';
import { cast } from '../ops/cast.js';
import { constant } from '../graph/constant.js';
import { group } from '../ops/group.js';
import { variable } from '../ops/variable.js';
import * as init from '../init/initializers.js';
import { clipByGlobalNorm } from './clip.js';
import { isSchedule, type Schedule } from './schedules.js';
import { checkVariable, trainableVariables } from './variables.js';

/**
 * A learning rate: a number, a schedule of the step count, or a scalar float node of your own (a
 * placeholder fed each run, say; it is cast to each variable's dtype).
 */
export type LearningRate = number | Schedule | Node;

/** A gradient and the variable it is for, as TensorFlow pairs them. A null gradient means "leave it alone". */
export type GradAndVar = readonly [grad: Node | null, variable: Node];

export interface OptimizerOptions {
  learningRate?: LearningRate;
  /** Prefix of the slot variables' names (`Adam/w/m`, `Adam/step`). Default: the class's name. Two optimizers in one session need different names. */
  name?: string;
  /** Clip the gradients by this global norm in applyGradients (see clipByGlobalNorm). Default: no clipping. */
  clipGlobalNorm?: number;
}

/** What an update rule gets besides the gradient and the variable: scalars of the variable's dtype. */
export interface UpdateContext {
  /** The learning rate for this update. */
  readonly lr: Node;
  /** The number of this update, counting from 1 (for bias corrections). */
  readonly t: Node;
}

export abstract class Optimizer {
  readonly name: string;
  readonly learningRate: LearningRate;
  readonly clipGlobalNorm: number | undefined;
  private stepVariable: Node | undefined;
  private readonly slotVariables = new Map<Node, Map<string, Node>>();

  protected constructor(kind: string, defaultLearningRate: number, opts: OptimizerOptions) {
    this.name = opts.name ?? kind;
    this.learningRate = opts.learningRate ?? defaultLearningRate;
    this.clipGlobalNorm = opts.clipGlobalNorm;
    const lr = this.learningRate;
    if (typeof lr === 'number') this.check('learningRate', lr, lr >= 0 && Number.isFinite(lr), 'a non-negative number');
    else if (!isSchedule(lr) && !(lr instanceof Node && lr.rank === 0 && lr.dtype !== 'int32')) {
      throw new TypeError(`${this.name}: learningRate must be a number, a schedule or a scalar float node`);
    }
    if (this.clipGlobalNorm !== undefined) {
      this.check('clipGlobalNorm', this.clipGlobalNorm, this.clipGlobalNorm > 0 && Number.isFinite(this.clipGlobalNorm), 'a positive number');
    }
  }

  /** The number of updates applied so far: a scalar int32 variable `${name}/step`, not trainable. */
  get step(): Node {
    this.stepVariable ??= variable(`${this.name}/step`, init.zeros([], { dtype: 'int32' }), { trainable: false });
    return this.stepVariable;
  }

  /** The slot variables made so far for `v`, by slot name (`momentum`, `m`, `v`, ...). */
  slots(v: Node): ReadonlyMap<string, Node> {
    return this.slotVariables.get(v) ?? new Map();
  }

  /** Every variable of this optimizer's own: the step count and every slot made so far. */
  variables(): Node[] {
    const slots = [...this.slotVariables.values()].flatMap((m) => [...m.values()]);
    return this.stepVariable ? [this.stepVariable, ...slots] : slots;
  }

  /**
   * The gradient of `loss` (its sum, if it is not a scalar) for each of `vars`, as graph nodes.
   * Default vars: every trainable variable the loss depends on. A given variable the loss does not
   * depend on (or only through stopGradient, comparisons, argmax) is paired with null.
   */
  computeGradients(loss: Node, vars?: readonly Node[]): GradAndVar[] {
    const where = `${this.name}.computeGradients`;
    if (!(loss instanceof Node)) throw new TypeError(`${where}: the loss must be a node, got ${typeof loss}`);
    if (loss.dtype === 'int32') throw new TypeError(`${where}: the loss ${describe(loss)} is int32; it must be a float`);
    const list = vars ? vars.map((v) => checkVariable(where, v)) : trainableVariables(loss);
    if (list.length === 0) throw new Error(`${where}: ${describe(loss)} depends on no trainable variable`);
    for (const v of list) {
      if (v.dtype === 'int32') throw new TypeError(`${where}: variable '${v.name}' is int32 and cannot be trained`);
    }
    const gs = gradients(loss, list, undefined, { unconnected: 'null' });
    return list.map((v, i) => [gs[i], v] as const);
  }

  /**
   * A node that, when fetched in `session.run`, applies one update with these gradients (after
   * clipping them, if the optimizer clips) and adds 1 to the step count. Pairs with a null gradient
   * are skipped. Every variable is read at its start-of-run value; the session writes the new values
   * at the end of the run.
   */
  applyGradients(pairs: readonly GradAndVar[], name?: string): Node {
    const where = `${this.name}.applyGradients`;
    const seen = new Set<Node>();
    for (const pair of pairs) {
      const [g, v] = pair;
      checkVariable(where, v);
      if (seen.has(v)) throw new Error(`${where}: variable '${v.name}' appears twice`);
      seen.add(v);
      if (g === null) continue;
      if (!(g instanceof Node)) throw new TypeError(`${where}: the gradient for '${v.name}' is ${typeof g}, not a node`);
      if (g.dtype !== v.dtype || !compatible(g.shape, v.shape)) {
        throw new TypeError(`${where}: gradient ${describe(g)} is ${formatShape(g.shape)} ${g.dtype}, but variable '${v.name}' is ${formatShape(v.shape)} ${v.dtype}`);
      }
    }
    let live = pairs.filter((p): p is readonly [Node, Node] => p[0] !== null);
    if (live.length === 0) {
      throw new Error(`${where}: no gradient for any variable (${pairs.map(([, v]) => `'${v.name}'`).join(', ') || 'none given'})`);
    }
    if (this.clipGlobalNorm !== undefined) {
      const clipped = clipByGlobalNorm(live.map(([g]) => g), this.clipGlobalNorm).grads;
      live = live.map(([, v], i) => [clipped[i]!, v] as const);
    }
    const contexts = new Map<DType, UpdateContext>();
    const context = (dtype: DType): UpdateContext => {
      let c = contexts.get(dtype);
      if (!c) contexts.set(dtype, (c = { lr: this.learningRateNode(dtype), t: add(cast(this.step, dtype), 1) }));
      return c;
    };
    const updates = live.flatMap(([g, v]) => this.update(g, v, context(v.dtype)));
    return group([...updates, assignAdd(this.step, 1)], { name: name ?? `${this.name}/update` });
  }

  /** computeGradients then applyGradients: the training step. */
  minimize(loss: Node, vars?: readonly Node[], name?: string): Node {
    return this.applyGradients(this.computeGradients(loss, vars), name);
  }

  /** The learning rate of the next update as a scalar node of `dtype` (to log it, or plot a schedule). */
  learningRateNode(dtype: DType = 'float32'): Node {
    const lr = this.learningRate;
    if (typeof lr === 'number') return constant(lr, { dtype });
    if (lr instanceof Node) return lr.dtype === dtype ? lr : cast(lr, dtype);
    return lr.build(this.step, dtype);
  }

  /** The assign nodes of one update of `v` by its gradient `g`. Read slots with `slot`. */
  protected abstract update(g: Node, v: Node, ctx: UpdateContext): Node[];

  /** The slot `name` of `v` (made on first use): a non-trainable variable `${optimizer}/${v.name}/${name}` filled with `initial`. */
  protected slot(v: Node, name: string, initial = 0): Node {
    let slots = this.slotVariables.get(v);
    if (!slots) this.slotVariables.set(v, (slots = new Map()));
    let s = slots.get(name);
    if (!s) {
      const shape = v.shape as readonly number[];
      s = variable(`${this.name}/${v.name}/${name}`, init.fill(shape, initial, { dtype: v.dtype }), { trainable: false });
      slots.set(name, s);
    }
    return s;
  }

  /** Throws a RangeError naming the optimizer and the hyperparameter unless `ok`. */
  protected check(what: string, value: number, ok: boolean, expected: string): void {
    if (!ok || typeof value !== 'number') throw new RangeError(`${this.name}: ${what} must be ${expected}, got ${value}`);
  }
}
