/**
 * Elementwise fusion (src/plan/fuse.ts): groups of elementwise ops whose intermediates have no
 * other reader run as one loop, with the same bits as the ops one by one, and the plan says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Adam, AdamW, abs, add, apply, assignSub, div, equal, exp, greater, greaterEqual, init, less, lessEqual, log, matmul, maximum,
  minimum, mul, neg, OPS, placeholder, pow, relu, RMSProp, Session, setWasmEnabled, SGD, sigmoid, softplus, sqrt, square,
  sub, sum, tanh, toFlat, transpose, variable, where, type DType, type Node,
} from '../../src/index.js';
import { formulaOf } from '../../src/ops/elementwise.js';
import { Rng } from '../../src/graph/random.js';

afterEach(() => setWasmEnabled(true));

let uid = 0;
const rng = new Rng(5);
const data = (n: number, dtype: DType, lo = -2, hi = 2): number[] =>
  Array.from({ length: n }, () => (dtype === 'int32' ? Math.round(lo + (hi - lo) * rng.uniform()) : lo + (hi - lo) * rng.uniform()));

/** Runs `fetch` fused and unfused (same feeds); returns both results as flat arrays, and the fused plan. */
function both(fetch: Node, feeds: [Node, number[]][], opts: { wasm?: boolean } = {}) {
  const f = feeds.map(([n, d]) => [n, { data: d, shape: n.shape as number[] }] as const);
  // simplify: false, so that the plan runs the ops as written (the rewrite pass would turn add(a, neg(b)) into sub)
  const fused = new Session({ ...opts, fuse: true, simplify: false }), plain = new Session({ ...opts, fuse: false, simplify: false });
  const a = toFlat(fused.run(fetch, f)), b = toFlat(plain.run(fetch, f));
  return { fused: a, plain: b, plan: fused.plan(fetch, f) };
}

const fusedGroups = (plan: { steps: readonly { node: Node; fused?: readonly Node[] }[] }) =>
  [...new Set(plan.steps.filter((s) => s.fused).map((s) => s.fused!))].map((g) => g.map((n) => n.op.name));

