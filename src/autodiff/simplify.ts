/**
 * The simplifier: a small table of rewrite rules, plus hash-consing, applied to the nodes a backward
 * or jvp rule has just built (so simplification is interleaved with differentiation: each rule sees
 * the simplified gradient of the node above it). docs/simplify.md lists the rules and why each is exact.
 *
 * Every rule gives the same bits as the graph it replaces, in IEEE arithmetic: no reassociation, no
 * x - x -> 0, no x + 0 -> x (+0 + -0 is +0). Only NaN payloads are not kept apart (JavaScript does
 * not preserve them either). A rule sees a node's op, its already simplified inputs and its attrs,
 * and returns a node to use instead, or undefined.
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate } from '../graph/dtype.js';
import { Node, takeId } from '../graph/node.js';
import { NodeMap, type NodeLookup } from '../graph/nodeMap.js';
import { apply } from '../graph/apply.js';
import { constant } from '../graph/constant.js';
import { isConcrete, sameShape, sizeOf, type ConcreteShape } from '../graph/shape.js';
import { broadcastView, isContiguous, toFlat } from '../graph/tensor.js';
import { add } from '../ops/add.js';
import { broadcastTo } from '../ops/broadcast.js';
import { mul } from '../ops/mul.js';
import { neg } from '../ops/neg.js';
import { sub } from '../ops/sub.js';
import { Shapes, broadcastSym, sameSym } from './shapes.js';

/** Constant subgraphs with at most this many elements (output and inputs) are computed when built. */
const FOLD_LIMIT = 64;

const isConst = (n: Node): boolean => n.op.kind === 'constant';
const valueOf = (n: Node): NdArray => (n as Node<{ value: NdArray }>).attrs.value;
/** A constant's elements in row-major order: its own typed array when that is them exactly (no copy). */
function elementsOf(n: Node): ArrayLike<number> {
  const v = valueOf(n);
  return v.offset === 0 && v.data.length === v.size && isContiguous(v) ? (v.data as ArrayLike<number>) : toFlat(v);
}
/** A constant every element of which is `v` (Object.is: -0 is not 0). */
function isFilled(n: Node, v: number): boolean {
  if (!isConst(n) || sizeOf(n.shape as ConcreteShape) > FOLD_LIMIT) return false;
  const xs = elementsOf(n);
  for (let i = 0; i < xs.length; i++) if (!Object.is(xs[i], v)) return false;
  return true;
}
const scalarConst = (n: Node): boolean => isConst(n) && n.shape.every((d) => d === 1);

/** Ops whose output is their input's elements in the same row-major order (views or copies). */
const REARRANGE_OPS = ['reshape', 'expandDims', 'squeeze', 'identity'];
const REARRANGE = new Set(REARRANGE_OPS);

export interface Rule {
  readonly name: string;
  /** Why the rewrite gives the same bits (shown in docs/simplify.md). */
  readonly why: string;
  /** The op names the rule can fire on: it is not tried on other nodes. Absent: it is tried on every node. */
  readonly ops?: readonly string[];
  readonly apply: (n: Node, s: Rewriter) => Node | undefined;
}

const binary = (n: Node, name: string): boolean => n.op.name === name && n.inputs.length === 2;
const isBroadcast = (n: Node): boolean => n.op.name === 'broadcastTo' || n.op.name === 'broadcastLike';

