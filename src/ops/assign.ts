import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { broadcastShapes, compatible, formatShape, ShapeError } from '../graph/shape.js';
import { copyInto } from '../graph/tensor.js';
import type { BinaryKernel } from '../kernels/elementwise.js';
import { addInto } from './add.js';
import { subInto } from './sub.js';
import { isVariable } from './variable.js';

/**
 * State updates; the value broadcasts to the variable's shape (`assign(v, 0)`). The node's value is the variable's new value; the session writes it into the
 * variable at the end of the run, so every read in that run sees the old value. No gradient.
 */
function assignOp(name: string, combine: BinaryKernel | null): OpDef {
  return defineOp({
    name,
    kind: 'assign',
    inplace: combine !== null,
    nondifferentiable: true,
    broadcast: true,
    infer: ([v, x]) => {
      const dtype = sameDType([v, x]);
      let fits = x.shape.length <= v.shape.length;
      try {
        fits &&= compatible(broadcastShapes(v.shape, x.shape), v.shape);
      } catch {
        fits = false;
      }
      if (!fits) {
        throw new ShapeError(`value shape ${formatShape(x.shape)} does not match variable shape ${formatShape(v.shape)}`);
      }
      return { shape: v.shape, dtype };
    },
    forward: ([v, x], out) => (combine ? combine(out, v, x) : copyInto(out, x)),
  });
}

/** v := x at the end of the run. No gradient. */
export const Assign = assignOp('assign', null);
/** v := v + x at the end of the run. No gradient. */
export const AssignAdd = assignOp('assignAdd', addInto);
/** v := v - x at the end of the run. No gradient. */
export const AssignSub = assignOp('assignSub', subInto);

function build(op: OpDef, v: Node, x: Operand, name?: string): Node {
  if (!isVariable(v)) throw new TypeError(`${op.name}: target '${v?.name}' is a ${v?.op?.name ?? typeof v}, not a variable`);
  return apply(op, [v, x], {}, name);
}

/** v := x at the end of the run. */
export const assign = (v: Node, x: Operand, opts: { name?: string } = {}): Node => build(Assign, v, x, opts.name);
/** v := v + x at the end of the run. */
export const assignAdd = (v: Node, x: Operand, opts: { name?: string } = {}): Node => build(AssignAdd, v, x, opts.name);
/** v := v - x at the end of the run. */
export const assignSub = (v: Node, x: Operand, opts: { name?: string } = {}): Node => build(AssignSub, v, x, opts.name);
