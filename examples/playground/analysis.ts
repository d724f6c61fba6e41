/**
 * Everything the playground's first tab shows about one formula at one point, computed with dagrad's
 * public API and no DOM: the graph's DOT, the forward, tangent and adjoint traces with the local rule
 * of each row, the fan-out contributions summed into each adjoint, and the final derivatives four
 * ways (reverse mode, forward mode, central differences, the naive symbolic derivative) with the
 * gradient's printed expression and the node counts of expression swell.
 */
import { parse } from 'mathjs';
import {
  Session, adjointTrace, apply, constant, countNodes, differentiate, evaluateExpr, exprSize, forwardTrace, fromNode,
  gradcheck, gradients, jvp, placeholder, sum, tangentTrace, toDot, toExpression, toFlat,
  type GradcheckReport, type Input, type Node, type Trace,
} from '../../src/index.js';
import { buildGraph, parseFormula, shapeOfValue, type Built, type Value } from './formula.js';

/** The forward-mode rule of each op: how a row's tangent follows from its inputs' (a, b and their dots ȧ, ḃ). */
export const TANGENT_RULES: Readonly<Record<string, string>> = {
  placeholder: 'seed: 1 along the chosen input, 0 for the others',
  add: '(a + b)˙ = ȧ + ḃ', sub: '(a − b)˙ = ȧ − ḃ', mul: '(a·b)˙ = ȧ·b + a·ḃ', div: '(a / b)˙ = ȧ / b − a·ḃ / b²',
  neg: '(−a)˙ = −ȧ', exp: 'exp(a)˙ = exp(a)·ȧ', log: 'log(a)˙ = ȧ / a', sqrt: '√a˙ = ȧ / (2√a)',
  tanh: 'tanh(a)˙ = (1 − tanh²a)·ȧ', sigmoid: 'σ(a)˙ = σ(a)(1 − σ(a))·ȧ', relu: 'relu(a)˙ = [a > 0]·ȧ',
  abs: '|a|˙ = sign(a)·ȧ', square: '(a²)˙ = 2a·ȧ', softplus: 'softplus(a)˙ = σ(a)·ȧ',
  pow: '(aᵇ)˙ = b·aᵇ⁻¹·ȧ + log(a)·aᵇ·ḃ', sum: 'sum(a)˙ = sum(ȧ)', mean: 'mean(a)˙ = mean(ȧ)',
  max: 'max(a)˙ = ȧ at the maximum', min: 'min(a)˙ = ȧ at the minimum', maximum: 'max(a, b)˙ = ȧ where a ≥ b, else ḃ',
  minimum: 'min(a, b)˙ = ȧ where a ≤ b, else ḃ', matmul: '(A·B)˙ = Ȧ·B + A·Ḃ', transpose: '(Aᵀ)˙ = Ȧᵀ',
};

/** The reverse-mode rule of each op: what a row's adjoint v̄ sends back to its inputs a and b. */
export const ADJOINT_RULES: Readonly<Record<string, string>> = {
  add: 'ā += v̄, b̄ += v̄', sub: 'ā += v̄, b̄ −= v̄', mul: 'ā += v̄·b, b̄ += v̄·a', div: 'ā += v̄ / b, b̄ −= v̄·a / b²',
  neg: 'ā −= v̄', exp: 'ā += v̄·exp(a)', log: 'ā += v̄ / a', sqrt: 'ā += v̄ / (2√a)', tanh: 'ā += v̄·(1 − tanh²a)',
  sigmoid: 'ā += v̄·σ(a)(1 − σ(a))', relu: 'ā += v̄·[a > 0]', abs: 'ā += v̄·sign(a)', square: 'ā += v̄·2a',
  softplus: 'ā += v̄·σ(a)', pow: 'ā += v̄·b·aᵇ⁻¹, b̄ += v̄·log(a)·aᵇ', sum: 'ā += v̄ (broadcast back)',
  mean: 'ā += v̄ / n (broadcast back)', max: 'ā += v̄ at the maximum', min: 'ā += v̄ at the minimum',
  maximum: 'ā += v̄ where a ≥ b, b̄ += v̄ elsewhere', minimum: 'ā += v̄ where a ≤ b, b̄ += v̄ elsewhere',
  matmul: 'Ā += V̄·Bᵀ, B̄ += Aᵀ·V̄', transpose: 'Ā += V̄ᵀ',
};

/** One edge's share of an adjoint: consumer c, using the row as its input `slot`, sends back v̄_c · ∂c/∂input. */
export interface Contribution {
  readonly consumer: Node;
  readonly consumerLabel: string;
  readonly slot: number;
  readonly value: Float64Array;
}

