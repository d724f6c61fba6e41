/**
 * Expression trees for symbolic differentiation, the way a computer-algebra system holds them: a
 * tree of numbers, variables and operations, with no notion of a shared subexpression. Objects may
 * be referenced twice in memory (they are immutable), but every measure here counts each use, as
 * if it were a copy.
 */
import { Constant } from '../graph/constant.js';
import { describe, isOp, type Node } from '../graph/node.js';
import { topoSort } from '../graph/topo.js';
import { toFlat } from '../graph/tensor.js';
import { formatNumber } from './print.js';

export type UnaryKind = 'neg' | 'exp' | 'log' | 'tanh' | 'sigmoid';
export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'pow';

export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: UnaryKind; readonly a: Expr }
  | { readonly kind: BinaryKind; readonly a: Expr; readonly b: Expr };

export const num = (value: number): Expr => ({ kind: 'num', value });
export const sym = (name: string): Expr => ({ kind: 'var', name });
export const unary = (kind: UnaryKind, a: Expr): Expr => ({ kind, a });
export const binary = (kind: BinaryKind, a: Expr, b: Expr): Expr => ({ kind, a, b });

const UNARY: Record<UnaryKind, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};
const BINARY: Record<BinaryKind, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
};

const isUnary = (e: Expr): e is Extract<Expr, { kind: UnaryKind }> => e.kind in UNARY;
const isBinary = (e: Expr): e is Extract<Expr, { kind: BinaryKind }> => e.kind in BINARY;

/** Nodes of the tree, each use counted (memoised on identity, so counting a huge tree is cheap). */
export function exprSize(e: Expr, memo = new Map<Expr, number>()): number {
  const have = memo.get(e);
  if (have !== undefined) return have;
  const size = isBinary(e) ? 1 + exprSize(e.a, memo) + exprSize(e.b, memo) : isUnary(e) ? 1 + exprSize(e.a, memo) : 1;
  memo.set(e, size);
  return size;
}

/** The value of `e` with variables taken from `env`. */
export function evaluateExpr(e: Expr, env: Readonly<Record<string, number>>, memo = new Map<Expr, number>()): number {
  const have = memo.get(e);
  if (have !== undefined) return have;
  let v: number;
  if (e.kind === 'num') v = e.value;
  else if (e.kind === 'var') {
    if (!(e.name in env)) throw new Error(`evaluateExpr: no value for variable '${e.name}'`);
    v = env[e.name];
  } else if (isBinary(e)) v = BINARY[e.kind](evaluateExpr(e.a, env, memo), evaluateExpr(e.b, env, memo));
  else v = UNARY[(e as { kind: UnaryKind }).kind](evaluateExpr((e as { a: Expr }).a, env, memo));
  memo.set(e, v);
  return v;
}

const PREC: Record<BinaryKind, number> = { add: 1, sub: 1, mul: 2, div: 2, pow: 4 };
const SIGN: Record<BinaryKind, string> = { add: ' + ', sub: ' - ', mul: ' * ', div: ' / ', pow: '^' };

/** The tree as text, in the notation `toExpression` uses for graph nodes. Refuses trees over `maxNodes` (default 20000). */
export function formatExpr(e: Expr, maxNodes = 20000): string {
  const size = exprSize(e);
  if (size > maxNodes) throw new RangeError(`formatExpr: the expression has ${size} nodes (more than ${maxNodes})`);
  return fmt(e).text;
}

function fmt(e: Expr): { text: string; prec: number } {
  if (e.kind === 'num') return { text: formatNumber(e.value), prec: e.value < 0 ? 3 : 5 };
  if (e.kind === 'var') return { text: e.name, prec: 5 };
  if (isBinary(e)) {
    const p = PREC[e.kind];
    const a = fmt(e.a), b = fmt(e.b);
    const left = e.kind === 'pow' ? 5 : p;
    const right = e.kind === 'pow' ? 5 : p + 1;
    const w = (x: { text: string; prec: number }, min: number) => (x.prec >= min ? x.text : `(${x.text})`);
    return { text: `${w(a, left)}${SIGN[e.kind]}${w(b, right)}`, prec: p };
  }
  const a = fmt((e as { a: Expr }).a);
  if (e.kind === 'neg') return { text: `-${a.prec >= 4 ? a.text : `(${a.text})`}`, prec: 3 };
  return { text: `${e.kind}(${a.text})`, prec: 5 };
}

/**
 * The expression tree of a scalar graph node: placeholders and variables become variables (by
 * name), scalar constants numbers, and a node used twice becomes two uses of one subtree.
 */
export function fromNode(node: Node): Expr {
  const out = new Map<Node, Expr>();
  for (const n of topoSort([node])) {
    const [a, b] = n.inputs.map((i) => out.get(i)!);
    let e: Expr;
    switch (n.op.name) {
      case 'placeholder':
      case 'variable':
        e = sym(n.name);
        break;
      case 'constant': {
        const flat = isOp(n, Constant) ? toFlat(n.attrs.value) : [];
        if (flat.length !== 1) throw new TypeError(`fromNode: ${describe(n)} is not a scalar`);
        e = num(flat[0]);
        break;
      }
      case 'add': case 'sub': case 'mul': case 'div': case 'pow':
        e = binary(n.op.name, a, b);
        break;
      case 'neg': case 'exp': case 'log': case 'tanh': case 'sigmoid':
        e = unary(n.op.name, a);
        break;
      case 'square':
        e = binary('pow', a, num(2));
        break;
      case 'identity':
        e = a;
        break;
      case 'addN':
        e = n.inputs.slice(1).reduce((acc, i) => binary('add', acc, out.get(i)!), a);
        break;
      default:
        throw new TypeError(`fromNode: ${describe(n)}: op '${n.op.name}' has no expression form`);
    }
    out.set(n, e);
  }
  return out.get(node)!;
}
