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
import { NodeMap, type NodeLookup } from '../graph/nodeMap.js';
import { topoSort } from '../graph/topo.js';
import { Rewriter } from '../autodiff/simplify.js';
import { staticType } from './schedule.js';

export interface Rewritten {
  /**
   * The nodes to schedule in place of the fetches (one per fetch, possibly repeated). Their graph
   * may read constants that stand for an equal one (a node whose only change is such a constant is
   * not rebuilt): the schedule reads every node through `of`.
   */
  readonly fetches: readonly Node[];
  /** The node computing each original node's value (itself when unchanged). */
  readonly of: (n: Node) => Node;
  /** Types of the original nodes with concrete shapes already inferred, so scheduling need not infer them again. */
  readonly types: NodeLookup<TensorType>;
  /** The original graph in topological order (`topoSort(fetches, fed)`), for the plan to report its nodes. */
  readonly order: readonly Node[];
}

export function rewriteForPlan(fetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): Rewritten {
  const cut = new Set(fed.keys());
  const order = topoSort(fetches, cut);
  const types = concreteTypes(order, fed);
  const rw = new Rewriter([], undefined, { get: (n) => types.get(n)?.shape as ConcreteShape | undefined });
  const out = rw.simplifyAll(fetches, cut, { aliasConstants: true });
  return { fetches: out, of: rw.resolver(), types, order };
}

/**
 * Each node's shape in a run with these feeds, where the shape rules can tell; a node whose rule
 * fails is left out (the schedule reports the error, naming the node).
 */
function concreteTypes(order: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>): NodeMap<TensorType> {
  const types = new NodeMap<TensorType>();
  const shapeOf = (input: Node) => types.get(input)?.shape as ConcreteShape | undefined;
  for (let j = 0; j < order.length; j++) {
    const n = order[j];
    const given = fed.get(n);
    if (given) {
      types.set(n, { shape: given, dtype: n.dtype });
      continue;
    }
    if (n.inputs.length === 0) {
      if (n.shape.every((d) => d !== null)) types.set(n, { shape: n.shape, dtype: n.dtype });
      continue;
    }
    const known = staticType(n, shapeOf);
    if (known) {
      types.set(n, known);
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
      types.set(n, inferChecked(n.op, ins, n.attrs, describe(n), true));
    } catch (e) {
      // the schedule infers this node again and reports the error where it belongs
      if (!(e instanceof ShapeError || e instanceof TypeError)) throw e;
    }
  }
  return types;
}
