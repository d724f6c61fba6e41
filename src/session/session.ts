import type { NdArray } from 'ndarray';
import { hashSeed, Rng } from '../graph/random.js';
import { isVariable } from '../ops/variable.js';
import { compile, type Executable, type Plan, type PlanMemory, type Step } from '../plan/compile.js';
import { checkFinite } from './numerics.js';
import { captureCreationSites } from '../graph/debug.js';
import { feedWhere, matchFeeds, writeFeed, type FeedList, type Feeds } from './feeds.js';
import { bytesPer, dtypeOfArray } from '../graph/dtype.js';
import { describe, Node } from '../graph/node.js';
import { formatShape, sameShape, ShapeError } from '../graph/shape.js';
import { contiguous, copyInto, inputDType, inputShape, isNdArray, writeInput, type Input } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';
import { defaultArena, setWasmEnabled, wasmEnabled } from '../wasm/runtime.js';

export type { Plan, PlanMemory, Step, Feeds };
export { feedEntries } from './feeds.js';
export type Fetches = Node | readonly Node[] | { readonly [key: string]: Node };
export type Results<F> = F extends Node ? NdArray : F extends readonly Node[] ? NdArray[] : { [K in keyof F]: NdArray };
export interface RunOptions<F extends Fetches = Fetches> {
  /**
   * Called once per node of the plan, in execution order, right after its value is computed (sources
   * and views included). The array is the plan's live buffer: copy it to keep it.
   */
  trace?: (node: Node, value: NdArray) => void;
  /**
   * Arrays to copy the fetched values into, shaped like the fetches (each of the fetch's shape and
   * dtype); they are returned. With them a repeated run allocates nothing.
   */
  out?: Results<F>;
}

export interface SessionOptions {
  /** Seeds every variable's initializer (with the variable's name), so runs are reproducible. Default 0. */
  seed?: number;
  /** How many compiled plans to keep (least recently used are dropped). Default 64. */
  maxPlans?: number;
  /**
   * Reuse a buffer once its last reader has run, and write elementwise ops over inputs that die there.
   * Default true. false gives every node a buffer of its own (plan.values then holds every node's
   * value after a run), at plan.memory.unplannedBytes.
   */
  planMemory?: boolean;
  /**
   * Gradient checkpointing: drop activations held from forward to backward and recompute them in
   * segments, for peak memory O(sqrt N) on a chain of N at the cost of about one more forward pass.
   * true picks segments of ~sqrt(N); a number sets their length. Default false. See docs/memory.md.
   */
  checkpoint?: boolean | number;
  /**
   * Makes each plan's arena, the one buffer all of its arrays live in, given its bytes and the
   * elements its runs compute in elementwise steps of SIMD size. Default: `defaultArena`, a
   * WebAssembly memory for plans of 64 KiB and more or with 16Ki elements of such work, where
   * elementwise ops run as SIMD (results within the tolerance docs/performance.md states of the
   * JavaScript kernels), an ArrayBuffer for other plans and whenever WebAssembly is off
   * (`wasm: false`, `setWasmEnabled(false)`, `DAGRAD_WASM=0`).
   */
  arena?: (bytes: number, work: number) => ArrayBuffer;
  /**
   * Rewrite each plan's graph before scheduling it (identities, repeated subexpressions computed once,
   * shape-only reads, constant folding; exact: docs/simplify.md). Default true.
   */
  simplify?: boolean;
  /**
   * Fuse groups of elementwise ops into one loop each (docs/performance.md; needs planMemory).
   * Default: for plans in ordinary memory; plans in WebAssembly memory run SIMD kernels op by op.
   */
  fuse?: boolean;
  /**
   * false: this session's runs use JavaScript kernels only (plain ArrayBuffer arenas, and the
   * WebAssembly kernels switched off while it runs). Default true.
   */
  wasm?: boolean;
  /**
   * Scan every value as it is computed, forward and backward, and stop at the first NaN or infinity
   * with a NumericsError naming the node, its op, where it was built, its inputs' ranges and, for a
   * derivative node, the forward node it differentiates. Default false (nothing is scanned). Nodes
   * built after such a session is made record where they were built. See docs/debugging.md.
   */
  checkNumerics?: boolean;
}

/** A compiled plan, with the feeds it was compiled for. */
interface Cached {
  readonly plan: Executable;
  readonly feeds: FeedList;
  readonly info: FetchInfo;
  evicted: boolean;
}

