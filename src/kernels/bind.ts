/**
 * Loops bound to one set of arrays.
 *
 * V8 (Node 20) runs a loop over typed arrays it can see as constants about 3x faster than the same
 * loop over typed arrays passed as arguments: with the arrays fixed it folds in their base address
 * and length and drops the checks for resizable buffers. A compiled plan calls each step's kernel
 * with the same arrays on every run, so a kernel that meets the same arrays (and layout) a second
 * time compiles a loop for them with `new Function`, holding them as constants along with the
 * layout's sizes and strides as literals, and calls it from then on. The first meeting runs the
 * ordinary loop, so one-off calls never pay for a compile.
 */
import type { NdArray } from 'ndarray';
import { sizeOf } from '../graph/shape.js';
import { collapse, denseAlike } from '../graph/layout.js';
import type { Data } from '../graph/layout.js';
import { element, libScope, type Formula } from './formula.js';
import { generate } from './generate.js';

export type Bound = () => void;

/** Calls with fewer elements than this run the ordinary loop (the look-up would cost more than it saves). */
export const BIND_MIN = 2048;
/** Bindings remembered per output array (oldest dropped first). */
const PER_OUTPUT = 8;

// `$` names cannot clash with a formula's operands or library functions.
const NAMES = ['$O', '$X', '$Y', '$Z'];

/**
 * Source of nested loops over a collapsed layout: `shape` per loop, `strides[k]` and `offsets[k]`
 * of array k (0 = the output), held in the variable `names[k]`. `body` makes one element's source
 * from the inputs' element expressions and the output's (`$X[$i0 + 3]`, `$O[$i0]`).
 */
export function loops(
  shape: readonly number[], strides: readonly (readonly number[])[], offsets: readonly number[], names: readonly string[],
  body: (loads: readonly string[], target: string) => string,
): string {
  const last = shape.length - 1;
  // $p<k>_<d>: where array k's run at loop depth d starts (outer loops' indices folded in).
  const step = (k: number, d: number, base: string) => {
    const s = strides[k][d];
    return s === 0 ? base : s === 1 ? `${base} + $i${d}` : `${base} + $i${d} * ${s}`;
  };
  const base = (k: number, d: number) => (d === 0 ? String(offsets[k]) : `$p${k}_${d}`);
  const loads = strides.slice(1).map((_, k) => `${names[k + 1]}[${step(k + 1, last, base(k + 1, last))}]`);
  let src = body(loads, `${names[0]}[${step(0, last, base(0, last))}]`);
  for (let d = last; d >= 0; d--) {
    const inner = d < last ? strides.map((_, k) => `const $p${k}_${d + 1} = ${step(k, d, base(k, d))};`).join(' ') : '';
    src = `for (let $i${d} = 0; $i${d} < ${shape[d]}; $i${d}++) { ${inner} ${src} }`;
  }
  return src;
}

/** The collapsed layout of out and ins (one run when they all walk memory alike), with their offsets. */
export function layoutOf(out: NdArray, ins: readonly NdArray[]): { shape: number[]; strides: number[][]; offsets: number[] } {
  const all = [out, ...ins];
  const offsets = all.map((a) => a.offset);
  if (ins.every((a) => denseAlike(out, a))) return { shape: [sizeOf(out.shape)], strides: all.map(() => [1]), offsets };
  return { ...collapse(out.shape, all.map((a) => a.stride)), offsets };
}

interface Entry {
  readonly ins: readonly Data[];
  readonly key: string;
  run?: Bound;
}

/** One kernel's bound loops, keyed by output array, inputs and layout. */
export class Bindings {
  private readonly byOutput = new WeakMap<object, Entry[]>();

  constructor(private readonly f: Formula) {}

  /** The bound loop for out = f(ins...), compiled on the second meeting; undefined to run the ordinary loop. */
  lookup(out: NdArray, ins: readonly NdArray[]): Bound | undefined {
    const { shape, strides, offsets } = layoutOf(out, ins);
    const key = `${offsets.join(',')}|${shape.join(',')}|${strides.map((s) => s.join(',')).join(';')}`;
    const o = out.data as Data;
    let list = this.byOutput.get(o);
    if (!list) this.byOutput.set(o, (list = []));
    const entry = list.find((e) => e.key === key && e.ins.every((d, k) => d === ins[k].data));
    if (!entry) {
      list.push({ ins: ins.map((a) => a.data as Data), key });
      if (list.length > PER_OUTPUT) list.shift();
      return undefined;
    }
    if (!entry.run) {
      const scope: Record<string, unknown> = { ...libScope(this.f), $O: o };
      entry.ins.forEach((d, k) => (scope[NAMES[k + 1]] = d));
      entry.run = generate<Bound>(`${this.f.name} bound`, scope, `function bound() { ${loops(shape, strides, offsets, NAMES, (loads, target) => element(this.f, loads, target))} }`);
    }
    return entry.run;
  }
}
