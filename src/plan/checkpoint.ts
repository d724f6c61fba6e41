/**
 * Gradient checkpointing as a rewrite of the schedule (Chen et al. 2016, "Training deep nets with
 * sublinear memory cost"). Find the position where the most bytes are live (in a forward+backward
 * graph, where backward starts) and the step outputs held across it: made before, read both before
 * and after (the activations backward needs). Keep every s-th of them, s = ceil(sqrt(count)); drop
 * the others after their last early read, and recompute each run of dropped ones (a segment) from
 * the kept one before it, just before its first late read. A chain of N activations then holds
 * about N/s kept values plus one segment of s: O(sqrt N) instead of N, for about one more forward.
 *
 * Recomputing a step needs its inputs then: kept, fed and pinned values and values still alive are
 * read as they are; dead ones are recomputed too (or kept alive when their op is stateful).
 */
import { liveness, type Liveness } from './liveness.js';
import { recomputeOf, renumber, type Entry } from './schedule.js';

const recomputable = (e: Entry): boolean => e.kind === 'step' && (e.node.op.kind ?? 'op') === 'op' && !e.node.op.stateful;

/**
 * A new schedule: a copy of `schedule` (numbered by position) with recompute copies inserted,
 * numbered again. `segment` overrides s.
 */
export function checkpoint(schedule: readonly Entry[], keep: readonly Entry[], segment?: number): Entry[] {
  const entries = schedule.map((e) => ({ ...e }));
  for (const e of entries) e.inputs = e.inputs.map((u) => entries[u.id]);
  const live = liveness(entries, keep.map((e) => entries[e.id]));
  const turn = peak(entries, live);
  const reads: (number[] | undefined)[] = new Array(entries.length);
  entries.forEach((e, i) => {
    for (const u of e.inputs) {
      const b = live.base(u);
      if (b) (reads[b.id] ??= []).push(i);
    }
  });
  const held = entries.filter((b, i) => {
    const r = reads[i];
    return i < turn && recomputable(b) && !live.pinned(b) && !!r && r[0] < turn && r[r.length - 1] >= turn;
  });
  if (held.length < 2) return entries;
  const s = Math.max(1, Math.floor(segment ?? Math.ceil(Math.sqrt(held.length))));
  const group = new Map<Entry, number>();
  held.forEach((b, k) => {
    if ((k + 1) % s !== 0) group.set(b, Math.floor(k / s));
  });
  const alive = (b: Entry, at: number): boolean => live.pinned(b) || (!group.has(b) && live.lastUse(b) >= at);
  // copies are not numbered yet: only the schedule's own entries made before the turn belong to a group
  const groupOf = (u: Entry): number | undefined => {
    const b = u.original === null && u.id < turn ? live.base(u) : null;
    return b ? group.get(b) : undefined;
  };

  // the late reads of each segment's values (directly or through views made before the turn)
  const lateReads = new Map<number, { r: Entry; at: number }[]>();
  for (let i = turn; i < entries.length; i++) {
    const r = entries[i];
    for (const g of new Set(r.inputs.map(groupOf))) {
      if (g !== undefined) (lateReads.get(g) ?? lateReads.set(g, []).get(g)!).push({ r, at: i });
    }
  }
  const before = new Map<number, Entry[]>();
  for (const [g, rs] of lateReads) {
    const at = rs[0].at;
    const needs = (u: Entry): boolean => {
      const b = live.base(u);
      return b !== null && (group.get(b) === g || (!alive(b, at) && recomputable(b)));
    };
    const todo = rs.flatMap(({ r }) => r.inputs.filter((u) => groupOf(u) === g));
    const copied = new Set<Entry>();
    while (todo.length > 0) {
      const u = todo.pop()!;
      if (copied.has(u)) continue;
      copied.add(u);
      for (const w of u.inputs) if (needs(w) && !copied.has(w)) todo.push(w);
    }
    const copyOf = new Map<Entry, Entry>();
    for (const u of [...copied].sort((a, b) => a.id - b.id)) {
      copyOf.set(u, recomputeOf(u, u.inputs.map((w) => copyOf.get(w) ?? w)));
    }
    for (const { r } of rs) r.inputs = r.inputs.map((u) => (groupOf(u) === g ? copyOf.get(u)! : u));
    before.set(at, [...(before.get(at) ?? []), ...copyOf.values()]);
  }
  return renumber(entries.flatMap((e, i) => [...(before.get(i) ?? []), e]));
}

/** The first position where the most buffer bytes are live. */
function peak(entries: readonly Entry[], live: Liveness): number {
  const delta = new Float64Array(entries.length + 1);
  for (const b of entries) {
    if (b.kind !== 'feed' && b.kind !== 'step') continue;
    delta[b.id] += b.bytes;
    if (!live.pinned(b)) delta[live.lastUse(b) + 1] -= b.bytes;
  }
  let best = 0;
  let bytes = 0;
  let most = -1;
  for (let i = 0; i < entries.length; i++) {
    bytes += delta[i];
    if (bytes > most) [most, best] = [bytes, i];
  }
  return best;
}