/** What the session keeps about one list of fetches. */
interface FetchInfo {
  readonly list: readonly Node[];
  readonly key: string;
  /** The fetches' placeholders by name, for feeds keyed by name. */
  readonly byName: (name: string) => Node[] | undefined;
  /** The plan the last run used: tried first, without any look-up. */
  last?: Cached;
  /** How many cached plans are for these fetches (the info is dropped with the last). */
  plans: number;
}

/**
 * Runs graphs and holds variables' values. One session serves any number of graphs; a variable is
 * initialised from its initializer the first time a run (or getValue) needs it.
 *
 * Each (fetches, feed shapes) compiles once into a plan (src/plan/): order, shapes, buffers assigned
 * by liveness in one arena, kernels bound. A repeated run copies the feeds in, calls the bound
 * kernels in a loop, and copies the fetches out.
 */
export class Session {
  readonly seed: number;
  /** Kernel calls made by this session's runs, for counting evaluations. */
  kernelCalls = 0;
  private readonly values = new Map<Node, NdArray>();
  private readonly byName = new Map<string, Node>();
  private readonly plans = new Map<string, Cached>();
  private readonly fetchInfos = new Map<string, FetchInfo>();
  private byObject = new WeakMap<object, FetchInfo>();
  private readonly maxPlans: number;
  private readonly planOptions: Parameters<typeof compile>[3];
  private readonly jsOnly: boolean;
  private readonly numerics: boolean;
  /** While a plan compiles: the variables made for it, which it may move into its arena. */
  private fresh: Set<Node> | null = null;

  constructor(opts: SessionOptions = {}) {
    checkOptions(opts);
    this.seed = opts.seed ?? 0;
    this.maxPlans = opts.maxPlans ?? 64;
    if (opts.checkpoint && opts.planMemory === false) throw new TypeError('Session: checkpoint needs planMemory');
    this.numerics = opts.checkNumerics ?? false;
    this.jsOnly = opts.wasm === false;
    const arena = opts.arena ?? (this.jsOnly ? undefined : defaultArena);
    // checking numerics, every value keeps a buffer of its own, so that a report shows intact inputs
    this.planOptions = {
      reuse: (opts.planMemory ?? true) && !this.numerics, checkpoint: opts.checkpoint, arena, simplify: opts.simplify, fuse: opts.fuse,
      adopt: (v) => (this.fresh?.has(v) ? (to) => void this.values.set(v, to) : undefined),
    };
    if (this.numerics) captureCreationSites(true);
  }

  /**
   * Computes `fetches` (a node, an array or a record of nodes; the result has the same form). Only
   * their ancestors run, each node once; a fed node's ancestors do not run at all. Assignments take
   * effect after every fetch is read, in the plan's (topological) order.
   */
  run<F extends Fetches>(fetches: F, feeds?: Feeds, opts?: RunOptions<F>): Results<F> {
    const info = this.fetchInfo(fetches);
    let cached = info.last;
    if (!cached || cached.evicted || !matchFeeds(feeds, info.byName, cached.feeds)) {
      cached = this.lookup(info, feeds, true);
      info.last = cached;
    }
    const plan = cached.plan;
    const wasm = wasmEnabled();
    if (this.jsOnly && wasm) setWasmEnabled(false);
    try {
      if (opts?.trace || this.numerics) traced(plan, opts?.trace, this.numerics);
      else execute(plan);
    } finally {
      if (this.jsOnly && wasm) setWasmEnabled(true);
    }
    this.kernelCalls += plan.kernels;
    const results = opts?.out ? copyOut(fetches, plan.fetch, opts.out) : shapeLike(fetches, plan.fetch.map((a) => contiguous(a)));
    for (const { variable, value } of plan.assigns) {
      const dst = this.storage(variable);
      // an assign the plan wrote straight into its variable (plan/assignInPlace.ts) is done
      if (value !== dst) copyInto(dst, value);
    }
    return results as Results<F>;
  }

  /** The compiled plan for these fetches and feeds (compiling it if needed), for inspection. */
  plan(fetches: Fetches, feeds?: Feeds): Plan {
    return this.lookup(this.fetchInfo(fetches), feeds, false).plan;
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
    for (const c of this.plans.values()) c.evicted = true;
    this.plans.clear();
    this.fetchInfos.clear();
    this.byObject = new WeakMap();
  }

