/**
 * The default Session runs large plans in WebAssembly memory with SIMD kernels; a session with
 * `wasm: false`, `setWasmEnabled(false)`, or DAGRAD_WASM=0 runs JavaScript only. Both give the same
 * training within the documented tolerance, and variables are updated in place where the plan allows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Adam, add, assign, assignAdd, assignSub, group, init, matmul, mean, mul, placeholder, relu, Session, setWasmEnabled,
  exp, sigmoid, sigmoidCrossEntropyWithLogits, softplus, square, sub, sum, tanh, toFlat, variable, type Node,
} from '../../src/index.js';
import { Rng } from '../../src/graph/random.js';
import { kernelsFor, wasmArena, wasmCalls } from '../../src/wasm/runtime.js';
import { defaultArena, DEFAULT_ARENA_WORK } from '../../src/wasm/runtime.js';

afterEach(() => setWasmEnabled(true));

let uid = 0;

/** A 2-hidden-layer float32 MLP on a fixed batch, trained with Adam; returns its losses and final weights. */
function train(makeSession: () => Session, steps = 5): { losses: number[]; weights: number[][]; session: Session; step: Node; feeds: [Node, Float32Array][] } {
  const tag = `fast${uid++}`;
  const rng = new Rng(3);
  const B = 64, D = 48, H = 96, C = 4;
  const x = placeholder(`${tag}x`, [B, D], { dtype: 'float32' }), y = placeholder(`${tag}y`, [B, C], { dtype: 'float32' });
  const w1 = variable(`${tag}w1`, init.glorotUniform([D, H], { dtype: 'float32', seed: 1 }));
  const w2 = variable(`${tag}w2`, init.glorotUniform([H, H], { dtype: 'float32', seed: 2 }));
  const w3 = variable(`${tag}w3`, init.glorotUniform([H, C], { dtype: 'float32', seed: 3 }));
  const h1 = tanh(matmul(x, w1));
  const h2 = add(relu(matmul(h1, w2)), mul(softplus(h1), 0.1));
  const logits = matmul(sub(h2, square(mul(h2, 0.05))), w3);
  const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits }));
  const step = new Adam({ learningRate: 0.01 }).minimize(loss);
  const xs = Float32Array.from({ length: B * D }, () => rng.uniform() * 2 - 1);
  const ys = Float32Array.from({ length: B * C }, () => (rng.uniform() < 0.5 ? 1 : 0));
  const feeds: [Node, Float32Array][] = [[x, xs], [y, ys]];
  const session = makeSession();
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const [l] = session.run([loss, step], feeds.map(([n, d]) => [n, { data: d, shape: n.shape as number[] }] as const));
    losses.push(toFlat(l)[0]);
  }
  return { losses, weights: [w1, w2, w3].map((w) => toFlat(session.getValue(w))), session, step, feeds };
}

const close = (a: number[], b: number[], rel: number) => {
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / (1e-3 + Math.abs(b[i]))));
  expect(worst).toBeLessThanOrEqual(rel);
};