/** The rule table, tried in order on every rebuilt node (each on the ops it names). */
export const RULES: readonly Rule[] = [
  {
    name: 'identity',
    why: 'identity(x) is x, as a view',
    ops: ['identity'],
    apply: (n) => (n.op.name === 'identity' ? n.inputs[0] : undefined),
  },
  {
    name: 'rearrange-to-same-shape',
    why: 'reshape, expandDims, squeeze keep row-major order: a chain of them back to the shape it started from is its base, element for element',
    ops: REARRANGE_OPS,
    apply: (n, s) => {
      if (!REARRANGE.has(n.op.name)) return undefined;
      for (let base = n.inputs[0]; ; base = base.inputs[0]) {
        if (s.shapes.same(base, n) && base.dtype === n.dtype) return base;
        if (!REARRANGE.has(base.op.name)) return undefined;
      }
    },
  },
  {
    name: 'rearrange-broadcast-scalar',
    why: 'reshaping, expanding or squeezing a broadcast single value gives the same value broadcast to the new shape (views of one element either way)',
    ops: REARRANGE_OPS,
    apply: (n, s) => {
      if (!REARRANGE.has(n.op.name)) return undefined;
      const b = n.inputs[0];
      if (b.op.name !== 'broadcastTo' && b.op.name !== 'broadcastLike') return undefined;
      const one = b.inputs[0];
      const shape = s.shapes.of(n);
      if (!one.shape.every((d) => d === 1) || one.rank > shape.length || !shape.every((d) => typeof d === 'number')) return undefined;
      return shape.length === 0 && one.rank === 0 ? one : broadcastTo(one, shape as number[]);
    },
  },
  {
    name: 'checked-shape-known',
    why: "runTimeShape(d, target) is a view of d that checks d's run-time shape against target's: where the symbolic shapes show them equal, the check cannot fail and d itself is the value",
    ops: ['runTimeShape'],
    apply: (n, s) => (n.op.name === 'runTimeShape' && s.shapes.same(n.inputs[0], n.inputs[1]) ? n.inputs[0] : undefined),
  },
  {
    name: 'like-to-same-shape',
    why: 'sumLike, broadcastLike, broadcastTo to the shape the value already has are views of it',
    ops: ['sumLike', 'broadcastLike', 'broadcastTo'],
    apply: (n, s) => {
      const name = n.op.name;
      if ((name === 'sumLike' || name === 'broadcastLike' || name === 'broadcastTo') && s.shapes.same(n.inputs[0], n)) return n.inputs[0];
      return undefined;
    },
  },
  {
    name: 'shape-not-value',
    why: "onesLike, zerosLike, size and broadcastLike read only their argument's shape: a static shape becomes a constant or broadcastTo, and an unknown one is read from the earliest node of the same shape (a placeholder, not a forward op that would run only for its size)",
    ops: ['broadcastLike', 'sumLike', 'onesLike', 'zerosLike', 'size'],
    apply: (n, s) => {
      const name = n.op.name;
      const j = name === 'broadcastLike' || name === 'sumLike' ? 1 : name === 'onesLike' || name === 'zerosLike' || name === 'size' ? 0 : -1;
      if (j < 0) return undefined;
      const like = n.inputs[j];
      const sym = s.shapes.of(like);
      if (name === 'size') {
        const axes = (n as Node<{ axes: readonly number[] }>).attrs.axes;
        if (axes.every((a) => typeof sym[a] === 'number')) return constant(axes.reduce((p, a) => p * (sym[a] as number), 1), { dtype: n.dtype });
      } else if (sym.every((d) => typeof d === 'number') && name !== 'sumLike') {
        const shape = sym as number[];
        if (name === 'broadcastLike') return broadcastTo(n.inputs[0], shape);
        const v = constant(name === 'onesLike' ? 1 : 0, { dtype: n.dtype });
        return shape.length === 0 ? v : broadcastTo(v, shape);
      }
      const src = s.shapeSource(like);
      if (src === like) return undefined;
      const ins = n.inputs.slice();
      ins[j] = src;
      return apply(n.op, ins, n.attrs);
    },
  },
  {
    name: 'elementwise-reads-broadcast',
    why: 'an elementwise op reads every input as a broadcast view of its output shape: an input that is broadcastTo/broadcastLike of v reads the same elements as v itself, when the output shape does not change',
    apply: (n, s) => {
      if (!n.op.broadcast || !n.inputs.some(isBroadcast)) return undefined;
      const ins = n.inputs.map((i) => (isBroadcast(i) ? i.inputs[0] : i));
      const out = broadcastSym(ins.map((i) => s.shapes.of(i)));
      return out && sameSym(out, s.shapes.of(n)) ? apply(n.op, ins, n.attrs) : undefined;
    },
  },
  {
    name: 'times-one',
    why: 'x * 1 = 1 * x = x / 1 = x for every x (NaN, Inf and -0 included)',
    ops: ['mul', 'div'],
    apply: (n, s) => {
      const [a, b] = n.inputs;
      const keep = (x: Node) => (s.shapes.same(x, n) ? x : undefined);
      if (binary(n, 'mul')) return (isFilled(b, 1) && keep(a)) || (isFilled(a, 1) && keep(b)) || undefined;
      if (binary(n, 'div') && isFilled(b, 1)) return keep(a);
      return undefined;
    },
  },
  {
    name: 'times-minus-one',
    why: 'x * -1 = -1 * x = -x: IEEE multiplication by -1 only flips the sign',
    ops: ['mul'],
    apply: (n, s) => {
      if (!binary(n, 'mul')) return undefined;
      const [a, b] = n.inputs;
      if (isFilled(b, -1) && s.shapes.same(a, n)) return neg(a);
      if (isFilled(a, -1) && s.shapes.same(b, n)) return neg(b);
      return undefined;
    },
  },
  {
    name: 'minus-zero',
    why: 'x + -0 = x and x - +0 = x for every x (-0 included; + +0 is not, as -0 + 0 = +0)',
    ops: ['add', 'sub'],
    apply: (n, s) => {
      const [a, b] = n.inputs;
      if (binary(n, 'add') && isFilled(b, -0) && s.shapes.same(a, n)) return a;
      if (binary(n, 'add') && isFilled(a, -0) && s.shapes.same(b, n)) return b;
      if (binary(n, 'sub') && isFilled(b, 0) && s.shapes.same(a, n)) return a;
      return undefined;
    },
  },
  {
    name: 'double-negation',
    why: '-(-x) = x: negation flips the sign bit',
    ops: ['neg'],
    apply: (n) => (n.op.name === 'neg' && n.inputs[0].op.name === 'neg' ? n.inputs[0].inputs[0] : undefined),
  },
  {
    name: 'add-negation',
    why: 'IEEE defines a - b as a + (-b), and addition is commutative: a + (-b) = a - b, (-a) + b = b - a, a - (-b) = a + b',
    ops: ['add', 'sub'],
    apply: (n) => {
      const [a, b] = n.inputs;
      if (binary(n, 'add') && b.op.name === 'neg') return sub(a, b.inputs[0]);
      if (binary(n, 'add') && a.op.name === 'neg') return sub(b, a.inputs[0]);
      if (binary(n, 'sub') && b.op.name === 'neg') return add(a, b.inputs[0]);
      return undefined;
    },
  },
  {
    name: 'sum-with-negations',
    why: 'addN adds left to right ((a + b) + c) as a chain of adds does, so addN(a, -b, -c) = (a - b) - c; done when the chain has no more nodes than the addN and its negations',
    ops: ['addN'],
    apply: (n) => {
      if (n.op.name !== 'addN') return undefined;
      const ins = n.inputs;
      if (ins.length === 1) return ins[0];
      const negs = ins.filter((i) => i.op.name === 'neg').length;
      if (ins.length > 2 && negs < ins.length - 2) return undefined;
      return ins.slice(1).reduce((acc, x) => add(acc, x), ins[0]);
    },
  },
  {
    name: 'constant-first',
    why: 'multiplication is commutative in IEEE arithmetic; a scalar constant factor goes first, so -(k * x) folds to (-k) * x and prints as 2 * x',
    ops: ['mul'],
    apply: (n) => (binary(n, 'mul') && scalarConst(n.inputs[1]) && !isConst(n.inputs[0]) ? mul(n.inputs[1], n.inputs[0]) : undefined),
  },
  {
    name: 'negate-constant-factor',
    why: '-(k * x) = (-k) * x: rounding is symmetric in sign, so negating a product is negating one factor',
    ops: ['neg'],
    apply: (n) => {
      if (n.op.name !== 'neg') return undefined;
      const m = n.inputs[0];
      if (!binary(m, 'mul')) return undefined;
      if (scalarConst(m.inputs[0])) return mul(neg(m.inputs[0]), m.inputs[1]);
      if (m.inputs[0].op.name === 'neg') return mul(m.inputs[0].inputs[0], m.inputs[1]);
      if (m.inputs[1].op.name === 'neg') return mul(m.inputs[0], m.inputs[1].inputs[0]);
      return undefined;
    },
  },
  {
    name: 'product-of-negations',
    why: '(-a) * b = -(a * b) and (-a) * (-b) = a * b: the magnitude is rounded the same whatever the signs',
    ops: ['mul'],
    apply: (n) => {
      if (!binary(n, 'mul')) return undefined;
      const [a, b] = n.inputs;
      if (a.op.name === 'neg' && b.op.name === 'neg') return mul(a.inputs[0], b.inputs[0]);
      if (a.op.name === 'neg' && scalarConst(b)) return mul(neg(b), a.inputs[0]);
      if (b.op.name === 'neg' && scalarConst(a)) return mul(neg(a), b.inputs[0]);
      return undefined;
    },
  },
];

