/**
 * The op contract. Vocabulary used by every op file:
 * - `grad`: the incoming gradient node (d loss / d out), shaped like the node being differentiated;
 * - `node` (often destructured as `{ inputs: [a, b], attrs }`): the node being differentiated, `out`;
 * - `da`, `dx`: tangents (forward mode), shaped like their inputs;
 * - `null`, as a gradient or tangent: zero; nothing flows.
 * Backward and jvp are built from public ops, so every derivative is a graph that can be
 * differentiated again.
 */
import type { NdArray } from 'ndarray';
import type { DType } from './dtype.js';
import type { ConcreteShape, Shape } from './shape.js';
import type { Node } from './node.js';

export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The role a node plays for the session. Ordinary ops are 'op'. */
export type OpKind = 'op' | 'placeholder' | 'variable' | 'constant' | 'assign' | 'group';

/**
 * An op of attributes `A`. The rules are declared as methods, not function-valued properties, on
 * purpose: TypeScript checks method parameters bivariantly, so an `OpDef<SliceAttrs>` is also an
 * `OpDef` (of unknown attrs), as the node that holds it needs; a node's attrs are always the ones
 * its own op's builder made.
 */
export interface OpDef<A = unknown> {
  readonly name: string;
  readonly kind?: OpKind;
  /** Output shape and dtype from the inputs'. Throws ShapeError naming the shapes; `apply` adds op and node. */
  infer(inputs: readonly TensorType[], attrs: A): TensorType;
  /**
   * Writes the output into `out`, a contiguous array of the inferred shape. Its previous contents are
   * arbitrary (a plan reuses buffers), so every element must be written.
   */
  forward?(inputs: readonly NdArray[], out: NdArray, attrs: A): void;
  /**
   * A view op returns its output as a view of an input (no copy), or null when it cannot (then `forward` runs).
   * Decided from shapes and strides alone: when a plan is compiled the inputs' data are stand-ins.
   */
  view?(inputs: readonly NdArray[], attrs: A, outShape: ConcreteShape): NdArray | null;
  /**
   * Plan-time specialisation: called once when a plan is compiled, with the very arrays every run of
   * it will use (inputs as `forward` receives them). Returns a closure doing what `forward` does for
   * those arrays, with layout questions settled now, or null to let `forward` run.
   */
  bind?(inputs: readonly NdArray[], out: NdArray, attrs: A): (() => void) | null;
  /**
   * Elementwise: output element i depends on input elements i only, so a plan may write the output
   * over an input of the same shape and dtype whose last reader this node is.
   */
  readonly inplace?: boolean;
  /**
   * The output is not a function of the inputs alone (random draws, counters): a plan never
   * recomputes it (gradient checkpointing keeps its output instead).
   */
  readonly stateful?: boolean;
  /** One gradient node (or null) per input. An op without one fails loudly when a gradient through it is asked. */
  backward?(grad: Node, node: Node<A>): readonly (Node | null)[];
  /** The tangent of the output from the inputs' tangents (null = zero). Not needed when `linear`. */
  jvp?(tangents: readonly (Node | null)[], node: Node<A>): Node | null;
  /** Linear in all of its inputs jointly: its jvp is the op applied to the tangents. */
  readonly linear?: boolean;
  /** Elementwise with NumPy broadcasting: `forward` receives the inputs as stride-0 views of the output's shape. */
  readonly broadcast?: boolean;
  /** Outputs that do not depend differentiably on any input (comparisons, argmax): gradient and tangent are zero. */
  readonly nondifferentiable?: boolean;
  /**
   * The op written as standard ONNX nodes, for dagrad/onnx's export of a custom op to ONNX Runtime:
   * given the ONNX value names of the inputs, adds nodes with `emit` and returns the output's name.
   * Without it, an export for ONNX Runtime names the op in its error.
   */
  readonly onnx?: (emit: OnnxEmitter, inputs: readonly string[], node: Node) => string;
}

/**
 * An ONNX attribute value: an integer number is an INT (a non-integer a FLOAT), a number array
 * INTS (FLOATS if any is not an integer), a string STRING; `{ float }` / `{ floats }` force floats.
 */
export type OnnxAttr = number | string | readonly number[] | { readonly float: number } | { readonly floats: readonly number[] };

/** What an ONNX lowering writes with; plain names and numbers, so the contract needs no ONNX types. */
export interface OnnxEmitter {
  /** Adds a node of a standard ONNX op (default domain) and returns the name of its first output. */
  node(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, OnnxAttr>>): string;
  /** A constant tensor; returns its name. `shape` defaults to [values.length]; [] is a scalar. */
  constant(values: readonly number[], dtype: DType | 'int64', shape?: readonly number[]): string;
}

/** Declares an op. The identity at run time; it exists so that definitions type-check against the contract. */
export function defineOp<A = Record<string, never>>(def: OpDef<A>): OpDef<A> {
  return Object.freeze(def);
}

/** Whether a value is what defineOp returns: a frozen definition with a name and a shape rule. */
export const isOpDef = (v: unknown): v is OpDef =>
  typeof v === 'object' && v !== null && Object.isFrozen(v) && typeof (v as OpDef).name === 'string' && typeof (v as OpDef).infer === 'function';
