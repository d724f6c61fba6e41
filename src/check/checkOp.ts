/**
 * checkOp: what a user runs in their own tests for an op they defined (with defineOp) or composed
 * (a builder function), and what dagrad's own gradient table runs for every built-in op. For each
 * case it checks the shape rule against what the kernel writes, the kernel against an expected
 * value when one is given and against the session's run, and backward and jvp against central
 * differences in float64, input by input (via gradcheck).
 */
import ndarray, { type NdArray } from 'ndarray';
import { apply } from '../graph/apply.js';
import { allocate, type DType } from '../graph/dtype.js';
import { gradients, jvp } from '../autodiff/gradients.js';
import { constant } from '../graph/constant.js';
import type { Node } from '../graph/node.js';
import type { OpDef, TensorType } from '../graph/op.js';
import { Session } from '../session/session.js';
import { compatible, formatShape, sameShape, sizeOf, stridesOf, type ConcreteShape, type Shape } from '../graph/shape.js';
import { broadcastView, toFlat, toNdArray, type Input } from '../graph/tensor.js';
import { topoSort } from '../graph/topo.js';
import { placeholder } from '../ops/placeholder.js';
import { gradcheck, type InputReport } from './gradcheck.js';

export interface OpCase<A = unknown> {
  /** A label for the report. Default: the input shapes. */
  name?: string;
  /** One value per input (per placeholder `build` receives). */
  inputs: readonly Input[];
  /**
   * The op's attributes (defineOp ops only), in the normalised form its builder would pass, or a
   * function of the input nodes that makes them (as a builder passes to `apply`).
   */
  attrs?: A | ((inputs: readonly Node[]) => A);
  /**
   * Instead of applying the op to the inputs: builds the output from the input placeholders, with
   * the op somewhere inside (a builder with its defaults, the op between other ops, an output
   * made differentiable: `mul(oneHot(argmax(a)), a)`). Every node of the op in that graph gets the
   * kernel checks, on the values that reach it; the derivatives are checked on the output.
   */
  build?: (...inputs: Node[]) => Node;
  /**
   * The output's derivative is zero by design (a state update, stopGradient, a detour through
   * int32): checks that backward and jvp give zeros, not central differences.
   */
  zeroDerivative?: boolean;
  /** Per input: 'int32' inputs (indices, labels) are fed, never differentiated. Default 'float64'. */
  dtypes?: readonly DType[];
  /** The placeholders' static shapes where they differ from the values' (null = unknown), to check the rule on unknown dims. */
  staticShapes?: readonly (Shape | undefined)[];
  /** The right output, computed independently (a value, or a function of the inputs): checks the kernel's values and shape. */
  expected?: Input | ((inputs: NdArray[]) => Input);
  /** Derivative tolerance for this case. */
  tol?: number;
}

export interface CheckOpOptions {
  /** Pass when |analytic - numeric| <= tol * (1 + |numeric|). Default 1e-6. */
  tol?: number;
  /** Central-difference step. Default 1e-6. */
  eps?: number;
  /** Which derivative rules to check. Default 'both'. */
  mode?: 'both' | 'reverse' | 'forward' | 'none';
  /** Kernel values against `expected` and against the session's run of the node: |got - want| <= valueTol * (1 + |want|). Default 1e-9. */
  valueTol?: number;
  seed?: number;
  /** Throw an OpCheckError with the summary when a check fails. Default false. */
  throwOnFailure?: boolean;
}

export interface OpCaseReport {
  readonly name: string;
  readonly ok: boolean;
  /** The output's static shape; its shape for the concrete inputs; elements the kernel wrote, over all of the op's nodes (-1: none run). */
  readonly shape: { readonly inferred: Shape | null; readonly runtime: ConcreteShape | null; readonly kernelWrote: number };
  /** What went wrong, in words; empty when the case passes. */
  readonly problems: readonly string[];
  /** Worst derivative error per differentiated input and mode. */
  readonly inputs: readonly InputReport[];
}

export interface OpCheckReport {
  readonly op: string;
  readonly ok: boolean;
  readonly cases: readonly OpCaseReport[];
  /** Per input (x0, x1, ...) and mode, the worst score over all cases. */
  readonly worst: readonly InputReport[];
  readonly summary: string;
}

export class OpCheckError extends Error {
  override name = 'OpCheckError';
  constructor(readonly report: OpCheckReport) {
    super(report.summary);
  }
}

type Checked<A> = OpDef<A> | ((...inputs: Node[]) => Node);

