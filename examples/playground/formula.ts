/**
 * The playground's front end: a formula typed by the user, parsed by mathjs, becomes a dagrad graph
 * of float64 placeholders and ops. Pure functions (no DOM), so Node tests can check the translation.
 *
 * Semantics are dagrad's (NumPy's), not mathjs's: `*` and `/` are elementwise with broadcasting,
 * `matmul(a, b)` is the matrix product, `x'` and `transpose(x)` swap the last two axes.
 */
import { parse } from 'mathjs';
import {
  abs, add, constant, div, exp, log, matmul, max, maximum, mean, min, minimum, mul, neg, placeholder, pow, relu,
  sigmoid, softplus, sqrt, square, sub, sum, tanh, transpose, type Node,
} from '../../src/index.js';

/** A value as typed in the page: a number, or a rectangular nested array of numbers. */
export type Value = number | readonly Value[];

/** A problem with the formula (or an input value), with the 0-based character index it is about. */
export class FormulaError extends Error {
  constructor(message: string, readonly index: number, readonly source = 'formula') {
    super(message);
    this.name = 'FormulaError';
  }
}

/** The formula line with a caret under character `index`: what the page shows under a bad formula. */
export function caret(text: string, index: number): string {
  const line = text.replace(/\n/g, ' ');
  return `${line}\n${' '.repeat(Math.max(0, Math.min(index, line.length)))}^`;
}

/** The parts of the mathjs node types the translation reads. */
interface MNode { readonly type: string; toString(): string }
interface MConstant extends MNode { type: 'ConstantNode'; value: unknown }
interface MSymbol extends MNode { type: 'SymbolNode'; name: string }
interface MParen extends MNode { type: 'ParenthesisNode'; content: MNode }
interface MOperator extends MNode { type: 'OperatorNode'; op: string; fn: string; args: MNode[]; implicit: boolean }
interface MFunction extends MNode { type: 'FunctionNode'; fn: MNode; args: MNode[] }
interface MArray extends MNode { type: 'ArrayNode'; items: MNode[] }

export interface Parsed {
  readonly text: string;
  readonly root: MNode;
  /** Where each mathjs node starts in `text` (its first token: a name, an operator, a number). */
  readonly at: ReadonlyMap<MNode, number>;
  /** Where each operator's own token is (`>` in `x > 2`): what an error about the operator points at. */
  readonly tokenAt: ReadonlyMap<MNode, number>;
  /** The formula's variables, in order of first appearance. */
  readonly variables: readonly string[];
}

/** Named numbers, as in mathjs. */
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Fn =
  | { readonly kind: 'unary'; readonly f: (a: Node) => Node }
  | { readonly kind: 'binary'; readonly f: (a: Node, b: Node) => Node }
  | { readonly kind: 'reduce'; readonly f: (x: Node, axes?: number) => Node };
const u = (f: (a: Node) => Node): Fn => ({ kind: 'unary', f });
const b = (f: (a: Node, b: Node) => Node): Fn => ({ kind: 'binary', f });
const r = (f: (x: Node, axes?: number) => Node): Fn => ({ kind: 'reduce', f });

/** Every function a formula may call. A reduction takes an optional axis: sum(x) is a scalar, sum(x, 0) sums the rows. */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  exp: u(exp), log: u(log), sqrt: u(sqrt), tanh: u(tanh), sigmoid: u(sigmoid), relu: u(relu), abs: u(abs),
  square: u(square), softplus: u(softplus), transpose: u((a) => transposeLast(a)),
  sum: r((x, axes) => sum(x, { axes })), mean: r((x, axes) => mean(x, { axes })),
  max: r((x, axes) => max(x, { axes })), min: r((x, axes) => min(x, { axes })),
  maximum: b(maximum), minimum: b(minimum), pow: b(pow), matmul: b((x, y) => matmul(x, y)),
};

const BINARY: Record<string, (a: Node, b: Node) => Node> = {
  '+': add, '-': sub, '*': mul, '.*': mul, '/': div, './': div, '^': pow, '.^': pow,
};

