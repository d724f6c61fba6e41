import { describe, Node } from './node.js';
import { NodeMap } from './nodeMap.js';

/** Roots given as one node or a list, as a list. */
export const asList = (xs: Node | readonly Node[]): readonly Node[] => (xs instanceof Node ? [xs] : xs);

/**
 * Every node reachable from `roots` through inputs, each after all of its inputs. Iterative (a deep
 * chain cannot overflow the stack) and deterministic: inputs are visited in order. Traversal stops
 * at nodes in `cut` (fed nodes): they are included, their ancestors are not.
 */
export function topoSort(roots: readonly Node[], cut?: { has(n: Node): boolean }): Node[] {
  const order: Node[] = [];
  const state = new NodeMap<1 | 2>(); // 1 = on the stack, 2 = done
  const stack: Node[] = [];
  const next: number[] = [];
  // the input to visit next of each node on the stack; a cut node starts past its last input
  const first = (n: Node) => (cut?.has(n) ? n.inputs.length : 0);
  for (const root of roots) {
    if (state.has(root)) continue;
    stack.push(root);
    next.push(first(root));
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const n = stack[top];
      const inputs = n.inputs;
      const i = next[top];
      if (i < inputs.length) {
        next[top] = i + 1;
        const child = inputs[i];
        if (!(child instanceof Node)) throw new TypeError(`${describe(n)}: input ${i} is ${child === null ? 'null' : typeof child}, not a Node`);
        const seen = state.get(child);
        if (seen === 1) throw cycleError(stack, child);
        if (seen === undefined) {
          state.set(child, 1);
          stack.push(child);
          next.push(first(child));
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

/** The nodes on the cycle that closes at `child`, which is on the stack (a node's inputs were mutated). */
function cycleError(stack: readonly Node[], child: Node): Error {
  const on = stack.slice(stack.indexOf(child));
  return new Error(`the graph has a cycle: ${[...on, child].map(describe).join(' -> ')} (each reads the next as an input)`);
}