/** Checks `op` on every case; see OpCase. An op is a definition or a builder composed of other ops. */
export function checkOp<A>(op: Checked<A>, cases: readonly OpCase<A>[], opts: CheckOpOptions = {}): OpCheckReport {
  const name = typeof op === 'function' ? op.name || 'composite' : op.name;
  if (cases.length === 0) throw new TypeError(`checkOp ${name}: no cases`);
  const reports = cases.map((c, k) => checkCase(op, name, c, k, opts));
  const worst = new Map<string, InputReport>();
  for (const r of reports.flatMap((c) => c.inputs)) {
    const key = `${r.input} ${r.mode}`;
    if (!worst.has(key) || r.score > worst.get(key)!.score) worst.set(key, r);
  }
  const ok = reports.every((r) => r.ok);
  const summary = [`checkOp ${name}: ${reports.length} case(s), ${ok ? 'all passed' : `${reports.filter((r) => !r.ok).length} failed`}`, ...reports.map(formatCase)].join('\n');
  const report = { op: name, ok, cases: reports, worst: [...worst.values()], summary };
  if (!ok && opts.throwOnFailure) throw new OpCheckError(report);
  return report;
}

function formatCase(r: OpCaseReport): string {
  const lines = [`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: output ${r.shape.runtime ? formatShape(r.shape.runtime) : '?'}`];
  for (const p of r.problems) lines.push(`       - ${p}`);
  for (const i of r.inputs) {
    lines.push(`       ${i.mode.padEnd(7)} d/d${i.input}: worst error ${i.absError.toExponential(2)} at [${i.index}] (analytic ${sig(i.analytic)}, numeric ${sig(i.numeric)})`);
  }
  return lines.join('\n');
}

function checkCase<A>(op: Checked<A>, opName: string, c: OpCase<A>, k: number, opts: CheckOpOptions): OpCaseReport {
  const dtypes = c.inputs.map((_, i) => c.dtypes?.[i] ?? 'float64');
  const values = c.inputs.map((v, i) => toNdArray(v, { dtype: dtypes[i], where: `checkOp ${opName} case ${k} input ${i}`, cast: true }));
  const name = c.name ?? values.map((v) => formatShape(v.shape)).join(', ');
  const problems: string[] = [];
  const fail = (shape: OpCaseReport['shape']): OpCaseReport => ({ name, ok: false, shape, problems, inputs: [] });
  const xs = values.map((v, i) => placeholder(`x${i}`, c.staticShapes?.[i] ?? v.shape, { dtype: dtypes[i] }));
  let y: Node;
  try {
    if (typeof op === 'function') {
      if (c.build || c.attrs !== undefined) throw new TypeError('build and attrs are for op definitions; a builder is checked as it is');
      y = op(...xs);
    } else {
      y = c.build ? c.build(...xs) : apply(op, xs, c.attrs ?? ({} as A));
    }
  } catch (e) {
    problems.push(`building the node failed: ${message(e)}`);
    return fail({ inferred: null, runtime: null, kernelWrote: -1 });
  }
  // The op's own nodes: the case's output, or every node of the op inside the graph `build` made.
  const under = typeof op === 'function' ? [] : topoSort([y]).filter((n) => n.op === op);
  if (typeof op !== 'function' && under.length === 0) problems.push(`the case's graph has no '${opName}' node`);
  const kernels = under.filter((n) => (n.op.kind ?? 'op') === 'op');
  const sess = new Session({ seed: opts.seed ?? 0 });
  const feeds = xs.map((x, i) => [x, values[i]] as [Node, Input]);
  const direct = typeof op !== 'function' && !c.build;
  let out: NdArray | undefined;
  let wrote = -1;
  let runtime: ConcreteShape | undefined;
  try {
    // What reaches each of the op's nodes: the inputs themselves, or the session's values in a graph.
    const fetched = direct ? [] : sess.run([y, ...kernels.flatMap((n) => [n, ...n.inputs])], feeds);
    if (!direct) [out] = fetched;
    let at = 1;
    for (const n of kernels) {
      const value = direct ? null : fetched[at++];
      const ins = direct ? values : n.inputs.map(() => fetched[at++]);
      const before = problems.length;
      const r = runKernel(n.op, n, ins, n.attrs, problems);
      wrote = Math.max(wrote, 0) + r.wrote;
      if (direct) [out, runtime] = [r.out, r.runtime];
      if (problems.length > before || n.op.stateful) continue;
      // The session may run another path (a plan-bound kernel, an in-place write): the same values.
      compareValues(r.out, value ?? sess.run(n, feeds), opts.valueTol ?? 1e-9, `the session's value of ${n.op.name} '${n.name}'`, problems);
    }
    out ??= sess.run(y, feeds);
    runtime ??= out.shape;
  } catch (e) {
    problems.push(`running the op failed: ${message(e)}`);
    return fail({ inferred: y.shape, runtime: null, kernelWrote: wrote });
  }
  const shape = { inferred: y.shape, runtime, kernelWrote: wrote };
  if (!compatible(y.shape, runtime)) {
    problems.push(`the shape rule gives ${formatShape(y.shape)} for the static shapes but ${formatShape(runtime)} for the concrete ones`);
  }
  const got = toFlat(out!);
  if (got.some((v) => !Number.isFinite(v)) && values.every((v) => toFlat(v).every(Number.isFinite))) {
    problems.push(`the output has non-finite values for finite inputs: [${got.slice(0, 6).join(', ')}${got.length > 6 ? ', …' : ''}]`);
  }
  if (c.expected !== undefined) compareExpected(c, values, out!, opts.valueTol ?? 1e-9, problems);
  const inputs = problems.length === 0 ? checkDerivatives(y, xs, dtypes, feeds, c, opts, problems) : [];
  return { name, ok: problems.length === 0, shape, problems, inputs };
}

