/**
 * Liveness over a schedule: for each buffer (a feed's or a step's output), the position of the last
 * entry that reads it. A view reads nothing itself but keeps its buffer alive for its own readers,
 * so a read of a view counts as a read of the buffer underneath.
 */
import type { Entry } from './schedule.js';

export interface Liveness {
  /** The buffer holding an entry's value: itself for feeds and steps, its base for views, null outside the plan. */
  base(e: Entry): Entry | null;
  /** Position of a buffer's last reader (its own position when nothing reads it). */
  lastUse(b: Entry): number;
  /** A buffer that must hold its value to the end of the run: fed, fetched, or assigned to a variable. */
  pinned(b: Entry): boolean;
}

/**
 * `entries` must be numbered by position (`renumber`); `keep`: entries whose values are read after
 * the run (fetches, assigns' new values).
 */
export function liveness(entries: readonly Entry[], keep: Iterable<Entry>): Liveness {
  const baseOf: (Entry | null)[] = new Array(entries.length);
  const last = new Int32Array(entries.length);
  const pin = new Uint8Array(entries.length);
  entries.forEach((e, i) => {
    if (e.kind === 'feed' || e.kind === 'step') baseOf[i] = e;
    else baseOf[i] = e.kind === 'view' && e.viewOf >= 0 ? baseOf[e.inputs[e.viewOf].id] : null;
    if (e.kind === 'feed') pin[i] = 1;
    for (let k = 0; k < e.inputs.length; k++) {
      const b = baseOf[e.inputs[k].id];
      if (b) last[b.id] = i;
    }
    // a view's own position counts too, so a traced view sees its buffer intact
    const own = baseOf[i];
    if (own) last[own.id] = i;
  });
  for (const e of keep) {
    const b = baseOf[e.id];
    if (b) pin[b.id] = 1;
  }
  return { base: (e) => baseOf[e.id], lastUse: (b) => last[b.id], pinned: (b) => pin[b.id] === 1 };
}
