/**
 * Buffer assignment: a linear scan over the schedule that gives every feed and step output a slot of
 * one arena. A slot is free again once the last reader of the buffer in it has run; an elementwise
 * step writes over an input that dies at that step. Fed, fetched and assigned buffers are pinned:
 * once written they are never freed (a feed gets its own slot, since it is written before the run).
 */
import { sameShape } from '../graph/shape.js';
import type { Liveness } from './liveness.js';
import type { Entry } from './schedule.js';

/** Slots start at multiples of this (WebAssembly SIMD loads 16 bytes), so sizes are rounded up to it. */
export const ALIGN = 16;
export const aligned = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

export interface Assignment {
  /** Byte offset in the arena of each buffer (zero-byte buffers have none). */
  readonly offset: ReadonlyMap<Entry, number>;
  readonly arenaBytes: number;
  /** Number of slots, i.e. distinct buffers. */
  readonly slots: number;
  /** Steps that write over their input. */
  readonly inPlace: ReadonlySet<Entry>;
  /** The most bytes live at once: what a perfect allocator would need. */
  readonly maxLiveBytes: number;
}

/** `reuse` false gives every buffer its own slot and writes nothing in place (the unplanned layout). */
export function assignBuffers(entries: readonly Entry[], live: Liveness, reuse: boolean): Assignment {
  const size: number[] = [];
  const holder: Entry[] = [];
  const slotOf = new Map<Entry, number>();
  const free: number[] = [];
  const inPlace = new Set<Entry>();
  const dying: Entry[][] = entries.map(() => []);
  if (reuse) for (const [b, i] of live.lastUse) if (!live.pinned.has(b)) dying[i].push(b);
  let liveBytes = 0;
  let maxLiveBytes = 0;

  const open = (e: Entry, bytes: number): number => {
    size.push(bytes);
    holder.push(e);
    return size.length - 1;
  };
  const take = (e: Entry, bytes: number): number => {
    // the smallest free slot that fits; failing that the largest, grown, which costs the fewest bytes
    let fit = -1;
    let largest = -1;
    for (let k = 0; k < free.length; k++) {
      const s = size[free[k]];
      if (s >= bytes && (fit < 0 || s < size[free[fit]])) fit = k;
      if (largest < 0 || s > size[free[largest]]) largest = k;
    }
    const best = fit >= 0 ? fit : largest;
    if (best < 0) return open(e, bytes);
    const slot = free[best];
    free[best] = free[free.length - 1];
    free.pop();
    size[slot] = Math.max(size[slot], bytes);
    holder[slot] = e;
    return slot;
  };
  /** The slot of an input this step may overwrite, or -1. */
  const inPlaceSlot = (e: Entry, i: number): number => {
    if (!e.node.op.inplace) return -1;
    for (let k = 0; k < e.inputs.length; k++) {
      const v = e.inputs[k];
      const b = live.base.get(v);
      if (!b || b.kind !== 'step' || live.pinned.has(b) || live.lastUse.get(b) !== i) continue;
      if (!(v === b || v.dense) || v.dtype !== e.dtype || !sameShape(v.shape, e.shape) || !slotOf.has(b)) continue;
      // another input reading the same memory through a different view could be overwritten before it is read
      if (e.inputs.some((u, j) => j !== k && u !== v && live.base.get(u) === b)) continue;
      const slot = slotOf.get(b)!;
      if (holder[slot] === b) return slot;
    }
    return -1;
  };

  for (const e of entries) if (e.kind === 'feed' && e.bytes > 0) slotOf.set(e, open(e, aligned(e.bytes)));
  entries.forEach((e, i) => {
    if (e.kind === 'feed') liveBytes += aligned(e.bytes);
    if (e.kind === 'step' && e.bytes > 0) {
      const bytes = aligned(e.bytes);
      let slot = reuse ? inPlaceSlot(e, i) : -1;
      if (slot >= 0) {
        inPlace.add(e);
        holder[slot] = e;
      } else {
        slot = reuse ? take(e, bytes) : open(e, bytes);
        liveBytes += bytes;
      }
      slotOf.set(e, slot);
    }
    maxLiveBytes = Math.max(maxLiveBytes, liveBytes);
    for (const b of dying[i]) {
      const slot = slotOf.get(b);
      if (slot === undefined || holder[slot] !== b) continue;
      free.push(slot);
      liveBytes -= aligned(b.bytes);
    }
  });

  const start: number[] = [];
  let arenaBytes = 0;
  for (const s of size) {
    start.push(arenaBytes);
    arenaBytes += s;
  }
  const offset = new Map<Entry, number>();
  for (const [e, slot] of slotOf) offset.set(e, start[slot]);
  return { offset, arenaBytes, slots: size.length, inPlace, maxLiveBytes };
}