/**
 * Runs the op's view or kernel directly, as the session would, into an output of the rule's shape
 * placed in a larger buffer filled with a sentinel (moderate, so that an accumulated value shows).
 * Writes past its end mean the rule is too small; elements left unwritten (the sentinel on both of
 * two runs with different sentinels) mean it is too large, or the kernel skips elements; results
 * that differ between the runs mean the kernel reads its output.
 */
function runKernel(op: OpDef, y: Node, values: readonly NdArray[], attrs: unknown, problems: string[]) {
  if (!op.forward && !op.view) throw new Error(`${op.name} '${y.name}' has neither a view nor a forward kernel`);
  const types: TensorType[] = values.map((v, i) => ({ shape: v.shape, dtype: y.inputs[i].dtype }));
  const runtime = op.infer(types, attrs).shape as ConcreteShape;
  if (runtime.some((d) => d === null || !Number.isInteger(d) || d < 0)) {
    throw new Error(`the shape rule gives ${formatShape(runtime)} for concrete inputs; every dimension must be known`);
  }
  const viewed = op.view?.(values, attrs, runtime) ?? null;
  if (viewed) {
    if (!sameShape(viewed.shape, runtime)) problems.push(`the view has shape ${formatShape(viewed.shape)} but the shape rule gives ${formatShape(runtime)}`);
    return { out: viewed, wrote: viewed.size, runtime };
  }
  if (!op.forward) throw new Error('the op has neither a view nor a forward kernel');
  const n = sizeOf(runtime);
  const guard = Math.max(16, n);
  const runOnce = (sentinel: number) => {
    const buf = allocate(y.dtype, n + guard);
    buf.fill(sentinel);
    const s = buf[0];
    const out = ndarray(buf, runtime.slice(), stridesOf(runtime), 0);
    const ins = op.broadcast ? values.map((v) => broadcastView(v, runtime)) : values;
    op.forward!(ins, out, attrs);
    return { buf, s, out };
  };
  const a = runOnce(y.dtype === 'int32' ? -123456789 : -7654321.5);
  const b = runOnce(y.dtype === 'int32' ? 987654321 : 1234567.125);
  let unwritten = 0, differ = 0, past = 0;
  for (let i = 0; i < n; i++) {
    const ua = a.buf[i] === a.s, ub = b.buf[i] === b.s;
    if (ua && ub) unwritten++;
    // a stateful op (a random draw) gives other values on each run by design
    else if (!op.stateful && !Object.is(a.buf[i], b.buf[i])) differ++;
  }
  for (let i = n; i < n + guard; i++) if (a.buf[i] !== a.s || b.buf[i] !== b.s) past++;
  const rs = formatShape(runtime);
  if (past > 0) problems.push(`the kernel wrote ${past} element(s) past the end of its ${rs} output (${n} elements): the shape rule is smaller than what the kernel produces`);
  if (unwritten > 0) problems.push(`the kernel left ${unwritten} of the ${n} elements of its ${rs} output unwritten: the shape rule is larger than what the kernel produces, or the kernel skips elements`);
  if (differ > 0) problems.push(`${differ} output element(s) depend on the output buffer's previous contents: a kernel must overwrite every element, not accumulate into it`);
  return { out: a.out, wrote: n - unwritten + past, runtime };
}

