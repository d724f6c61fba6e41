import type { NdArray } from 'ndarray';
import { hashSeed, Rng } from '../init/random.js';
import { placeholderNames } from '../ops/placeholder.js';
import type { VariableAttrs } from '../ops/variable.js';
import type { DType } from './dtype.js';
import { describe, Node } from './node.js';
import type { OpDef } from './op.js';
import { compatible, formatShape, sameShape, ShapeError, sizeOf, type ConcreteShape } from './shape.js';
import { broadcastView, contiguous, copyInto, inputDType, inputShape, writeInput, zeros, type Input } from './tensor.js';
import { topoSort } from './topo.js';

export type Fetches = Node | readonly Node[] | { readonly [key: string]: Node };
export type Results<F> = F extends Node ? NdArray : F extends readonly Node[] ? NdArray[] : { [K in keyof F]: NdArray };
/** Feeds keyed by node, or by placeholder name. */
export type Feeds =
  | ReadonlyMap<Node | string, Input>
  | readonly (readonly [Node | string, Input])[]
  | { readonly [placeholderName: string]: Input };

interface Step {
  readonly node: Node;
  readonly forward: NonNullable<OpDef['forward']>;
  readonly ins: readonly NdArray[];
  readonly out: NdArray;
  readonly attrs: unknown;
}

/** A compiled run: what to compute, in which order, into which buffers. Reused while fetches and feed shapes repeat. */
export interface Plan {
  /** Every node the plan touches, in execution order (fed nodes included, their ancestors not). */
  readonly order: readonly Node[];
  /** The concrete shape of each node in `order`. */
  readonly shapes: ReadonlyMap<Node, ConcreteShape>;
  /** Kernel calls per run (view ops and sources cost none). */
  readonly kernels: number;
  /** Bytes of the buffers the plan allocated (feeds and op outputs; views and variables excluded). */
  readonly bytes: number;
  readonly steps: readonly Step[];
  readonly feeds: readonly { readonly node: Node; readonly buffer: NdArray }[];
  readonly fetch: readonly NdArray[];
  readonly assigns: readonly { readonly variable: Node; readonly value: NdArray }[];
  /** Each node's array in a run (live buffers: copy what you keep). */
  readonly values: ReadonlyMap<Node, NdArray>;
}

export interface RunOptions {
  /**
   * Called once per node of the plan, in execution order, right after its value is computed (sources
   * and views included). The array is the plan's live buffer: copy it to keep it.
   */
  trace?: (node: Node, value: NdArray) => void;
}

export interface SessionOptions {
  /** Seeds every variable's initializer (with the variable's name), so runs are reproducible. Default 0. */
  seed?: number;
  /** How many compiled plans to keep (least recently used are dropped). Default 64. */
  maxPlans?: number;
}

/**
 * Runs graphs and holds variables' values. One session serves any number of graphs; a variable is
 * initialised from its initializer the first time a run (or getValue) needs it.
 */
export class Session {
  readonly seed: number;
  /** Kernel calls made by this session's runs, for counting evaluations. */
  kernelCalls = 0;
  private readonly values = new Map<Node, NdArray>();
  private readonly byName = new Map<string, Node>();
  private readonly plans = new Map<string, Plan>();
  private readonly names = new Map<string, Map<string, Node[]>>();
  private readonly maxPlans: number;

  constructor(opts: SessionOptions = {}) {
    this.seed = opts.seed ?? 0;
    this.maxPlans = opts.maxPlans ?? 64;
  }

