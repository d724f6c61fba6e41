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
  /** Byte offset in the arena of a buffer (undefined for zero-byte buffers, which need none). */
  offset(e: Entry): number | undefined;
  /** Whether a step writes over its input. */
  inPlace(e: Entry): boolean;
  readonly arenaBytes: number;
  /** Number of slots, i.e. distinct buffers. */
  readonly slots: number;
  readonly inPlaceSteps: number;
  /** The most bytes live at once: what a perfect allocator would need. */
  readonly maxLiveBytes: number;
}

/**
 * `entries` numbered by position. `reuse` false gives every buffer its own slot and writes nothing
 * in place (the unplanned layout).
 */
export function assignBuffers(entries: readonly Entry[], live: Liveness, reuse: boolean): Assignment {
  const size: number[] = [];
  const holder: Entry[] = [];
  const slotOf = new Int32Array(entries.length).fill(-1);
  const inPlace = new Uint8Array(entries.length);
  const free: number[] = [];
  // The buffers whose last reader is at each position, in schedule order: lists threaded through
  // arrays (first and last per position, next per buffer), so that a long schedule makes no array per position.
  const dyingFirst = new Int32Array(entries.length).fill(-1);
  const dyingLast = new Int32Array(entries.length);
  const dyingNext = new Int32Array(entries.length).fill(-1);
  if (reuse) {
    for (let j = 0; j < entries.length; j++) {
      const b = entries[j];
      if ((b.kind !== 'feed' && b.kind !== 'step') || live.pinned(b)) continue;
      const at = live.lastUse(b);
      if (dyingFirst[at] < 0) dyingFirst[at] = b.id;
      else dyingNext[dyingLast[at]] = b.id;
      dyingLast[at] = b.id;
    }
  }
  let liveBytes = 0;
  let maxLiveBytes = 0;
  let inPlaceSteps = 0;

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
  /** Whether an input of `e` other than its k-th reads buffer `b` (through another view of it). */
  const readElsewhere = (e: Entry, k: number, b: Entry): boolean => {
    for (let j = 0; j < e.inputs.length; j++) if (j !== k && e.inputs[j] !== e.inputs[k] && live.base(e.inputs[j]) === b) return true;
    return false;
  };
  /** The slot of an input this step may overwrite, or -1. */
  const inPlaceSlot = (e: Entry, i: number): number => {
    if (!e.node.op.inplace) return -1;
    for (let k = 0; k < e.inputs.length; k++) {
      const v = e.inputs[k];
      const b = live.base(v);
      if (!b || b.kind !== 'step' || live.pinned(b) || live.lastUse(b) !== i || slotOf[b.id] < 0) continue;
      if (!(v === b || v.dense) || v.dtype !== e.dtype || !sameShape(v.shape, e.shape)) continue;
      // another input reading the same memory through a different view could be overwritten before it is read
      if (holder[slotOf[b.id]] === b && !readElsewhere(e, k, b)) return slotOf[b.id];
    }
    return -1;
  };

  for (let j = 0; j < entries.length; j++) {
    const e = entries[j];
    if (e.kind === 'feed' && e.bytes > 0) slotOf[e.id] = open(e, aligned(e.bytes));
  }
  entries.forEach((e, i) => {
    if (e.kind === 'feed') liveBytes += aligned(e.bytes);
    if (e.kind === 'step' && e.bytes > 0) {
      const bytes = aligned(e.bytes);
      let slot = reuse ? inPlaceSlot(e, i) : -1;
      if (slot >= 0) {
        inPlace[i] = 1;
        inPlaceSteps++;
        holder[slot] = e;
      } else {
        slot = reuse ? take(e, bytes) : open(e, bytes);
        liveBytes += bytes;
      }
      slotOf[i] = slot;
    }
    maxLiveBytes = Math.max(maxLiveBytes, liveBytes);
    for (let d = dyingFirst[i]; d >= 0; d = dyingNext[d]) {
      const b = entries[d];
      const slot = slotOf[b.id];
      if (slot < 0 || holder[slot] !== b) continue;
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
  return {
    offset: (e) => (slotOf[e.id] < 0 ? undefined : start[slotOf[e.id]]),
    inPlace: (e) => inPlace[e.id] === 1,
    arenaBytes,
    slots: size.length,
    inPlaceSteps,
    maxLiveBytes,
  };
}