  private storage(v: Node): NdArray {
    const have = this.values.get(v);
    if (have) return have;
    if (!(v instanceof Node) || !isVariable(v)) {
      throw new TypeError(`'${(v as Node)?.name ?? String(v)}' is not a variable`);
    }
    const other = this.byName.get(v.name);
    if (other && other !== v) throw new Error(`two variables are named '${v.name}'; names must be unique in a session`);
    const { initializer } = v.attrs;
    const rng = new Rng(initializer.seed ?? hashSeed(this.seed, v.name));
    let value: NdArray;
    try {
      value = contiguous(initializer.create(rng), v.dtype);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof RangeError)) throw new Error(`variable '${v.name}': ${msg}`, { cause: e });
      const bytes = initializer.shape.reduce((a: number, d: number) => a * d, bytesPer(v.dtype));
      throw new RangeError(`variable '${v.name}' ${formatShape(initializer.shape)} ${v.dtype}: cannot allocate ${bytes} bytes (${msg})`, { cause: e });
    }
    if (!sameShape(value.shape, initializer.shape)) {
      throw new ShapeError(`variable '${v.name}': initializer made ${formatShape(value.shape)}, expected ${formatShape(initializer.shape)}`);
    }
    this.values.set(v, value);
    this.byName.set(v.name, v);
    this.fresh?.add(v);
    return value;
  }

  /** The fetches' info; the same fetches object (unchanged) finds it without building a key. */
  private fetchInfo(fetches: Fetches): FetchInfo {
    if (typeof fetches !== 'object' || fetches === null) {
      throw new TypeError(`run: fetches are a Node, an array of Nodes or a record of Nodes, not ${fetches === null ? 'null' : typeof fetches}`);
    }
    const known = this.byObject.get(fetches);
    if (known && this.fetchInfos.get(known.key) === known && holds(fetches, known.list)) return known;
    const list = fetchList(fetches);
    const key = list.map((n) => n.id).join(',');
    let info = this.fetchInfos.get(key);
    if (!info) {
      let names: Map<string, Node[]> | undefined;
      const byName = (name: string) => (names ??= placeholdersOf(list)).get(name);
      info = { list, key, byName, plans: 0 };
      this.fetchInfos.set(key, info);
    }
    this.byObject.set(fetches, info);
    return info;
  }

  /** Resolves and checks the feeds, finds or compiles their plan, and (if `write`) copies the feeds in. */
  private lookup(info: FetchInfo, feeds: Feeds | undefined, write: boolean): Cached {
    const fed = matchFeeds(feeds, info.byName);
    let key = info.key + '|';
    for (const [n, { shape }] of fed) key += `${n.id}:${shape.join('x')};`;
    let cached = this.plans.get(key);
    if (cached) {
      this.plans.delete(key);
      this.plans.set(key, cached);
    } else {
      this.fresh = new Set();
      let plan: Executable;
      try {
        plan = compile(info.list, new Map([...fed].map(([n, f]) => [n, f.shape])), (v) => this.storage(v), this.planOptions);
      } finally {
        this.fresh = null;
      }
      const nodes = [...fed.keys()];
      const bufferOf = new Map(plan.feeds.map((f) => [f.node, f.buffer]));
      const buffers = nodes.map((n) => bufferOf.get(n) ?? null);
      const feedList = { nodes, shapes: nodes.map((n) => fed.get(n)!.shape), buffers, wheres: nodes.map((n) => `feed for ${feedWhere(n)}`) };
      cached = { plan, feeds: feedList, info, evicted: false };
      info.plans++;
      this.plans.set(key, cached);
      if (this.plans.size > this.maxPlans) {
        const [oldest, dropped] = this.plans.entries().next().value!;
        this.plans.delete(oldest);
        this.evict(dropped);
      }
    }
    if (write) {
      const { buffers, wheres } = cached.feeds;
      [...fed.values()].forEach(({ value }, j) => {
        if (buffers[j]) writeFeed(buffers[j]!, value, wheres[j]);
      });
    }
    return cached;
  }

  /** Lets go of a plan, so that nothing keeps its buffers. */
  private evict(c: Cached): void {
    c.evicted = true;
    if (c.info.last === c) c.info.last = undefined;
    if (--c.info.plans === 0) this.fetchInfos.delete(c.info.key);
  }
}

const OPTION_TYPES: { readonly [K in keyof Required<SessionOptions>]: string } = {
  seed: 'number', maxPlans: 'number', planMemory: 'boolean', checkpoint: 'boolean or number', arena: 'function', simplify: 'boolean', checkNumerics: 'boolean',
  fuse: 'boolean', wasm: 'boolean',
};

