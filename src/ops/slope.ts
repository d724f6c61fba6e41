import type { Node } from '../graph/node.js';
import type { OpDef } from '../graph/op.js';
import { mul } from './mul.js';

/**
 * The rules of a unary op whose derivative is f'(a): backward grad * f'(a), jvp da * f'(a). `slope`
 * builds f'(a) from the node being differentiated (its input is a, the node itself the output f(a)).
 */
export function bySlope(slope: (node: Node) => Node): Pick<OpDef, 'backward' | 'jvp'> {
  return {
    backward: (grad, node) => [mul(grad, slope(node))],
    jvp: ([da], node) => mul(da!, slope(node)),
  };
}