/**
 * Rewrites nodes built since a point in time (by their ids) through RULES, constant folding and
 * hash-consing; older nodes are kept as they are, and are hash-consed against (so a gradient reuses
 * a forward node that computes the same thing). One instance per gradients/jvp call or plan pass.
 */
export class Rewriter {
  readonly shapes: Shapes;
  /** How often each rule fired (for tests and docs; nothing reads it to decide). */
  readonly fired = new Map<string, number>();
  private readonly done = new NodeMap<Node>();
  private readonly table = new Table();
  private since = Infinity;
  private aliasConstants = false;
  private readonly byOp = new Map<string, readonly Rule[]>();

  /**
   * `existing`: nodes to share with (the forward graph). `known`: concrete shapes of nodes in every
   * run (at plan time).
   */
  constructor(existing: readonly Node[] = [], private readonly rules: readonly Rule[] = RULES, known?: NodeLookup<readonly number[]>) {
    this.shapes = new Shapes(known);
    for (const n of existing) this.table.intern(n, n.inputs);
  }

  /** A watermark: nodes built after this call are the ones `simplify` rewrites. */
  mark(): void {
    this.since = takeId();
  }

  /** The simplified form of `root`: its nodes built since the last `mark()`, rewritten. */
  simplify(root: Node): Node {
    return this.visit(root, 0);
  }

