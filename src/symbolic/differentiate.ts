/**
 * Textbook symbolic differentiation on expression trees: each rule writes out copies of the
 * subexpressions it needs (d(u*v) = du*v + u*dv holds u and v twice), which is where expression
 * swell comes from. Contrast `gradients`, whose result shares every subexpression with the graph.
 */
import { binary, num, unary, type Expr } from './expr.js';

export interface DifferentiateOptions {
  /** Apply the trivial rules 0+a = a, 0*a = 0, 1*a = a, a-0 = a, -0 = 0 and fold numbers. Default true. */
  simplify?: boolean;
}

/** d e / d name, as a new expression tree. */
export function differentiate(e: Expr, name: string, opts: DifferentiateOptions = {}): Expr {
  const s = opts.simplify ?? true;
  const add = (a: Expr, b: Expr) => (s ? simplifyAdd(a, b) : binary('add', a, b));
  const sub = (a: Expr, b: Expr) => (s ? simplifySub(a, b) : binary('sub', a, b));
  const mul = (a: Expr, b: Expr) => (s ? simplifyMul(a, b) : binary('mul', a, b));
  const div = (a: Expr, b: Expr) => (s ? simplifyDiv(a, b) : binary('div', a, b));
  const neg = (a: Expr) => (s ? simplifyNeg(a) : unary('neg', a));
  const one = num(1);
  // NOTE: memoised on identity only to save time; the result is the same tree as without it.
  const memo = new Map<Expr, Expr>();
  const d = (e: Expr): Expr => {
    const have = memo.get(e);
    if (have) return have;
    let r: Expr;
    switch (e.kind) {
      case 'num': r = num(0); break;
      case 'var': r = num(e.name === name ? 1 : 0); break;
      case 'add': r = add(d(e.a), d(e.b)); break;
      case 'sub': r = sub(d(e.a), d(e.b)); break;
      case 'mul': r = add(mul(d(e.a), e.b), mul(e.a, d(e.b))); break;
      case 'div': r = sub(div(d(e.a), e.b), div(mul(e.a, d(e.b)), mul(e.b, e.b))); break;
      case 'neg': r = neg(d(e.a)); break;
      case 'exp': r = mul(unary('exp', e.a), d(e.a)); break;
      case 'log': r = div(d(e.a), e.a); break;
      case 'tanh': r = mul(sub(one, mul(unary('tanh', e.a), unary('tanh', e.a))), d(e.a)); break;
      case 'sigmoid': r = mul(mul(unary('sigmoid', e.a), sub(one, unary('sigmoid', e.a))), d(e.a)); break;
      case 'pow': {
        if (e.b.kind !== 'num') throw new TypeError('differentiate: only numeric exponents are supported (x^2, not x^y)');
        r = mul(mul(e.b, binary('pow', e.a, num(e.b.value - 1))), d(e.a));
        break;
      }
    }
    memo.set(e, r);
    return r;
  };
  return d(e);
}

const isNum = (e: Expr, v?: number): e is { kind: 'num'; value: number } => e.kind === 'num' && (v === undefined || e.value === v);

function simplifyAdd(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value + b.value);
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  return binary('add', a, b);
}

function simplifySub(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value - b.value);
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return simplifyNeg(b);
  return binary('sub', a, b);
}

function simplifyMul(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value * b.value);
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  return binary('mul', a, b);
}

function simplifyDiv(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return num(0);
  if (isNum(b, 1)) return a;
  return binary('div', a, b);
}

function simplifyNeg(a: Expr): Expr {
  if (isNum(a)) return num(-a.value);
  return unary('neg', a);
}
