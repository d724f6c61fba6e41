import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';

/** Runs all of its inputs (a training step's assigns); its own value is an empty array. */
export const Group = defineOp({
  name: 'group',
  kind: 'group',
  nondifferentiable: true,
  infer: () => ({ shape: [0], dtype: 'float32' }),
  forward: () => {},
});
export const group = (xs: readonly Node[], opts: { name?: string } = {}): Node => apply(Group, xs, {}, opts.name);
