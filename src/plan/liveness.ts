/**
 * Liveness over a schedule: for each buffer (a feed's or a step's output), the position of the last
 * entry that reads it. A view reads nothing itself but keeps its buffer alive for its own readers,
 * so a read of a view counts as a read of the buffer underneath.
 */
import type { Entry } from './schedule.js';

export interface Liveness {
  /** The buffer holding each entry's value: itself for feeds and steps, its base for views, null outside the plan. */
  readonly base: ReadonlyMap<Entry, Entry | null>;
  /** Position of each buffer's last reader (its own position when nothing reads it). */
  readonly lastUse: ReadonlyMap<Entry, number>;
  /** Buffers that must hold their value to the end of the run: fed, fetched, or assigned to a variable. */
  readonly pinned: ReadonlySet<Entry>;
}

/** `keep`: entries whose values are read after the run (fetches, assigns' new values). */
export function liveness(entries: readonly Entry[], keep: Iterable<Entry>): Liveness {
  const base = new Map<Entry, Entry | null>();
  const lastUse = new Map<Entry, number>();
  entries.forEach((e, i) => {
    if (e.kind === 'feed' || e.kind === 'step') {
      base.set(e, e);
      lastUse.set(e, i);
    } else {
      base.set(e, e.kind === 'view' && e.viewOf >= 0 ? base.get(e.inputs[e.viewOf])! : null);
    }
    for (const u of e.inputs) {
      const b = base.get(u);
      if (b) lastUse.set(b, i);
    }
    // a view's own position counts too, so a traced view sees its buffer intact
    const own = base.get(e);
    if (own) lastUse.set(own, i);
  });
  const pinned = new Set<Entry>();
  for (const e of entries) if (e.kind === 'feed') pinned.add(e);
  for (const e of keep) {
    const b = base.get(e);
    if (b) pinned.add(b);
  }
  return { base, lastUse, pinned };
}
