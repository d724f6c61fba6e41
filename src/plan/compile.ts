/**
 * Compiles a plan: schedule (order, shapes, views), optional checkpointing, liveness, buffer
 * assignment, then the arrays themselves, all in one arena, and each step's kernel bound to them.
 * Running a plan is then a loop over `program`: no sorting, no shape inference, no allocation.
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate, bytesPer, viewOf } from '../graph/dtype.js';
import { describe, type Node } from '../graph/node.js';
import type { OpDef } from '../graph/op.js';
import { formatShape, sameShape, type ConcreteShape } from '../graph/shape.js';
import { broadcastView, copyInto } from '../graph/tensor.js';
import { assignsInPlace } from './assignInPlace.js';
import { aligned, assignBuffers } from './buffers.js';
import { checkpoint } from './checkpoint.js';
import { kernelsFor, wasmEnabled } from '../wasm/runtime.js';
import { WASM_ELEMENTWISE_MIN } from '../wasm/elementwise.js';
import { formulaOf } from '../ops/elementwise.js';
import { BIND_MIN } from '../kernels/bind.js';
import { fuse } from './fuse.js';
import { liveness } from './liveness.js';
import { rewriteForPlan } from './rewrite.js';
import { schedule, type Entry } from './schedule.js';

export interface Step {
  readonly node: Node;
  readonly forward: NonNullable<OpDef['forward']>;
  readonly ins: readonly NdArray[];
  readonly out: NdArray;
  readonly attrs: unknown;
  /** The kernel bound to these arrays (the op's `bind`, or a call of `forward`): what a run calls. */
  readonly run: () => void;
  /** Writes over an input whose last reader it is. */
  readonly inPlace: boolean;
  /** A second computation of its node, added by checkpointing. */
  readonly recompute: boolean;
  /**
   * Set when elementwise fusion (plan/fuse.ts) ran this step inside one loop with others: the nodes
   * of that loop, in order. The loop runs at the last of them; the others' `run` is not called in
   * untraced runs (their values are then not written).
   */
  readonly fused?: readonly Node[];
}

/** What a plan's buffers cost. Sizes are rounded up to 16 bytes, the arena's alignment. */
export interface PlanMemory {
  /** Bytes of every buffer the plan holds (feeds and op outputs): its whole arena. */
  readonly peakBytes: number;
  /** Bytes the same graph needs with a buffer of its own for every feed and op output, as unplanned. */
  readonly unplannedBytes: number;
  /** The most bytes live at one time, a floor for any assignment (peakBytes above it is fragmentation). */
  readonly liveBytes: number;
  /** Distinct buffers (slots of the arena). */
  readonly buffers: number;
  /** Steps that write over an input. */
  readonly inPlace: number;
  /** Steps added by checkpointing to recompute dropped values. */
  readonly recomputed: number;
}

/** A compiled run: what to compute, in which order, into which buffers. Reused while fetches and feed shapes repeat. */
export interface Plan {
  /** Every node the plan touches, in execution order (fed nodes included, their ancestors not). */
  readonly order: readonly Node[];
  /** The concrete shape of each node in `order`. */
  readonly shapes: ReadonlyMap<Node, ConcreteShape>;
  /** Kernel calls per run (view ops and sources cost none; recomputed steps count). */
  readonly kernels: number;
  /** Bytes of the buffers the plan allocated (feeds and op outputs; views and variables excluded): memory.peakBytes. */
  readonly bytes: number;
  readonly steps: readonly Step[];
  readonly feeds: readonly { readonly node: Node; readonly buffer: NdArray }[];
  readonly fetch: readonly NdArray[];
  readonly assigns: readonly { readonly variable: Node; readonly value: NdArray }[];
  /**
   * Each node's array in a run. These are live buffers, shared over time: a buffer is reused once its
   * last reader has run, so after a run only fed, fetched, assigned and variable values are sure to hold
   * their node's value. Copy what you keep.
   */
  readonly values: ReadonlyMap<Node, NdArray>;
  readonly memory: PlanMemory;
}