describe('new Session() is the fastest configuration available', () => {
  it('places a training plan in WebAssembly memory and runs its elementwise kernels as SIMD', () => {
    const before = wasmCalls.elementwise;
    const { session, step, feeds } = train(() => new Session(), 1);
    const plan = session.plan(step, feeds.map(([n, d]) => [n, { data: d, shape: n.shape as number[] }] as const));
    expect(kernelsFor((plan.steps[0].out.data as Float32Array).buffer as ArrayBuffer)).toBeDefined();
    expect(wasmCalls.elementwise).toBeGreaterThan(before);
  });

  it('defaultArena: a WebAssembly memory from 64 KiB or 16Ki elements of elementwise work, an ArrayBuffer below and with WebAssembly off', () => {
    expect(kernelsFor(defaultArena(1024, 0))).toBeUndefined();
    expect(kernelsFor(defaultArena(1024, DEFAULT_ARENA_WORK - 1))).toBeUndefined();
    expect(kernelsFor(defaultArena(1024, DEFAULT_ARENA_WORK))).toBeDefined();
    expect(kernelsFor(defaultArena(1 << 16, 0))).toBeDefined();
    setWasmEnabled(false);
    expect(kernelsFor(defaultArena(1 << 16, DEFAULT_ARENA_WORK))).toBeUndefined();
  });

  it('keeps small plans in ordinary memory (engines reserve address space per WebAssembly memory)', () => {
    const x = placeholder(`small${uid++}`, [4]);
    const s = new Session();
    const plan = s.plan(square(x), [[x, { data: [1, 2, 3, 4], shape: [4] }]]);
    expect((plan.steps[0].out.data as Float32Array).buffer instanceof ArrayBuffer).toBe(true);
    expect(kernelsFor((plan.steps[0].out.data as Float32Array).buffer as ArrayBuffer)).toBeUndefined();
  });

  it('places a small plan of much elementwise work (chains of 2000 ops on [64]) in WebAssembly memory, fused into SIMD programs, with the JavaScript results: bit for bit for arithmetic, within ulps for tanh and exp', () => {
    const chain = (x: Node, transcendental: boolean) => {
      let y: Node = x;
      for (let i = 0; i < 400; i++) y = transcendental ? sub(exp(tanh(mul(add(y, 0.5), 0.9))), 1) : sub(mul(add(y, 0.25), 0.5), mul(square(y), 0.125));
      return y;
    };
    for (const transcendental of [false, true]) {
      const x = placeholder(`chain${uid++}`, [64], { dtype: 'float32' });
      const y = chain(x, transcendental);
      const feeds = [[x, { data: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), shape: [64] }]] as const;
      const s = new Session();
      const plan = s.plan(y, feeds);
      expect(kernelsFor((plan.steps[0].out.data as Float32Array).buffer as ArrayBuffer)).toBeDefined();
      // groups of at most 32 ops, every op in one
      expect(plan.steps.every((st) => st.fused !== undefined && st.fused.length <= 32)).toBe(true);
      const got = toFlat(s.run(y, feeds)), again = toFlat(s.run(y, feeds));
      const want = toFlat(new Session({ wasm: false }).run(y, feeds));
      expect(again).toEqual(got);
      if (!transcendental) expect(got).toEqual(want);
      else close(got, want, 1e-5);
    }
  });

  it('trains like the JavaScript-only session, within 1e-4 relative after five Adam steps (per kernel: SIMD matmul within K+1 float32 roundings, sigmoid and the logistic loss one ulp)', () => {
    const fast = train(() => new Session());
    const js = train(() => new Session({ wasm: false }));
    setWasmEnabled(false);
    const off = train(() => new Session());
    setWasmEnabled(true);
    expect(fast.losses[4]).toBeLessThan(fast.losses[0]);
    close(fast.losses, js.losses, 1e-4);
    fast.weights.forEach((w, i) => close(w, js.weights[i], 1e-4));
    expect(off.losses).toEqual(js.losses);
    expect(off.weights).toEqual(js.weights);
  });

  it('binds each unfused elementwise step and sum over the batch on arena arrays to its SIMD call at plan time (a bias row, a per-row scale, a scalar read at every run), with the JavaScript bits', () => {
    const tag = `bound${uid++}`;
    const x = placeholder(`${tag}x`, [32, 128], { dtype: 'float32' }), c = placeholder(`${tag}c`, [32, 1], { dtype: 'float32' });
    const k = placeholder(`${tag}k`, [], { dtype: 'float32' });
    const b = variable(`${tag}b`, init.uniform([128], { dtype: 'float32', seed: 4 }));
    const h = relu(add(x, b)); // a bias row, then a unary op
    const y = sub(mul(c, h), mul(h, k)); // a column on the left, a scalar fed at each run
    const fetches = [y, sum(y, { axes: 0 })]; // a bias gradient's column sums
    const rng = new Rng(5);
    const feeds = (kv: number) => [
      [x, { data: Float32Array.from({ length: 32 * 128 }, () => rng.uniform() * 2 - 1), shape: [32, 128] }],
      [c, { data: Float32Array.from({ length: 32 }, () => rng.uniform()), shape: [32, 1] }],
      [k, { data: [kv], shape: [] }],
    ] as const;
    const fast = new Session({ arena: wasmArena, fuse: false }), js = new Session({ wasm: false });
    for (const kv of [0.5, 3]) {
      const f = feeds(kv);
      const before = { ...wasmCalls };
      const got = fast.run(fetches, f).map(toFlat);
      expect(wasmCalls.elementwise - before.elementwise).toBe(5);
      expect(wasmCalls.reduce - before.reduce).toBe(1);
      expect(got).toEqual(js.run(fetches, f).map(toFlat));
    }
  });

  it('with wasm: false, no kernel runs in WebAssembly', () => {
    const before = wasmCalls.elementwise;
    train(() => new Session({ wasm: false }), 2);
    expect(wasmCalls.elementwise).toBe(before);
  });
});

describe('assignments written straight into their variable', () => {
  it('an update whose variable nothing reads afterwards writes into the variable (no copy), and reads in the run see the old value', () => {
    const v = variable(`v${uid++}`, init.fill([300], 2));
    const g = placeholder(`g${uid++}`, [300]);
    const s = new Session();
    const readBefore = sum(mul(v, v));
    const upd = assignSub(v, mul(g, 0.5));
    const feeds = [[g, { data: new Array(300).fill(1), shape: [300] }]] as const;
    const plan = s.plan([readBefore, upd], feeds);
    const storage = plan.values.get(v)!;
    expect(plan.assigns[0].value).toBe(storage);
    const [r] = s.run([readBefore, upd], feeds);
    expect(toFlat(r)[0]).toBe(300 * 4);
    expect(toFlat(s.getValue(v))).toEqual(new Array(300).fill(1.5));
    s.run([readBefore, upd], feeds);
    expect(toFlat(s.getValue(v))).toEqual(new Array(300).fill(1));
  });

  it('not when the variable is fetched in the same run, read after its assign, or assigned twice (the last assign wins, as before)', () => {
    const v = variable(`w${uid++}`, init.fill([3], 2));
    const s = new Session();
    const upd = assignAdd(v, 1);
    const [old] = s.run([v, upd]);
    expect(toFlat(old)).toEqual([2, 2, 2]);
    expect(toFlat(s.getValue(v))).toEqual([3, 3, 3]);
    expect(s.plan([v, upd]).assigns[0].value).not.toBe(s.plan([v, upd]).values.get(v));

    const twice = group([assign(v, 10), assignAdd(v, 1)]);
    s.run(twice);
    expect(toFlat(s.getValue(v))).toEqual([4, 4, 4]);
    const plan = s.plan(twice);
    for (const a of plan.assigns) expect(a.value).not.toBe(plan.values.get(v));
  });
});
