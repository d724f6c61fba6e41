/**
 * The first stage of compiling a plan: which nodes run, in which order, with which concrete shapes,
 * and which of them are views. Nothing is allocated here. Plan buffers are stood in for by empty
 * typed arrays, whose identity tells which buffer a view aliases; the arrays every run uses are
 * made later, once buffers are assigned (see compile.ts).
 */
import ndarray, { type NdArray } from 'ndarray';
import { bytesPer, viewOf, type DType } from '../graph/dtype.js';
import { describe, type Node } from '../graph/node.js';
import { inferChecked } from '../graph/apply.js';
import type { TensorType } from '../graph/op.js';
import { compatible, formatShape, sameShape, ShapeError, sizeOf, type ConcreteShape } from '../graph/shape.js';
import { isContiguous } from '../graph/tensor.js';
import { NodeMap, type NodeLookup } from '../graph/nodeMap.js';
import { topoSort } from '../graph/topo.js';
import { formulaOf } from '../ops/elementwise.js';

/**
 * One value computed in a run. `feed` and `step` entries own a buffer; a `view` aliases its input
 * `viewOf` (or memory outside the plan, such as a constant's value, when `viewOf` is -1); a
 * `source` is a variable's storage, held by the session.
 */
export interface Entry {
  readonly node: Node;
  readonly kind: 'feed' | 'source' | 'view' | 'step';
  /** The entries this one reads, one per node input. Checkpointing rewires them. */
  inputs: Entry[];
  readonly shape: ConcreteShape;
  readonly dtype: DType;
  /** Bytes of the buffer a feed or step writes; 0 for sources and views. */
  readonly bytes: number;
  readonly viewOf: number;
  /** A view that covers its whole buffer in order (contiguous, offset 0, every element). */
  readonly dense: boolean;
  /** For a copy made by checkpointing: the entry it recomputes. */
  readonly original: Entry | null;
  /** Its position in the schedule (set by `renumber`): lets later stages keep per-entry facts in arrays. */
  id: number;
}

function entry(node: Node, kind: Entry['kind'], inputs: Entry[], shape: ConcreteShape, viewOf = -1, dense = false, original: Entry | null = null): Entry {
  const bytes = kind === 'feed' || kind === 'step' ? sizeOf(shape) * bytesPer(node.dtype) : 0;
  return { node, kind, inputs, shape, dtype: node.dtype, bytes, viewOf, dense, original, id: -1 };
}

/** Numbers the entries by position; returns them. */
export function renumber(entries: Entry[]): Entry[] {
  entries.forEach((e, i) => (e.id = i));
  return entries;
}

/** A copy of `e` reading `inputs`, for recomputing it later in the run. */
export const recomputeOf = (e: Entry, inputs: Entry[]): Entry =>
  entry(e.node, e.kind, inputs, e.shape, e.viewOf, e.dense, e.original ?? e);

/**
 * A node's type when a run cannot change it: a built-in elementwise op (its shape rule is
 * broadcasting, a pure function of the input shapes) whose static shape is concrete, every input
 * having its static shape in the run. Saves the rule on graphs whose shapes are all known; other
 * ops' rules run again, so that one answering differently at run time is caught.
 */
export function staticType(n: Node, shapeOf: (input: Node) => ConcreteShape | undefined): TensorType | undefined {
  if (formulaOf(n.op) === undefined) return undefined;
  for (let k = 0; k < n.shape.length; k++) if (n.shape[k] === null) return undefined;
  for (let k = 0; k < n.inputs.length; k++) {
    const s = shapeOf(n.inputs[k]);
    if (s === undefined || !sameShape(s, n.inputs[k].shape as ConcreteShape)) return undefined;
  }
  return { shape: n.shape as ConcreteShape, dtype: n.dtype };
}

/** Stand-ins for buffers: distinct empty arrays of the right dtype, all over one empty ArrayBuffer. */
const nothing = new ArrayBuffer(0);
const standIn = (dtype: DType) => viewOf(dtype, nothing, 0, 0);

/**
 * Orders the ancestors of `fetches` (stopping at fed nodes), infers every concrete shape once, and
 * asks each view op whether it can be a view. `order`, when given, is `topoSort(fetches, fed)` already
 * made. `of` maps a node to the one standing for it (a constant to an equal constant, after the
 * plan-time rewrite: rewrite.ts), which is scheduled once, where the first node it stands for is.
 * Throws, naming the node, on a missing feed, a shape error, or an op without a kernel.
 */
