/**
 * Property test: random DAGs of public ops (fan-out, broadcasting between [B,3], [3] and scalars, a
 * batch dimension unknown at build time) agree with themselves every way we can compute them:
 * reverse mode against central differences in float64, forward mode against reverse mode, planned
 * against unplanned sessions (bit for bit), WebAssembly kernels against plain JavaScript.
 * DAGRAD_PROPERTY_RUNS sets the number of graphs (default 200: a few seconds).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  add, constant, div, exp, gradients, jvp, mean, mul, neg, placeholder, Rng, Session, setWasmEnabled, sigmoid, softplus, square, sub, sum,
  tanh, toFlat, wasmEnabled, type Node,
} from '../../src/index.js';

const RUNS = Number(globalThis.process?.env.DAGRAD_PROPERTY_RUNS ?? 200);
const B = 2;

type Step = { readonly op: number; readonly a: number; readonly b: number };
const UNARY: ((x: Node) => Node)[] = [tanh, sigmoid, softplus, (x) => mul(square(x), 0.5), neg, (x) => exp(mul(tanh(x), 0.5)), (x) => (x.rank ? sum(x, { axes: -1, keepDims: true }) : neg(x)), (x) => (x.rank ? mean(x, { axes: 0 }) : square(x))];
const BINARY: ((x: Node, y: Node) => Node)[] = [add, sub, mul, (x, y) => div(x, add(square(y), 1)), (x, y) => mul(tanh(x), y)];
const step = fc.record({ op: fc.nat(UNARY.length + BINARY.length - 1), a: fc.nat(), b: fc.nat() });
const graph = fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 10 }), seed: fc.nat() });

/** The graph: inputs a [null,3], b [3], c [], then each step on earlier nodes (any of them, so nodes fan out). */
function build(steps: readonly Step[]) {
  const a = placeholder('a', [null, 3], { dtype: 'float64' });
  const b = placeholder('b', [3], { dtype: 'float64' });
  const c = placeholder('c', [], { dtype: 'float64' });
  const nodes: Node[] = [a, b, c];
  for (const s of steps) {
    const x = nodes[s.a % nodes.length], y = nodes[s.b % nodes.length];
    nodes.push(s.op < UNARY.length ? UNARY[s.op](x) : BINARY[s.op - UNARY.length](x, y));
  }
  // every input reaches y, so that each gradient is a real one; the later nodes weigh more
  const y = sum(nodes.slice(3).reduce((acc, n, i) => add(acc, mul(sum(n), (i + 1) / nodes.length)), add(sum(a), add(sum(b), c))));
  return { xs: [a, b, c], y };
}

const SHAPES = [[B, 3], [3], []] as const;
const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

function valuesFor(seed: number): number[][] {
  const rng = new Rng(seed);
  return SHAPES.map((s) => Array.from({ length: size(s) }, () => rng.uniform() * 2 - 1));
}
const feedsOf = (xs: Node[], vals: number[][]) => xs.map((x, i) => [x, { data: Float64Array.from(vals[i]), shape: SHAPES[i] }] as [Node, { data: Float64Array; shape: readonly number[] }]);

function central(sess: Session, y: Node, xs: Node[], vals: number[][], eps = 1e-5): number[][] {
  return vals.map((v, i) =>
    v.map((_, j) => {
      const at = (d: number) => {
        const moved = vals.map((w) => [...w]);
        moved[i][j] += d;
        return toFlat(sess.run(y, feedsOf(xs, moved)))[0];
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    }),
  );
}

const close = (got: readonly number[], want: readonly number[], tol: number) =>
  got.length === want.length && got.every((g, k) => Math.abs(g - want[k]) <= tol * (1 + Math.abs(want[k])));

describe('random graphs', () => {
  afterAll(() => setWasmEnabled(true));

  it(`agree in every mode (${RUNS} graphs)`, () => {
    const wasm = wasmEnabled();
    fc.assert(
      fc.property(graph, ({ steps, seed }) => {
        const { xs, y } = build(steps);
        const vals = valuesFor(seed);
        const feeds = feedsOf(xs, vals);
        const grads = gradients(y, xs);
        const dir = valuesFor(seed + 1);
        const [t] = jvp(y, xs, xs.map((x, i) => constant({ data: Float64Array.from(dir[i]), shape: SHAPES[i] }, { dtype: 'float64' })));
        const fetches = [y, ...grads, t];

        const planned = new Session().run(fetches, feeds).map(toFlat);
        const unplanned = new Session({ planMemory: false }).run(fetches, feeds).map(toFlat);
        expect(planned).toEqual(unplanned);

        const numeric = central(new Session(), y, xs, vals);
        grads.forEach((_, i) => expect(close(planned[1 + i], numeric[i], 1e-5), `gradient ${i}: ${planned[1 + i]} vs ${numeric[i]}`).toBe(true));
        const directional = grads.reduce((s, _, i) => s + planned[1 + i].reduce((u, g, k) => u + g * dir[i][k], 0), 0);
        expect(close(planned[4], [directional], 1e-9)).toBe(true);

        if (wasm) {
          setWasmEnabled(false);
          try {
            const js = new Session().run(fetches, feeds).map(toFlat);
            js.forEach((v, i) => expect(close(v, planned[i], 1e-12)).toBe(true));
          } finally {
            setWasmEnabled(true);
          }
        }
      }),
      { numRuns: RUNS, seed: Number(globalThis.process?.env.DAGRAD_PROPERTY_SEED ?? 20261201) },
    );
  });
});