const supportedList = (): string => Object.keys(FUNCTIONS).join(', ');

/** Swaps the last two axes (a matrix's transpose); a vector or scalar is its own transpose. */
function transposeLast(a: Node): Node {
  const r = a.shape.length;
  if (r < 2) return a;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose(a, { perm });
}

/**
 * Finds where each node starts by walking the tree in source order (a binary operator's token sits
 * between its operands, a call's name before its arguments) and searching the text from a cursor.
 * mathjs's tree carries no positions, and this keeps two `exp(` calls or two `x`s apart.
 */
function locate(text: string, root: MNode): { at: Map<MNode, number>; tokenAt: Map<MNode, number> } {
  const at = new Map<MNode, number>();
  const tokenAt = new Map<MNode, number>();
  let cursor = 0;
  const find = (re: RegExp): number => {
    re.lastIndex = cursor;
    const m = re.exec(text);
    if (!m) return cursor;
    cursor = m.index + m[0].length;
    return m.index;
  };
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = (name: string) => new RegExp(`(?<![\\p{L}\\p{N}_$])${escape(name)}(?![\\p{L}\\p{N}_$])`, 'gu');
  const visit = (n: MNode): number => {
    let start = cursor;
    switch (n.type) {
      case 'SymbolNode': start = find(word((n as MSymbol).name)); break;
      case 'ConstantNode': start = find(/(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|"[^"]*"|'[^']*'|true|false|null|undefined/g); break;
      case 'ParenthesisNode': start = find(/\(/g); visit((n as MParen).content); find(/\)/g); break;
      case 'ArrayNode': start = find(/\[/g); for (const i of (n as MArray).items) visit(i); find(/\]/g); break;
      case 'FunctionNode': {
        const f = n as MFunction;
        start = visit(f.fn);
        find(/\(/g);
        for (const a of f.args) visit(a);
        find(/\)/g);
        break;
      }
      case 'OperatorNode': {
        const o = n as MOperator;
        const token = new RegExp(escape(o.op), 'g');
        if (o.args.length === 1 && (o.op === "'" || o.op === '!')) { start = visit(o.args[0]); tokenAt.set(n, find(token)); }
        else if (o.args.length === 1) { start = find(token); tokenAt.set(n, start); visit(o.args[0]); }
        else {
          start = visit(o.args[0]);
          for (const a of o.args.slice(1)) {
            if (o.implicit) tokenAt.set(n, cursor);
            else tokenAt.set(n, find(token));
            visit(a);
          }
        }
        break;
      }
      default: {
        // Nodes the translation rejects (assignments, conditionals, indexing) start at the next token.
        start = cursor + (/^\s*/.exec(text.slice(cursor))?.[0].length ?? 0);
        (n as unknown as { forEach(cb: (c: MNode) => void): void }).forEach((c) => visit(c));
      }
    }
    at.set(n, start);
    return start;
  };
  visit(root);
  return { at, tokenAt };
}

/** Parses `text` with mathjs; a syntax error becomes a FormulaError at mathjs's character. */
export function parseFormula(text: string): Parsed {
  if (text.trim() === '') throw new FormulaError('the formula is empty', 0);
  let root: MNode;
  try {
    root = parse(text) as unknown as MNode;
  } catch (e) {
    const err = e as Error & { char?: number };
    // mathjs counts characters from 1; a missing-token error points one past the end.
    const index = typeof err.char === 'number' ? Math.max(0, err.char - 1) : 0;
    throw new FormulaError(`syntax error at character ${index + 1}: ${err.message.replace(/\s*\(char \d+\)$/, '')}`, index);
  }
  const { at, tokenAt } = locate(text, root);
  const variables: string[] = [];
  const walk = (n: MNode, callee = false) => {
    if (n.type === 'SymbolNode' && !callee) {
      const name = (n as MSymbol).name;
      if (!(name in CONSTANTS) && !variables.includes(name)) variables.push(name);
    }
    if (n.type === 'FunctionNode') {
      walk((n as MFunction).fn, true);
      for (const a of (n as MFunction).args) walk(a);
      return;
    }
    (n as unknown as { forEach(cb: (c: MNode) => void): void }).forEach((c) => walk(c));
  };
  walk(root);
  return { text, root, at, tokenAt, variables };
}

/** Checks a typed value: a finite number, or a rectangular nested array of them; returns its shape. */
export function shapeOfValue(v: unknown, name: string): number[] {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FormulaError(`the value of '${name}' is ${v}; give a finite number`, 0, name);
    return [];
  }
  if (!Array.isArray(v)) throw new FormulaError(`the value of '${name}' must be a number or an array of numbers, not ${JSON.stringify(v)}`, 0, name);
  if (v.length === 0) throw new FormulaError(`the value of '${name}' is an empty array`, 0, name);
  const inner = v.map((x) => shapeOfValue(x, name));
  for (const s of inner) {
    if (s.join(',') !== inner[0].join(',')) throw new FormulaError(`the value of '${name}' is not rectangular: rows of shapes [${inner[0]}] and [${s}]`, 0, name);
  }
  return [v.length, ...inner[0]];
}

