/**
 * A sequential model: layers applied in order to one input, each named from its kind and position
 * unless it has a name, plus the model's training flag (a scalar float32 variable `<name>/training`,
 * 0 unless fit sets it to 1 for its steps), and a summary of layers, output shapes and parameters.
 */
import type { Node } from '../graph/node.js';
import { formatShape } from '../graph/shape.js';
import * as init from '../init/initializers.js';
import { variable } from '../ops/index.js';
import type { Layer } from './layers.js';

export class Sequential {
  readonly name: string;
  readonly layers: readonly Layer[];
  /** 1 while fit trains, 0 otherwise: dropout and batchNorm read it. */
  readonly training: Node;
  private built: { input: Node; output: Node; outputs: Node[] } | undefined;

  constructor(layers: readonly Layer[], opts: { name?: string } = {}) {
    this.name = opts.name ?? 'model';
    this.layers = layers;
    const used = new Set<string>();
    layers.forEach((l, i) => {
      l.name ??= `${l.kind}_${i}`;
      if (used.has(l.name)) throw new Error(`sequential '${this.name}': two layers are named '${l.name}'`);
      used.add(l.name);
    });
    this.training = variable(`${this.name}/training`, init.zeros([], { dtype: 'float32' }), { trainable: false });
  }

  /** Builds the layers on `input` (once; later calls return the same output). */
  build(input: Node): Node {
    if (this.built) {
      if (this.built.input !== input) throw new Error(`sequential '${this.name}': already built on ${this.built.input}; build a new model for another input`);
      return this.built.output;
    }
    const outputs: Node[] = [];
    let x = input;
    for (const l of this.layers) outputs.push((x = l.call(x, { training: this.training })));
    this.built = { input, output: x, outputs };
    return x;
  }

  get input(): Node {
    return this.need().input;
  }
  get output(): Node {
    return this.need().output;
  }

  /** Every variable of every layer (the training flag not included). */
  get variables(): Node[] {
    return this.layers.flatMap((l) => l.variables);
  }
  /** The assign nodes a training step runs with its update (moving averages). */
  get updates(): Node[] {
    return this.layers.flatMap((l) => l.updates);
  }

  /** A table of layers, output shapes and parameter counts, with totals. */
  summary(): string {
    const { outputs } = this.need();
    const rows = this.layers.map((l, i) => {
      const p = l.paramCounts();
      return [`${l.name} (${l.kind})`, formatShape(outputs[i].shape), (p.trainable + p.other).toLocaleString('en-US')];
    });
    const head = ['layer (kind)', 'output shape', 'params'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((s, c) => (c === 2 ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('   ').trimEnd();
    const total = this.layers.reduce((s, l) => { const p = l.paramCounts(); return { t: s.t + p.trainable, o: s.o + p.other }; }, { t: 0, o: 0 });
    const rule = '-'.repeat(line(head).length);
    return [
      `model '${this.name}': input ${formatShape(this.need().input.shape)}`,
      line(head), rule, ...rows.map(line), rule,
      `params: ${(total.t + total.o).toLocaleString('en-US')} (trainable ${total.t.toLocaleString('en-US')}, non-trainable ${total.o.toLocaleString('en-US')})`,
    ].join('\n');
  }

  private need(): { input: Node; output: Node; outputs: Node[] } {
    if (!this.built) throw new Error(`sequential '${this.name}': call build(input) first`);
    return this.built;
  }
}

/** A sequential model of these layers. */
export const sequential = (layers: readonly Layer[], opts: { name?: string } = {}): Sequential => new Sequential(layers, opts);