export interface PlanOptions {
  /** Reuse buffers once their last reader has run, and write elementwise ops in place. */
  readonly reuse: boolean;
  /** Recompute held activations in backward: true for segments of ~sqrt(count), or a segment length. */
  readonly checkpoint?: boolean | number;
  /**
   * Makes the arena holding every buffer (default: an ArrayBuffer; a WebAssembly memory lets SIMD
   * kernels read it), given its bytes and the plan's SIMD work (see simdWork).
   */
  readonly arena?: (bytes: number, work: number) => ArrayBuffer;
  /** Rewrite the graph first (identities, CSE, shape-only reads, constant folding: rewrite.ts). Default true. */
  readonly simplify?: boolean;
  /**
   * Fuse groups of elementwise steps into one loop each (plan/fuse.ts; needs `reuse`). Default: yes,
   * but in a WebAssembly arena only the groups the fused SIMD loop runs (the others run op by op in
   * SIMD, faster than a fused JavaScript loop).
   */
  readonly fuse?: boolean;
  /**
   * For a variable nothing else holds yet (made for this plan): a function re-pointing its storage
   * to a copy in the plan's arena, else undefined. In a WebAssembly arena the variable's updates
   * then run in SIMD with the plan's buffers (an optimizer step reads and writes mostly variables).
   */
  readonly adopt?: (v: Node) => ((to: NdArray) => void) | undefined;
}

/** The plan plus what running it needs. */
export interface Executable extends Plan {
  /** One call per step, in order: what traced runs call. */
  readonly program: readonly (() => void)[];
  /** What an untraced run calls: the program with each fused group's steps replaced by its loop. */
  readonly fast: readonly (() => void)[];
  /** The step each call of `fast` stands for (the last of a fused group), for error messages. */
  readonly fastStep: readonly number[];
  /** Execution order for traced runs: a step to run (index into program, or -1), then a node to report. */
  readonly events: readonly { readonly step: number; readonly node: Node | null; readonly value: NdArray }[];
}

