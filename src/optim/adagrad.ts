import type { Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { assign, assignSub } from '../ops/assign.js';
import { div } from '../ops/div.js';
import { mul } from '../ops/mul.js';
import { sqrt } from '../ops/sqrt.js';
import { square } from '../ops/square.js';
import { EPSILON } from './epsilon.js';
import { Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  /** The accumulator's starting value. Default 0.1 (as TensorFlow and Keras). */
  initialAccumulator?: number;
  /** Default 1e-8 (see epsilon.ts). */
  epsilon?: number;
}

/**
 * Adagrad (Duchi, Hazan & Singer 2011): each coordinate's step shrinks with the sum of its squared gradients.
 *   acc = acc + g^2;  v -= lr * g / (sqrt(acc) + epsilon)
 * Defaults: learningRate 0.001 (as Keras), initialAccumulator 0.1, epsilon 1e-8. Slot: `accumulator`.
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulator: number;
  readonly epsilon: number;

  constructor(opts: AdagradOptions = {}) {
    super('Adagrad', 0.001, opts);
    this.initialAccumulator = opts.initialAccumulator ?? 0.1;
    this.epsilon = opts.epsilon ?? EPSILON;
    this.check('initialAccumulator', this.initialAccumulator, this.initialAccumulator >= 0 && Number.isFinite(this.initialAccumulator), 'a non-negative number');
    this.check('epsilon', this.epsilon, this.epsilon >= 0 && Number.isFinite(this.epsilon), 'a non-negative number');
  }

  protected update(g: Node, v: Node, { lr }: UpdateContext): Node[] {
    const acc = this.slot(v, 'accumulator', this.initialAccumulator);
    const accNew = add(acc, square(g));
    return [assign(acc, accNew), assignSub(v, mul(lr, div(g, add(sqrt(accNew), this.epsilon))))];
  }
}
