import { apply } from '../graph/apply.js';
import { dtypeOfArray, isDType, isFloat, type DType } from '../graph/dtype.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { copyInto } from '../graph/tensor.js';

/**
 * Elementwise conversion to another dtype.  d(cast x) = cast(dx) between float dtypes; none to or from int32.
 * NOTE: float to int32 truncates toward zero (-1.7 -> -1), as C and NumPy's astype do; NaN becomes 0
 * and values outside the int32 range wrap modulo 2^32, because that is how an Int32Array stores them.
 * float64 to float32 rounds to nearest. Casting to the dtype a value already has is a view, no copy.
 */
export const Cast = defineOp<{ dtype: DType }>({
  name: 'cast',
  infer: ([x], { dtype }) => ({ shape: x.shape, dtype }),
  view: ([x], { dtype }) => (dtypeOfArray(x.data) === dtype ? x : null),
  forward: ([x], out) => copyInto(out, x),
  // int32 values are counts and labels: a gradient through them is zero, not an error.
  backward: (grad, { inputs: [x] }) => [floats(x, grad) ? cast(grad, x.dtype) : null],
  jvp: ([dx], out) => (dx && floats(out.inputs[0], out) ? cast(dx, out.dtype) : null),
});

const floats = (a: Node, b: Node): boolean => isFloat(a.dtype) && isFloat(b.dtype);

export function cast(x: Operand, dtype: DType, { name }: { name?: string } = {}): Node {
  if (!isDType(dtype)) throw new TypeError(`cast: unknown dtype ${String(dtype)} (expected float32, float64 or int32)`);
  return apply(Cast, [x], { dtype }, name);
}