describe('elementwise fusion', () => {
  it('runs a chain with a broadcast operand as one loop, bit for bit as the ops one by one (f32, f64, every size class)', () => {
    for (const wasm of [false, true]) {
      for (const dtype of ['float32', 'float64'] as const) {
        for (const [m, n] of [[1, 3], [4, 4], [64, 40], [300, 70]]) {
          const x = placeholder(`fx${uid++}`, [m, n], { dtype }), b = placeholder(`fb${uid++}`, [n], { dtype });
          const y = tanh(add(mul(x, 1.7), b));
          const { fused, plain, plan } = both(y, [[x, data(m * n, dtype)], [b, data(n, dtype)]], { wasm });
          if (!wasm) expect(fused).toEqual(plain);
          else {
            // The fused JavaScript loop calls Math.tanh; unfused in a WebAssembly arena, the SIMD tanh
            // runs, within 1 float32 or 3 float64 ulp of it (test/kernels/math.test.ts).
            const ulp = dtype === 'float32' ? 2 ** -23 : 2 ** -52, bound = dtype === 'float32' ? 1 : 3;
            fused.forEach((v, i) => expect(Math.abs(v - plain[i])).toBeLessThanOrEqual(bound * ulp * Math.max(Math.abs(v), 2 ** -126)));
          }
          expect(fusedGroups(plan)).toEqual([['mul', 'add', 'tanh']]);
        }
      }
    }
  });

  it('every elementwise op of OPS fuses, as a member and as the group output, f32, f64 and int32, same bits as unfused', () => {
    const ops = OPS.filter((op) => formulaOf(op) && op.name !== 'where');
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const x = placeholder(`ex${uid++}`, [6, 50], { dtype }), y = placeholder(`ey${uid++}`, [50], { dtype });
      const pos = dtype === 'int32' ? x : add(abs(x), 0.5); // log, sqrt, pow want positive operands
      const feeds: [Node, number[]][] = [[x, data(300, dtype, -3, 3)], [y, data(50, dtype, -3, 3)]];
      for (const op of ops) {
        const arity = formulaOf(op)!.arity;
        let fetch: Node;
        try {
          fetch = arity === 1 ? neg(apply(op, [mul(pos, 1)])) : apply(op, [square(pos), neg(y)]);
        } catch {
          continue; // an op without int32
        }
        if (dtype === 'int32' && op.name === 'div') continue; // x / 0 on int32
        const { fused, plain, plan } = both(fetch, feeds);
        expect(fused, op.name).toEqual(plain);
        const groups = fusedGroups(plan);
        if (arity === 1) expect(groups.flat(), op.name).toContain(op.name);
        else expect(groups[0]?.slice(-1), op.name).toEqual([op.name]);
      }
      const w = where(greater(x, 0), square(x), neg(y));
      const r = both(w, feeds);
      expect(r.fused).toEqual(r.plain);
      expect(fusedGroups(r.plan)).toEqual([['greater', 'square', 'where']]);
    }
  });

  it('a group may end in a sum over every axis: sum(square(sub(p, y))) is one pass, same bits (f32, f64, broadcast and transposed inputs)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [m, n] of [[1, 1], [3, 5], [200, 130]]) {
        const p = placeholder(`rp${uid++}`, [n, m], { dtype }), y = placeholder(`ry${uid++}`, [n], { dtype });
        const loss = sum(square(sub(transpose(p), y)));
        const { fused, plain, plan } = both(loss, [[p, data(m * n, dtype)], [y, data(n, dtype)]]);
        expect(fused).toEqual(plain);
        expect(fusedGroups(plan)).toEqual([['sub', 'square', 'sum']]);
      }
    }
    const x = placeholder(`rx${uid++}`, [4, 6]);
    const partial = sum(square(x), { axes: 1 }); // over one axis: not fused
    expect(fusedGroups(new Session({ fuse: true }).plan(partial, [[x, { data: data(24, 'float64'), shape: [4, 6] }]]))).toEqual([]);
  });

  it('does not fuse across a value with another reader, a fetched value, or a change of shape', () => {
    const x = placeholder(`sx${uid++}`, [8, 8]);
    const t = exp(x);
    const y = add(mul(t, 2), t); // t has one reader (add reads it twice... and mul)
    const feeds: [Node, number[]][] = [[x, data(64, 'float64')]];
    const r = both(y, feeds);
    expect(r.fused).toEqual(r.plain);
    const s = new Session({ fuse: true });
    const plan = s.plan([y, t], [[x, { data: feeds[0][1], shape: [8, 8] }]]);
    expect(fusedGroups(plan)).toEqual([['mul', 'add']]);
    const z = add(sum(square(x), { axes: 1 }), 1); // square then a reduction then add: nothing elementwise to fuse
    expect(fusedGroups(s.plan(z, [[x, { data: feeds[0][1], shape: [8, 8] }]]))).toEqual([]);
  });

  it('by default, plans in WebAssembly memory fuse only what the fused SIMD loop runs, large arrays in ordinary memory fuse', () => {
    const big = placeholder(`db${uid++}`, [200, 100], { dtype: 'float32' }), small = placeholder(`ds${uid++}`, [10], { dtype: 'float32' });
    const s = new Session();
    const feed = [[big, { data: data(20000, 'float32'), shape: [200, 100] }]] as const;
    expect(fusedGroups(s.plan(tanh(add(big, 1)), feed))).toEqual([['add', 'tanh']]);
    // exp and a broadcast row (a bias) run in the SIMD loop; log has no opcode there, and a broadcast column is neither: op by op
    expect(fusedGroups(s.plan(exp(add(big, 1)), feed))).toEqual([['add', 'exp']]);
    const row = placeholder(`dr${uid++}`, [100], { dtype: 'float32' });
    expect(fusedGroups(s.plan(tanh(add(big, row)), [...feed, [row, { data: data(100, 'float32'), shape: [100] }]]))).toEqual([['add', 'tanh']]);
    expect(fusedGroups(s.plan(log(add(big, 1)), feed))).toEqual([]);
    const column = placeholder(`dc${uid++}`, [200, 1], { dtype: 'float32' });
    expect(fusedGroups(s.plan(tanh(add(big, column)), [...feed, [column, { data: data(200, 'float32'), shape: [200, 1] }]]))).toEqual([]);
    // small arrays run bound closures already: not fused unless asked
    expect(fusedGroups(s.plan(tanh(add(small, 1)), [[small, { data: data(10, 'float32'), shape: [10] }]]))).toEqual([]);
    expect(fusedGroups(new Session({ fuse: true }).plan(tanh(add(small, 1)), [[small, { data: data(10, 'float32'), shape: [10] }]])))
      .toEqual([['add', 'tanh']]);
    expect(fusedGroups(new Session({ wasm: false }).plan(tanh(add(big, 1)), [[big, { data: data(20000, 'float32'), shape: [200, 100] }]])))
      .toEqual([['add', 'tanh']]);
  });

  it('a long chain whose buffers ping-pong between two slots fuses into loops of at most 32 ops, same bits', () => {
    const x = placeholder(`cx${uid++}`, [64], { dtype: 'float32' });
    let y: Node = x;
    for (let i = 0; i < 100; i++) y = tanh(add(y, 0.1));
    const { fused, plain, plan } = both(y, [[x, data(64, 'float32')]]);
    expect(fused).toEqual(plain);
    const groups = fusedGroups(plan);
    expect(groups.map((g) => g.length)).toEqual([8, 32, 32, 32, 32, 32, 32]); // grouped from the output back
  });

  it('traced runs and plan.values still see every value', () => {
    const x = placeholder(`tx${uid++}`, [100]);
    const a = mul(x, 3), b = add(a, 1), c = sqrt(abs(b));
    const s = new Session({ fuse: true });
    const feeds = [[x, { data: data(100, 'float64'), shape: [100] }]] as const;
    const seen = new Map<Node, number[]>();
    s.run(c, feeds, { trace: (n, v) => seen.set(n, toFlat(v)) });
    const plain = new Session({ fuse: false });
    for (const n of [a, b, c]) {
      const want = toFlat(plain.run(n, feeds));
      expect(seen.get(n)).toEqual(want);
    }
    expect(toFlat(s.run(c, feeds))).toEqual(toFlat(plain.run(c, feeds)));
  });

  for (const [name, make] of [
    ['Adam', () => new Adam({ learningRate: 0.01 })],
    ['AdamW', () => new AdamW({ learningRate: 0.01, weightDecay: 0.01 })],
    ['RMSProp', () => new RMSProp({ learningRate: 0.01, momentum: 0.9 })],
    ['SGD momentum', () => new SGD({ learningRate: 0.01, momentum: 0.9 })],
  ] as const) {
    it(`${name}: the update fuses into a few loops per variable, the last writing the variable, and trains bit for bit as unfused (JS and SIMD)`, () => {
      for (const wasm of [true, false]) {
        const results: number[][] = [];
        let groups: string[][] = [];
        const xs = { data: data(32 * 64, 'float32'), shape: [32, 64] };
        for (const fuse of [true, false]) {
          const tag = `o${uid++}`;
          const x = placeholder(`${tag}x`, [32, 64], { dtype: 'float32' });
          const w = variable(`${tag}w`, init.glorotUniform([64, 128], { dtype: 'float32', seed: 4 }));
          const loss = sum(square(tanh(matmul(x, w))));
          const step = make().minimize(loss);
          const s = new Session({ fuse, wasm });
          for (let t = 0; t < 3; t++) s.run(step, [[x, xs]]);
          results.push(toFlat(s.getValue(w)));
          if (fuse) groups = fusedGroups(s.plan(step, [[x, xs]]));
        }
        expect(results[0]).toEqual(results[1]);
        const last = groups.find((g) => g[g.length - 1] === 'assignSub');
        expect(last, JSON.stringify(groups)).toBeDefined();
        expect(last!.length).toBeGreaterThanOrEqual(2);
        // Adam's moments: each one pass ending in its assign (the direction reads the assigns)
        if (name.startsWith('Adam')) {
          expect(groups.filter((g) => g[g.length - 1] === 'assign').map((g) => g.join('+')).sort(), JSON.stringify(groups))
            .toEqual(['mul+mul+add+assign', 'mul+square+mul+add+assign']);
        }
      }
    });
  }

  it('an assign fused with its value writes the variable in place, reads in the run seeing the old value', () => {
    const v = variable(`av${uid++}`, init.fill([500], 4));
    const g = placeholder(`ag${uid++}`, [500]);
    const before = sum(v);
    const upd = assignSub(v, mul(sqrt(g), 0.5));
    const s = new Session({ fuse: true });
    const feeds = [[g, { data: new Array(500).fill(4), shape: [500] }]] as const;
    const [r] = s.run([before, upd], feeds);
    expect(toFlat(r)).toEqual([2000]);
    expect(toFlat(s.getValue(v))).toEqual(new Array(500).fill(3));
    expect(fusedGroups(s.plan([before, upd], feeds))).toEqual([['sqrt', 'mul', 'assignSub']]);
  });
});
