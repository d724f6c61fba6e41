/**
 * Numerical differentiation: central differences (f(x+e) - f(x-e)) / 2e in float64, the reference
 * every other way of getting a derivative is checked against. Too slow to train with.
 */
import type { NdArray } from 'ndarray';
import { gradients, jvp } from '../autodiff/gradients.js';
import { describe, Node } from '../graph/node.js';
import { feedEntries, Session, type Feeds } from '../session/session.js';
import { formatShape } from '../graph/shape.js';
import { contiguous, toNdArray, type Data, type Input } from '../graph/tensor.js';
import { Rng } from '../graph/random.js';
import { constant } from '../graph/constant.js';

export interface GradcheckOptions {
  /** Step of the central difference. Default 1e-6. */
  eps?: number;
  /** Pass when |analytic - numeric| <= tol * (1 + |numeric|) everywhere. Default 1e-6. */
  tol?: number;
  /** Which derivatives to check: reverse mode (gradients), forward mode (jvp), or both (default). */
  mode?: 'reverse' | 'forward' | 'both';
  /** Seeds the random output weights and tangent directions. Default 0. */
  seed?: number;
  session?: Session;
}

/** Where one input's derivative is worst. */
export interface InputReport {
  readonly input: string;
  readonly mode: 'reverse' | 'forward';
  /** Flat index of the worst element (of the input in reverse mode, of the output in forward mode). */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absError: number;
  readonly relError: number;
  /** absError / (1 + |numeric|), the number compared with `tol`. */
  readonly score: number;
}

export interface GradcheckReport {
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly worst: InputReport | null;
  readonly inputs: readonly InputReport[];
  /** A readable summary, one line per input and mode. */
  readonly summary: string;
}

/**
 * Checks the derivatives of `y` with respect to each of `xs` (placeholders or variables, float64)
 * at the values in `feeds` (a variable not fed keeps its session value). Reverse mode weights y's
 * elements with fixed random numbers, so errors cannot cancel in a sum; forward mode moves all xs
 * along one random direction and compares every output element.
 */
export function gradcheck(y: Node, xs: readonly Node[], feeds: Feeds = {}, opts: GradcheckOptions = {}): GradcheckReport {
  const eps = opts.eps ?? 1e-6;
  const tol = opts.tol ?? 1e-6;
  const mode = opts.mode ?? 'both';
  const sess = opts.session ?? new Session({ seed: opts.seed ?? 0 });
  const rng = new Rng(opts.seed ?? 0);
  for (const n of [y, ...xs]) {
    if (n.dtype !== 'float64') throw new TypeError(`gradcheck: ${describe(n)} is ${n.dtype}; derivatives are checked in float64`);
  }
  const base = feedEntries(feeds);
  const values = xs.map((x) => {
    const hit = base.find(([k]) => k === x || k === x.name);
    if (hit) return toNdArray(hit[1], { dtype: 'float64', where: `gradcheck: value of '${x.name}'` });
    if (x.op.kind === 'variable') return sess.getValue(x);
    throw new Error(`gradcheck: no value for ${describe(x)}; feed it`);
  });
  const others = base.filter(([k]) => !xs.some((x) => k === x || k === x.name));
  const runY = (vals: readonly NdArray[]): NdArray =>
    sess.run(y, [...others, ...xs.map((x, i) => [x, vals[i]] as [Node, Input])]);
  const y0 = runY(values);
  const reports: InputReport[] = [];

  if (mode !== 'forward') {
    const w = randomLike(y0, rng);
    const wNode = constant(w, { dtype: 'float64' });
    const gs = gradients(y, xs, [wNode]);
    const analytic = sess.run(gs, [...others, ...xs.map((x, i) => [x, values[i]] as [Node, Input])]);
    const f = (vals: readonly NdArray[]) => dot(runY(vals), w);
    xs.forEach((x, i) => {
      const ga = flat(analytic[i]);
      if (analytic[i].shape.join() !== values[i].shape.join()) {
        throw new Error(`gradcheck: gradient for '${x.name}' is ${formatShape(analytic[i].shape)}, its value ${formatShape(values[i].shape)}`);
      }
      const gn = new Float64Array(ga.length);
      for (let k = 0; k < ga.length; k++) gn[k] = central(values, i, k, eps, f);
      reports.push(worstOf(x.name, 'reverse', ga, gn));
    });
  }

  if (mode !== 'reverse') {
    const dirs = values.map((v) => randomLike(v, rng));
    const ts = jvp(y, xs, dirs.map((d) => constant(d, { dtype: 'float64' })));
    const ta = flat(sess.run(ts[0], [...others, ...xs.map((x, i) => [x, values[i]] as [Node, Input])]));
    const plus = runY(values.map((v, i) => axpy(v, dirs[i], eps)));
    const minus = runY(values.map((v, i) => axpy(v, dirs[i], -eps)));
    const p = flat(plus), m = flat(minus);
    const tn = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) tn[k] = (p[k] - m[k]) / (2 * eps);
    reports.push(worstOf(xs.map((x) => x.name).join(','), 'forward', ta, tn));
  }

  const worst = reports.reduce<InputReport | null>((w, r) => (!w || r.score > w.score ? r : w), null);
  const ok = reports.every((r) => r.score <= tol);
  const summary = reports
    .map((r) => `${r.mode} d/d${r.input}: abs ${r.absError.toExponential(2)} rel ${r.relError.toExponential(2)} at [${r.index}] (analytic ${r.analytic}, numeric ${r.numeric})`)
    .join('\n');
  return {
    ok,
    maxAbsError: Math.max(0, ...reports.map((r) => r.absError)),
    maxRelError: Math.max(0, ...reports.map((r) => r.relError)),
    worst,
    inputs: reports,
    summary,
  };
}

const flat = (a: NdArray): Float64Array => Float64Array.from(contiguous(a, 'float64').data as Data as ArrayLike<number>);

function randomLike(a: NdArray, rng: Rng): NdArray {
  const c = contiguous(a, 'float64');
  const d = c.data as Float64Array;
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1);
  return c;
}

function dot(a: NdArray, b: NdArray): number {
  const x = flat(a), y = flat(b);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

function axpy(v: NdArray, d: NdArray, e: number): NdArray {
  const out = contiguous(v, 'float64');
  const o = out.data as Float64Array, dd = flat(d);
  for (let i = 0; i < o.length; i++) o[i] += e * dd[i];
  return out;
}

function central(values: readonly NdArray[], i: number, k: number, eps: number, f: (v: readonly NdArray[]) => number): number {
  const vals = values.slice();
  const moved = contiguous(values[i], 'float64');
  vals[i] = moved;
  const d = moved.data as Float64Array;
  const x = d[k];
  d[k] = x + eps;
  const fp = f(vals);
  d[k] = x - eps;
  const fm = f(vals);
  return (fp - fm) / (2 * eps);
}

function worstOf(input: string, mode: 'reverse' | 'forward', a: Float64Array, n: Float64Array): InputReport {
  let best: InputReport = { input, mode, index: -1, analytic: 0, numeric: 0, absError: 0, relError: 0, score: 0 };
  for (let k = 0; k < a.length; k++) {
    const abs = Math.abs(a[k] - n[k]);
    const score = Number.isNaN(abs) ? Infinity : abs / (1 + Math.abs(n[k]));
    if (score > best.score || best.index < 0) {
      best = { input, mode, index: k, analytic: a[k], numeric: n[k], absError: abs, relError: abs / Math.max(Math.abs(n[k]), 1e-300), score };
    }
  }
  return best;
}