export function schedule(
  fetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>, storage: (v: Node) => NdArray, inferred?: NodeLookup<TensorType>,
  order?: readonly Node[], of?: (n: Node) => Node,
): Entry[] {
  const cut = new Set(fed.keys());
  const entries: Entry[] = [];
  const entryOf = new NodeMap<Entry>();
  // A stand-in array per buffer, made only when a view op asks for its input's layout (most steps
  // are never viewed): a chain of 100k elementwise steps then allocates no arrays here.
  const layout: (NdArray | null)[] = [];
  const owner = new Map<unknown, Entry>();
  const arrayOf = (e: Entry): NdArray => {
    let arr = layout[e.id];
    if (!arr) {
      const data = standIn(e.dtype);
      owner.set(data, e);
      layout[e.id] = arr = ndarray(data, e.shape.slice());
    }
    return arr;
  };
  const shapeOf = (input: Node) => entryOf.get(input)?.shape;
  const nodes = order ?? topoSort(fetches, cut);
  // NOTE: the loops over a whole graph or schedule are indexed: they run once per plan, much of it
  // before V8 optimises them, and a for-of there allocates an iterator result per element.
  for (let j = 0; j < nodes.length; j++) {
    const u = nodes[j];
    const n = of ? of(u) : u;
    if (n !== u) {
      const known = entryOf.get(n);
      if (known) {
        entryOf.set(u, known);
        continue;
      }
    } else if (entryOf.has(n)) continue;
    let e: Entry;
    let arr: NdArray | null = null;
    const feedShape = fed.get(n);
    if (feedShape) {
      e = entry(n, 'feed', [], feedShape.slice());
    } else if (n.op.kind === 'placeholder') {
      const needer = fetches.find((f) => topoSort([f], cut).includes(n))!;
      throw new Error(`missing feed for placeholder '${n.name}' ${formatShape(n.shape)} ${n.dtype}, needed by fetch ${describe(needer)}`);
    } else if (n.op.kind === 'variable') {
      arr = storage(n);
      e = entry(n, 'source', [], arr.shape.slice());
    } else {
      const inputs: Entry[] = new Array(n.inputs.length);
      for (let k = 0; k < inputs.length; k++) inputs[k] = entryOf.get(n.inputs[k])!;
      const type = inferred?.get(n) ?? staticType(n, shapeOf) ?? inferChecked(n.op, n.inputs.map((i, k) => ({ shape: inputs[k].shape, dtype: i.dtype })), n.attrs, describe(n), true);
      const shape = type.shape as ConcreteShape;
      if (!compatible(shape, n.shape) || type.dtype !== n.dtype) {
        throw new ShapeError(
          `${describe(n)}: the shape rule of op '${n.op.name}' gave ${formatShape(shape)} ${type.dtype} at run time, but ${formatShape(n.shape)} ${n.dtype} when the node was built`,
        );
      }
      const ins = n.op.view ? inputs.map(arrayOf) : null;
      const viewed = ins ? n.op.view!(ins, n.attrs, shape) ?? null : null;
      if (viewed && !sameShape(viewed.shape, shape)) {
        throw new ShapeError(`${describe(n)}: the view of op '${n.op.name}' has shape ${formatShape(viewed.shape)}, but its shape rule says ${formatShape(shape)}`);
      }
      if (viewed) {
        const viewOf = ins!.findIndex((a) => a.data === viewed.data);
        if (viewOf < 0 && owner.has(viewed.data)) throw new Error(`${describe(n)}: view of a buffer that is not one of its inputs`);
        const b = owner.get(viewed.data) ?? null;
        const dense = b !== null && isContiguous(viewed) && viewed.offset === 0 && viewed.size === sizeOf(b.shape);
        e = entry(n, 'view', inputs, viewed.shape.slice(), viewOf, dense);
        arr = viewed;
      } else {
        if (!n.op.forward) throw new Error(`${describe(n)}: op has no kernel`);
        e = entry(n, 'step', inputs, shape.slice());
      }
    }
    e.id = entries.length;
    entries.push(e);
    entryOf.set(n, e);
    entryOf.set(u, e);
    layout.push(arr);
  }
  return entries;
}
