import type { Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { assign, assignSub } from '../ops/assign.js';
import { mul } from '../ops/mul.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum: step along g + momentum * buf instead of buf. Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, with optional (Nesterov) momentum.
 *   plain:    v -= lr * g
 *   momentum: buf = momentum * buf + g;  v -= lr * buf
 *   Nesterov: buf = momentum * buf + g;  v -= lr * (g + momentum * buf)
 * Defaults: learningRate 0.01 (as Keras), momentum 0, nesterov false. Slot: `momentum` (zeros).
 * NOTE: the buffer accumulates gradients and the learning rate multiplies at use, as in PyTorch and
 * TF1's MomentumOptimizer; Keras folds lr into the buffer instead. The two agree while lr is constant
 * and differ under a schedule, where this form makes a change of lr take effect at once.
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(opts: SGDOptions = {}) {
    super('SGD', 0.01, opts);
    this.momentum = opts.momentum ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.check('momentum', this.momentum, this.momentum >= 0 && this.momentum < 1, 'in [0, 1)');
    if (this.nesterov && this.momentum === 0) throw new RangeError(`${this.name}: nesterov needs a momentum > 0`);
  }

  protected update(g: Node, v: Node, { lr }: UpdateContext): Node[] {
    if (this.momentum === 0) return [assignSub(v, mul(lr, g))];
    const buf = this.slot(v, 'momentum');
    const bufNew = add(mul(buf, this.momentum), g);
    const direction = this.nesterov ? add(g, mul(bufNew, this.momentum)) : bufNew;
    return [assign(buf, bufNew), assignSub(v, mul(lr, direction))];
  }
}