  /**
   * Rewrites every node of the graph below `roots`, down to the `keep` nodes (kept as they are): a
   * plan-time pass. With `aliasConstants`, a node whose only changed inputs are constants shared by
   * value is kept as it is, not rebuilt: those constants stand for the shared one (`resolve` gives
   * it), so the graph returned reads them where it would read it, and a reader of it (a plan's
   * schedule) must resolve every input. Without it the graph returned reads the shared constant.
   */
  simplifyAll(roots: readonly Node[], keep: ReadonlySet<Node> = new Set(), opts: { aliasConstants?: boolean } = {}): Node[] {
    this.since = -1;
    this.aliasConstants = opts.aliasConstants ?? false;
    for (const k of keep) this.done.set(k, k);
    return roots.map((r) => this.visit(r, 0));
  }

  /** What `n` was rewritten to (itself if it was not). */
  resolve(n: Node): Node {
    return this.done.get(n) ?? n;
  }

  /** `resolve` as a function that holds the rewrites only, not the rewriter's other tables (for a plan to keep). */
  resolver(): (n: Node) => Node {
    const done = this.done;
    return (n) => done.get(n) ?? n;
  }

  /** The earliest node known to have `like`'s shape in every run, walking down shape-keeping inputs. */
  shapeSource(like: Node): Node {
    for (let n = like; ;) {
      const next = n.inputs.find((i) => i.dtype === like.dtype && this.shapes.same(i, like) && i.op.kind !== 'constant');
      if (!next) return n;
      n = next;
    }
  }

  /** The rules that may fire on an op of this name, in table order. */
  private rulesFor(name: string): readonly Rule[] {
    let list = this.byOp.get(name);
    if (!list) this.byOp.set(name, (list = this.rules.filter((r) => r.ops === undefined || r.ops.includes(name))));
    return list;
  }

  private fresh(n: Node): boolean {
    return n.id >= this.since && !this.done.has(n);
  }

