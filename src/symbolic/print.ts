/**
 * Prints a graph node (forward or gradient, any order) as a math expression, either fully inlined
 * (a tree: every reuse written out again) or with shared subexpressions named by let-bindings.
 */
import type { NdArray } from 'ndarray';
import { Constant } from '../graph/constant.js';
import { describe, isOp, Node } from '../graph/node.js';
import { isConcrete, sizeOf } from '../graph/shape.js';
import { toFlat } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';

export interface ExpressionOptions {
  /** Name every non-trivial subexpression used more than once (`let t1 = ...`) instead of repeating it. Default false. */
  shared?: boolean;
  /** Nodes written as these names (the root is still written out): how traces print `v3 * v1`. A Map, or anything with its get and has. */
  names?: Names;
  /** Significant digits of numeric constants. Default 6. */
  digits?: number;
  /** Inline mode refuses to print a tree of more nodes than this (suggesting `shared`). Default 20000. */
  maxNodes?: number;
  /** Refuses to print an expression longer than this many characters, rather than run out of memory. Default 10,000,000. */
  maxLength?: number;
}

/** What `names` needs: a Map's get and has (a view over several maps will do). */
export interface Names {
  get(n: Node): string | undefined;
  has(n: Node): boolean;
}

/** Binding strength: sums < products < unary minus < powers < atoms and calls. */
const SUM = 1, PRODUCT = 2, UNARY = 3, POWER = 4, ATOM = 5;

interface Printed {
  readonly text: string;
  readonly prec: number;
  /** A bare name or number: repeating it is as short as naming it. */
  readonly simple?: boolean;
}

/** The expression for `node`, e.g. `1 / (1 + exp(-(w0 + w1 * x1 + w2 * x2)))`. */
export function toExpression(node: Node, opts: ExpressionOptions = {}): string {
  const names: Names = opts.names ?? new Map<Node, string>();
  const digits = opts.digits ?? 6;
  const maxLength = opts.maxLength ?? 10_000_000;
  // one pass each, whatever the size of `names`: a trace prints every row against all of them
  const named = { has: (n: Node) => n !== node && names.has(n) };
  const order = topoSort([node], named);
  const uses = new Map<Node, number>();
  for (const n of order) if (!named.has(n)) for (const i of printedInputs(n)) uses.set(i, (uses.get(i) ?? 0) + 1);
  if (!opts.shared) {
    const max = opts.maxNodes ?? 20000;
    const size = countNodes(node, { tree: true, stopAt: named });
    if (size > max) throw new RangeError(`toExpression: '${node.name}' inlined is a tree of ${size} nodes (more than ${max}); print it with { shared: true }`);
  }
  const printed = new Map<Node, Printed>();
  const lets: string[] = [];
  let letChars = 0;
  for (const n of order) {
    let p: Printed;
    if (named.has(n)) {
      const text = names.get(n)!;
      p = { text, prec: ATOM, simple: isSimpleText(text) };
    } else p = printNode(n, n.inputs.map((i) => printed.get(i)!), digits);
    if (opts.shared && !named.has(n) && n.inputs.length > 0 && !p.simple && (uses.get(n) ?? 0) > 1) {
      const name = `t${lets.length + 1}`;
      lets.push(`let ${name} = ${p.text}`);
      letChars += p.text.length + name.length + 7;
      p = { text: name, prec: ATOM, simple: true };
    }
    if (p.text.length + letChars > maxLength) {
      throw new RangeError(`toExpression: the expression for '${node.name}' is longer than ${maxLength} characters (at ${describe(n)}); raise maxLength, or print a part of it`);
    }
    printed.set(n, p);
  }
  return [...lets, printed.get(node)!.text].join('\n');
}

/**
 * Ops that only change shape print as their input: broadcasting and size-1 axes are implicit in
 * elementwise math, as in NumPy. Their shape-only operands are not part of the expression.
 */
const TRANSPARENT = new Set(['identity', 'broadcastLike', 'broadcastTo', 'expandDims', 'squeeze', 'runTimeShape']);

/** The inputs that appear in a node's printed form. */
function printedInputs(n: Node): readonly Node[] {
  if (TRANSPARENT.has(n.op.name)) return n.inputs.slice(0, 1);
  if ((n.op.name === 'onesLike' || n.op.name === 'zerosLike') && isConcrete(n.shape)) return [];
  return n.inputs;
}

const isSimpleText = (text: string): boolean => text.length < 100 && /^-?[\p{L}\p{N}\p{M}_.]+$/u.test(text);

/**
 * How many nodes `roots` span: distinct nodes (the graph as stored), or with `tree`, the nodes of
 * the expression tree you get by copying every shared subexpression (what naive symbolic
 * differentiation produces). Nodes in `stopAt` count once and are not entered.
 */