function compareExpected<A>(c: OpCase<A>, values: NdArray[], out: NdArray, tol: number, problems: string[]): void {
  const want = toNdArray(typeof c.expected === 'function' ? c.expected(values) : c.expected!, { dtype: 'float64', where: 'expected', cast: true });
  if (!sameShape(want.shape, out.shape)) {
    problems.push(`the output has shape ${formatShape(out.shape)} but the expected value has ${formatShape(want.shape)}`);
    return;
  }
  compareValues(out, want, tol, 'expected', problems);
}

/** `got` against `want` of the same shape: |got - want| <= tol * (1 + |want|) everywhere (NaN only where NaN is wanted). */
function compareValues(got: NdArray, want: NdArray, tol: number, what: string, problems: string[]): void {
  if (!sameShape(want.shape, got.shape)) {
    problems.push(`the output has shape ${formatShape(got.shape)} but ${what} has ${formatShape(want.shape)}`);
    return;
  }
  const w = toFlat(want), g = toFlat(got);
  let worst = -1, score = 0;
  for (let i = 0; i < w.length; i++) {
    const s = Object.is(g[i], w[i]) ? 0 : Math.abs(g[i] - w[i]) / (1 + Math.abs(w[i]));
    if (Number.isNaN(s) || s > score) [worst, score] = [i, Number.isNaN(s) ? Infinity : s];
  }
  if (worst >= 0 && score > tol) problems.push(`output element [${worst}] is ${g[worst]}, ${what === 'expected' ? 'expected' : `but ${what} is`} ${w[worst]}`);
}

function checkDerivatives<A>(
  y: Node, xs: readonly Node[], dtypes: readonly DType[], feeds: [Node, Input][], c: OpCase<A>, opts: CheckOpOptions, problems: string[],
): InputReport[] {
  const mode = opts.mode ?? 'both';
  if (mode === 'none') return [];
  if (c.zeroDerivative) {
    checkZeroDerivative(y, xs.filter((_, i) => dtypes[i] === 'float64'), feeds, mode, problems);
    return [];
  }
  // A nondifferentiable op's float64 output is still checked: central differences must find it flat.
  if (y.op.nondifferentiable && y.dtype !== 'float64') return [];
  if (y.dtype !== 'float64') {
    problems.push(`the output is ${y.dtype}; derivatives are checked on float64 outputs (pass mode: 'none' to skip them)`);
    return [];
  }
  const tol = c.tol ?? opts.tol ?? 1e-6;
  const reports: InputReport[] = [];
  const modes = mode === 'both' ? (['reverse', 'forward'] as const) : [mode];
  xs.forEach((x, i) => {
    if (dtypes[i] !== 'float64') return;
    for (const m of modes) {
      try {
        const r = gradcheck(y, [x], feeds, { mode: m, tol, eps: opts.eps, seed: opts.seed });
        const worst = { ...r.inputs[0], input: x.name };
        reports.push(worst);
        if (!r.ok) problems.push(`${m === 'reverse' ? 'backward' : 'jvp'} is wrong for input ${i} (${x.name}): error ${worst.absError.toExponential(2)} at [${worst.index}] is over ${tol.toExponential(0)} * (1 + |numeric|)`);
      } catch (e) {
        problems.push(`${m === 'reverse' ? 'backward' : 'jvp'} for input ${i} (${x.name}) failed: ${message(e)}`);
      }
    }
  });
  return reports;
}

/** Backward and jvp of `y` give zeros, for each differentiable input and mode. */
function checkZeroDerivative(y: Node, xs: readonly Node[], feeds: [Node, Input][], mode: 'both' | 'reverse' | 'forward', problems: string[]): void {
  if (xs.length === 0) {
    problems.push('zeroDerivative needs a float64 input to differentiate against');
    return;
  }
  const sess = new Session();
  const ones = (x: Node) => constant({ data: new Float64Array(sizeOf(x.shape.map((d) => d ?? 1))).fill(1), shape: x.shape.map((d) => d ?? 1) });
  const check = (m: 'reverse' | 'forward', ds: () => Node[]) => {
    try {
      sess.run(ds(), feeds).forEach((d, i) => {
        const flat = toFlat(d), at = flat.findIndex((v) => v !== 0);
        if (at >= 0) problems.push(`${m === 'reverse' ? 'backward' : 'jvp'} for input ${i} (${xs[i].name}) is ${flat[at]} at [${at}], not zero`);
      });
    } catch (e) {
      problems.push(`${m === 'reverse' ? 'backward' : 'jvp'} failed: ${message(e)}`);
    }
  };
  if (mode !== 'forward') check('reverse', () => gradients(y, xs));
  if (mode !== 'reverse') check('forward', () => xs.map((x) => jvp(y, [x], [ones(x)])[0]));
}

const sig = (v: number): string => String(Number(v.toPrecision(12)));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
