/**
 * The plan-time rewrite of a user's graph (docs/simplify.md): with every shape concrete (the plan is
 * compiled for these feed shapes), the simplifier's rules run over the whole graph below the
 * fetches: identities vanish, a node computed twice is computed once (CSE), shape-only readers stop
 * depending on values (so a forward node needed only for its size is not run), small constant
 * subgraphs are folded. Nodes nothing reads any more are simply not scheduled. Every original node
 * keeps its value: `of` maps it to the node that computes it.
 */
import { inferChecked } from '../graph/apply.js';
import { describe, type Node } from '../graph/node.js';
import type { TensorType } from '../graph/op.js';
import { ShapeError, type ConcreteShape } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import { Rewriter } from '../autodiff/simplify.js';

export interface Rewritten {
  /** The nodes to schedule in place of the fetches (one per fetch, possibly repeated). */
  readonly fetches: readonly Node[];
  /** The node computing each original node's value (itself when unchanged). */
  readonly of: (n: Node) => Node;
  /** Types of the original nodes with concrete shapes already inferred, so scheduling need not infer them again. */
  readonly types: ReadonlyMap<Node, TensorType>;
}

export function rewriteForPlan(fetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Rewritten {
  const cut = new Set(fed.keys());
  const types = concreteTypes(topoSort(fetches, cut), fed);
  const known = new Map([...types].map(([n, t]) => [n, t.shape as ConcreteShape]));
  const rw = new Rewriter([], undefined, known);
  const out = rw.simplifyAll(fetches, cut);
  return { fetches: out, of: (n) => rw.resolve(n), types };
}

/**
 * Each node's shape in a run with these feeds, where the shape rules can tell; a node whose rule
 * fails is left out (the schedule reports the error, naming the node).
 */
function concreteTypes(order: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Map<Node, TensorType> {
  const types = new Map<Node, TensorType>();
  for (const n of order) {
    const given = fed.get(n);
    if (given) {
      types.set(n, { shape: given, dtype: n.dtype });
      continue;
    }
    if (n.inputs.length === 0) {
      if (n.shape.every((d) => d !== null)) types.set(n, { shape: n.shape, dtype: n.dtype });
      continue;
    }
    const ins = n.inputs.map((i) => types.get(i));
    if (ins.some((t) => t === undefined)) continue;
    try {
      types.set(n, inferChecked(n.op, ins as TensorType[], n.attrs, describe(n), true));
    } catch (e) {
      // the schedule infers this node again and reports the error where it belongs
      if (!(e instanceof ShapeError || e instanceof TypeError)) throw e;
    }
  }
  return types;
}