export function compile(
  userFetches: readonly Node[], fed: ReadonlyMap<Node, ConcreteShape>, storage: (v: Node) => NdArray, opts: PlanOptions,
): Executable {
  const rewritten = opts.simplify === false ? null : rewriteForPlan(userFetches, fed);
  const fetches = rewritten?.fetches ?? userFetches;
  // nodes are immutable: when the rewrite changed no fetch, the graph to schedule is the one it sorted
  const unchanged = rewritten !== null && rewritten.fetches.every((f, i) => f === userFetches[i]);
  const base = schedule(fetches, fed, storage, rewritten?.types, unchanged ? rewritten.order : undefined, rewritten?.of);
  const wanted = new Set(fetches);
  const keepOf = (es: readonly Entry[]) => es.filter((e) => !e.original && (wanted.has(e.node) || e.node.op.kind === 'assign'));
  const unplannedBytes = base.reduce((sum, e) => sum + aligned(e.bytes), 0);
  let entries = base;
  const kept = keepOf(base);
  let buffers = assignBuffers(base, liveness(base, kept), opts.reuse);
  if (opts.checkpoint && opts.reuse) {
    // recomputing pays only when it lowers the peak: in a short graph it may just move it
    const redone = checkpoint(base, kept, typeof opts.checkpoint === 'number' ? opts.checkpoint : undefined);
    const moved = assignBuffers(redone, liveness(redone, keepOf(redone)), true);
    if (moved.arenaBytes < buffers.arenaBytes) [entries, buffers] = [redone, moved];
  }

  // Variables moved into the arena go after the plan's buffers (which reuse fills with NaN bits).
  const moved = new Map<Node, { at: number; to: (a: NdArray) => void }>();
  let arenaBytes = buffers.arenaBytes;
  if (opts.adopt && opts.arena) {
    for (const e of entries) {
      const to = e.kind === 'source' && !moved.has(e.node) ? opts.adopt(e.node) : undefined;
      if (to) (moved.set(e.node, { at: aligned(arenaBytes), to }), (arenaBytes = aligned(arenaBytes) + storage(e.node).size * bytesPer(e.dtype)));
    }
  }
  const arena = allocateArena(arenaBytes, entries, opts.arena);
  for (const [node, { at, to }] of moved) {
    const old = storage(node);
    const copy = ndarray(viewOf(node.dtype, arena, at, old.size), old.shape.slice());
    copyInto(copy, old);
    to(copy);
  }
  // Reused buffers start as NaN (all bits set), so a kernel that leaves elements unwritten shows at once.
  if (opts.reuse) new Uint8Array(arena, 0, buffers.arenaBytes).fill(0xff);
  const arrays: NdArray[] = new Array(entries.length);
  const intoVariable = assignsInPlace(entries, wanted);
  // `run` and `fused` are set below, once fusion has said which steps only traced runs will call
  // (every step has both fields from the start, so all share one shape).
  const steps: { -readonly [K in keyof Step]: Step[K] }[] = [];
  const stepEntries: Entry[] = [];
  // the step each entry runs (-1 for feeds, sources, views), for the traced event list
  const stepAt = new Int32Array(entries.length).fill(-1);
  // One stride-0 view per (array, shape): a constant that every step of a chain adds is viewed once.
  const broadcasts = new Map<NdArray, NdArray[]>();
  const broadcastOf = (a: NdArray, shape: ConcreteShape): NdArray => {
    let list = broadcasts.get(a);
    if (!list) broadcasts.set(a, (list = []));
    for (const b of list) if (sameShape(b.shape, shape)) return b;
    const v = broadcastView(a, shape);
    list.push(v);
    return v;
  };
  for (let j = 0; j < entries.length; j++) {
    const e = entries[j], n = e.node;
    let value: NdArray;
    if (e.kind === 'source') {
      value = storage(n);
    } else if (e.kind === 'view') {
      const ins = e.inputs.map((i) => arrays[i.id]);
      const viewed = n.op.view!(ins, n.attrs, e.shape);
      if (!viewed || (e.viewOf >= 0 && viewed.data !== ins[e.viewOf].data)) {
        throw new Error(`${describe(n)}: its view changed between planning and binding; views must depend on layout only`);
      }
      value = viewed;
    } else if (intoVariable.has(e.id)) {
      value = arrays[e.inputs[0].id];
    } else {
      const at = buffers.offset(e);
      value = ndarray(at === undefined ? allocate(e.dtype, 0) : viewOf(e.dtype, arena, at, e.bytes / bytesPer(e.dtype)), e.shape.slice());
    }
    arrays[e.id] = value;
    if (e.kind === 'step') {
      const ins: NdArray[] = new Array(e.inputs.length);
      for (let k = 0; k < ins.length; k++) {
        const a = arrays[e.inputs[k].id];
        ins[k] = n.op.broadcast && !sameShape(a.shape, e.shape) ? broadcastOf(a, e.shape) : a;
      }
      const forward = n.op.forward!;
      const attrs = n.attrs;
      const inPlace = buffers.inPlace(e);
      stepAt[e.id] = steps.length;
      steps.push({ node: n, forward, ins, out: value, attrs, run: unbound, inPlace, recompute: e.original !== null, fused: undefined });
      stepEntries.push(e);
    }
  }

  // Auto: on buffers in a WebAssembly arena only groups the fused SIMD loop can run are fused (a
  // fused JavaScript loop there is slower than the per-op SIMD kernels: an Adam update on 784x512
  // floats, 19 ms unfused against 32 ms fused; in plain memory fusion halves it, 52 to 28 ms).
  // In plain memory small arrays are left alone too: their steps already run bound closures, and a
  // plan of many small fused loops, each compiled on its own, is slower until V8 has optimised every
  // one of them (a 10k-node chain on [64] arrays ran 3.5 us/op unfused, 9 fused, over its first 100
  // runs). The SIMD loop compiles nothing (a group is a program it reads), so in an arena groups of
  // SIMD size form at once: the same chain ran 0.9 us/op op by op and 0.1 fused.
  const simdOnly = opts.fuse === undefined && wasmEnabled() && kernelsFor(arena) !== undefined;
  const minSize = opts.fuse ? 0 : simdOnly ? WASM_ELEMENTWISE_MIN : BIND_MIN;
  // a group is as big as its last step's output (or a sum's input): with none that big, none forms
  const fusible = opts.reuse && opts.fuse !== false && steps.some((st) => st.out.size >= minSize || (st.ins.length > 0 && st.ins[0].size >= minSize));
  const groups = fusible
    ? fuse(entries, stepEntries, steps, new Set(entries === base ? kept : keepOf(entries)), minSize, simdOnly)
    : [];
  const fast: (() => void)[] = [];
  const fastStep: number[] = [];
  // per step: the loop of the group it ends, or (absorbed) null; by index, not in a Map and a Set
  // of step numbers (a 100k-step chain in SIMD groups had one of each with ~100k entries)
  const loopAt: ((() => void) | null | undefined)[] = new Array(steps.length);
  for (const g of groups) {
    for (const i of g.steps) {
      steps[i].fused = g.nodes;
      loopAt[i] = null;
    }
    loopAt[g.steps[g.steps.length - 1]] = g.run;
  }
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i], loop = loopAt[i];
    if (loop === undefined) st.run = bindStep(st);
    else {
      // a fused step runs on its own only in traced runs: bound when one first calls it
      let bound: (() => void) | undefined;
      st.run = () => (bound ??= bindStep(st))();
    }
    if (loop === null) continue;
    fast.push(loop ?? st.run);
    fastStep.push(i);
  }

  // what the plan keeps of the rewrite (its types were for scheduling only)
  const rewrite = rewritten && { of: rewritten.of, order: rewritten.order };
  const originals = entries === base ? entries : entries.filter((e) => e.original === null);
  // The fetched values are looked up now; the maps of every node (values, shapes, order, traced
  // events) are made when first asked for: an untraced run reads none of them.
  const fetched = new Map<Node, NdArray>();
  for (let j = 0; j < originals.length; j++) if (wanted.has(originals[j].node)) fetched.set(originals[j].node, arrays[originals[j].id]);
  const fetch = userFetches.map((n) => fetched.get(rewrite ? rewrite.of(n) : n)!);
  let maps: { values: Map<Node, NdArray>; shapes: Map<Node, ConcreteShape>; order: Node[] } | undefined;
  const mapsOf = () => {
    if (maps) return maps;
    const values = new Map<Node, NdArray>();
    const shapes = new Map<Node, ConcreteShape>();
    for (const e of originals) {
      values.set(e.node, arrays[e.id]);
      shapes.set(e.node, e.shape);
    }
    let order = originals.map((e) => e.node);
    if (rewrite) {
      // the plan answers for the user's nodes: each has the value of the node that computes it
      order = rewrite.order.filter((u) => values.has(rewrite.of(u)));
      for (const u of order) {
        values.set(u, values.get(rewrite.of(u))!);
        shapes.set(u, shapes.get(rewrite.of(u))!);
      }
    }
    return (maps = { values, shapes, order });
  };
  let events: Executable['events'] | undefined;
  const eventsOf = (): Executable['events'] => {
    // the user's nodes each scheduled node stands for, in the user's order
    const reported = rewrite ? new Map<Node, Node[]>() : null;
    for (const u of rewrite?.order ?? []) {
      const r = rewrite!.of(u);
      const list = reported!.get(r);
      if (list) list.push(u);
      else reported!.set(r, [u]);
    }
    const list: { step: number; node: Node | null; value: NdArray }[] = [];
    for (const e of entries) {
      const step = stepAt[e.id], value = arrays[e.id];
      const users = e.original ? [] : reported?.get(e.node) ?? (rewrite ? [] : [e.node]);
      if (users.length === 0) list.push({ step, node: null, value });
      users.forEach((u, k) => list.push({ step: k === 0 ? step : -1, node: u, value }));
    }
    return list;
  };
  return {
    get order() {
      return mapsOf().order;
    },
    get shapes() {
      return mapsOf().shapes;
    },
    get values() {
      return mapsOf().values;
    },
    kernels: steps.length,
    bytes: buffers.arenaBytes,
    steps,
    feeds: originals.filter((e) => e.kind === 'feed').map((e) => ({ node: e.node, buffer: arrays[e.id] })),
    fetch,
    assigns: steps.filter((s) => s.node.op.kind === 'assign').map((s) => ({ variable: s.node.inputs[0], value: s.out })),
    memory: {
      peakBytes: buffers.arenaBytes,
      unplannedBytes,
      liveBytes: buffers.maxLiveBytes,
      buffers: buffers.slots,
      inPlace: buffers.inPlaceSteps,
      recomputed: steps.filter((s) => s.recompute).length,
    },
    program: steps.map((s) => s.run),
    fast,
    fastStep,
    get events() {
      return (events ??= eventsOf());
    },
  };
}

