import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { formatShape, ShapeError } from '../graph/shape.js';
import { copyInto } from '../graph/tensor.js';
import { fill } from '../kernels/elementwise.js';
import { sliceBounds } from './slice.js';

export interface PadAttrs {
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly value: number;
}

/**
 * NumPy's constant pad: `before[i]` and `after[i]` copies of `value` around axis i.
 * d = the slice of grad where the input sits (the padding is constant).
 */
export const Pad: OpDef<PadAttrs> = defineOp<PadAttrs>({
  name: 'pad',
  infer: ([x], { before, after }) => {
    const ok = before.length === x.shape.length && after.length === x.shape.length && [...before, ...after].every((p) => Number.isInteger(p) && p >= 0);
    if (!ok) throw new ShapeError(`paddings [${before.map((b, i) => `[${b},${after[i]}]`).join(',')}] do not fit ${formatShape(x.shape)}: one [before, after] pair of integers >= 0 per axis`);
    return { shape: x.shape.map((d, i) => (d === null ? null : before[i] + d + after[i])), dtype: x.dtype };
  },
  forward: ([x], out, { before, value }) => {
    fill(out, value);
    copyInto(out.lo(...before).hi(...x.shape), x);
  },
  backward: (grad, { attrs: { before, after } }) => [sliceBounds(grad, before, after.map((a) => (a > 0 ? -a : null)))],
  jvp: ([dx], { attrs }) => apply(Pad, [dx!], { ...attrs, value: 0 }),
});

/** `paddings` holds one [before, after] pair per axis. */
export const pad = (x: Node, paddings: readonly (readonly [number, number])[], opts: { value?: number; name?: string } = {}): Node =>
  apply(Pad, [x], { before: paddings.map((p) => p[0]), after: paddings.map((p) => p[1]), value: opts.value ?? 0 }, opts.name);
