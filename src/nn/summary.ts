/**
 * summary(output | model): a table of the layers a model is made of, their output shapes (an
 * unknown dimension shows as ?) and parameter counts, with totals. The layers are read from the
 * graph (what the layer functions recorded on their outputs), so nothing but the model is consulted.
 */
import { Node } from '../graph/node.js';
import type { Shape } from '../graph/shape.js';
import { topoSort } from '../graph/topo.js';
import { isVariable } from '../ops/variable.js';
import type { FunctionalModel, ProgressSink } from './fit.js';
import { layersOf, paramCounts } from './functional.js';
import { Sequential } from './sequential.js';

const dims = (s: Shape): string => `[${s.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
const count = (n: number): string => n.toLocaleString('en-US');

function table(title: string, rows: string[][], total: { trainable: number; other: number }): string {
  const head = ['layer (kind)', 'output shape', 'params'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((s, c) => (c === 2 ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('   ').trimEnd();
  const rule = '-'.repeat(line(head).length);
  return [
    title, line(head), rule, ...rows.map(line), rule,
    `params: ${count(total.trainable + total.other)} (trainable ${count(total.trainable)}, non-trainable ${count(total.other)})`,
  ].join('\n');
}

/** The summary of a functional model's output (or of `{ input, output }`). */
function functionalSummary(outputs: readonly Node[], name: string | undefined): string {
  const layers = layersOf(outputs);
  const nodes = topoSort(outputs);
  const inputs = nodes.filter((n) => n.op.kind === 'placeholder');
  const owned = new Set(layers.flatMap((l) => [...l.variables, ...l.flags]));
  const under = (n: Node) => layers.some((l) => n.name.startsWith(`${l.scope}/`));
  // variables made by hand, outside every layer, still count: they are trained like the rest
  const loose = nodes.filter((n) => isVariable(n) && !owned.has(n) && !under(n));
  const rows = layers.map((l) => {
    const p = paramCounts(l.variables);
    return [`${l.scope} (${l.kind})`, dims(l.output.shape), count(p.trainable + p.other)];
  });
  const lp = paramCounts(loose);
  if (loose.length > 0) rows.push([`(variables outside layers: ${loose.map((v) => v.name).join(', ')})`, '', count(lp.trainable + lp.other)]);
  const total = [...layers.map((l) => paramCounts(l.variables)), lp].reduce((s, p) => ({ trainable: s.trainable + p.trainable, other: s.other + p.other }));
  const title = `model${name ? ` '${name}'` : ''}: input${inputs.length === 1 ? '' : 's'} ${inputs.map((i) => `${i.name} ${dims(i.shape)}`).join(', ') || '(none)'}`;
  return table(title, rows, total);
}

/**
 * Prints (to `output`, default standard output; null prints nothing) and returns a table of the
 * layers of a model: a Sequential (its own summary), a functional model `{ input, output }`, or the
 * output node(s) of layer functions.
 */
export function summary(model: Sequential | FunctionalModel | Node | readonly Node[], opts: { output?: ProgressSink | null } = {}): string {
  let text: string;
  if (model instanceof Sequential) text = model.summary();
  else if (model instanceof Node) text = functionalSummary([model], undefined);
  else if (Array.isArray(model)) text = functionalSummary(model as readonly Node[], undefined);
  else {
    const m = model as FunctionalModel;
    if (!(m.output instanceof Node)) throw new TypeError('summary: takes a Sequential, { input, output } nodes, or output nodes');
    text = functionalSummary([m.output], m.name);
  }
  const out = opts.output === undefined ? (globalThis as { process?: { stdout?: ProgressSink } }).process?.stdout : opts.output;
  out?.write(text + '\n');
  return text;
}
