/**
 * The plan-time rewrite of a user's graph (docs/simplify.md): with every shape concrete (the plan is
 * compiled for these feed shapes), the simplifier's rules run over the whole graph below the
 * fetches: identities vanish, a node computed twice is computed once (CSE), shape-only readers stop
 * depending on values (so a forward node needed only for its size is not run), small constant
 * subgraphs are folded. Nodes nothing reads any more are simply not scheduled. Every original node
 * keeps its value: `of` maps it to the node that computes it.
 */
import { describe, type Node } from '../graph/node.js';
import { ShapeError, type ConcreteShape } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import { Rewriter } from '../autodiff/simplify.js';

export interface Rewritten {
  /** The nodes to schedule in place of the fetches (one per fetch, possibly repeated). */
  readonly fetches: readonly Node[];
  /** The node computing each original node's value (itself when unchanged). */
  readonly of: (n: Node) => Node;
  /** Concrete shapes already inferred, so scheduling need not infer them again. */
  readonly shapes: ReadonlyMap<Node, ConcreteShape>;
}

export function rewriteForPlan(fetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Rewritten {
  const cut = new Set(fed.keys());
  const known = concreteShapes(topoSort(fetches, cut), fed);
  const rw = new Rewriter([], undefined, known);
  const out = rw.simplifyAll(fetches, cut);
  return { fetches: out, of: (n) => rw.resolve(n), shapes: known };
}

/**
 * Each node's shape in a run with these feeds, where the shape rules can tell; a node whose rule
 * fails is left out (the schedule reports the error, naming the node).
 */
function concreteShapes(order: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Map<Node, ConcreteShape> {
  const shapes = new Map<Node, ConcreteShape>();
  for (const n of order) {
    const given = fed.get(n);
    if (given) {
      shapes.set(n, given);
      continue;
    }
    if (n.inputs.length === 0) {
      if (n.shape.every((d) => d !== null)) shapes.set(n, n.shape as ConcreteShape);
      continue;
    }
    const ins = n.inputs.map((i) => shapes.get(i));
    if (ins.some((s) => s === undefined)) continue;
    try {
      const s = n.op.infer(n.inputs.map((i, k) => ({ shape: ins[k]!, dtype: i.dtype })), n.attrs).shape;
      if (s.every((d) => d !== null)) shapes.set(n, s as ConcreteShape);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw new Error(`${describe(n)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return shapes;
}