/** Unknown or mistyped Session options are errors: a misspelt option would otherwise do nothing. */
function checkOptions(opts: SessionOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`Session: options are an object, not ${opts === null ? 'null' : typeof opts}`);
  for (const [k, v] of Object.entries(opts)) {
    const want = (OPTION_TYPES as Record<string, string>)[k];
    if (!want) throw new TypeError(`Session: unknown option '${k}' (expected one of ${Object.keys(OPTION_TYPES).join(', ')})`);
    if (v !== undefined && !want.split(' or ').includes(typeof v)) throw new TypeError(`Session: option '${k}' is ${typeof v}, expected a ${want}`);
  }
}

/** The run loop: every bound kernel, in order. */
function execute(plan: Executable): void {
  const program = plan.fast;
  let i = 0;
  try {
    for (; i < program.length; i++) program[i]();
  } catch (e) {
    throw stepError(plan, plan.fastStep[i], e);
  }
}

/** The run loop event by event: for traces, and to check each value as it is made. */
function traced(plan: Executable, trace: RunOptions['trace'], numerics: boolean): void {
  for (const { step, node, value } of plan.events) {
    if (step >= 0) {
      try {
        plan.program[step]();
      } catch (e) {
        throw stepError(plan, step, e);
      }
    }
    if (numerics) checkFinite(plan, step, node ?? plan.steps[step].node, value);
    if (trace && node) trace(node, value);
  }
}

/** A kernel's error, prefixed with the node whose step threw it. */
const stepError = (plan: Executable, step: number, e: unknown): Error =>
  new Error(`${describe(plan.steps[step].node)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });

function placeholdersOf(list: readonly Node[]): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of topoSort(list)) {
    if (n.op.kind !== 'placeholder') continue;
    const l = m.get(n.name);
    if (l) l.push(n);
    else m.set(n.name, [n]);
  }
  return m;
}

function fetchList(fetches: Fetches): Node[] {
  const list = fetches instanceof Node ? [fetches] : Array.isArray(fetches) ? [...fetches] : Object.values(fetches);
  list.forEach((f, i) => {
    if (!(f instanceof Node)) throw new TypeError(`run: fetch ${i} is ${f === null ? 'null' : typeof f}, not a Node`);
  });
  return list as Node[];
}

/** Whether `fetches` still lists exactly these nodes (an array or record may have changed since). */
function holds(fetches: Fetches, list: readonly Node[]): boolean {
  if (fetches instanceof Node) return list.length === 1 && list[0] === fetches;
  if (Array.isArray(fetches)) {
    if (fetches.length !== list.length) return false;
    for (let i = 0; i < list.length; i++) if (fetches[i] !== list[i]) return false;
    return true;
  }
  const rec = fetches as { readonly [key: string]: Node };
  let i = 0;
  for (const k in rec) if (Object.hasOwn(rec, k) && rec[k] !== list[i++]) return false;
  return i === list.length;
}

function shapeLike(fetches: Fetches, out: NdArray[]): NdArray | NdArray[] | Record<string, NdArray> {
  if (fetches instanceof Node) return out[0];
  if (Array.isArray(fetches)) return out;
  return Object.fromEntries(Object.keys(fetches).map((k, i) => [k, out[i]]));
}

/** Copies the fetched arrays into `out`, which is shaped like the fetches. */
function copyOut<F extends Fetches>(fetches: F, arrays: readonly NdArray[], out: Results<F>): Results<F> {
  if (fetches instanceof Node) put(out, arrays[0], null);
  else if (Array.isArray(fetches)) {
    if (!Array.isArray(out) || out.length !== arrays.length) throw new TypeError(`run: out is not an array of ${arrays.length} arrays`);
    for (let i = 0; i < arrays.length; i++) put(out[i], arrays[i], i);
  } else {
    const rec = out as Record<string, unknown>;
    let i = 0;
    for (const k in fetches) if (Object.hasOwn(fetches, k)) put(rec[k], arrays[i++], k);
  }
  return out;
}

function put(dst: unknown, src: NdArray, which: number | string | null): void {
  if (!isNdArray(dst) || !sameShape(dst.shape, src.shape) || dtypeOfArray(dst.data) !== dtypeOfArray(src.data)) {
    const name = which === null ? 'out' : typeof which === 'number' ? `out[${which}]` : `out.${which}`;
    throw new TypeError(`run: ${name} is not a ${dtypeOfArray(src.data)} array of shape ${formatShape(src.shape)}`);
  }
  copyInto(dst, src);
}

/** Evaluates nodes once in a throwaway session: for quick looks and tests. */
export function evaluate<F extends Fetches>(fetches: F, feeds?: Feeds, opts?: SessionOptions): Results<F> {
  return new Session(opts).run(fetches, feeds);
}
