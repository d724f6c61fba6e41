import type { NdArray } from 'ndarray';
import { dtypeOfArray, type DType } from './dtype.js';
import { defineOp } from './op.js';
import { Node, takeId } from './node.js';
import { toNdArray, type Input } from './tensor.js';
import { scopedName } from './scope.js';

/** A fixed value baked into the graph.  d(const) = 0 */
export const Constant = defineOp<{ value: NdArray }>({
  name: 'constant',
  kind: 'constant',
  infer: (_, { value }) => ({ shape: value.shape.slice(), dtype: dtypeOf(value) }),
  view: (_, { value }) => value,
  forward: () => {},
  backward: () => [],
  jvp: () => null,
});

/** Values are made by toNdArray, always on a typed array. */
const dtypeOf = (v: NdArray): DType => dtypeOfArray(v.data)!;

/** A constant node; numbers and nested arrays become float32 unless `dtype` says otherwise. */
export function constant(value: Input, opts: { dtype?: DType; name?: string } = {}): Node {
  const v = toNdArray(value, { dtype: opts.dtype, where: 'constant', cast: true });
  const id = takeId();
  return new Node(id, Constant, [], { value: v }, v.shape.slice(), dtypeOf(v), scopedName(opts.name ?? `constant_${id}`));
}
