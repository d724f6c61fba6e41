/**
 * The four ways to get a derivative (numerical, symbolic, forward-mode and reverse-mode automatic
 * differentiation) on one function, f = 1 / (1 + exp(-(w0 + w1*x1 + w2*x2))), at a fixed point,
 * with every intermediate value traced; then why symbolic differentiation swells and reverse mode
 * wins for many inputs, measured; then raw vs simplified derivative graphs (docs/simplify.md), with
 * node counts. Run: npm run example:modes
 */
import {
  add, adjointTrace, constant, countNodes, differentiate, div, evaluateExpr, exp, exprSize, formatExpr, formatTable,
  formatTrace, forwardTrace, fromNode, gradients, modeCost, mul, neg, placeholder, Session, sigmoid, sub, sum,
  tangentTrace, toExpression, toFlat, type Node, matmul, mean, sigmoidCrossEntropyWithLogits, derivative, tanh, variable,
} from '../../src/index.js';
import { added, countTable } from './counts.js';

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
const rawGradientNode = gradients(f, [x1], undefined, { simplify: false })[0];
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
console.log(`\ndagrad's gradient node df/dx1, raw (simplify: false, ${added([f], [rawGradientNode])} nodes), printed with its shared subexpressions named:`);
console.log(indent(toExpression(rawGradientNode, { shared: true })));
console.log(`and simplified as it is built (the default, ${added([f], [gradientNode])} nodes):\n${indent(toExpression(gradientNode, { shared: true }))}`);
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
  const raw = gradients(l, [x], undefined, { simplify: false })[0];
  const g = gradients(l, [x])[0];
  swell.push([
    String(n), String(exprSize(tree)), String(exprSize(differentiate(tree, 'x'))), String(countNodes(l)),
    String(countNodes(raw)), String(countNodes(g)), String(countNodes(g, { tree: true })),
  ]);
}
console.log(formatTable(
  ['n', 'l(n) as a tree', 'naive d/dx', 'l(n) graph', 'raw gradient graph', 'simplified', 'simplified as a tree'],
  swell,
  { alignRight: [0, 1, 2, 3, 4, 5, 6], indent: '  ' },
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

// ---------------------------------------------------------------------------------------------
section('5. Simplify as you differentiate: raw vs simplified derivative graphs');
console.log('Nodes each derivative adds to the graph it differentiates (constants included), built with');
console.log('{ simplify: false } (raw), by default (simplified), and written out by hand from the math:\n');
console.log(indent(countTable()));
const lx = placeholder('x', [null, 3], { dtype: 'float64' });
const ly = placeholder('y', [null, 1], { dtype: 'float64' });
const lw = variable('w', [[0.1], [-0.2], [0.3]], { dtype: 'float64' });
const lb = variable('b', [0.05], { dtype: 'float64' });
const loss = mean(sigmoidCrossEntropyWithLogits({ labels: ly, logits: add(matmul(lx, lw), lb) }));
const rawLogistic = gradients(loss, [lw, lb], undefined, { simplify: false });
const simpleLogistic = gradients(loss, [lw, lb]);
console.log(`\nThe logistic gradient with an unknown batch size, d/dw of mean(sigmoidCrossEntropyWithLogits(y, x·w + b)):`);
console.log(`raw (${added([loss], rawLogistic)} nodes for [dw, db]):\n${indent(toExpression(rawLogistic[0]))}`);
console.log(`simplified (${added([loss], simpleLogistic)} nodes):\n${indent(toExpression(simpleLogistic[0]))}`);
const batch = { x: { data: [1, 2, 3, -1, 0.5, 2, 0, 1, -2, 2, 2, 1], shape: [4, 3] }, y: { data: [1, 0, 1, 1], shape: [4, 1] } };
const kernels = (gs: Node[], simplify: boolean) => new Session({ simplify }).plan(gs, batch).kernels;
console.log(`Kernels per run of [dw, db] on a batch of 4: raw graph, plan as built ${kernels(rawLogistic, false)}; simplified graph,`);
console.log(`plan rewritten for the batch's shape (size and sumLike resolved, the loss itself not run) ${kernels(simpleLogistic, true)}.`);
const c = placeholder('c', [], { dtype: 'float64' });
const tc = tanh(c);
const d2raw = derivative(sum(tc), c, 2, { simplify: false });
const d2 = derivative(sum(tc), c, 2);
console.log(`\nThe second derivative of tanh(c): raw (${added([tc], [d2raw])} nodes) ${toExpression(d2raw)}`);
console.log(`simplified (${added([tc], [d2])} nodes) ${toExpression(d2)}`);
const same = toFlat(new Session().run(d2raw, { c: 0.4 }))[0] === toFlat(new Session().run(d2, { c: 0.4 }))[0];
console.log(`Same value at c = 0.4, bit for bit: ${same ? 'yes' : 'NO'}.`);

if (!agree || !gradientsAgree || !same) process.exitCode = 1;

function indent(s: string): string {
  return s.split('\n').map((line) => `  ${line}`).join('\n');
}
