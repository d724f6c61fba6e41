/**
 * Symbolic shapes: what the simplifier knows about dimensions unknown until run time. A dimension
 * is a number (known), or a token standing for a run-time size. Equal tokens are equal sizes in
 * every run, so two nodes with equal symbolic shapes have equal shapes in every run; different
 * tokens tell nothing (the sizes may still be equal).
 * - an unknown dimension of a node no rule below covers is its own token `<id>.<axis>`;
 * - broadcasting tokens a, b (with each other or with 1) gives `a|b`: in a valid run each is 1 or
 *   the common size, so the result is a function of the tokens alone (tokens sorted, sets flattened).
 */
import type { Node } from '../graph/node.js';
import { NodeMap, type NodeLookup } from '../graph/nodeMap.js';

export type SymDim = number | string;
export type SymShape = readonly SymDim[];

/** Ops whose output has their first input's shape. */
const SAME_AS_FIRST = new Set(['identity', 'stopGradient', 'onesLike', 'zerosLike', 'cast', 'softmax', 'logSoftmax']);
const REDUCTIONS = new Set(['sum', 'mean', 'max', 'min']);

/** NumPy broadcasting of symbolic shapes; null when they cannot broadcast. */
export function broadcastSym(shapes: readonly SymShape[]): SymShape | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: SymDim[] = [];
  for (let k = 0; k < rank; k++) {
    const nums = new Set<number>();
    const toks = new Set<string>();
    for (const s of shapes) {
      const d = s[s.length - rank + k];
      if (d === undefined || d === 1) continue;
      if (typeof d === 'number') nums.add(d);
      else for (const t of d.split('|')) toks.add(t);
    }
    if (nums.size > 1) return null;
    if (nums.size === 1) out.push([...nums][0]);
    else if (toks.size === 0) out.push(1);
    else out.push([...toks].sort().join('|'));
  }
  return out;
}

/** Symbolic shapes of nodes, memoised per instance (one per gradients call or plan pass). */
export class Shapes {
  private readonly memo = new NodeMap<SymShape>();

  /** `known`: shapes every run has (a plan's, compiled for given feed shapes). */
  constructor(private readonly known: NodeLookup<readonly number[]> = new Map()) {}

  of(n: Node): SymShape {
    let s = this.memo.get(n);
    if (s) return s;
    // iterative, inputs first: gradient graphs can be deep
    const stack: Node[] = [n];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.memo.has(top)) {
        stack.pop();
        continue;
      }
      const below = stack.length;
      for (const i of top.inputs) if (!this.memo.has(i)) stack.push(i);
      if (stack.length > below) continue;
      stack.pop();
      this.memo.set(top, this.compute(top));
    }
    return this.memo.get(n)!;
  }

  same(a: Node, b: Node): boolean {
    return sameSym(this.of(a), this.of(b));
  }

  private compute(n: Node): SymShape {
    const fixed = this.known.get(n);
    if (fixed) return fixed;
    const own = n.shape.map((d, i): SymDim => d ?? `${n.id}.${i}`);
    if (n.shape.every((d) => d !== null)) return own;
    const derived = this.derive(n);
    if (!derived || derived.length !== own.length) return own;
    // a dimension known statically is known; the derivation fills in only the unknown ones
    return derived.map((d, i) => n.shape[i] ?? d);
  }

  private derive(n: Node): SymShape | null {
    const ins = n.inputs.map((i) => this.memo.get(i)!);
    const name = n.op.name;
    // the attributes of the ops this reads, by the names those ops give them
    const attrs = (n.attrs ?? {}) as { axes?: readonly number[]; shape?: readonly number[]; keepDims?: boolean; perm?: readonly number[]; transposeA?: boolean; transposeB?: boolean; axis?: number };
    if (n.op.broadcast || name === 'addN') return broadcastSym(ins);
    if (SAME_AS_FIRST.has(name) || (n.op.inplace && ins.length === 1)) return ins[0];
    // runTimeShape (gradients.ts) checks when a plan is compiled that its first input has the second's shape
    if (name === 'broadcastLike' || name === 'sumLike' || name === 'runTimeShape') return ins[1];
    if (REDUCTIONS.has(name) && Array.isArray(attrs.axes)) {
      const axes = attrs.axes;
      return attrs.keepDims ? ins[0].map((d, i) => (axes.includes(i) ? 1 : d)) : ins[0].filter((_, i) => !axes.includes(i));
    }
    if (name === 'expandDims' && attrs.axes) {
      const axes = attrs.axes;
      const out: SymDim[] = [];
      let j = 0;
      for (let i = 0; i < ins[0].length + axes.length; i++) out.push(axes.includes(i) ? 1 : ins[0][j++]);
      return out;
    }
    if (name === 'squeeze' && attrs.axes) {
      const axes = attrs.axes;
      return ins[0].filter((_, i) => !axes.includes(i));
    }
    if (name === 'reshape' && attrs.shape && !attrs.shape.includes(-1)) return attrs.shape;
    if (name === 'transpose' && attrs.perm) return attrs.perm.map((p) => ins[0][p]);
    if (name === 'matmul') {
      const [a, b] = ins;
      if (a.length < 2 || b.length < 2) return null;
      const m = attrs.transposeA ? a.at(-1)! : a.at(-2)!;
      const k = attrs.transposeB ? b.at(-2)! : b.at(-1)!;
      const batch = broadcastSym([a.slice(0, -2), b.slice(0, -2)]);
      return batch && [...batch, m, k];
    }
    if (name === 'softmaxCrossEntropyWithLogits') {
      const both = broadcastSym(ins);
      return both && both.filter((_, i) => i !== attrs.axis);
    }
    return null;
  }
}

export function sameSym(a: SymShape, b: SymShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