  /**
   * Computes `fetches` (a node, an array or a record of nodes; the result has the same form). Only
   * their ancestors run, each node once; a fed node's ancestors do not run at all. Assignments take
   * effect after every fetch is read, in the plan's (topological) order.
   */
  run<F extends Fetches>(fetches: F, feeds?: Feeds, opts?: RunOptions): Results<F> {
    const list = fetchList(fetches);
    const fetchKey = list.map((n) => n.id).join(',');
    const fed = this.resolveFeeds(list, fetchKey, feeds);
    let key = fetchKey + '|';
    for (const [n, { shape }] of fed) key += `${n.id}:${shape.join('x')};`;
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
      this.plans.set(key, plan);
    } else {
      plan = this.compile(list, new Map([...fed].map(([n, f]) => [n, f.shape])));
      this.plans.set(key, plan);
      if (this.plans.size > this.maxPlans) this.plans.delete(this.plans.keys().next().value!);
    }
    for (const { node, buffer } of plan.feeds) writeInput(buffer, fed.get(node)!.value, `feed for ${where(node)}`);
    const steps = plan.steps;
    let i = 0;
    try {
      if (opts?.trace) this.traced(plan, opts.trace);
      else {
        for (; i < steps.length; i++) {
          const s = steps[i];
          s.forward(s.ins, s.out, s.attrs);
        }
      }
    } catch (e) {
      if (opts?.trace) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(`${describe(steps[i].node)}: ${msg}`, { cause: e });
    }
    this.kernelCalls += steps.length;
    const out = plan.fetch.map((a) => contiguous(a));
    for (const { variable, value } of plan.assigns) copyInto(this.values.get(variable)!, value);
    return shapeLike(fetches, out) as Results<F>;
  }

  private traced(plan: Plan, trace: NonNullable<RunOptions['trace']>): void {
    const stepOf = new Map(plan.steps.map((s) => [s.node, s]));
    for (const n of plan.order) {
      const s = stepOf.get(n);
      if (s) {
        try {
          s.forward(s.ins, s.out, s.attrs);
        } catch (e) {
          throw new Error(`${describe(n)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      trace(n, plan.values.get(n)!);
    }
  }

  /** The compiled plan for these fetches and feeds (compiling it if needed), for inspection. */
  plan(fetches: Fetches, feeds?: Feeds): Plan {
    const list = fetchList(fetches);
    const fed = this.resolveFeeds(list, list.map((n) => n.id).join(','), feeds);
    return this.compile(list, new Map([...fed].map(([n, f]) => [n, f.shape])));
  }

  /** A copy of a variable's current value (initialising it if needed). */
  getValue(v: Node): NdArray {
    return contiguous(this.storage(v));
  }

  /** Sets a variable's value; the shape and dtype must be the variable's own. */
  setValue(v: Node, value: Input): void {
    const dst = this.storage(v);
    const own = inputDType(value);
    if (own && own !== v.dtype) throw new TypeError(`setValue '${v.name}': dtype ${own} does not match ${v.dtype}`);
    const shape = inputShape(value);
    if (!sameShape(shape, dst.shape)) {
      throw new ShapeError(`setValue '${v.name}': shape ${formatShape(shape)} does not match ${formatShape(dst.shape)}`);
    }
    writeInput(dst, value, `setValue '${v.name}'`);
  }

  /** Every variable this session holds a value for, in creation order. */
  variables(): Node[] {
    return [...this.values.keys()].sort((a, b) => a.id - b.id);
  }

  /** Initialises the given variables now (normally they are initialised on first use). */
  initialize(vars: readonly Node[]): void {
    for (const v of vars) this.storage(v);
  }

  /** Forgets every variable's value (they are initialised again on next use) and every plan. */
  reset(): void {
    this.values.clear();
    this.byName.clear();
    this.plans.clear();
  }

  private storage(v: Node): NdArray {
    const have = this.values.get(v);
    if (have) return have;
    if (!(v instanceof Node) || v.op.kind !== 'variable') {
      throw new TypeError(`'${(v as Node)?.name ?? String(v)}' is not a variable`);
    }
    const other = this.byName.get(v.name);
    if (other && other !== v) throw new Error(`two variables are named '${v.name}'; names must be unique in a session`);
    const { initializer } = v.attrs as VariableAttrs;
    const rng = new Rng(initializer.seed ?? hashSeed(this.seed, v.name));
    const value = contiguous(initializer.create(rng), v.dtype);
    if (!sameShape(value.shape, initializer.shape)) {
      throw new ShapeError(`variable '${v.name}': initializer made ${formatShape(value.shape)}, expected ${formatShape(initializer.shape)}`);
    }
    this.values.set(v, value);
    this.byName.set(v.name, v);
    return value;
  }

  private resolveFeeds(list: readonly Node[], fetchKey: string, feeds: Feeds | undefined) {
    const fed = new Map<Node, { shape: number[]; value: Input }>();
    if (!feeds) return fed;
    const entries: [Node | string, Input][] =
      feeds instanceof Map ? [...feeds] : Array.isArray(feeds) ? (feeds as [Node | string, Input][]) : Object.entries(feeds);
    for (const [k, value] of entries) {
      let node: Node;
      if (k instanceof Node) node = k;
      else if (typeof k === 'string') {
        const found = this.placeholdersByName(list, fetchKey).get(k);
        if (!found) {
          if (placeholderNames.has(k)) continue; // a real placeholder these fetches do not need
          throw new Error(`unknown feed key '${k}': no placeholder has that name`);
        }
        if (found.length > 1) throw new Error(`feed key '${k}' is ambiguous: ${found.length} placeholders have that name; key the feed by node`);
        node = found[0];
      } else {
        throw new TypeError(`feed keys are nodes or placeholder names, not ${typeof k}`);
      }
      if (fed.has(node)) throw new Error(`${where(node)} is fed twice`);
      const own = inputDType(value);
      if (own && own !== node.dtype) {
        throw new TypeError(`feed for ${where(node)}: dtype ${own} does not match ${node.dtype}`);
      }
      const shape = inputShape(value);
      if (!compatible(shape, node.shape)) {
        throw new ShapeError(`feed for ${where(node)}: shape ${formatShape(shape)} does not match ${formatShape(node.shape)}`);
      }
      fed.set(node, { shape, value });
    }
    return fed;
  }

  private placeholdersByName(list: readonly Node[], fetchKey: string): Map<string, Node[]> {
    let m = this.names.get(fetchKey);
    if (!m) {
      m = new Map();
      for (const n of topoSort(list)) {
        if (n.op.kind !== 'placeholder') continue;
        const l = m.get(n.name);
        if (l) l.push(n);
        else m.set(n.name, [n]);
      }
      this.names.set(fetchKey, m);
    }
    return m;
  }

  private compile(list: readonly Node[], fed: ReadonlyMap<Node, readonly number[]>): Plan {
    const cut = new Set(fed.keys());
    const order = topoSort(list, cut);
    const arrays = new Map<Node, NdArray>();
    const shapes = new Map<Node, ConcreteShape>();
    const steps: Step[] = [];
    const feeds: { node: Node; buffer: NdArray }[] = [];
    const assigns: { variable: Node; value: NdArray }[] = [];
    let bytes = 0;
    const alloc = (shape: ConcreteShape, dtype: DType) => {
      bytes += sizeOf(shape) * (dtype === 'float64' ? 8 : 4);
      return zeros(shape, dtype);
    };
    for (const n of order) {
      let value: NdArray;
      const feedShape = fed.get(n);
      if (feedShape) {
        value = alloc(feedShape, n.dtype);
        feeds.push({ node: n, buffer: value });
      } else if (n.op.kind === 'placeholder') {
        const needer = list.find((f) => topoSort([f], cut).includes(n))!;
        throw new Error(`missing feed for placeholder '${n.name}' ${formatShape(n.shape)} ${n.dtype}, needed by fetch ${describe(needer)}`);
      } else if (n.op.kind === 'variable') {
        value = this.storage(n);
      } else {
        const ins = n.inputs.map((i) => arrays.get(i)!);
        let shape: ConcreteShape;
        try {
          shape = n.op.infer(n.inputs.map((i, k) => ({ shape: ins[k].shape, dtype: i.dtype })), n.attrs).shape as ConcreteShape;
        } catch (e) {
          if (e instanceof ShapeError) throw new ShapeError(`${describe(n)}: ${e.message}`);
          throw e;
        }
        const viewed = n.op.view?.(ins, n.attrs, shape) ?? null;
        if (viewed) {
          value = viewed;
        } else {
          if (!n.op.forward) throw new Error(`${describe(n)}: op has no kernel`);
          value = alloc(shape, n.dtype);
          const bins = n.op.broadcast ? ins.map((a) => broadcastView(a, shape)) : ins;
          steps.push({ node: n, forward: n.op.forward, ins: bins, out: value, attrs: n.attrs });
          if (n.op.kind === 'assign') assigns.push({ variable: n.inputs[0], value });
        }
      }
      arrays.set(n, value);
      shapes.set(n, value.shape.slice());
    }
    return {
      order,
      shapes,
      kernels: steps.length,
      bytes,
      steps,
      feeds,
      fetch: list.map((n) => arrays.get(n)!),
      assigns,
      values: arrays,
    };
  }
}

const where = (n: Node): string => (n.op.kind === 'placeholder' ? `placeholder '${n.name}'` : describe(n));

function fetchList(fetches: Fetches): Node[] {
  const list = fetches instanceof Node ? [fetches] : Array.isArray(fetches) ? [...fetches] : Object.values(fetches);
  list.forEach((f, i) => {
    if (!(f instanceof Node)) throw new TypeError(`run: fetch ${i} is ${f === null ? 'null' : typeof f}, not a Node`);
  });
  return list as Node[];
}

function shapeLike(fetches: Fetches, out: NdArray[]): NdArray | NdArray[] | Record<string, NdArray> {
  if (fetches instanceof Node) return out[0];
  if (Array.isArray(fetches)) return out;
  return Object.fromEntries(Object.keys(fetches).map((k, i) => [k, out[i]]));
}

/** Evaluates nodes once in a throwaway session: for quick looks and tests. */
export function evaluate<F extends Fetches>(fetches: F, feeds?: Feeds, opts?: SessionOptions): Results<F> {
  return new Session(opts).run(fetches, feeds);
}