const unbound = (): void => {
  throw new Error('internal: a plan step ran before it was bound');
};

/** The kernel bound to a step's arrays: the op's `bind`, or a call of its `forward`. */
function bindStep(st: Step): () => void {
  const { ins, out, attrs, forward } = st;
  return st.node.op.bind?.(ins, out, attrs) ?? (() => forward(ins, out, attrs));
}

/**
 * The elements a run of the plan computes in elementwise steps on arrays of WASM_ELEMENTWISE_MIN
 * elements or more: the work SIMD kernels (and the fused SIMD loop) would take over in a
 * WebAssembly arena. A chain of many small ops has little memory and much of it.
 */
export function simdWork(entries: readonly Entry[]): number {
  let work = 0;
  for (const e of entries) {
    const size = e.bytes / bytesPer(e.dtype);
    if (size >= WASM_ELEMENTWISE_MIN && e.original === null && formulaOf(e.node.op) !== undefined) work += size;
  }
  return work;
}

/** The arena, or an error naming the largest buffer in it (op, shape, bytes) when it cannot be had. */
function allocateArena(bytes: number, entries: readonly Entry[], make?: (bytes: number, work: number) => ArrayBuffer): ArrayBuffer {
  try {
    return make?.(bytes, simdWork(entries)) ?? new ArrayBuffer(bytes);
  } catch (e) {
    if (!(e instanceof RangeError) || entries.length === 0) throw e;
    const big = entries.reduce((m, x) => (x.bytes > m.bytes ? x : m));
    throw new RangeError(
      `cannot allocate a plan of ${bytes} bytes (${e.message}); its largest buffer is ${describe(big.node)} ${formatShape(big.shape)} ${big.dtype}, ${big.bytes} bytes`,
      { cause: e },
    );
  }
}
