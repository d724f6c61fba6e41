/**
 * Elementwise fusion. A maximal group of elementwise steps (ops declared with `elementwise`, and an
 * assign or a sum over every axis ending the group) in which every value but the last has exactly one reader, inside the
 * group, and the same shape as the last, runs as one generated loop (kernels/fused.ts): one pass
 * over memory instead of one per op, no intermediate written. `sub(w, mul(lr, div(m, add(sqrt(s), eps))))`
 * becomes one loop, and with the assign that consumes it, one loop writing the variable.
 *
 * Only a plan's untraced runs use the fused loops; a traced run calls every step, so traces see every
 * value. Values only a fused group computed are not written to their buffers (`plan.values` of
 * those nodes is stale after a run, as the reuse of buffers already allows; plans without buffer
 * reuse are not fused).
 */
import type { NdArray } from 'ndarray';
import type { Node } from '../graph/node.js';
import { sameShape } from '../graph/shape.js';
import { fusedKernel, type FusedMember } from '../kernels/fused.js';
import type { Formula } from '../kernels/formula.js';
import { formulaOf } from '../ops/elementwise.js';
import type { Entry } from './schedule.js';

/** The steps as fusion sees them: their (broadcast) input arrays and output (the entries they compute come beside them). */
export interface FusibleStep {
  readonly ins: readonly NdArray[];
  readonly out: NdArray;
}

/** One fused loop: the steps it stands for (by index, in order; the last is the group's output). */
export interface FusedGroup {
  readonly steps: readonly number[];
  readonly nodes: readonly Node[];
  readonly run: () => void;
}

/** The most ops in one fused loop (a longer chain is split): keeps each generated function small enough for V8 to optimise. */
const MAX_GROUP = 32;

// Assign ops end a group as their formula over (variable, value).
const ASSIGNS: Readonly<Record<string, Formula>> = {
  assign: { name: 'assign', arity: 2, expr: 'b' },
  assignAdd: { name: 'assignAdd', arity: 2, expr: 'a + b' },
  assignSub: { name: 'assignSub', arity: 2, expr: 'a - b' },
};

const SUM: Formula = { name: 'sum', arity: 1, expr: 'a' };

const formulaOfStep = (e: Entry): Formula | undefined =>
  e.node.op.kind === 'assign' ? ASSIGNS[e.node.op.name] : e.node.op.kind === undefined || e.node.op.kind === 'op' ? formulaOf(e.node.op) : undefined;

/**
 * The fused groups of a plan's steps. `entries` is the whole schedule (numbered), `stepEntries` its
 * step entries in order and `steps` their arrays; `kept` holds the entries whose values are read after the run (fetches,
 * assigns), which are never fused away; groups whose arrays have fewer than `minSize` elements are
 * not formed; with `simdOnly`, neither are groups the fused SIMD loop cannot run (kernels/fused.ts).
 */
export function fuse(
  entries: readonly Entry[], stepEntries: readonly Entry[], steps: readonly FusibleStep[], kept: ReadonlySet<Entry>, minSize = 0, simdOnly = false,
): FusedGroup[] {
  const stepOf = new Int32Array(entries.length).fill(-1);
  stepEntries.forEach((e, i) => (stepOf[e.id] = i));
  // The one entry reading each entry (-1: none yet, -2: several).
  const reader = new Int32Array(entries.length).fill(-1);
  for (const e of entries) {
    for (const u of e.inputs) reader[u.id] = reader[u.id] === -1 || reader[u.id] === e.id ? e.id : -2;
  }
  const formulas = stepEntries.map((e) => (e.original === null ? formulaOfStep(e) : undefined));
  // Sums over every axis may end a group: the loop adds the values up instead of storing them.
  const sums = steps.map((s, i) => {
    const e = stepEntries[i];
    if (e.original !== null || e.node.op.name !== 'sum' || e.node.op.kind !== undefined) return false;
    return (e.node.attrs as { axes: readonly number[] }).axes.length === e.inputs[0].shape.length && s.ins[0].size > 0;
  });
  // The step index a step may be absorbed into, or -1.
  const into = steps.map((s, i) => {
    const e = stepEntries[i], r = reader[e.id];
    if (!formulas[i] || e.node.op.kind === 'assign' || kept.has(e) || r < 0) return -1;
    const j = stepOf[r];
    return j > i && s.out.size > 0 && ((formulas[j] && sameShape(entries[r].shape, e.shape)) || sums[j]) ? j : -1;
  });

  const taken = new Uint8Array(steps.length);
  // a member's position in the group being built, by step (-1 for other steps)
  const posOf = new Int32Array(steps.length).fill(-1);
  const groups: FusedGroup[] = [];
  for (let root = steps.length - 1; root >= 0; root--) {
    if (taken[root] || !(formulas[root] || sums[root]) || (sums[root] ? steps[root].ins[0] : steps[root].out).size < minSize) continue;
    for (;;) {
      const members = collect(root, stepEntries, stepOf, into, taken);
      if (members.length < 2) break;
      for (let j = 0; j < members.length; j++) posOf[members[j]] = j;
      const built = build(members, stepEntries, steps, formulas, sums, stepOf, posOf, simdOnly);
      for (const j of members) posOf[j] = -1;
      if (built === null) break;
      if (!(built instanceof Set)) {
        for (const j of members) taken[j] = 1;
        groups.push(built);
        break;
      }
      // Members that read a value overwritten before the loop would run: they run on their own
      // (their value becomes an input of the loop) and may head a group of their own.
      for (const j of built) into[j] = -1;
    }
  }
  return groups.reverse();
}

