import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { copyInto } from '../graph/tensor.js';
import { odometer } from '../kernels/elementwise.js';
import type { Data } from '../graph/tensor.js';

/**
 * The input, unchanged, after checking that every element is finite (TensorFlow's check_numerics):
 * a NaN or an infinity stops the run with `message`, the element and its value. Its gradient and
 * tangent are checked the same way.  d(check x) = check(dx)
 */
export const CheckNumerics = defineOp<{ readonly message: string }>({
  name: 'checkNumerics',
  inplace: true,
  infer: ([x]) => x,
  forward: ([x], out, { message }) => {
    const d = x.data as Data;
    let k = 0;
    odometer([x], (o) => {
      const v = d[o[0]];
      if (!Number.isFinite(v)) throw new RangeError(`${message}: ${v} at element ${k} of [${x.shape.join(',')}]`);
      k++;
    });
    if (out.data !== x.data || out.offset !== x.offset) copyInto(out, x);
  },
  backward: (grad, { attrs }) => [checkNumerics(grad, `${attrs.message} (gradient)`)],
  jvp: ([dx], { attrs }) => (dx ? checkNumerics(dx, `${attrs.message} (tangent)`) : null),
});
export const checkNumerics = (x: Node, message: string, { name }: { name?: string } = {}): Node => {
  if (typeof message !== 'string') throw new TypeError(`checkNumerics: message is ${typeof message}, expected a string`);
  return apply(CheckNumerics, [x], { message }, name);
};