/** Reads a value as typed: `0.5`, `[1, 2, 3]`, `[[1, 2], [3, 4]]` (JSON arrays of numbers). */
export function parseValue(text: string, name: string): Value {
  const t = text.trim();
  if (t === '') throw new FormulaError(`no value for '${name}'`, 0, name);
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    throw new FormulaError(`the value of '${name}' is not a number or a JSON array of numbers: ${t}`, 0, name);
  }
  shapeOfValue(v, name);
  return v as Value;
}

export interface Built {
  readonly output: Node;
  /** The formula's variables as float64 placeholders, in order of first appearance. */
  readonly inputs: readonly Node[];
  /** The values by placeholder name, ready to feed a Session. */
  readonly feeds: Readonly<Record<string, Value>>;
  /**
   * The same feeds keyed by placeholder node: a derivative may not read every input (d(a + b)/da is
   * the constant 1), and a session refuses a feed name that none of its fetches reads, but takes a
   * node it does not need.
   */
  readonly feedsByNode: ReadonlyMap<Node, Value>;
}

/**
 * The dagrad graph of a parsed formula, each variable a float64 placeholder shaped like its value.
 * An unknown function, an unsupported operator, a wrong argument count or a shape mismatch is a
 * FormulaError at the place in the formula it is about.
 */
