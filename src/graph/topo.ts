import { Node } from './node.js';

/** Roots given as one node or a list, as a list. */
export const asList = (xs: Node | readonly Node[]): readonly Node[] => (xs instanceof Node ? [xs] : xs);

/**
 * Every node reachable from `roots` through inputs, each after all of its inputs. Iterative (a deep
 * chain cannot overflow the stack) and deterministic: inputs are visited in order. Traversal stops
 * at nodes in `cut` (fed nodes): they are included, their ancestors are not.
 */
export function topoSort(roots: readonly Node[], cut?: ReadonlySet<Node>): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (state.has(root)) continue;
    stack.push(root);
    next.push(0);
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const n = stack[top];
      const inputs = cut?.has(n) ? [] : n.inputs;
      const i = next[top];
      if (i < inputs.length) {
        next[top] = i + 1;
        const child = inputs[i];
        if (!state.has(child)) {
          state.set(child, 1);
          stack.push(child);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        state.set(n, 2);
        order.push(n);
      }
    }
  }
  return order;
}
