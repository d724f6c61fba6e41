import { describe, Node } from '../graph/node.js';
import { asList, topoSort } from '../graph/topo.js';
import { isVariable, type VariableAttrs } from '../ops/variable.js';

/** Every variable the given nodes read, in creation order: the weights of a model, the slots of a training step. */
export function variablesOf(xs: Node | readonly Node[]): Node<VariableAttrs>[] {
  return topoSort(asList(xs))
    .filter(isVariable)
    .sort((a, b) => a.id - b.id);
}

/**
 * The variables among `vars` that `y` depends on through ops that pass a gradient: a variable seen
 * only through stopGradient, a comparison or argmax gets no gradient from `y`, so an optimizer must
 * leave it alone rather than feed it zeros (which momentum or weight decay would turn into a move).
 */
export function differentiablyConnected(y: Node, vars: readonly Node[]): Set<Node> {
  const order = topoSort([y]);
  const reaches = new Set<Node>([y]);
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k];
    if (!reaches.has(n) || n.op.nondifferentiable) continue;
    for (const i of n.inputs) reaches.add(i);
  }
  return new Set(vars.filter((v) => reaches.has(v)));
}

/**
 * The trainable float variables `loss` depends on differentiably: what an optimizer updates by
 * default. int32 variables (counters, labels) are never trained, even when marked trainable.
 */
export function trainableVariables(loss: Node): Node[] {
  const vars = variablesOf(loss).filter((v) => v.attrs.trainable && v.dtype !== 'int32');
  const live = differentiablyConnected(loss, vars);
  return vars.filter((v) => live.has(v));
}

export function checkVariable(where: string, v: unknown): Node {
  if (!(v instanceof Node) || v.op.kind !== 'variable') {
    const what = v instanceof Node ? describe(v) : v === null ? 'null' : typeof v;
    throw new TypeError(`${where}: ${what} is not a variable`);
  }
  return v;
}
