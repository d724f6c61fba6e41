import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { formatShape, ShapeError, type Dim } from '../graph/shape.js';
import { pad } from './pad.js';

/**
 * Python slicing bounds per axis, `x[begin:end]`: a negative bound counts from the end of the axis,
 * a null end is the end. The builder takes TensorFlow's (begin, size); rules that only know a
 * distance from the end (pad's and concat's gradients, under unknown dimensions) use the rest.
 */
export interface SliceAttrs {
  readonly begin: readonly number[];
  readonly end: readonly (number | null)[];
}

const at = (k: number | null, dim: number): number => (k === null ? dim : k < 0 ? dim + k : k);

/** The sliced length of one axis; null when the axis is unknown and the bounds count from different ends. */
function length(dim: Dim, b: number, e: number | null, fail: () => never): Dim {
  if (dim !== null) {
    const lo = at(b, dim), hi = at(e, dim);
    return lo < 0 || hi > dim || lo > hi ? fail() : hi - lo;
  }
  if (b >= 0 && e !== null && e >= 0) return e >= b ? e - b : fail();
  if (b < 0 && (e === null || e < 0)) return (e ?? 0) >= b ? (e ?? 0) - b : fail();
  return null;
}

/** A box of `x`, as a view (no copy).  d = pad(grad) with zeros back to the input's shape */
export const Slice: OpDef<SliceAttrs> = defineOp<SliceAttrs>({
  name: 'slice',
  linear: true,
  infer: ([x], { begin, end }) => {
    const box = `[${begin.map((b, i) => `${b}:${end[i] ?? ''}`).join(', ')}]`;
    const fail = (): never => {
      throw new ShapeError(`cannot take ${box} of ${formatShape(x.shape)}`);
    };
    if (begin.length !== x.shape.length || end.length !== x.shape.length) fail();
    return { shape: x.shape.map((d, i) => length(d, begin[i], end[i], fail)), dtype: x.dtype };
  },
  view: ([x], { begin }, shape) => x.lo(...begin.map((b, i) => at(b, x.shape[i]))).hi(...shape),
  backward: (grad, { inputs: [x], attrs: { begin, end }, name }) => {
    // pad needs each bound's distance from its own end of the axis, which an unknown axis hides
    // when the bound counts from the other end.
    const paddings = x.shape.map((d, i): [number, number] => {
      const b = begin[i], e = end[i];
      const before = b >= 0 ? b : d === null ? null : d + b;
      const after = e === null ? 0 : e < 0 ? -e : d === null ? null : d - e;
      if (before === null || after === null) {
        throw new ShapeError(`slice '${name}': cannot pad the gradient back to ${formatShape(x.shape)}: axis ${i} is unknown and the slice ends at a fixed index there; slice to the end (size -1) or give the input a static shape`);
      }
      return [before, after];
    });
    return [pad(grad, paddings)];
  },
});

/** Slice by bounds; see SliceAttrs. */
export const sliceBounds = (x: Node, begin: readonly number[], end: readonly (number | null)[], name?: string): Node =>
  apply(Slice, [x], { begin: begin.slice(), end: end.slice() }, name);

/** TensorFlow's slice: `size[i]` elements from `begin[i]` on each axis; a size of -1 takes the rest of the axis. */
export function slice(x: Node, begin: readonly number[], size: readonly number[], { name }: { name?: string } = {}): Node {
  const bad = [...begin, ...size].some((k) => !Number.isInteger(k)) || begin.some((b) => b < 0) || size.some((s) => s < -1);
  if (bad) throw new ShapeError(`slice${name ? ` '${name}'` : ''}: begin [${begin.join(',')}] and size [${size.join(',')}] must be integers, begin >= 0, size >= -1 (on ${formatShape(x.shape)})`);
  return sliceBounds(x, begin, size.map((s, i) => (s === -1 ? null : begin[i] + s)), name);
}
