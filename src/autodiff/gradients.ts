import { addN } from '../ops/addN.js';
import { apply as applyOp } from '../graph/apply.js';
import { onesLike, zerosLike } from '../ops/like.js';
import { noteCreation, noteOrigin, type Origin } from '../graph/debug.js';
import { describe, Node, takeId } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { copyInto } from '../graph/tensor.js';
import { compatible, formatShape, isConcrete, ShapeError } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import { Rewriter } from './simplify.js';

export class GradientError extends Error {
  override name = 'GradientError';
}

/** The nodes of `order` that depend on one of `xs` (the xs included). */
function dependents(order: readonly Node[], xs: readonly Node[]): Set<Node> {
  const out = new Set<Node>(xs);
  for (const n of order) if (!out.has(n) && n.inputs.some((i) => out.has(i))) out.add(n);
  return out;
}

export interface GradientsOptions {
  /**
   * What an x gets when no gradient reaches it (ys do not depend on it, or only through
   * stopGradient, comparisons, indices): 'zeros' of its shape (the default) or 'null', for callers
   * that must tell "nothing flowed" apart from a gradient that happens to be zero (TensorFlow's
   * `unconnected_gradients`).
   */
  unconnected?: 'zeros' | 'null';
  /**
   * Simplify each backward rule's nodes as they are built (docs/simplify.md): exact rewrites, constant
   * folding, and sharing of nodes that compute the same thing. Default true; false builds the raw graph.
   */
  simplify?: boolean;
}

/** A simplifier for one gradients/jvp call, or a pass-through when simplification is off. */
function simplifierFor(graph: readonly Node[], on: boolean | undefined): { mark: () => void; simplify: (n: Node) => Node; same: (a: Node, b: Node) => boolean } {
  if (on === false) return { mark: () => {}, simplify: (n) => n, same: () => false };
  const rw = new Rewriter(graph);
  // symbolic shapes that agree need no run-time check (shapes.ts)
  return { mark: () => rw.mark(), simplify: (n) => rw.simplify(n), same: (a, b) => rw.shapes.same(a, b) };
}

/**
 * Reverse mode: d(sum of ys)/d(x) for each x, as graph nodes (so they can be run, printed, or
 * differentiated again). `gradYs[i]` weights ys[i] (default: ones, i.e. the gradient of the sum).
 * Contributions from every path are summed. An x that no gradient reaches gets zeros of its shape
 * (or null, with `unconnected: 'null'`).
 */
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], gradYs?: readonly (Node | null | undefined)[], opts?: { unconnected?: 'zeros'; simplify?: boolean }): Node[];
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], gradYs: readonly (Node | null | undefined)[] | undefined, opts: GradientsOptions): (Node | null)[];
export function gradients(ys: Node | readonly Node[], xs: readonly Node[], gradYs?: readonly (Node | null | undefined)[], opts: GradientsOptions = {}): (Node | null)[] {
  const yl = nodeList('gradients', 'ys', ys);
  nodeList('gradients', 'xs', xs);
  if (gradYs !== undefined && !Array.isArray(gradYs)) throw new TypeError(`gradients: gradYs is ${what(gradYs)}, expected an array of Nodes (or null)`);
  gradYs?.forEach((g, i) => {
    if (g != null && !(g instanceof Node)) throw new TypeError(`gradients: gradYs[${i}] is ${what(g)}, expected a Node, null or undefined`);
  });
  const order = topoSort(yl);
  const live = dependents(order, xs);
  const s = simplifierFor(order, opts.simplify);
  const parts = new Map<Node, Node[]>();
  const push = (n: Node, g: Node) => {
    const list = parts.get(n);
    if (list) list.push(g);
    else parts.set(n, [g]);
  };
  yl.forEach((y, i) => {
    s.mark();
    const g = s.simplify(gradYs?.[i] ?? onesLike(y));
    if (!compatible(g.shape, y.shape) || g.dtype !== y.dtype) {
      throw new GradientError(`gradients: gradYs[${i}] is ${formatShape(g.shape)} ${g.dtype}, but ${describe(y)} is ${formatShape(y.shape)} ${y.dtype}`);
    }
    if (live.has(y)) push(y, g);
  });
  const total = new Map<Node, Node>();
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k];
    const ps = parts.get(n);
    if (!ps) continue;
    s.mark();
    const g = ps.length === 1 ? ps[0] : s.simplify(addN(ps));
    if (g !== ps[0]) noteOrigin(g, { node: n, mode: 'gradient' });
    total.set(n, g);
    if (n.op.nondifferentiable || !n.inputs.some((i) => live.has(i))) continue;
    if (!n.op.backward) {
      throw new GradientError(`gradients: ${describe(n)} has no backward rule, and a gradient must flow through it`);
    }
    s.mark();
    const start = takeId();
    const gs = backwardOf(n, g);
    n.inputs.forEach((input, j) => {
      const gi = gs[j] && live.has(input) ? s.simplify(gs[j]!) : null;
      if (!gi || !live.has(input)) return;
      noteOrigins(gi, start, { node: n, mode: 'gradient' });
      if (!compatible(gi.shape, input.shape) || gi.dtype !== input.dtype) {
        throw new GradientError(
          `gradients: ${describe(n)} gave a ${formatShape(gi.shape)} ${gi.dtype} gradient for input ${j} (${describe(input)}, ${formatShape(input.shape)} ${input.dtype})`,
        );
      }
      push(input, s.same(gi, input) ? gi : checkedAtRunTime(gi, input, n, j));
    });
  }
  s.mark();
  return xs.map((x) => total.get(x) ?? (opts.unconnected === 'null' ? null : s.simplify(zerosLike(x))));
}

