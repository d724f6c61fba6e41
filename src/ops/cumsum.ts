import type { NdArray } from 'ndarray';
import { apply } from '../graph/apply.js';
import type { Data } from '../graph/layout.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { axisAttrs, checkAxis } from '../graph/shape.js';

export interface CumsumAttrs {
  readonly axis: number;
  /** Sum the elements before each one, not including it. */
  readonly exclusive: boolean;
  /** Sum from the end of the axis. */
  readonly reverse: boolean;
}

/** Running sums along one axis, any strides in, contiguous out; the sum is kept in float64. */
function cumsumInto(out: NdArray, x: NdArray, { axis, exclusive, reverse }: CumsumAttrs): void {
  const shape = x.shape, n = shape[axis];
  const sx = x.stride[axis], so = out.stride[axis];
  const outer = shape.map((d, i) => (i === axis ? 1 : d));
  const xd = x.data as Data, od = out.data as Data;
  const idx = new Array<number>(shape.length).fill(0);
  const lines = outer.reduce((p, d) => p * d, 1);
  for (let l = 0; l < lines; l++) {
    let px = x.offset, po = out.offset;
    for (let d = 0; d < shape.length; d++) { px += idx[d] * x.stride[d]; po += idx[d] * out.stride[d]; }
    let acc = 0;
    for (let k = 0; k < n; k++) {
      const i = reverse ? n - 1 - k : k;
      const v = xd[px + i * sx];
      if (exclusive) { od[po + i * so] = acc; acc += v; } else { acc += v; od[po + i * so] = acc; }
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      if (d === axis) continue;
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
    }
  }
}

/** Running sum along an axis (exclusive and reverse optional). Linear; d = the running sum of grad the other way. */
export const Cumsum: OpDef<CumsumAttrs> = defineOp<CumsumAttrs>({
  name: 'cumsum',
  linear: true,
  infer: ([x], { axis }) => ({ shape: (checkAxis(axis, x.shape), x.shape), dtype: x.dtype }),
  forward: ([x], out, a) => cumsumInto(out, x, a),
  backward: (grad, { attrs }) => [apply(Cumsum, [grad], { ...attrs, reverse: !attrs.reverse })],
});
export const cumsum = (x: Operand, opts: { axis?: number; exclusive?: boolean; reverse?: boolean; name?: string } = {}): Node =>
  apply(Cumsum, [x], (ins) => ({ ...axisAttrs(opts.axis ?? 0)(ins), exclusive: opts.exclusive ?? false, reverse: opts.reverse ?? false }), opts.name);
