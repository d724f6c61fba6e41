import type { DType } from '../graph/dtype.js';
import { isDType } from '../graph/dtype.js';
import { Node, takeId } from '../graph/node.js';
import { noteCreation } from '../graph/debug.js';
import { defineOp } from '../graph/op.js';
import { scopedName } from '../graph/scope.js';
import { formatShape, type Shape } from '../graph/shape.js';

/** A value fed at run time. Dimensions may be unknown (`null`) until then. */
export const Placeholder = defineOp<{ shape: Shape; dtype: DType }>({
  name: 'placeholder',
  kind: 'placeholder',
  infer: (_, a) => a,
});

export function placeholder(name: string, shape: Shape, { dtype = 'float32' }: { dtype?: DType } = {}): Node {
  if (typeof name !== 'string' || name === '') throw new TypeError('placeholder: needs a name');
  name = scopedName(name);
  if (!isDType(dtype)) throw new TypeError(`placeholder '${name}': unknown dtype ${String(dtype)}`);
  if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
    throw new TypeError(`placeholder '${name}': bad shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
  const node = new Node(takeId(), Placeholder, [], { shape: shape.slice(), dtype }, shape.slice(), dtype, name);
  noteCreation(node);
  return node;
}