  private visit(root: Node, depth: number): Node {
    if (!this.fresh(root)) return this.done.get(root) ?? root;
    if (depth > 50) throw new Error(`simplify: rules did not settle at ${root}`);
    // inputs first, iteratively: a gradient graph may be thousands of nodes deep
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const n = stack[stack.length - 1];
      if (!this.fresh(n)) {
        stack.pop();
        continue;
      }
      const below = stack.length;
      for (let k = 0; k < n.inputs.length; k++) if (this.fresh(n.inputs[k])) stack.push(n.inputs[k]);
      if (stack.length > below) continue;
      stack.pop();
      const r = this.rewrite(n, depth);
      this.done.set(n, r);
      if (!this.done.has(r)) this.done.set(r, r);
    }
    return this.done.get(root)!;
  }

  private rewrite(n: Node, depth: number): Node {
    let ins = n.inputs;
    let rebuild = false;
    for (let k = 0; k < n.inputs.length; k++) {
      const i = n.inputs[k], x = this.done.get(i) ?? i;
      if (x === i) continue;
      if (ins === n.inputs) ins = n.inputs.slice();
      (ins as Node[])[k] = x;
      // a constant is rewritten only to an equal one (hash-consing by value): every rule and the
      // fold see the same op, shape, dtype and values in it
      if (!(this.aliasConstants && isConst(i) && isConst(x))) rebuild = true;
    }
    let node = rebuild ? apply(n.op, ins, n.attrs) : n;
    if (node.op.kind === undefined || node.op.kind === 'op') {
      const rules = this.rulesFor(node.op.name);
      for (let k = 0; k < rules.length; k++) {
        const rule = rules[k];
        const r = rule.apply(node, this);
        if (r !== undefined && r !== node) {
          this.fired.set(rule.name, (this.fired.get(rule.name) ?? 0) + 1);
          return r.id >= this.since ? this.visit(r, depth + 1) : r;
        }
      }
      const folded = fold(node);
      if (folded) {
        this.fired.set('fold', (this.fired.get('fold') ?? 0) + 1);
        node = folded;
      }
    }
    // a node kept over aliased constants is keyed by the shared ones, as its rebuilt copy would be
    const seen = this.table.intern(node, node === n ? ins : node.inputs);
    if (seen === undefined) return node;
    if (seen !== node) this.fired.set('cse', (this.fired.get('cse') ?? 0) + 1);
    return seen;
  }
}

/** Computes a node whose inputs are all small constants, with the op's own kernel (so the bits are the run's). */
function fold(n: Node): Node | undefined {
  if (n.inputs.length === 0 || !n.inputs.every(isConst) || n.op.stateful || !isConcrete(n.shape)) return undefined;
  const shape = n.shape as number[];
  const biggest = Math.max(1, ...n.inputs.map((i) => sizeOf(i.shape as number[])));
  // a broadcast stays a view of its small constant: folding it would bake a bigger array into the graph
  if (sizeOf(shape) > biggest || biggest > FOLD_LIMIT) return undefined;
  const ins = n.inputs.map(valueOf);
  const out = ndarray(allocate(n.dtype, sizeOf(shape)), shape.slice());
  const viewed = n.op.view?.(ins, n.attrs, shape);
  if (viewed) {
    const flat = toFlat(viewed);
    out.data.set(flat);
  } else if (n.op.forward) {
    n.op.forward(n.op.broadcast ? ins.map((a) => broadcastView(a, shape)) : ins, out, n.attrs);
  } else {
    return undefined;
  }
  return constant(out, { dtype: n.dtype });
}

/**
 * The hash-consing table: nodes by what they compute, i.e. op name, input ids and attributes (as
 * plain data); small constants by dtype, shape and elements (-0 apart from 0, every NaN alike).
 * Stateful ops, sources, side effects and attributes that are not plain data are never shared.
 * No key string is built (on a 100k-node plan, string keys cost more than the rules), and nodes
 * are found near where they are: a node with inputs is looked for among the readers of its first
 * input (a short list, or a map by hash for a node read by many), others by hash.
 */
class Table {
  /** The nodes read first by each node: one, a short list, or (past GROUP of them) a map by hash. */
  private readonly byFirst = new NodeMap<Node | Node[] | Buckets>();
  /** Nodes without inputs (constants), by hash. */
  private readonly leaves: Buckets = new Map();
  /** The inputs a node is keyed by, where they are not its own (a plan keeps a node over aliased constants). */
  private readonly keyInputs = new NodeMap<readonly Node[]>();

  /**
   * The node of the table computing what `n` computes when it reads `inputs`; if there is none, `n`
   * is added and returned. Undefined when `n` is never shared.
   */
  intern(n: Node, inputs: readonly Node[]): Node | undefined {
    const attrs = attrsKey(n);
    if (attrs === undefined) return undefined;
    if (inputs.length === 0) return this.put(this.leaves, n, inputs, attrs);
    const head = inputs[0];
    const group = this.byFirst.get(head);
    if (group === undefined) this.byFirst.set(head, n);
    else if (group instanceof Map) return this.put(group, n, inputs, attrs);
    else {
      const list = Array.isArray(group) ? group : [group];
      for (const m of list) if (this.same(m, n, inputs, attrs)) return m;
      if (list.length >= GROUP) {
        const byHash: Buckets = new Map();
        for (const m of list) this.put(byHash, m, this.inputsOf(m), attrsKey(m)!);
        this.byFirst.set(head, byHash);
        return this.put(byHash, n, inputs, attrs);
      }
      list.push(n);
      if (list !== group) this.byFirst.set(head, list);
    }
    if (inputs !== n.inputs) this.keyInputs.set(n, inputs);
    return n;
  }

