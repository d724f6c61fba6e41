import type { Node } from './node.js';

/** Node ids per page (a power of two). */
const PAGE_BITS = 8;
const PAGE = 1 << PAGE_BITS;

/** What a pass reads of a per-node table (a NodeMap, or a Map). */
export interface NodeLookup<V> {
  get(n: Node): V | undefined;
}

interface Page<V> {
  readonly keys: (Node | undefined)[];
  readonly values: (V | undefined)[];
}

/**
 * A map keyed by node, for the per-node tables of passes over whole graphs (topological sort, the
 * plan-time rewrite, scheduling). It stores each node at its id, in pages of 256 ids, so a look-up
 * is two array reads where a Map hashes: on a 100k-node graph a Map costs tens of ns an operation
 * (its table is megabytes, and grows by copying), a page a few ns. The nodes of one graph have ids
 * close together (ids increase as nodes are built), so they share few pages; the last page used is
 * kept at hand. A node whose slot another node holds (ids are unique unless a Node was constructed
 * by hand with a reused id) goes to an ordinary Map, so every node is a key of its own.
 */
export class NodeMap<V> implements NodeLookup<V> {
  private readonly pages = new Map<number, Page<V>>();
  private lastKey = -1;
  private last: Page<V> | undefined;
  private other: Map<Node, V> | undefined;

  get(n: Node): V | undefined {
    const id = n.id;
    const p = id >>> PAGE_BITS === this.lastKey && (id | 0) === id ? this.last : this.page(id, false);
    const i = id & (PAGE - 1);
    if (p !== undefined && p.keys[i] === n) return p.values[i];
    return this.other?.get(n);
  }

  has(n: Node): boolean {
    const id = n.id;
    const p = id >>> PAGE_BITS === this.lastKey && (id | 0) === id ? this.last : this.page(id, false);
    return (p !== undefined && p.keys[id & (PAGE - 1)] === n) || (this.other?.has(n) ?? false);
  }

  set(n: Node, v: V): this {
    const p = this.page(n.id, true);
    const i = n.id & (PAGE - 1);
    if (p !== undefined && (p.keys[i] === undefined || p.keys[i] === n)) {
      p.keys[i] = n;
      p.values[i] = v;
    } else {
      (this.other ??= new Map()).set(n, v);
    }
    return this;
  }

  /**
   * The page of ids holding `id` (made if `create`); undefined for an id that is not an integer in
   * [0, 2^31). get and has test the last page themselves (one call less on the common path).
   */
  private page(id: number, create: boolean): Page<V> | undefined {
    if (!(id >= 0 && id <= 0x7fffffff && (id | 0) === id)) return undefined;
    const key = id >>> PAGE_BITS;
    if (key === this.lastKey) return this.last;
    let p = this.pages.get(key);
    if (p === undefined) {
      if (!create) return undefined;
      p = { keys: new Array<Node | undefined>(PAGE).fill(undefined), values: new Array<V | undefined>(PAGE).fill(undefined) };
      this.pages.set(key, p);
    }
    this.lastKey = key;
    this.last = p;
    return p;
  }
}
