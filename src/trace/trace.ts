/**
 * The evaluation traces of the autodiff literature, for any graph: every intermediate v_i with its
 * definition and value (forward), its tangent along a chosen input direction (forward mode), and
 * its adjoint d f / d v_i (reverse mode). Inputs are numbered v_{1-n} .. v_0, the rest v_1, v_2, ...
 * in execution order; scalar constants are written inline rather than numbered.
 */
import type { NdArray } from 'ndarray';
import { gradients, jvp } from '../autodiff/gradients.js';
import { describe, type Node } from '../graph/node.js';
import { Session, type Feeds } from '../session/session.js';
import type { ConcreteShape } from '../graph/shape.js';
import { contiguous, zeros, type Input } from '../graph/tensor.js';
import { constant } from '../graph/constant.js';
import { toExpression } from '../symbolic/print.js';

export type TraceKind = 'forward' | 'tangent' | 'adjoint';

export interface TraceRow {
  /** 'v₋₁', 'v₃'; with a dot (v̇₃) for tangents, a bar (v̄₃) for adjoints. */
  readonly label: string;
  /** The node of the forward graph this row is about. */
  readonly node: Node;
  readonly op: string;
  /** How the row's value is computed from earlier rows: 'v₁ * v₋₁', 'v̄₅ * v₄'. */
  readonly definition: string;
  /** A copy of the value (the primal, the tangent or the adjoint); null for int32 nodes, which carry no derivative. */
  readonly value: NdArray | null;
}

export interface Trace {
  readonly kind: TraceKind;
  readonly output: Node;
  /** Forward and tangent traces run from the inputs to the output; the adjoint trace back from the output. */
  readonly rows: readonly TraceRow[];
  /** The primal label of every numbered node. */
  readonly labels: ReadonlyMap<Node, string>;
}

export interface TraceOptions {
  session?: Session;
  /** The independent variables, in numbering order. Default: the placeholders, variables and fed nodes, in execution order. */
  inputs?: readonly Node[];
}

interface Numbering {
  readonly inputs: readonly Node[];
  readonly inputSet: ReadonlySet<Node>;
  readonly rows: readonly Node[];
  readonly labels: Map<Node, string>;
  readonly shapes: ReadonlyMap<Node, ConcreteShape>;
}