/** The members of the group ending at `root`, in step order (root last), at most MAX_GROUP. */
function collect(root: number, stepEntries: readonly Entry[], stepOf: Int32Array, into: readonly number[], taken: Uint8Array): number[] {
  const members: number[] = [];
  const visit = (i: number) => {
    const inputs = stepEntries[i].inputs;
    for (let k = 0; k < inputs.length; k++) {
      const j = stepOf[inputs[k].id];
      if (j >= 0 && into[j] === i && !taken[j] && members.length < MAX_GROUP - 1 && !members.includes(j)) {
        members.push(j);
        visit(j);
      }
    }
  };
  visit(root);
  members.sort((a, b) => a - b);
  members.push(root);
  return members;
}

/**
 * The group's loop; or, when running it at the last member's place would read memory that a step
 * in between overwrites, the members reading such memory (to be left out of the group).
 */
function build(
  members: readonly number[], stepEntries: readonly Entry[], steps: readonly FusibleStep[], formulas: readonly (Formula | undefined)[], sums: readonly boolean[],
  stepOf: Int32Array, posOf: Int32Array, simdOnly: boolean,
): FusedGroup | Set<number> | null {
  const inputs: NdArray[] = [];
  const readers: number[][] = [];
  const list: FusedMember[] = new Array(members.length);
  for (let m = 0; m < members.length; m++) {
    const s = members[m], step = steps[s], entry = stepEntries[s], ins = entry.inputs;
    const operands: number[] = [];
    for (let k = 0; k < ins.length; k++) {
      const j = stepOf[ins[k].id];
      if (j >= 0 && j !== s && posOf[j] >= 0) {
        operands.push(-(posOf[j] + 1));
        continue;
      }
      const a = step.ins[k];
      let at = inputs.indexOf(a);
      if (at < 0) (at = inputs.push(a) - 1), readers.push([]);
      readers[at].push(s);
      operands.push(at);
    }
    list[m] = sums[s] ? { formula: SUM, operands, dtype: entry.dtype, reduce: true } : { formula: formulas[s]!, operands, dtype: entry.dtype };
  }
  const first = members[0], last = members[members.length - 1];
  const out = steps[last].out;
  const cut = new Set<number>();
  // inputs that overlap out other than element for element
  let clash = false;
  for (let k = 0; k < inputs.length; k++) {
    const a = inputs[k];
    // The loop reads `a` at the last member's place: no step between a's making (or the first
    // member) and there may write over it.
    let from = first;
    for (let s = last - 1; s > first; s--) if (steps[s].out.data === a.data) (from = s), (s = first);
    for (let s = from + 1; s < last; s++) {
      if (posOf[s] < 0 && steps[s].out.data !== a.data && overlaps(steps[s].out, a)) {
        for (const r of readers[k]) if (r !== last) cut.add(r);
        break;
      }
    }
    // The loop reads element i of every input before writing element i of out: an input may be out
    // itself, element for element, but no other memory of it.
    if (overlaps(out, a) && !sameLayout(out, a)) {
      clash = true;
      for (const r of readers[k]) if (r !== last) cut.add(r);
    }
  }
  if (cut.size > 0) return cut;
  if (clash) return new Set(members.slice(0, -1));
  const nodes = members.map((s) => stepEntries[s].node);
  const over = sums[last] ? steps[last].ins[0] : out;
  const run = fusedKernel(nodes.map((n) => n.op.name).join('+'), list, out, inputs, over, simdOnly);
  return run ? { steps: members, nodes, run } : null;
}

/** The first (`last` false) or last byte of the memory an array's elements occupy. */
function spanEnd(a: NdArray, last: boolean): number {
  const d = a.data as unknown as Float64Array;
  let at = a.offset;
  for (let k = 0; k < a.shape.length; k++) {
    const ext = a.stride[k] * (a.shape[k] - 1);
    if (ext < 0 !== last) at += ext;
  }
  const w = d.BYTES_PER_ELEMENT;
  return d.byteOffset + at * w + (last ? w - 1 : 0);
}

function overlaps(a: NdArray, b: NdArray): boolean {
  const da = a.data as unknown as Float64Array, db = b.data as unknown as Float64Array;
  if (!ArrayBuffer.isView(da) || !ArrayBuffer.isView(db) || da.buffer !== db.buffer || a.size === 0 || b.size === 0) return false;
  return spanEnd(a, false) <= spanEnd(b, true) && spanEnd(b, false) <= spanEnd(a, true);
}

/** The same elements of the same memory, in the same order (two plan buffers may be views of one slot). */
function sameLayout(a: NdArray, b: NdArray): boolean {
  const da = a.data as unknown as Float64Array, db = b.data as unknown as Float64Array;
  return da.constructor === db.constructor && da.buffer === db.buffer &&
    da.byteOffset + a.offset * da.BYTES_PER_ELEMENT === db.byteOffset + b.offset * db.BYTES_PER_ELEMENT &&
    a.shape.every((d, k) => d === 1 || a.stride[k] === b.stride[k]);
}
