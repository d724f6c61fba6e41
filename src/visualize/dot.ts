/**
 * Graphviz DOT text for a graph, so a model and its gradient graph can be drawn (render it with any
 * Graphviz: `dot -Tsvg`, or @viz-js/viz in Node and the browser; see examples/graph).
 */
import { Constant } from '../graph/constant.js';
import { isOp, Node } from '../graph/node.js';
import { formatShape } from '../graph/shape.js';
import { toNested } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';

export interface DotOptions {
  /** Nodes computed for these are drawn plain; every other node (a gradient graph) is drawn shaded. */
  forward?: Node | readonly Node[];
  /** A title above the drawing. */
  title?: string;
  /** Graphviz rankdir: 'TB' (top to bottom, default) or 'LR'. */
  direction?: 'TB' | 'LR';
  /** At most this many nodes (a drawing of more is unreadable). Default 500. */
  maxNodes?: number;
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function label(n: Node): string {
  const type = `${formatShape(n.shape)} ${n.dtype}`;
  switch (n.op.kind) {
    case 'placeholder':
      return `${n.name}\\n${type}`;
    case 'variable':
      return `${n.name}\\nvariable ${type}`;
    case 'constant':
      if (isOp(n, Constant) && n.attrs.value.size === 1) return String(toNested(n.attrs.value).toString());
      return `constant\\n${type}`;
    default:
      return `${isAutoName(n) ? n.op.name : `${n.name} = ${n.op.name}`}\\n${type}`;
  }
}

/** Builders name nodes `op_id` unless told otherwise; only a user's own names are worth printing. */
const isAutoName = (n: Node): boolean => n.name === `${n.op.name}_${n.id}`;

function style(n: Node, shaded: boolean): string {
  const fill = shaded ? '#fde8d0' : '#ffffff';
  switch (n.op.kind) {
    case 'placeholder':
      return 'shape=ellipse, style=filled, fillcolor="#dbeafe"';
    case 'variable':
      return 'shape=box, style="filled,bold", fillcolor="#dcfce7"';
    case 'constant':
      return 'shape=plaintext, fontcolor="#555555"';
    default:
      return `shape=box, style="rounded,filled", fillcolor="${fill}"`;
  }
}

/** DOT text for every node the `ys` depend on, with edges from inputs to the nodes that use them. */
export function toDot(ys: Node | readonly Node[], opts: DotOptions = {}): string {
  const roots = ys instanceof Node ? [ys] : [...ys];
  const order = topoSort(roots);
  const max = opts.maxNodes ?? 500;
  if (order.length > max) throw new RangeError(`toDot: ${order.length} nodes is more than maxNodes (${max})`);
  const fwd = opts.forward ? new Set(topoSort(opts.forward instanceof Node ? [opts.forward] : opts.forward)) : null;
  const lines = [
    'digraph dagrad {',
    `  rankdir=${opts.direction ?? 'TB'};`,
    '  node [fontname="DejaVu Sans", fontsize=11];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  if (opts.title) lines.push(`  labelloc=t; label=${quote(opts.title)}; fontname="DejaVu Sans"; fontsize=14;`);
  for (const n of order) {
    const shaded = fwd !== null && !fwd.has(n);
    const periph = roots.includes(n) ? ', peripheries=2' : '';
    lines.push(`  n${n.id} [label=${quote(label(n)).replace(/\\\\n/g, '\\n')}, ${style(n, shaded)}${periph}];`);
  }
  for (const n of order) {
    n.inputs.forEach((input, i) => {
      const port = n.inputs.length > 1 ? ` [taillabel="", headlabel=${quote(String(i))}, labelfontsize=8]` : '';
      lines.push(`  n${input.id} -> n${n.id}${port};`);
    });
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