export function countNodes(roots: Node | readonly Node[], opts: { tree?: boolean; stopAt?: { has(n: Node): boolean } } = {}): number {
  const list = roots instanceof Node ? [roots] : roots;
  const rootSet = new Set(list);
  const stopAt = opts.stopAt;
  const stop = { has: (n: Node) => stopAt !== undefined && !rootSet.has(n) && stopAt.has(n) };
  const order = topoSort(list, stop);
  if (!opts.tree) return order.length;
  const size = new Map<Node, number>();
  for (const n of order) size.set(n, stop.has(n) ? 1 : n.inputs.reduce((s, i) => s + size.get(i)!, 1));
  return list.reduce((s, r) => s + size.get(r)!, 0);
}

/** A number as printed: integers exactly, others to `digits` significant digits. */
export function formatNumber(v: number, digits = 6): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(digits)));
}

const wrap = (p: Printed, min: number): string => (p.prec >= min ? p.text : `(${p.text})`);
const call = (name: string, args: readonly string[]): Printed => ({ text: `${name}(${args.join(', ')})`, prec: ATOM });

function printNode(n: Node, ins: readonly Printed[], digits: number): Printed {
  const [a, b] = ins;
  if (TRANSPARENT.has(n.op.name)) return a;
  if (isOp(n, Constant)) return printConstant(n, n.attrs.value, digits);
  switch (n.op.name) {
    case 'placeholder':
    case 'variable':
      return { text: n.name, prec: ATOM, simple: isSimpleText(n.name) };
    case 'add':
      return { text: `${wrap(a, SUM)} + ${wrap(b, PRODUCT)}`, prec: SUM };
    case 'addN':
      return { text: ins.map((x, i) => wrap(x, i === 0 ? SUM : PRODUCT)).join(' + '), prec: SUM };
    case 'sub':
      return { text: `${wrap(a, SUM)} - ${wrap(b, PRODUCT)}`, prec: SUM };
    case 'mul':
      return { text: `${wrap(a, PRODUCT)} * ${wrap(b, UNARY)}`, prec: PRODUCT };
    case 'div':
      return { text: `${wrap(a, PRODUCT)} / ${wrap(b, UNARY)}`, prec: PRODUCT };
    case 'neg':
      return { text: `-${wrap(a, POWER)}`, prec: UNARY };
    case 'pow':
      return { text: `${wrap(a, ATOM)}^${wrap(b, ATOM)}`, prec: POWER };
    case 'square':
      return { text: `${wrap(a, ATOM)}^2`, prec: POWER };
    case 'matmul': {
      // a matrix product reads as one: x·w, with ᵀ for a transposed operand
      const side = (p: Printed, t: boolean) => (t ? `${wrap(p, ATOM)}ᵀ` : p.text);
      const t = n.attrs as { transposeA?: boolean; transposeB?: boolean };
      const left = t.transposeA ? side(a, true) : wrap(a, PRODUCT);
      const right = t.transposeB ? side(b, true) : wrap(b, UNARY);
      return { text: `${left}·${right}`, prec: PRODUCT };
    }
    case 'onesLike':
    case 'zerosLike': {
      const v = n.op.name === 'onesLike' ? '1' : '0';
      if (n.shape.length === 0) return { text: v, prec: ATOM, simple: true };
      return isConcrete(n.shape) ? call(n.op.name === 'onesLike' ? 'ones' : 'zeros', [`[${n.shape.join(',')}]`]) : call(n.op.name, [a.text]);
    }
    default:
      return call(n.op.name, [...ins.map((x) => x.text), ...printAttrs(n.attrs)]);
  }
}

function printConstant(n: Node, value: NdArray, digits: number): Printed {
  const flat = toFlat(value);
  if (n.shape.length === 0 || (flat.length === 1 && n.shape.every((d) => d === 1))) {
    const v = flat[0];
    const k = reciprocalOf(v, n.dtype);
    if (k !== undefined) return { text: `1/${k}`, prec: PRODUCT, simple: true };
    return { text: formatNumber(v, digits), prec: v < 0 || Object.is(v, -0) ? UNARY : ATOM, simple: true };
  }
  if (isConcrete(n.shape) && sizeOf(n.shape) <= 6 && n.shape.length === 1) {
    return { text: `[${flat.map((v) => formatNumber(v, digits)).join(', ')}]`, prec: ATOM };
  }
  return { text: n.name, prec: ATOM, simple: isSimpleText(n.name) };
}

/**
 * k when v is 1/k rounded to its dtype for an integer k >= 3 (a mean's 1/N, folded): printed as the
 * math has it. 1/2 stays 0.5.
 */
function reciprocalOf(v: number, dtype: string): number | undefined {
  if (!(v > 0 && v < 0.4)) return undefined;
  const k = Math.round(1 / v);
  if (k > 1e9) return undefined;
  const back = dtype === 'float32' ? Math.fround(1 / k) : 1 / k;
  return back === v ? k : undefined;
}

/** Attributes worth showing: false, empty and absent ones are defaults and stay quiet. */
function printAttrs(attrs: unknown): string[] {
  if (typeof attrs !== 'object' || attrs === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (Array.isArray(v)) out.push(`${k}=[${v.join(',')}]`);
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out.push(`${k}=${v}`);
  }
  return out;
}
