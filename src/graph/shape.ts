import { sameDType } from './apply.js';
import type { DType } from './dtype.js';
import type { TensorType } from './op.js';

/** A static shape. `null` is a dimension unknown until run time (a placeholder's batch size). */
export type Dim = number | null;
export type Shape = readonly Dim[];
/** A run-time shape: every dimension known. */
export type ConcreteShape = readonly number[];

/** Thrown by shape and dtype rules; `apply` prefixes it with the op and node. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

export const formatShape = (s: Shape): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;

/** The number of elements. A plain loop: kernels call it on every run. */
export function sizeOf(s: ConcreteShape): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) n *= s[i];
  return n;
}

export const isConcrete = (s: Shape): s is ConcreteShape => s.every((d) => d !== null);

/** Two shapes that can describe the same array: same rank, and equal wherever both are known. */
export function compatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

export function sameShape(a: ConcreteShape, b: ConcreteShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * NumPy broadcasting: align on the right, a 1 stretches to the other size.
 * NOTE: an unknown dimension against 1 stays unknown; against n it is taken to be n (checked at run time).
 */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null) out.push(y);
    else if (y === null || x === y) out.push(x);
    else throw new ShapeError(`shapes do not broadcast: ${formatShape(a)} vs ${formatShape(b)}`);
  }
  return out;
}

/**
 * The type rule of an elementwise op with NumPy broadcasting: the inputs' broadcast shape, and
 * their one dtype (which must be in `allowed`, when given).
 */
export function broadcastType(inputs: readonly TensorType[], allowed?: readonly DType[]): TensorType {
  let shape = inputs[0].shape;
  for (let k = 1; k < inputs.length; k++) shape = broadcastShapes(shape, inputs[k].shape);
  return { shape, dtype: sameDType(inputs, allowed) };
}

function outOfRange(axis: number, lo: number, of: Shape | number): ShapeError {
  const rank = typeof of === 'number' ? of : of.length;
  const range = rank === 0 ? '(an array of rank 0 has no axes)' : `[${lo}, ${rank})`;
  return new ShapeError(`axis ${axis} is out of range ${range} for ${typeof of === 'number' ? `rank ${rank}` : formatShape(of)}`);
}

/**
 * An axis of an array of shape `of` (or of rank `of`) as an index in [0, rank); a negative axis
 * counts from the end. Builders normalise with it, inside `apply`, so that its error names the node.
 */
function normalizeAxis(axis: number, of: Shape | number): number {
  const rank = typeof of === 'number' ? of : of.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw outOfRange(axis, -rank, of);
  return axis < 0 ? axis + rank : axis;
}

/**
 * A shape rule's check of an axis attribute, which builders normalised: an index in [0, rank).
 * Rules still check it, because attrs can come from elsewhere (checkOp, a user's `apply`).
 */
export function checkAxis(axis: number, of: Shape | number): number {
  const rank = typeof of === 'number' ? of : of.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw outOfRange(axis, 0, of);
  return axis;
}

/** `{ axis }` attrs along one axis of input `k`, as a function for `apply`: normalised there, so that a bad axis names the node. */
export const axisAttrs = (axis: number, k = 0) => (inputs: readonly { readonly shape: Shape }[]): { axis: number } => ({
  axis: normalizeAxis(axis, inputs[k].shape),
});

/**
 * Axes of an array of shape `of` (or of rank `of`): negative ones count from the end; the result is
 * sorted and unique. `undefined` means every axis.
 */
export function normalizeAxes(axes: number | readonly number[] | undefined, of: Shape | number): number[] {
  const rank = typeof of === 'number' ? of : of.length;
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(a, of);
    if (out.has(n)) throw new ShapeError(`axis ${a} is repeated`);
    out.add(n);
  }
  return [...out].sort((x, y) => x - y);
}

/** Row-major strides of a contiguous array. */
export function stridesOf(s: ConcreteShape): number[] {
  const out = new Array<number>(s.length);
  let st = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    out[i] = st;
    st *= s[i];
  }
  return out;
}
