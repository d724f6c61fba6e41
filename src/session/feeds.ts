/**
 * The feed matcher: the one place that decides which node a feed is for and whether it fits. It has
 * two modes. Checking mode resolves feeds fully (names, dtypes, shapes), throwing errors that name
 * the placeholder; the session uses it when it looks a plan up. Fast mode compares a run's feeds
 * with the feed list a plan was compiled for and copies them in, so a repeated run needs no
 * look-up; anything that differs makes it answer false, and the session falls back to checking.
 * Both modes resolve keys with the same function, so they cannot disagree on what a key means.
 */
import type { NdArray } from 'ndarray';
import { dtypeOfArray, type TypedArray } from '../graph/dtype.js';
import { describe, Node } from '../graph/node.js';
import { compatible, formatShape, ShapeError, type ConcreteShape } from '../graph/shape.js';
import { copyInto, inputDType, inputShape, isNdArray, writeInput, type Input } from '../graph/tensor.js';

/** Feeds keyed by node, or by placeholder name. */
export type Feeds =
  | ReadonlyMap<Node | string, Input>
  | readonly (readonly [Node | string, Input])[]
  | { readonly [placeholderName: string]: Input };

/** The fetches' placeholders of a name (undefined when none has it). */
export type ByName = (name: string) => readonly Node[] | undefined;

/** A checked feed: the run-time shape it gives its node, and the value. */
export interface Fed {
  readonly shape: number[];
  readonly value: Input;
}

/** The feeds a plan was compiled for, in the order they were given (a buffer is null for a feed the plan does not read). */
export interface FeedList {
  readonly nodes: readonly Node[];
  readonly shapes: readonly ConcreteShape[];
  readonly buffers: readonly (NdArray | null)[];
  /** What errors call each feed. */
  readonly wheres: readonly string[];
}

/** `placeholder 'x'`, or the node's description when an intermediate node is fed. */
export const feedWhere = (n: Node): string => (n.op.kind === 'placeholder' ? `placeholder '${n.name}'` : describe(n));

/**
 * Checking mode (no `list`): every feed resolved to its node and checked against it; throws on an
 * unknown, ambiguous or repeated key, a dtype or a shape that does not fit. Names are looked up
 * among the fetches' own placeholders only (`byName`).
 * Fast mode (`list`): copies the feeds into the list's buffers when they are exactly its feeds, in
 * its order, with its shapes and dtypes, and returns true; returns false (having maybe copied some)
 * otherwise, without throwing for anything checking mode would report.
 */
export function matchFeeds(feeds: Feeds | undefined, byName: ByName): Map<Node, Fed>;
export function matchFeeds(feeds: Feeds | undefined, byName: ByName, list: FeedList): boolean;
export function matchFeeds(feeds: Feeds | undefined, byName: ByName, list?: FeedList): Map<Node, Fed> | boolean {
  const fed = list ? null : new Map<Node, Fed>();
  let j = 0;
  const one = (k: unknown, value: Input): boolean => {
    const node = keyNode(k, byName, fed !== null);
    if (!node) return false;
    const own = inputDType(value);
    if (fed) {
      if (fed.has(node)) throw new Error(`${feedWhere(node)} is fed twice`);
      if (own && own !== node.dtype) throw new TypeError(`feed for ${feedWhere(node)}: dtype ${own} does not match ${node.dtype}`);
      const shape = inputShape(value, `feed for ${feedWhere(node)}`);
      if (!compatible(shape, node.shape)) {
        throw new ShapeError(`feed for ${feedWhere(node)}: shape ${formatShape(shape)} does not match ${formatShape(node.shape)}`);
      }
      fed.set(node, { shape, value });
      return true;
    }
    if (j >= list!.nodes.length || node !== list!.nodes[j]) return false;
    if ((own && own !== node.dtype) || !hasShape(value, list!.shapes[j])) return false;
    const buffer = list!.buffers[j];
    if (buffer) writeFeed(buffer, value, list!.wheres[j]);
    j++;
    return true;
  };
  if (feeds !== undefined) {
    if (typeof feeds !== 'object' || feeds === null) {
      if (!fed) return false;
      throw new TypeError(`run: feeds are a Map, an array of [key, value] pairs or a record, not ${feeds === null ? 'null' : typeof feeds}`);
    }
    if (feeds instanceof Map) {
      for (const k of feeds.keys()) if (!one(k, feeds.get(k)!)) return false;
    } else if (Array.isArray(feeds)) {
      for (let i = 0; i < feeds.length; i++) if (!one(feeds[i][0], feeds[i][1])) return false;
    } else {
      const rec = feeds as { readonly [name: string]: Input };
      for (const k in rec) if (Object.hasOwn(rec, k) && !one(k, rec[k])) return false;
    }
  }
  return fed ?? j === list!.nodes.length;
}

/** The node a feed key stands for; where checking would throw, null in fast mode. */
function keyNode(k: unknown, byName: ByName, check: boolean): Node | null {
  if (k instanceof Node) return k;
  if (typeof k !== 'string') {
    if (check) throw new TypeError(`feed keys are nodes or placeholder names, not ${k === null ? 'null' : typeof k}`);
    return null;
  }
  const found = byName(k);
  if (found && found.length === 1) return found[0];
  if (!check) return null;
  if (!found) throw new Error(`unknown feed key '${k}': no placeholder has that name`);
  throw new Error(`feed key '${k}' is ambiguous: ${found.length} placeholders have that name; key the feed by node`);
}

/** Whether an Input has this shape; ndarrays and typed arrays are compared without copying anything. */
function hasShape(x: Input, shape: ConcreteShape): boolean {
  let own: readonly number[] | undefined;
  if (typeof x === 'number' || Array.isArray(x)) {
    try {
      own = inputShape(x);
    } catch {
      return false; // checking mode reports it, naming the placeholder
    }
  } else own = (x as { shape?: readonly number[] } | null)?.shape;
  if (!own || own.length !== shape.length) return false;
  for (let d = 0; d < shape.length; d++) if (own[d] !== shape[d]) return false;
  return true;
}

/** Writes a checked Input into a feed buffer; typed arrays and scalars without allocating. */
export function writeFeed(buffer: NdArray, x: Input, where: string): void {
  const data = buffer.data as TypedArray;
  if (isNdArray(x)) return copyInto(buffer, x);
  if (typeof x === 'number' && buffer.size === 1 && (!(data instanceof Int32Array) || (x | 0) === x)) {
    data[0] = x;
    return;
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x && x.data.length === data.length && dtypeOfArray(x.data) === dtypeOfArray(data)) {
    data.set(x.data);
    return;
  }
  // everything else is checked on the way: number arrays into int32, foreign data, lengths
  writeInput(buffer, x, where);
}

/** Feeds in any of their forms, as [key, value] pairs (a fresh array). */
export function feedEntries(feeds: Feeds): [Node | string, Input][] {
  if (feeds instanceof Map) return [...feeds];
  if (Array.isArray(feeds)) return feeds.map(([k, v]) => [k, v]);
  return Object.entries(feeds);
}