export function buildGraph(parsed: Parsed, values: Readonly<Record<string, Value>>): Built {
  const inputs = new Map<string, Node>();
  for (const name of parsed.variables) {
    const v = values[name];
    const at = parsed.at.get([...parsed.at.keys()].find((n) => n.type === 'SymbolNode' && (n as MSymbol).name === name)!) ?? 0;
    if (v === undefined) throw new FormulaError(`no value for '${name}'`, at, name);
    inputs.set(name, placeholder(name, shapeOfValue(v, name), { dtype: 'float64' }));
  }
  const where = (n: MNode) => parsed.at.get(n) ?? 0;
  const guard = (n: MNode, what: string, f: () => Node): Node => {
    try {
      return f();
    } catch (e) {
      if (e instanceof FormulaError) throw e;
      const message = e instanceof Error ? e.message : String(e);
      throw new FormulaError(message.startsWith(what) ? message : `${what}: ${message}`, parsed.tokenAt.get(n) ?? where(n));
    }
  };
  const lit = (v: number) => constant(v, { dtype: 'float64' });
  const numbers = (n: MNode): Value => {
    if (n.type === 'ConstantNode' && typeof (n as MConstant).value === 'number') return (n as MConstant).value as number;
    if (n.type === 'OperatorNode' && (n as MOperator).fn === 'unaryMinus') {
      const v = numbers((n as MOperator).args[0]);
      if (typeof v === 'number') return -v;
    }
    if (n.type === 'ArrayNode') return (n as MArray).items.map(numbers);
    throw new FormulaError('a matrix literal may hold numbers only (use a variable for anything else)', where(n));
  };

  const build = (n: MNode): Node => {
    switch (n.type) {
      case 'ConstantNode': {
        const v = (n as MConstant).value;
        if (typeof v !== 'number') throw new FormulaError(`only numbers can be constants, not ${JSON.stringify(v)}`, where(n));
        return lit(v);
      }
      case 'SymbolNode': {
        const name = (n as MSymbol).name;
        return inputs.get(name) ?? lit(CONSTANTS[name]);
      }
      case 'ParenthesisNode':
        return build((n as MParen).content);
      case 'ArrayNode': {
        const v = numbers(n);
        shapeOfValue(v, 'the matrix literal');
        return guard(n, 'matrix literal', () => constant(v as number[], { dtype: 'float64', name: n.toString() }));
      }
      case 'OperatorNode': {
        const o = n as MOperator;
        const args = o.args.map(build);
        if (o.args.length === 1) {
          if (o.fn === 'unaryMinus') return guard(n, 'unary -', () => neg(args[0]));
          if (o.fn === 'unaryPlus') return args[0];
          if (o.op === "'") return guard(n, "transpose (')", () => transposeLast(args[0]));
        }
        const f = o.args.length === 2 ? BINARY[o.op] : undefined;
        if (!f) {
          throw new FormulaError(`the operator '${o.op}' is not supported; use + - * / ^ (elementwise, broadcasting), unary -, ' (transpose) or matmul(a, b)`, parsed.tokenAt.get(n) ?? where(n));
        }
        return guard(n, `'${o.op}'`, () => f(args[0], args[1]));
      }
      case 'FunctionNode': {
        const fn = n as MFunction;
        const name = fn.fn.type === 'SymbolNode' ? (fn.fn as MSymbol).name : '';
        const entry = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
        if (!entry) {
          throw new FormulaError(`unknown function '${name || fn.fn.type}'; the supported functions are ${supportedList()}`, where(n));
        }
        const [lo, hi] = entry.kind === 'unary' ? [1, 1] : entry.kind === 'binary' ? [2, 2] : [1, 2];
        if (fn.args.length < lo || fn.args.length > hi) {
          const want = lo === hi ? `${lo}` : `${lo} or ${hi}`;
          throw new FormulaError(`${name} takes ${want} argument${hi === 1 ? '' : 's'}, not ${fn.args.length}`, where(n));
        }
        if (entry.kind === 'reduce') {
          const x = build(fn.args[0]);
          if (fn.args.length === 1) return guard(n, name, () => entry.f(x));
          let axis: Value;
          try { axis = numbers(fn.args[1]); } catch { axis = NaN; }
          if (typeof axis !== 'number' || !Number.isInteger(axis)) {
            throw new FormulaError(`the axis of ${name} must be a whole number, e.g. ${name}(x, 0)`, where(fn.args[1]));
          }
          const ax = axis;
          return guard(n, name, () => entry.f(x, ax));
        }
        const args = fn.args.map(build);
        return guard(n, name, () => (entry.kind === 'unary' ? entry.f(args[0]) : entry.f(args[0], args[1])));
      }
      case 'AssignmentNode':
      case 'FunctionAssignmentNode':
        throw new FormulaError('a formula is one expression; assignments (=) are not supported', where(n));
      case 'BlockNode':
        throw new FormulaError('a formula is one expression; remove the ; or line break', where(n));
      case 'ConditionalNode':
        throw new FormulaError('conditionals (a ? b : c) are not supported', where(n));
      case 'AccessorNode':
      case 'IndexNode':
        throw new FormulaError('indexing (x[i]) is not supported', where(n));
      default:
        throw new FormulaError(`${n.type} is not supported in a formula`, where(n));
    }
  };
  const output = build(parsed.root);
  const feeds: Record<string, Value> = {};
  for (const name of parsed.variables) feeds[name] = values[name];
  const list = [...inputs.values()];
  return { output, inputs: list, feeds, feedsByNode: new Map(list.map((p) => [p, values[p.name]])) };
}