export interface DerivativeRow {
  readonly input: Node;
  readonly shape: readonly number[];
  /** d sum(f) / d input by reverse mode: `gradients`, one backward pass for every input. */
  readonly reverse: Float64Array;
  /** The same by forward mode: one `jvp` sweep per element of the input. */
  readonly forward: Float64Array;
  /** The same by central differences in float64, (f(x + h) − f(x − h)) / 2h, h = CENTRAL_STEP. */
  readonly central: Float64Array;
  /** The naive symbolic derivative evaluated, or why there is none (a graph fromNode cannot turn into a scalar tree). */
  readonly symbolic: number | string;
  /** `toExpression` of the gradient node, shared subexpressions named by `let`. */
  readonly expression: string;
  /** That printed expression evaluated by mathjs at the point (an independent reading of the printed text), or why not. */
  readonly expressionValue: number | string;
  /** Distinct nodes of dagrad's gradient graph (forward nodes it reuses included). */
  readonly gradientNodes: number;
  /** The gradient graph written out as a tree (every reuse copied). */
  readonly gradientTreeNodes: number;
  /** Nodes of the naive symbolic derivative's tree, or null when there is none. */
  readonly naiveNodes: number | null;
}

export interface Analysis {
  readonly built: Built;
  readonly dot: string;
  readonly forward: Trace;
  readonly adjoint: Trace;
  /** For each adjoint row with more than one use, the contributions that its adjoint sums. */
  readonly fanOut: ReadonlyMap<Node, readonly Contribution[]>;
  readonly derivatives: readonly DerivativeRow[];
  readonly gradcheck: GradcheckReport;
  /** Distinct nodes of the formula's own graph. */
  readonly formulaNodes: number;
  /** Where the forward pass first leaves the reals (log of a negative number ...), if it does. */
  readonly warning: string | null;
  /** The tangent trace along element `index` (flat) of `input`. */
  tangent(input: Node, index?: number): Trace;
}

export const CENTRAL_STEP = 1e-6;
/** Per-element forward sweeps and central differences are run for inputs up to this size. */
const MAX_ELEMENTS = 256;

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const oneHot = (shape: readonly number[], i: number) => {
  const data = new Float64Array(sizeOf(shape));
  data[i] = 1;
  return { data, shape };
};
const flatOf = (v: Value): number[] => (typeof v === 'number' ? [v] : v.flatMap(flatOf));
const withElement = (v: Value, shape: readonly number[], i: number, delta: number) => {
  const data = Float64Array.from(flatOf(v));
  data[i] += delta;
  return { data, shape };
};

/** The functions dagrad prints that mathjs lacks (or defines otherwise), so a printed scalar gradient can be evaluated. */
const PRINTED_FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(x, 0),
  softplus: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
  square: (x) => x * x,
  sign: (x) => Math.sign(x),
  greater: (a, b) => Number(a > b), greaterEqual: (a, b) => Number(a >= b), less: (a, b) => Number(a < b),
  lessEqual: (a, b) => Number(a <= b), equal: (a, b) => Number(a === b),
  where: (c, a, b) => (c ? a : b), maximum: (a, b) => Math.max(a, b), minimum: (a, b) => Math.min(a, b),
  cast: (x) => x, identity: (x) => x, stopGradient: (x) => x,
};

/**
 * Evaluates dagrad's printed expression (`let t1 = ...` lines, then the result) with mathjs, after
 * dropping the attributes dagrad prints after an op's operands (`dtype=float64`, `axes=[0]`), which
 * do not change a scalar's value.
 */
