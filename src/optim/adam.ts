import type { Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { assign, assignSub } from '../ops/assign.js';
import { div } from '../ops/div.js';
import { mul } from '../ops/mul.js';
import { pow } from '../ops/pow.js';
import { sqrt } from '../ops/sqrt.js';
import { square } from '../ops/square.js';
import { sub } from '../ops/sub.js';
import { EPSILON } from './epsilon.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment (the mean of g). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment (the mean of g^2). Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (see epsilon.ts). */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1), at update number t = 1, 2, ...:
 *   m = beta1 * m + (1 - beta1) * g;   s = beta2 * s + (1 - beta2) * g^2
 *   v -= lr * (m / (1 - beta1^t)) / (sqrt(s / (1 - beta2^t)) + epsilon)
 * Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8 (the paper's). Slots: `m`, `v`
 * (the second moment, s above), zeros; t is the optimizer's step count plus one.
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(opts: AdamOptions = {}, kind = 'Adam') {
    super(kind, 0.001, opts);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? EPSILON;
    this.check('beta1', this.beta1, this.beta1 >= 0 && this.beta1 < 1, 'in [0, 1)');
    this.check('beta2', this.beta2, this.beta2 >= 0 && this.beta2 < 1, 'in [0, 1)');
    this.check('epsilon', this.epsilon, this.epsilon >= 0 && Number.isFinite(this.epsilon), 'a non-negative number');
  }

  protected update(g: Node, v: Node, ctx: UpdateContext): Node[] {
    const { assigns, step } = this.adamStep(g, v, ctx);
    return [...assigns, assignSub(v, mul(ctx.lr, step))];
  }

  /** The moment updates and the bias-corrected direction m^ / (sqrt(v^) + epsilon), before the learning rate. */
  protected adamStep(g: Node, v: Node, { t }: UpdateContext): { assigns: Node[]; step: Node } {
    const m = this.slot(v, 'm');
    const s = this.slot(v, 'v');
    const mNew = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    const sNew = add(mul(s, this.beta2), mul(square(g), 1 - this.beta2));
    // The direction reads the assigns (whose value is the new moment) rather than mNew and sNew: so
    // each moment's update is one pass ending in its assign, written into the moment in place, and
    // the direction reads it from there (the same values, one pass and one copy fewer per moment).
    const mSet = assign(m, mNew), sSet = assign(s, sNew);
    const mHat = div(mSet, sub(1, pow(this.beta1, t)));
    const sHat = div(sSet, sub(1, pow(this.beta2, t)));
    return { assigns: [mSet, sSet], step: div(mHat, add(sqrt(sHat), this.epsilon)) };
  }
}

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay. Default 0.01 (as PyTorch). */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with the weight decay taken out of the gradient, so it is
 * not rescaled by the moments:
 *   v -= lr * (m^ / (sqrt(v^) + epsilon) + weightDecay * v)       (m^, v^ as in Adam)
 * Defaults: as Adam, plus weightDecay 0.01. Slots: `m`, `v`.
 * NOTE: the decay is multiplied by lr, as in PyTorch and Keras (the paper's schedule multiplier eta
 * is lr / lr0 there); a schedule therefore decays the weight decay with the rate.
 */
export class AdamW extends Adam {
  readonly weightDecay: number;

  constructor(opts: AdamWOptions = {}) {
    super(opts, 'AdamW');
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.check('weightDecay', this.weightDecay, this.weightDecay >= 0 && Number.isFinite(this.weightDecay), 'a non-negative number');
  }

  protected override update(g: Node, v: Node, ctx: UpdateContext): Node[] {
    const { assigns, step } = this.adamStep(g, v, ctx);
    return [...assigns, assignSub(v, mul(ctx.lr, add(step, mul(v, this.weightDecay))))];
  }
}
