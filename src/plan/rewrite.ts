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
import { staticType } from './schedule.js';

export interface Rewritten {
  /** The nodes to schedule in place of the fetches (one per fetch, possibly repeated). */
  readonly fetches: readonly Node[];
  /** The node computing each original node's value (itself when unchanged). */
  readonly of: (n: Node) => Node;
  /** Types of the original nodes with concrete shapes already inferred, so scheduling need not infer them again. */
  readonly types: ReadonlyMap<Node, TensorType>;
  /** The original graph in topological order (`topoSort(fetches, fed)`), for the plan to report its nodes. */
  readonly order: readonly Node[];
}

export function rewriteForPlan(fetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Rewritten {
  const cut = new Set(fed.keys());
  const order = topoSort(fetches, cut);
  const known = new Map<Node, ConcreteShape>();
  const types = concreteTypes(order, fed, known);
  const rw = new Rewriter([], undefined, known);
  const out = rw.simplifyAll(fetches, cut);
  return { fetches: out, of: (n) => rw.resolve(n), types, order };
}

/**
 * Each node's shape in a run with these feeds, where the shape rules can tell; a node whose rule
 * fails is left out (the schedule reports the error, naming the node).
 */
function concreteTypes(order: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>, shapes: Map<Node, ConcreteShape>): Map<Node, TensorType> {
  const types = new Map<Node, TensorType>();
  const put = (n: Node, t: TensorType) => {
    types.set(n, t);
    shapes.set(n, t.shape as ConcreteShape);
  };
  for (const n of order) {
    const given = fed.get(n);
    if (given) {
      put(n, { shape: given, dtype: n.dtype });
      continue;
    }
    if (n.inputs.length === 0) {
      if (n.shape.every((d) => d !== null)) put(n, { shape: n.shape, dtype: n.dtype });
      continue;
    }
    const known = staticType(n, (k) => shapes.get(n.inputs[k]));
    if (known) {
      put(n, known);
      continue;
    }
    const ins: TensorType[] = new Array(n.inputs.length);
    let k = 0;
    for (; k < ins.length; k++) {
      const t = types.get(n.inputs[k]);
      if (t === undefined) break;
      ins[k] = t;
    }
    if (k < ins.length) continue;
    try {
      put(n, inferChecked(n.op, ins, n.attrs, describe(n), true));
    } catch (e) {
      // the schedule infers this node again and reports the error where it belongs
      if (!(e instanceof ShapeError || e instanceof TypeError)) throw e;
    }
  }
  return types;
}
