/**
 * Whole derivative matrices from the two modes. Each is a graph node like any other: it can be run,
 * printed, or differentiated again (a Hessian is the Jacobian of a gradient).
 */
import { allocate, type DType } from '../graph/dtype.js';
import { GradientError, gradients, jvp } from './gradients.js';
import { describe, type Node } from '../graph/node.js';
import { formatShape, isConcrete, sizeOf, type ConcreteShape } from '../graph/shape.js';
import { concat } from '../ops/concat.js';
import { constant } from '../graph/constant.js';
import { reshape } from '../ops/reshape.js';

export interface JacobianOptions {
  /**
   * 'forward': one jvp per element of x (a column each); 'reverse': one gradient per element of y
   * (a row each). Both give the same matrix. Default: the one with fewer sweeps (forward when x has
   * fewer elements than y).
   */
  mode?: 'forward' | 'reverse';
}

/**
 * dy/dx as a node of shape [...y.shape, ...x.shape]: J[i..., j...] = d y[i...] / d x[j...].
 * y and x need concrete static shapes (the number of sweeps is fixed when the graph is built).
 * The rows (reverse) or columns (forward) are joined with concat: size(y) gradient graphs or size(x)
 * tangent graphs, so this is for small Jacobians.
 */
export function jacobian(y: Node, x: Node, opts: JacobianOptions = {}): Node {
  const ys = concreteShape(y, 'jacobian', 'y');
  const xs = concreteShape(x, 'jacobian', 'x');
  const ny = sizeOf(ys), nx = sizeOf(xs);
  const mode = opts.mode ?? (nx < ny ? 'forward' : 'reverse');
  if (mode !== 'forward' && mode !== 'reverse') throw new TypeError(`jacobian: mode is 'forward' or 'reverse', not '${String(mode)}'`);
  const shape = [...ys, ...xs];
  if (ny === 0 || nx === 0) return constant({ data: new Float64Array(0), shape }, { dtype: y.dtype });
  let matrix: Node;
  if (mode === 'reverse') {
    const rows = Array.from({ length: ny }, (_, i) => reshape(gradients(y, [x], [basisVector(ys, i, y.dtype)])[0], [1, nx]));
    matrix = rows.length === 1 ? rows[0] : concat(rows, { axis: 0 });
  } else {
    const columns = Array.from({ length: nx }, (_, j) => reshape(jvp(y, [x], [basisVector(xs, j, x.dtype)])[0], [ny, 1]));
    matrix = columns.length === 1 ? columns[0] : concat(columns, { axis: 1 });
  }
  return reshape(matrix, shape);
}

/** The k-th standard basis vector, shaped: a constant of `shape`, 1 at flat index `k` and 0 elsewhere. */
function basisVector(shape: ConcreteShape, k: number, dtype: DType): Node {
  const data = allocate(dtype, sizeOf(shape));
  data[k] = 1;
  return constant({ data, shape: shape.slice() }, { dtype });
}

/** A node's static shape, which must be fully known. */
export function concreteShape(n: Node, fn: string, role: string): ConcreteShape {
  if (!isConcrete(n.shape)) {
    throw new GradientError(`${fn}: ${role} (${describe(n)}) has shape ${formatShape(n.shape)}; it needs a concrete shape (no null dimensions)`);
  }
  if (n.dtype === 'int32') throw new GradientError(`${fn}: ${role} (${describe(n)}) is int32; derivatives need float32 or float64`);
  return n.shape;
}
