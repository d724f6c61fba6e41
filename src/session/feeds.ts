/**
 * Copying feeds into a plan's buffers. The session resolves feeds fully (names, dtypes, shapes, with
 * errors) when it looks a plan up; after that, `refeed` checks a run's feeds against the plan's own
 * feed list without allocating, and copies them in, so a repeated run needs no look-up at all.
 */
import type { NdArray } from 'ndarray';
import type { TypedArray } from '../graph/dtype.js';
import { isNdArray, copyInto, inputDType, writeInput, type Input } from '../graph/tensor.js';
import type { Node } from '../graph/node.js';
import type { ConcreteShape } from '../graph/shape.js';
import type { Feeds } from './session.js';

/** The feeds a plan was compiled for, in the order they were given (a buffer is null for a feed the plan does not read). */
export interface FeedList {
  readonly nodes: readonly Node[];
  readonly shapes: readonly ConcreteShape[];
  readonly buffers: readonly (NdArray | null)[];
  /** What errors call each feed. */
  readonly wheres: readonly string[];
}

/**
 * Copies `feeds` into the buffers of `list` when they are exactly its feeds, in its order, with its
 * shapes and dtypes; returns false (having maybe copied some) otherwise, and the caller resolves
 * them the slow way. `byName` finds placeholders; `known` says whether a name is a placeholder at all.
 */
export function refeed(
  list: FeedList, feeds: Feeds | undefined, byName: (name: string) => readonly Node[] | undefined, known: (name: string) => boolean,
): boolean {
  if (feeds === undefined) return list.nodes.length === 0;
  let j = 0;
  if (feeds instanceof Map) {
    for (const k of feeds.keys()) if ((j = feedOne(list, j, k, feeds.get(k)!, byName, known)) < 0) return false;
  } else if (Array.isArray(feeds)) {
    for (let i = 0; i < feeds.length; i++) if ((j = feedOne(list, j, feeds[i][0], feeds[i][1], byName, known)) < 0) return false;
  } else {
    const rec = feeds as { readonly [name: string]: Input };
    for (const k in rec) if (Object.hasOwn(rec, k) && (j = feedOne(list, j, k, rec[k], byName, known)) < 0) return false;
  }
  return j === list.nodes.length;
}

/** Checks and copies the feed for `list`'s j-th node; returns the next j, or -1 when it does not match. */
function feedOne(
  list: FeedList, j: number, k: Node | string, value: Input,
  byName: (name: string) => readonly Node[] | undefined, known: (name: string) => boolean,
): number {
  let node: Node;
  if (typeof k === 'string') {
    const found = byName(k);
    if (!found) return known(k) ? j : -1; // a placeholder these fetches do not need is skipped, as when resolving
    if (found.length !== 1) return -1;
    node = found[0];
  } else {
    node = k;
  }
  if (j >= list.nodes.length || node !== list.nodes[j]) return -1;
  const own = inputDType(value);
  if ((own && own !== node.dtype) || !hasShape(value, list.shapes[j])) return -1;
  const buffer = list.buffers[j];
  if (buffer) writeFeed(buffer, value, list.wheres[j]);
  return j + 1;
}

/** Whether an Input has this shape, read without converting it. */
function hasShape(x: Input, shape: ConcreteShape): boolean {
  if (typeof x === 'number') return shape.length === 0;
  if (Array.isArray(x)) {
    let cur: unknown = x;
    for (let d = 0; d < shape.length; d++) {
      if (!Array.isArray(cur) || cur.length !== shape[d]) return false;
      cur = cur[0];
    }
    return !Array.isArray(cur);
  }
  const own = (x as { shape?: readonly number[] }).shape;
  if (!own || own.length !== shape.length) return false;
  for (let d = 0; d < shape.length; d++) if (own[d] !== shape[d]) return false;
  return true;
}

/** Writes a checked Input into a feed buffer; typed arrays and scalars without allocating. */
export function writeFeed(buffer: NdArray, x: Input, where: string): void {
  const data = buffer.data as TypedArray;
  if (isNdArray(x)) return copyInto(buffer, x);
  if (typeof x === 'number' && buffer.size === 1 && (!(data instanceof Int32Array) || Number.isInteger(x))) {
    data[0] = x;
    return;
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x && x.data.length === data.length) {
    data.set(x.data);
    return;
  }
  writeInput(buffer, x, where);
}