/**
 * Forward mode: the tangent of each y when the xs move along `tangents` (null: that x stays put),
 * built in one forward sweep. Linear ops reuse themselves; every other op uses its jvp rule.
 * A y that no x reaches gets zeros of its shape.
 */
export function jvp(ys: Node | readonly Node[], xs: readonly Node[], tangents: readonly (Node | null)[], opts: { simplify?: boolean } = {}): Node[] {
  const yl = nodeList('jvp', 'ys', ys);
  nodeList('jvp', 'xs', xs);
  if (!Array.isArray(tangents)) throw new TypeError(`jvp: tangents is ${what(tangents)}, expected an array of Nodes (or null)`);
  if (tangents.length !== xs.length) throw new GradientError(`jvp: ${xs.length} xs but ${tangents.length} tangents`);
  tangents.forEach((d, i) => {
    if (d !== null && !(d instanceof Node)) throw new TypeError(`jvp: tangent ${i} is ${what(d)}, expected a Node or null`);
  });
  const t = new Map<Node, Node>();
  xs.forEach((x, i) => {
    const dx = tangents[i];
    if (!dx) return;
    if (!compatible(dx.shape, x.shape) || dx.dtype !== x.dtype) {
      throw new GradientError(`jvp: tangent ${i} is ${formatShape(dx.shape)} ${dx.dtype}, but ${describe(x)} is ${formatShape(x.shape)} ${x.dtype}`);
    }
    t.set(x, dx);
  });
  const order = topoSort(yl);
  const s = simplifierFor(order, opts.simplify);
  for (const n of order) {
    if (t.has(n) || n.op.nondifferentiable) continue;
    const ins = n.inputs.map((i) => t.get(i) ?? null);
    if (ins.every((d) => d === null)) continue;
    let dn: Node | null;
    s.mark();
    const start = takeId();
    if (n.op.jvp) {
      dn = ruleCall('jvp', n, () => n.op.jvp!(ins, n));
    } else if (n.op.linear) {
      dn = applyLike(n, n.inputs.map((x, i) => ins[i] ?? zerosLike(x)));
    } else {
      throw new GradientError(`jvp: ${describe(n)} has no forward-mode rule, and a tangent must flow through it`);
    }
    if (dn === null) continue;
    if (!(dn instanceof Node)) throw new GradientError(`jvp: the jvp rule of ${describe(n)} returned ${what(dn)}, expected a Node or null`);
    dn = s.simplify(dn);
    noteOrigins(dn, start, { node: n, mode: 'tangent' });
    if (!compatible(dn.shape, n.shape) || dn.dtype !== n.dtype) {
      throw new GradientError(`jvp: ${describe(n)} gave a ${formatShape(dn.shape)} ${dn.dtype} tangent for a ${formatShape(n.shape)} ${n.dtype} output`);
    }
    t.set(n, s.same(dn, n) ? dn : checkedAtRunTime(dn, n, n, -1));
  }
  s.mark();
  return yl.map((y) => t.get(y) ?? s.simplify(zerosLike(y)));
}

/** The same op with the same attributes, on other inputs (how a linear op is its own jvp). */
function applyLike(n: Node, inputs: readonly Node[]): Node {
  return applyOp(n.op, inputs, n.attrs);
}