function evaluatePrinted(text: string, feeds: Readonly<Record<string, Value>>): number | string {
  if (Object.values(feeds).some((v) => typeof v !== 'number')) return 'scalar inputs only';
  const scope = new Map<string, unknown>([...Object.entries(PRINTED_FUNCTIONS), ...Object.entries(feeds)]);
  try {
    let result: unknown;
    for (const line of text.split('\n')) {
      result = parse(line.replace(/^let /, '').replace(/,\s*\w+=(\[[^\]]*\]|[^,)]+)/g, '')).evaluate(scope);
    }
    return typeof result === 'number' ? result : `mathjs gave ${String(result)}`;
  } catch (e) {
    return `mathjs cannot read it: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Every edge's contribution to the adjoint of a row used more than once: the consumer's op is
 * rebuilt on placeholders holding its inputs' values, and its own gradient with respect to the one
 * input slot, weighted by the consumer's adjoint, is that edge's share.
 */
function contributions(forward: Trace, adjoint: Trace, sess: Session): Map<Node, Contribution[]> {
  const value = new Map(forward.rows.map((r) => [r.node, r.value]));
  const adjointOf = new Map(adjoint.rows.map((r) => [r.node, r.value]));
  const uses = new Map<Node, { consumer: Node; slot: number }[]>();
  for (const r of forward.rows) {
    r.node.inputs.forEach((i, slot) => {
      if (forward.labels.has(i)) uses.set(i, [...(uses.get(i) ?? []), { consumer: r.node, slot }]);
    });
  }
  const out = new Map<Node, Contribution[]>();
  for (const [n, list] of uses) {
    if (list.length < 2) continue;
    out.set(n, list.map(({ consumer, slot }) => {
      const ps = consumer.inputs.map((i, k) => (forward.labels.has(i) ? placeholder(`in${k}`, value.get(i)!.shape, { dtype: 'float64' }) : i));
      const copy = apply(consumer.op, ps, consumer.attrs);
      const seed = constant(adjointOf.get(consumer)!, { dtype: 'float64' });
      const [g] = gradients(copy, [ps[slot]], [seed]);
      const feeds = new Map<Node, Input>();
      ps.forEach((p, k) => { if (p !== consumer.inputs[k]) feeds.set(p, value.get(consumer.inputs[k])!); });
      return { consumer, consumerLabel: forward.labels.get(consumer)!, slot, value: Float64Array.from(toFlat(sess.run(g, feeds))) };
    }));
  }
  return out;
}

function derivativeRows(built: Built, sess: Session): DerivativeRow[] {
  const { output, inputs, feeds } = built;
  const scalarGraph = output.shape.length === 0 && inputs.every((x) => x.shape.length === 0);
  let tree: ReturnType<typeof fromNode> | string;
  try {
    tree = scalarGraph ? fromNode(output) : 'scalar formulas of scalar inputs only';
  } catch (e) {
    tree = e instanceof Error ? e.message.replace(/^fromNode: .*: op/, 'op') : String(e);
  }
  const total = output.shape.length === 0 ? output : sum(output);
  const grads = gradients(output, [...inputs]);
  const reverse = sess.run(grads, built.feedsByNode).map((v) => Float64Array.from(toFlat(v)));
  const valueAt = (name: string, v: Input) => toFlat(sess.run(total, { ...feeds, [name]: v }))[0];
  return inputs.map((x, k) => {
    const shape = shapeOfValue(feeds[x.name], x.name);
    const n = sizeOf(shape);
    const forward = new Float64Array(n).fill(NaN);
    const central = new Float64Array(n).fill(NaN);
    if (n <= MAX_ELEMENTS) {
      const sweeps = Array.from({ length: n }, (_, i) => jvp(total, [x], [constant(oneHot(shape, i), { dtype: 'float64' })])[0]);
      sess.run(sweeps, built.feedsByNode).forEach((v, i) => { forward[i] = toFlat(v)[0]; });
      for (let i = 0; i < n; i++) {
        const h = CENTRAL_STEP;
        central[i] = (valueAt(x.name, withElement(feeds[x.name], shape, i, h)) - valueAt(x.name, withElement(feeds[x.name], shape, i, -h))) / (2 * h);
      }
    }
    let naive: ReturnType<typeof differentiate> | null = null;
    let why = typeof tree === 'string' ? tree : '';
    try {
      if (typeof tree !== 'string') naive = differentiate(tree, x.name);
    } catch (e) {
      why = e instanceof Error ? e.message.replace(/^differentiate: /, '') : String(e);
    }
    const env = Object.fromEntries(Object.entries(feeds).map(([name, v]) => [name, v as number]));
    const expression = toExpression(grads[k], { shared: true });
    return {
      input: x, shape, reverse: reverse[k], forward, central,
      symbolic: naive ? evaluateExpr(naive, env) : why,
      expression, expressionValue: evaluatePrinted(toExpression(grads[k], { shared: true, digits: 17 }), feeds),
      gradientNodes: countNodes(grads[k]), gradientTreeNodes: countNodes(grads[k], { tree: true }),
      naiveNodes: naive ? exprSize(naive) : null,
    };
  });
}

/** Parses, builds and analyses `formula` at `values`; throws FormulaError for a bad formula or value. */
export function analyse(formula: string, values: Readonly<Record<string, Value>>): Analysis {
  const built = buildGraph(parseFormula(formula), values);
  const { output, inputs, feeds } = built;
  const sess = new Session();
  const opts = { session: sess, inputs };
  const forward = forwardTrace(output, feeds, opts);
  const adjoint = adjointTrace(output, feeds, opts);
  const bad = forward.rows.find((r) => r.value && toFlat(r.value).some((v) => !Number.isFinite(v)));
  const warning = bad
    ? `${bad.label} = ${bad.definition} (${bad.op}) is ${toFlat(bad.value!).find((v) => !Number.isFinite(v))} at this point: the input is outside the op's domain, so everything after it is too`
    : null;
  return {
    built,
    warning,
    dot: toDot(output, { direction: 'TB' }),
    forward,
    adjoint,
    fanOut: contributions(forward, adjoint, sess),
    derivatives: derivativeRows(built, sess),
    gradcheck: gradcheck(output, inputs, feeds, { session: new Session({ seed: 0 }) }),
    formulaNodes: countNodes(output),
    tangent: (input, index = 0) => {
      if (!inputs.includes(input)) throw new Error(`tangent: ${input.name} is not an input of this formula`);
      const shape = shapeOfValue(feeds[input.name], input.name);
      if (!Number.isInteger(index) || index < 0 || index >= sizeOf(shape)) throw new RangeError(`tangent: ${input.name} has ${sizeOf(shape)} elements, so there is no element ${index}`);
      return tangentTrace(output, feeds, [[input, oneHot(shape, index)]], opts);
    },
  };
}