  /** `intern` within one map by hash. */
  private put(buckets: Buckets, n: Node, inputs: readonly Node[], attrs: string): Node {
    const key = hashOf(n, inputs, attrs);
    const found = buckets.get(key);
    if (found === undefined) buckets.set(key, n);
    else if (!Array.isArray(found)) {
      if (this.same(found, n, inputs, attrs)) return found;
      buckets.set(key, [found, n]);
    } else {
      for (const m of found) if (this.same(m, n, inputs, attrs)) return m;
      found.push(n);
    }
    if (inputs !== n.inputs) this.keyInputs.set(n, inputs);
    return n;
  }

  private inputsOf(m: Node): readonly Node[] {
    return this.keyInputs.get(m) ?? m.inputs;
  }

  /** Whether `m`, of the table, has the key of `n` reading `inputs` with attributes `attrs`. */
  private same(m: Node, n: Node, inputs: readonly Node[], attrs: string): boolean {
    if (isConst(m) || isConst(n)) {
      if (!isConst(m) || !isConst(n) || m.dtype !== n.dtype || !sameShape(m.shape as ConcreteShape, n.shape as ConcreteShape)) return false;
      const xs = elementsOf(m), ys = elementsOf(n);
      for (let i = 0; i < xs.length; i++) if (!Object.is(xs[i], ys[i]) && !(Number.isNaN(xs[i]) && Number.isNaN(ys[i]))) return false;
      return true;
    }
    const own = this.inputsOf(m);
    if (m.op.name !== n.op.name || own.length !== inputs.length || attrsKey(m) !== attrs) return false;
    for (let k = 0; k < own.length; k++) if (own[k].id !== inputs[k].id) return false;
    return true;
  }
}

type Buckets = Map<number, Node | Node[]>;

/** Readers of one node kept in a list before they are put in a map by hash. */
const GROUP = 8;

/** The attributes part of a node's key ('' for a small constant); undefined for a node never shared. */
function attrsKey(n: Node): string | undefined {
  if (n.op.kind === 'constant') return valueOf(n).size > 16 ? undefined : '';
  if ((n.op.kind !== undefined && n.op.kind !== 'op') || n.op.stateful) return undefined;
  return plain(n.attrs);
}

/** A hash of a node's key, a small integer (Map keys of that kind hash fastest). */
function hashOf(n: Node, inputs: readonly Node[], attrs: string): number {
  let h: number;
  if (isConst(n)) {
    h = hashString(n.dtype, SEED);
    for (let k = 0; k < n.shape.length; k++) h = mix(h, n.shape[k] as number);
    h = mix(h, -1);
    const xs = elementsOf(n);
    for (let i = 0; i < xs.length; i++) h = mixNumber(h, xs[i]);
  } else {
    h = hashString(n.op.name, SEED);
    for (let k = 0; k < inputs.length; k++) h = mix(h, inputs[k].id);
    h = hashString(attrs, mix(h, inputs.length));
  }
  return h & 0x3fffffff;
}

const SEED = 0x811c9dc5;
const mix = (h: number, v: number): number => Math.imul(h ^ v, 0x01000193);
const hashString = (s: string, h: number): number => {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
};
// the bits of a double (every NaN alike)
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
const mixNumber = (h: number, x: number): number => {
  bits[0] = Number.isNaN(x) ? NaN : x;
  return mix(mix(h, words[0]), words[1]);
};

function plain(x: unknown): string | undefined {
  if (x === undefined) return '';
  if (x === null || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) {
    const parts = x.map(plain);
    return parts.some((p) => p === undefined) ? undefined : `[${parts.join(',')}]`;
  }
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const keys = Object.keys(x);
    if (keys.length === 0) return '{}';
    const parts = keys.sort().map((k) => {
      const p = plain((x as Record<string, unknown>)[k]);
      return p === undefined ? undefined : `${k}:${p}`;
    });
    return parts.some((p) => p === undefined) ? undefined : `{${parts.join(',')}}`;
  }
  return undefined;
}