/** Runs an op's derivative rule; what it throws is reported as the rule's, naming the op and node. */
function ruleCall<T>(rule: 'backward' | 'jvp', n: Node, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof GradientError) throw e;
    const msg = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    throw new GradientError(`${rule === 'jvp' ? 'jvp' : 'gradients'}: the ${rule} rule of ${describe(n)} threw: ${msg}`, { cause: e });
  }
}

/** The op's backward, held to its contract: one entry per input, each a Node or null. */
function backwardOf(n: Node, g: Node): readonly (Node | null)[] {
  const gs = ruleCall('backward', n, () => n.op.backward!(g, n));
  if (!Array.isArray(gs) || gs.length !== n.inputs.length) {
    const got = Array.isArray(gs) ? `${gs.length} entr${gs.length === 1 ? 'y' : 'ies'}` : what(gs);
    throw new GradientError(
      `gradients: the backward rule of ${describe(n)} returned ${got}, expected an array of ${n.inputs.length} (one Node or null per input)`,
    );
  }
  gs.forEach((gi, j) => {
    if (gi !== null && !(gi instanceof Node)) {
      throw new GradientError(`gradients: the backward rule of ${describe(n)} returned ${what(gi)} for input ${j}, expected a Node or null`);
    }
  });
  return gs;
}

/** `ys` or `xs` as a list, each checked to be a Node. */
function nodeList(fn: string, arg: string, xs: unknown): readonly Node[] {
  if (xs instanceof Node && arg === 'ys') return [xs];
  if (!Array.isArray(xs)) throw new TypeError(`${fn}: ${arg} is ${what(xs)}, expected ${arg === 'ys' ? 'a Node or ' : ''}an array of Nodes`);
  xs.forEach((x, i) => {
    if (!(x instanceof Node)) throw new TypeError(`${fn}: ${arg}[${i}] is ${what(x)}, expected a Node`);
  });
  return xs;
}

const what = (x: unknown): string =>
  x === null ? 'null' : x === undefined ? 'undefined' : Array.isArray(x) ? 'an array' : x instanceof Node ? `a bare Node (${describe(x)})` : typeof x;

/**
 * A derivative whose shape the build-time check could not settle (unknown dims), wrapped in a view
 * that compares it with its target's run-time shape when a plan is compiled. sumLike and
 * broadcastLike against the target itself check exactly that already.
 */
function checkedAtRunTime(d: Node, target: Node, n: Node, input: number): Node {
  if (isConcrete(d.shape) && isConcrete(target.shape)) return d;
  if ((d.op.name === 'sumLike' || d.op.name === 'broadcastLike') && d.inputs[1] === target) return d;
  const of = input < 0 ? `the tangent of ${describe(n)}` : `the gradient of ${describe(n)} for input ${input} (${describe(target)})`;
  return applyOp(RunTimeShape, [d, target], { of });
}

/** Its first input, whose run-time shape must be the second's. */
const RunTimeShape: OpDef<{ of: string }> = defineOp<{ of: string }>({
  name: 'runTimeShape',
  linear: true,
  infer: ([d, like], { of }) => {
    if (!compatible(d.shape, like.shape)) throw new ShapeError(`${of} is ${formatShape(d.shape)}, expected ${formatShape(like.shape)}`);
    return { shape: like.shape.map((x, i) => x ?? d.shape[i]), dtype: d.dtype };
  },
  view: ([d]) => d,
  forward: ([d], out) => copyInto(out, d),
  backward: (grad) => [grad, null],
  jvp: ([dd], { inputs: [, like], attrs }): Node | null => (dd ? applyOp(RunTimeShape, [dd, like], attrs as { of: string }) : null),
});

/** Marks the nodes a rule built (ids after `start`, reached from what it returned) as coming from `origin`. */
function noteOrigins(made: unknown, start: number, origin: Origin): void {
  const stack = (Array.isArray(made) ? made : [made]).filter((x): x is Node => x instanceof Node && x.id > start);
  const seen = new Set<Node>(stack);
  while (stack.length > 0) {
    const m = stack.pop()!;
    noteOrigin(m, origin);
    noteCreation(m); // nodes a rewrite built directly: their site is the gradients() or jvp() call
    for (const i of m.inputs) if (i.id > start && !seen.has(i)) seen.add(i), stack.push(i);
  }
}
