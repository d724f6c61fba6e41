import { isDType, type DType } from './dtype.js';
import { Node, takeId, type Operand } from './node.js';
import type { OpDef, TensorType } from './op.js';
import { formatShape, ShapeError } from './shape.js';
import { constant } from './constant.js';
import { noteCreation } from './debug.js';
import { scopedName } from './scope.js';

/**
 * Builds a node: lifts numbers to constants of the first node input's dtype, runs the op's shape and
 * dtype rule, and turns a rule's ShapeError into one that names the op and the node. `attrs` may be
 * a function of the inputs (a builder normalising axes against the input's rank), so that its
 * errors name the node too.
 */
export function apply<A>(op: OpDef<A>, operands: readonly Operand[], attrs: A | ((inputs: readonly Node[]) => A) = {} as A, name?: string): Node<A> {
  const id = takeId();
  const nodeName = scopedName(name ?? `${op.name}_${id}`);
  const first = operands.find((x): x is Node => x instanceof Node);
  // NOTE: a copy of the operands with numbers replaced, not a map of them: V8's optimised
  // Array.prototype.map makes a holey array where the unoptimised one makes a packed one, so nodes
  // built before and after would hold inputs of two kinds, and every pass reading n.inputs would be
  // deoptimised when the second kind shows up. (A push onto [] would reserve 17 slots per node.)
  const inputs = operands.slice() as Node[];
  for (let i = 0; i < inputs.length; i++) {
    const x = operands[i];
    if (x instanceof Node) continue;
    if (typeof x === 'number') inputs[i] = constant(x, { dtype: first?.dtype ?? 'float32' });
    else throw new TypeError(`${op.name} '${nodeName}': input ${i} is ${describeValue(x)}, expected a Node or a number`);
  }
  let type: TensorType;
  let a: A;
  try {
    // attrs are data, never a function themselves, so a function is the builder's form (TypeScript cannot narrow a generic A)
    a = typeof attrs === 'function' ? (attrs as (inputs: readonly Node[]) => A)(inputs) : attrs;
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${op.name} '${nodeName}': ${e.message}`);
    throw e;
  }
  type = inferChecked(op, inputs, a, `${op.name} '${nodeName}'`);
  const node = new Node(id, op, inputs, a, type.shape.slice(), type.dtype, nodeName);
  noteCreation(node);
  return node;
}

/**
 * Runs an op's shape rule, held to its contract: dims are integers >= 0 (or null before run time),
 * the dtype is a known one. Whatever the rule throws comes out naming `where` (the op and node).
 */
export function inferChecked<A>(op: OpDef<A>, inputs: readonly TensorType[], attrs: A, where: string, concrete = false): TensorType {
  let type: TensorType;
  try {
    type = op.infer(inputs, attrs);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${where}: ${e.message}`, { cause: e });
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const Thrown = e instanceof TypeError ? TypeError : ShapeError;
    throw new Thrown(`${where}: the shape rule of op '${op.name}' threw ${msg}`, { cause: e });
  }
  const shape = (type as TensorType | undefined)?.shape;
  if (!Array.isArray(shape) || shape.some((d) => !(d === null && !concrete) && !(Number.isInteger(d) && d >= 0))) {
    const got = Array.isArray(shape) ? `[${shape.map((d) => (typeof d === 'number' || d === null ? String(d) : typeof d)).join(',')}]` : String(shape);
    throw new ShapeError(`${where}: the shape rule of op '${op.name}' returned shape ${got}; dims must be integers >= 0${concrete ? '' : ' or null'}`);
  }
  if (!isDType(type.dtype)) {
    throw new ShapeError(`${where}: the shape rule of op '${op.name}' returned dtype ${String(type.dtype)}; expected float32, float64 or int32`);
  }
  return type;
}

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it in constant())';
  return typeof x;
}

/** The common dtype rule: every input has the same dtype, which the output takes. */
export function sameDType(inputs: readonly TensorType[], allowed?: readonly DType[]): DType {
  const d = inputs[0].dtype;
  for (const x of inputs) {
    if (x.dtype !== d) {
      throw new ShapeError(`dtypes differ: ${inputs.map((i) => `${i.dtype} ${formatShape(i.shape)}`).join(' vs ')}`);
    }
  }
  if (allowed && !allowed.includes(d)) throw new ShapeError(`dtype ${d} is not supported (expected ${allowed.join(' or ')})`);
  return d;
}

export const FLOATS: readonly DType[] = ['float32', 'float64'];