const SUB: Record<string, string> = { '-': '₋', 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
/** `v` with index i as a subscript, and a combining mark (dot or bar) when given. */
export const traceLabel = (i: number, mark = ''): string => `v${mark}${[...String(i)].map((c) => SUB[c]).join('')}`;
const DOT = '\u0307', BAR = '\u0304';

const isScalarConstant = (n: Node): boolean => n.op.kind === 'constant' && n.shape.every((d) => d === 1);

function numberRows(y: Node, feeds: Feeds | undefined, sess: Session, given?: readonly Node[]): Numbering {
  const plan = sess.plan(y, feeds);
  const order = plan.order;
  const inOrder = new Set(order);
  const isSource = (n: Node) => n.op.kind === 'placeholder' || n.op.kind === 'variable' || n.inputs.some((i) => !inOrder.has(i));
  const inputs = given ? [...given] : order.filter(isSource);
  for (const x of inputs) if (!inOrder.has(x)) throw new Error(`trace: input ${describe(x)} is not part of the graph of ${describe(y)}`);
  const inputSet = new Set(inputs);
  const rest = order.filter((n) => !inputSet.has(n) && !isScalarConstant(n));
  const labels = new Map<Node, string>();
  inputs.forEach((x, i) => labels.set(x, traceLabel(i + 1 - inputs.length)));
  rest.forEach((n, i) => labels.set(n, traceLabel(i + 1)));
  return { inputs, inputSet, rows: [...inputs, ...rest], labels, shapes: plan.shapes };
}

/** An input's definition is its name; an intermediate's is its op applied to the earlier rows. */
const primalDefinition = (n: Node, num: Numbering): string =>
  num.inputSet.has(n) ? n.name : toExpression(n, { names: num.labels });

/** The forward evaluation trace: each v_i, its op, its definition, its value. */
export function forwardTrace(y: Node, feeds?: Feeds, opts: TraceOptions = {}): Trace {
  const sess = opts.session ?? new Session();
  const num = numberRows(y, feeds, sess, opts.inputs);
  const values = new Map<Node, NdArray>();
  sess.run(y, feeds, { trace: (n, v) => values.set(n, contiguous(v)) });
  const rows = num.rows.map((n) => ({ label: num.labels.get(n)!, node: n, op: n.op.name, definition: primalDefinition(n, num), value: values.get(n)! }));
  return { kind: 'forward', output: y, rows, labels: num.labels };
}

/**
 * The forward-mode tangent trace: each v̇_i = d v_i / d t when the inputs move along `direction`
 * (inputs it leaves out stay put: tangent 0). One jvp of every intermediate, run once.
 */
export function tangentTrace(y: Node, feeds: Feeds | undefined, direction: ReadonlyMap<Node, Input> | readonly (readonly [Node, Input])[], opts: TraceOptions = {}): Trace {
  const sess = opts.session ?? new Session();
  const num = numberRows(y, feeds, sess, opts.inputs);
  const dir = direction instanceof Map ? direction : new Map(direction as readonly (readonly [Node, Input])[]);
  for (const k of dir.keys()) if (!num.inputSet.has(k)) throw new Error(`tangentTrace: ${describe(k)} in the direction is not one of the trace's inputs`);
  const differentiable = (n: Node) => n.dtype !== 'int32';
  const xs = num.inputs.filter(differentiable);
  const tangents = xs.map((x) => (dir.has(x) ? constant(dir.get(x)!, { dtype: x.dtype }) : null));
  const inner = num.rows.filter((n) => !num.inputSet.has(n) && differentiable(n));
  // the textbook trace: one tangent per elementary step, unsimplified
  const ts = jvp(inner, xs, tangents, { simplify: false });
  const tangentOf = new Map<Node, Node>();
  xs.forEach((x, i) => tangents[i] && tangentOf.set(x, tangents[i]!));
  inner.forEach((n, i) => tangentOf.set(n, ts[i]));
  const fetched = [...tangentOf.values()];
  // y is fetched too, so that every feed of the forward graph has a placeholder to go to
  const values = sess.run([...fetched, y], feeds);
  const valueOf = new Map(fetched.map((t, i) => [t, values[i]]));
  const rows = derivativeRows(num, tangentOf, DOT, valueOf, num.rows, false);
  return { kind: 'tangent', output: y, rows, labels: num.labels };
}

/**
 * The reverse-mode adjoint trace: each v̄_i = d y / d v_i (of the sum of y, if y is not a scalar),
 * from the output back to the inputs. One `gradients` call with respect to every row, run once.
 */
export function adjointTrace(y: Node, feeds?: Feeds, opts: TraceOptions = {}): Trace {
  const sess = opts.session ?? new Session();
  const num = numberRows(y, feeds, sess, opts.inputs);
  const xs = num.rows.filter((n) => n.dtype !== 'int32').reverse();
  // the textbook trace: one adjoint per elementary step, unsimplified
  const gs = gradients(y, xs, undefined, { simplify: false });
  const adjointOf = new Map<Node, Node>(xs.map((x, i) => [x, gs[i]]));
  const values = sess.run([...gs, y], feeds);
  const valueOf = new Map(gs.map((g, i) => [g, values[i]]));
  const rows = derivativeRows(num, adjointOf, BAR, valueOf, [...num.rows].reverse(), true);
  return { kind: 'adjoint', output: y, rows, labels: num.labels };
}

/**
 * Rows of derivative values. A derivative node is written in terms of primal rows and of other
 * rows' derivatives. Several rows can share one derivative node (add passes its adjoint through);
 * a row then refers to it by the label of the row it came through, a consumer's adjoint (v̄₆ = v̄₇
 * for v₇ = 1 + v₆) or an input's tangent, else by the first row that has it.
 */
function derivativeRows(
  num: Numbering, derivOf: ReadonlyMap<Node, Node>, mark: string, valueOf: ReadonlyMap<Node, NdArray>, order: readonly Node[], reverse: boolean,
): TraceRow[] {
  const labelOf = (n: Node) => num.labels.get(n)!.replace('v', `v${mark}`);
  const first = new Map(num.labels);
  for (const n of order) {
    const d = derivOf.get(n);
    if (d && !first.has(d)) first.set(d, labelOf(n));
  }
  const consumers = new Map<Node, Node[]>();
  for (const c of num.rows) {
    for (const i of c.inputs) {
      const l = consumers.get(i);
      if (l) l.push(c);
      else consumers.set(i, [c]);
    }
  }
  return order.map((n) => {
    const d = derivOf.get(n);
    const label = labelOf(n);
    // this row's own names over the shared ones, without copying those for every row
    const own = new Map<Node, string>();
    for (const r of reverse ? consumers.get(n) ?? [] : n.inputs) {
      const dr = derivOf.get(r);
      if (dr && num.labels.has(r)) own.set(dr, labelOf(r));
    }
    const names = { get: (m: Node) => own.get(m) ?? first.get(m), has: (m: Node) => own.has(m) || first.has(m) };
    let definition = n.dtype === 'int32' ? '—' : '0';
    if (d) definition = names.get(d) !== label && names.has(d) ? names.get(d)! : toExpression(d, { names });
    const v = d ? valueOf.get(d) : undefined;
    return { label, node: n, op: n.op.name, definition, value: v ? contiguous(v) : n.dtype === 'int32' ? null : zeros(num.shapes.get(n)!, n.dtype) };
  });
}

