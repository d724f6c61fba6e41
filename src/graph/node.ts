import type { DType } from './dtype.js';
import type { OpDef } from './op.js';
import { formatShape, type Shape } from './shape.js';

let nextId = 0;
/** Ids are unique and increase in creation order, which makes every traversal deterministic. */
export const takeId = (): number => nextId++;

/**
 * An immutable vertex of the graph: what to compute, from what, and the static type of the result.
 * `A` is the type of its op's attributes; a node of unknown op is a `Node` (attrs: unknown), which
 * `isOp` narrows.
 */
export class Node<A = unknown> {
  constructor(
    readonly id: number,
    readonly op: OpDef<A>,
    readonly inputs: readonly Node[],
    readonly attrs: A,
    readonly shape: Shape,
    readonly dtype: DType,
    readonly name: string,
  ) {
    Object.freeze(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.op.name} '${this.name}' ${formatShape(this.shape)} ${this.dtype}`;
  }
}

/** Whether `n` is a node of `op`; narrows its attrs to the op's. */
export const isOp = <A>(n: Node, op: OpDef<A>): n is Node<A> => n.op === op;

/** What an op accepts as an input: a node, or a number lifted to a constant of its sibling's dtype. */
export type Operand = Node | number;

/** `op 'name'`, the prefix of every error about a node. */
export const describe = (n: Node): string => `${n.op.name} '${n.name}'`;
