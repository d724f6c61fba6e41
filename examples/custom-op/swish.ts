import { mul, sigmoid, type Node } from '../../src/index.js';

/**
 * swish(x) = x sigmoid(x) (also called SiLU), an activation composed of existing ops: no kernel
 * and no derivative rules of its own, since mul's and sigmoid's give its gradient, its jvp and
 * every higher derivative.
 */
export const swish = (x: Node): Node => mul(x, sigmoid(x));
