/**
 * The four ways to get a derivative (numerical, symbolic, forward-mode and reverse-mode automatic
 * differentiation) on one function, f = 1 / (1 + exp(-(w0 + w1*x1 + w2*x2))), at a fixed point,
 * with every intermediate value traced; then why symbolic differentiation swells and reverse mode
 * wins for many inputs, measured. Run: npm run example:modes
 */
import {
  add, adjointTrace, constant, countNodes, differentiate, div, evaluateExpr, exp, exprSize, formatExpr, formatTable,
  formatTrace, forwardTrace, fromNode, gradients, modeCost, mul, neg, placeholder, Session, sigmoid, sub, sum,
  tangentTrace, toExpression, toFlat, type Node,
} from '../../src/index.js';

const fixed = (v: number, d = 12) => v.toFixed(d);
const section = (title: string) => console.log(`\n${title}\n${'='.repeat(title.length)}`);

// ---------------------------------------------------------------------------------------------
section('1. f = 1 / (1 + exp(-(w0 + w1*x1 + w2*x2))), the founding example');
const [w0, w1, w2, x1, x2] = ['w0', 'w1', 'w2', 'x1', 'x2'].map((n) => placeholder(n, [], { dtype: 'float64' }));
const f = div(1, add(1, exp(neg(add(add(w0, mul(w1, x1)), mul(w2, x2))))), { name: 'f' });
const point = { w0: 0.5, w1: -1.2, w2: 0.8, x1: 2, x2: 1.5 };
const sess = new Session();
console.log(`f = ${toExpression(f)}`);
console.log(`at ${Object.entries(point).map(([k, v]) => `${k} = ${v}`).join(', ')}\n`);

const forward = forwardTrace(f, point, { session: sess });
console.log(formatTrace(forward));
console.log();
const tangent = tangentTrace(f, point, [[x1, 1]], { session: sess });
console.log(formatTrace(tangent, { title: 'Forward-mode tangent trace of f along x1 (x1 dot = 1, every other input dot = 0)' }));
console.log();
const adjoint = adjointTrace(f, point, { session: sess });
console.log(formatTrace(adjoint, { title: 'Reverse-mode adjoint trace of f (f bar = 1), from f back to the inputs' }));

// ---------------------------------------------------------------------------------------------
section('2. df/dx1 four ways');
const valueAt = (x: number) => toFlat(sess.run(f, { ...point, x1: x }))[0];
const h = 1e-5;
const numerical = (valueAt(point.x1 + h) - valueAt(point.x1 - h)) / (2 * h);
const symbolicTree = differentiate(fromNode(f), 'x1');
const symbolic = evaluateExpr(symbolicTree, point);
const forwardMode = toFlat(tangent.rows.at(-1)!.value!)[0];
const reverseMode = toFlat(adjoint.rows.find((r) => r.node === x1)!.value!)[0];
const gradientNode = gradients(f, [x1])[0];
console.log(formatTable(
  ['way', 'df/dx1', 'how'],
  [
    ['numerical', fixed(numerical), `central difference (f(x1 + h) - f(x1 - h)) / 2h, h = ${h}`],
    ['symbolic', fixed(symbolic), `naive symbolic derivative (${exprSize(symbolicTree)} nodes) evaluated`],
    ['forward mode', fixed(forwardMode), 'last row of the tangent trace'],
    ['reverse mode', fixed(reverseMode), "x1's row of the adjoint trace"],
  ],
  { alignRight: [1], indent: '  ' },
));
console.log(`\nThe naive symbolic derivative, as a computer-algebra system would write it out:\n  ${formatExpr(symbolicTree)}`);
console.log(`\ndagrad's gradient node df/dx1, printed with its shared subexpressions named:\n${indent(toExpression(gradientNode, { shared: true }))}`);
const all = [numerical, symbolic, forwardMode, reverseMode];
const spread = Math.max(...all) - Math.min(...all);
const agree = spread <= 1e-9;
console.log(`\nAll four agree to 1e-9: ${agree ? 'yes' : 'NO'} (largest difference ${spread.toExponential(2)}).`);

// ---------------------------------------------------------------------------------------------
section('3. Expression swell: symbolic derivative trees vs the gradient graph');
console.log('The logistic map l(n+1) = 4 l(n) (1 - l(n)), l(0) = x, nested n times, and d l(n) / dx.\n');
const x = placeholder('x', [], { dtype: 'float64' });
const swell: string[][] = [];
let l: Node = x;
for (let n = 1; n <= 10; n++) {
  l = mul(mul(4, l), sub(1, l));
  const tree = fromNode(l);
  const g = gradients(l, [x])[0];
  swell.push([String(n), String(exprSize(tree)), String(exprSize(differentiate(tree, 'x'))), String(countNodes(l)), String(countNodes(g)), String(countNodes(g, { tree: true }))]);
}
console.log(formatTable(
  ['n', 'l(n) as a tree', 'naive d/dx', 'l(n) graph', 'gradient graph', 'gradient graph as a tree'],
  swell,
  { alignRight: [0, 1, 2, 3, 4, 5], indent: '  ' },
));
console.log('\n"as a tree" counts each reuse of a subexpression again, as symbolic differentiation writes it; the graph');
console.log('columns count distinct nodes (the gradient graph includes the forward nodes it reuses).');

// ---------------------------------------------------------------------------------------------
section('4. Cost of the modes for f: R^n -> R, f(x) = sum(sigmoid(w * x))');
console.log('The full gradient by forward mode (one jvp sweep per input) and by reverse mode (one backward run),');
console.log('counted in kernel calls made by the session (each run evaluates the parts of f it needs too).\n');
const cost: string[][] = [];
let gradientsAgree = true;
for (const n of [1, 10, 100, 1000]) {
  const xs = placeholder(`x${n}`, [n], { dtype: 'float64' });
  const w = constant({ data: Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), shape: [n] }, { dtype: 'float64' });
  const c = modeCost(sum(sigmoid(mul(w, xs))), xs, [[xs, { data: Float64Array.from({ length: n }, (_, i) => Math.cos(i)), shape: [n] }]]);
  gradientsAgree &&= c.forward.gradient.every((g, i) => Math.abs(g - c.reverse.gradient[i]) <= 1e-12);
  cost.push([String(n), String(c.forward.sweeps), String(c.forward.kernelCalls), String(c.reverse.sweeps), String(c.reverse.kernelCalls), (c.forward.kernelCalls / c.reverse.kernelCalls).toFixed(1)]);
}
console.log(formatTable(
  ['n', 'forward sweeps', 'forward kernel calls', 'reverse sweeps', 'reverse kernel calls', 'forward / reverse'],
  cost,
  { alignRight: [0, 1, 2, 3, 4, 5], indent: '  ' },
));
console.log(`\nBoth modes give the same gradient: ${gradientsAgree ? 'yes' : 'NO'}.`);

if (!agree || !gradientsAgree) process.exitCode = 1;

function indent(s: string): string {
  return s.split('\n').map((line) => `  ${line}`).join('\n');
}
