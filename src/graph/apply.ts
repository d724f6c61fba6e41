import type { DType } from './dtype.js';
import { Node, takeId, type Operand } from './node.js';
import type { OpDef, TensorType } from './op.js';
import { formatShape, ShapeError } from './shape.js';
import { constant } from './constant.js';

/**
 * Builds a node: lifts numbers to constants of the first node input's dtype, runs the op's shape and
 * dtype rule, and turns a rule's ShapeError into one that names the op and the node. `attrs` may be
 * a function of the inputs (a builder normalising axes against the input's rank), so that its
 * errors name the node too.
 */
export function apply<A>(op: OpDef<A>, operands: readonly Operand[], attrs: A | ((inputs: readonly Node[]) => A) = {} as A, name?: string): Node<A> {
  const id = takeId();
  const nodeName = name ?? `${op.name}_${id}`;
  const first = operands.find((x): x is Node => x instanceof Node);
  const inputs = operands.map((x, i) => {
    if (x instanceof Node) return x;
    if (typeof x === 'number') return constant(x, { dtype: first?.dtype ?? 'float32' });
    throw new TypeError(`${op.name} '${nodeName}': input ${i} is ${describeValue(x)}, expected a Node or a number`);
  });
  let type: TensorType;
  let a: A;
  try {
    // attrs are data, never a function themselves, so a function is the builder's form (TypeScript cannot narrow a generic A)
    a = typeof attrs === 'function' ? (attrs as (inputs: readonly Node[]) => A)(inputs) : attrs;
    type = op.infer(inputs, a);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${op.name} '${nodeName}': ${e.message}`);
    throw e;
  }
  return new Node(id, op, inputs, a, type.shape.slice(), type.dtype, nodeName);
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
