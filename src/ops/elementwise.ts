/**
 * Elementwise ops from one declaration: the scalar formula (an expression over the operands `a`,
 * `b`, `c`) gives the op's forward, its plan-time binding and every kernel (kernels/elementwise.ts),
 * and lets a plan fuse chains of such ops into one loop (plan/fuse.ts); the op file adds the
 * derivative rules. This file imports no op, so every op file may use it at module level.
 */
import { sameDType } from '../graph/apply.js';
import type { DType } from '../graph/dtype.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { broadcastType } from '../graph/shape.js';
import { kernelOf, simdBindOf, type Formula, type Kernel } from '../kernels/elementwise.js';
import { bindOf } from '../kernels/tiny.js';

export interface ElementwiseSpec extends Formula {
  /** The dtypes the op accepts (default: any). The inputs share one dtype, which the output takes. */
  readonly dtypes?: readonly DType[];
  /** A type rule other than that one (for `where`, whose condition may have any dtype). */
  readonly infer?: OpDef['infer'];
  readonly backward?: OpDef['backward'];
  readonly jvp?: OpDef['jvp'];
  readonly linear?: boolean;
  readonly nondifferentiable?: boolean;
}

/** An elementwise op: an op definition that also carries its formula and the kernel made from it. */
export interface ElementwiseOp extends OpDef {
  readonly formula: Formula;
  /** out = formula(inputs...) for arrays of one shape (broadcast inputs as stride-0 views). */
  readonly kernel: Kernel;
}

/** An elementwise op from its formula and its rules (`bySlope` in slope.ts gives the rules of f(a) with slope f'(a)). */
export function elementwise(spec: ElementwiseSpec): ElementwiseOp {
  const { name, arity, expr, lib, dtypes } = spec;
  const formula: Formula = Object.freeze({ name, arity, expr, lib });
  const kernel = kernelOf(formula);
  const tiny = bindOf(formula), simd = simdBindOf(formula);
  const def: ElementwiseOp = {
    name,
    inplace: true,
    broadcast: arity > 1,
    linear: spec.linear,
    nondifferentiable: spec.nondifferentiable,
    infer: spec.infer ?? (arity === 1 ? ([a]) => ({ shape: a.shape, dtype: sameDType([a], dtypes) }) : (ins) => broadcastType(ins, dtypes)),
    forward: (ins, out) => kernel(out, ins[0], ins[1], ins[2]),
    bind: simd ? (ins, out, attrs) => tiny(ins, out, attrs) ?? simd(ins, out) : tiny,
    backward: spec.backward,
    jvp: spec.jvp,
    formula,
    kernel,
  };
  return defineOp(def) as ElementwiseOp;
}

/** The formula of an elementwise op, or undefined for any other op. */
export function formulaOf(op: OpDef): Formula | undefined {
  return (op as Partial<ElementwiseOp>).formula;
}
