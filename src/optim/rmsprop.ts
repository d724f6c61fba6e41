import type { Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { assign, assignSub } from '../ops/assign.js';
import { div } from '../ops/div.js';
import { mul } from '../ops/mul.js';
import { sqrt } from '../ops/sqrt.js';
import { square } from '../ops/square.js';
import { sub } from '../ops/sub.js';
import { EPSILON } from './epsilon.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface RMSPropOptions extends OptimizerOptions {
  /** Decay of the running averages. Default 0.9. */
  rho?: number;
  /** Default 0 (no momentum). */
  momentum?: number;
  /** Divide by the running variance (ms - mg^2) instead of the mean square. Default false. */
  centered?: boolean;
  /** Default 1e-8 (see epsilon.ts). */
  epsilon?: number;
}

/**
 * RMSProp (Tieleman & Hinton 2012): steps divided by a running root mean square of the gradient.
 *   ms = rho * ms + (1 - rho) * g^2
 *   centered: mg = rho * mg + (1 - rho) * g;  d = sqrt(ms - mg^2) + epsilon;  else d = sqrt(ms) + epsilon
 *   no momentum: v -= lr * g / d;  momentum: buf = momentum * buf + g / d;  v -= lr * buf
 * Defaults: learningRate 0.001, rho 0.9 (as Keras and TensorFlow), momentum 0, centered false,
 * epsilon 1e-8. Slots: `meanSquare` (zeros), `meanGrad` if centered, `momentum` if momentum > 0.
 * NOTE: epsilon goes outside the square root and lr multiplies the momentum buffer at use, as in
 * PyTorch (Keras puts epsilon inside the root; TF1 folds lr into the buffer).
 */
export class RMSProp extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly epsilon: number;

  constructor(opts: RMSPropOptions = {}) {
    super('RMSProp', 0.001, opts);
    this.rho = opts.rho ?? 0.9;
    this.momentum = opts.momentum ?? 0;
    this.centered = opts.centered ?? false;
    this.epsilon = opts.epsilon ?? EPSILON;
    this.check('rho', this.rho, this.rho >= 0 && this.rho < 1, 'in [0, 1)');
    this.check('momentum', this.momentum, this.momentum >= 0 && this.momentum < 1, 'in [0, 1)');
    this.check('epsilon', this.epsilon, this.epsilon >= 0 && Number.isFinite(this.epsilon), 'a non-negative number');
  }

  protected update(g: Node, v: Node, { lr }: UpdateContext): Node[] {
    const out: Node[] = [];
    const ms = this.slot(v, 'meanSquare');
    const msNew = add(mul(ms, this.rho), mul(square(g), 1 - this.rho));
    out.push(assign(ms, msNew));
    let variance = msNew;
    if (this.centered) {
      const mg = this.slot(v, 'meanGrad');
      const mgNew = add(mul(mg, this.rho), mul(g, 1 - this.rho));
      out.push(assign(mg, mgNew));
      variance = sub(msNew, square(mgNew));
    }
    let direction = div(g, add(sqrt(variance), this.epsilon));
    if (this.momentum > 0) {
      const buf = this.slot(v, 'momentum');
      direction = add(mul(buf, this.momentum), direction);
      out.push(assign(buf, direction));
    }
    out.push(assignSub(v, mul(lr, direction)));
    return out;
  }
}
