import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/graph/apply.js';
import { allocate, type DType } from '../../src/graph/dtype.js';
import { gradients } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { defineOp, type OpDef } from '../../src/graph/op.js';
import { Session } from '../../src/session/session.js';
import { broadcastView, contiguous, toFlat } from '../../src/graph/tensor.js';
import { Add, add } from '../../src/ops/add.js';
import { Div } from '../../src/ops/div.js';
import { Exp, exp } from '../../src/ops/exp.js';
import { Log } from '../../src/ops/log.js';
import { Mul, mul } from '../../src/ops/mul.js';
import { Neg, neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { Sub } from '../../src/ops/sub.js';
import { sum } from '../../src/ops/sum.js';
import { draw } from './helpers.js';

describe('bound kernels', () => {
  it('call bind once per plan and its closure every run, instead of forward', () => {
    const calls = { bind: 0, bound: 0, forward: 0 };
    const Twice = defineOp({
      name: 'twice',
      infer: ([a]) => a,
      forward: ([a], out) => {
        calls.forward++;
        (out.data as Float32Array)[0] = 2 * (a.data as Float32Array)[a.offset];
      },
      bind: ([a], out) => {
        calls.bind++;
        const o = out.data as Float32Array, x = a.data as Float32Array;
        return () => {
          calls.bound++;
          o[0] = 2 * x[a.offset];
        };
      },
    });
    const x = placeholder('bind_x', [1]);
    const y = apply(Twice, [x]);
    const s = new Session();
    const got = [1, 2, 3].map((v) => toFlat(s.run(y, { bind_x: [v] }))[0]);
    expect(got).toEqual([2, 4, 6]);
    expect(calls).toEqual({ bind: 1, bound: 3, forward: 0 });
  });

  it('fall back to forward when bind returns null', () => {
    let forward = 0;
    const Copy = defineOp({
      name: 'copyNoBind',
      infer: ([a]) => a,
      forward: ([a], out) => {
        forward++;
        (out.data as Float32Array).set(a.data as Float32Array);
      },
      bind: () => null,
    });
    const x = placeholder('nobind_x', [2]);
    expect(toFlat(new Session().run(apply(Copy, [x]), { nobind_x: [3, 4] }))).toEqual([3, 4]);
    expect(forward).toBe(1);
  });

  // The bound closures of the core elementwise ops against their forward, on the layouts a plan passes.
  const binary: [OpDef, number][] = [[Add, 0], [Sub, 0], [Mul, 0], [Div, 1]];
  const unary: [OpDef, number][] = [[Neg, 0], [Exp, 0], [Log, 1]];
  const layouts: { name: string; out: number[]; a: number[]; b: number[] }[] = [
    { name: 'scalars', out: [], a: [], b: [] },
    { name: 'one element', out: [1], a: [1], b: [1] },
    { name: 'dense [2,3]', out: [2, 3], a: [2, 3], b: [2, 3] },
    { name: '[2,3] with a broadcast scalar', out: [2, 3], a: [2, 3], b: [] },
    { name: 'a broadcast scalar with [4]', out: [4], a: [], b: [4] },
    { name: '[2,3] with a broadcast row (forward)', out: [2, 3], a: [2, 3], b: [3] },
    { name: '[16,16], the most elements bound', out: [16, 16], a: [16, 16], b: [16, 16] },
    { name: '[16,16] with a broadcast scalar first', out: [16, 16], a: [], b: [16, 16] },
    { name: '[17,16], too large to bind (forward)', out: [17, 16], a: [17, 16], b: [17, 16] },
  ];
  const arr = (shape: number[], dtype: DType, seed: number, positive: number, like: number[]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const values = draw(n, seed, positive ? 0.5 : -3, 3).map((v) => (dtype === 'int32' ? Math.round(v) || 1 : v));
    const data = allocate(dtype, n);
    data.set(values);
    return broadcastView(ndarray(data, shape), like);
  };
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    for (const l of layouts) {
      it(`give forward's bits: ${l.name}, ${dtype}`, () => {
        const check = (op: OpDef, ins: NdArray[]) => {
          const [viaBind, viaForward] = [0, 1].map(() => ndarray(allocate(dtype, ins[0].size || 1).fill(7), l.out.slice()));
          const bound = op.bind!(ins, viaBind, {});
          (bound ?? (() => op.forward!(ins, viaBind, {})))();
          op.forward!(ins, viaForward, {});
          expect(toFlat(viaBind), op.name).toEqual(toFlat(viaForward));
          return bound !== null;
        };
        for (const [op, positive] of binary) {
          const bound = check(op, [arr(l.a, dtype, 1, positive, l.out), arr(l.b, dtype, 2, positive, l.out)]);
          expect(bound, op.name).toBe(!l.name.endsWith('(forward)'));
        }
        if (dtype !== 'int32') for (const [op, positive] of unary) check(op, [arr(l.a, dtype, 3, positive, l.out)]);
      });
    }
  }
});

describe('session options', () => {
  it('refuse checkpointing without memory planning', () => {
    expect(() => new Session({ planMemory: false, checkpoint: true })).toThrow('Session: checkpoint needs planMemory');
  });
});

describe('repeated runs of one plan', () => {
  const x = placeholder('rr_x', [null]);
  const y = exp(neg(x));
  const z = mul(y, 3);

  it('write into run(..., { out }) and return it, in the fetches form', () => {
    const s = new Session();
    const one = ndarray(new Float32Array(2), [2]);
    expect(s.run(z, { rr_x: [0, 1] }, { out: one })).toBe(one);
    expect(toFlat(one)).toEqual([3, Math.fround(3 * Math.fround(Math.exp(-1)))]);
    const pair = [ndarray(new Float32Array(2), [2]), ndarray(new Float32Array(2), [2])];
    expect(s.run([y, z], { rr_x: [0, 0] }, { out: pair })).toBe(pair);
    expect(pair.map(toFlat)).toEqual([[1, 1], [3, 3]]);
    const rec = { a: ndarray(new Float32Array(2), [2]) };
    expect(toFlat(s.run({ a: z }, { rr_x: [0, 0] }, { out: rec }).a)).toEqual([3, 3]);
  });

  it('reject an out array of the wrong shape or dtype, naming it', () => {
    const s = new Session();
    expect(() => s.run(z, { rr_x: [0, 1] }, { out: ndarray(new Float32Array(3), [3]) })).toThrow('run: out is not a float32 array of shape [2]');
    const bad = [ndarray(new Float32Array(2), [2]), ndarray(new Float64Array(2), [2])];
    expect(() => s.run([y, z], { rr_x: [0, 1] }, { out: bad })).toThrow('run: out[1] is not a float32 array of shape [2]');
  });

  it('follow changes: other feed shapes, feeds by node, a fetch array changed in place, evicted plans', () => {
    const s = new Session({ maxPlans: 1 });
    const fetches: Node[] = [z];
    const e = (v: number) => Math.fround(3 * Math.fround(Math.exp(-v)));
    expect(toFlat(s.run(fetches, { rr_x: [0, 1] })[0])).toEqual([3, e(1)]);
    expect(toFlat(s.run(fetches, { rr_x: [1, 0, 1] })[0])).toEqual([e(1), 3, e(1)]);
    expect(toFlat(s.run(fetches, new Map([[x, [1, 1]]]))[0])).toEqual([e(1), e(1)]);
    fetches[0] = y;
    expect(toFlat(s.run(fetches, [[x, [0, 0]]])[0])).toEqual([1, 1]);
    expect(toFlat(s.run(fetches, { rr_x: [0] })[0])).toEqual([1]);
  });

  it('still check feeds that differ from the last run', () => {
    const s = new Session();
    s.run(z, { rr_x: [0, 1] });
    expect(() => s.run(z, { rr_x: { data: new Float64Array(2), shape: [2] } })).toThrow("feed for placeholder 'rr_x': dtype float64 does not match float32");
    expect(() => s.run(z, { rr_x: [0, 1], other: 1 })).toThrow("unknown feed key 'other'");
    expect(() => s.run(z, {})).toThrow("missing feed for placeholder 'rr_x'");
  });
});

describe('traced runs of a planned graph', () => {
  it('report each node once, with the value it has when computed, checkpointed or not', () => {
    const x = placeholder('tr_x', [3], { dtype: 'float64' });
    let h: Node = x;
    for (let i = 0; i < 12; i++) h = sigmoid(add(h, 0.1));
    const [g] = gradients(sum(h), [x]);
    const seen = (opts: { planMemory?: boolean; checkpoint?: boolean }) => {
      const rows: [string, number[]][] = [];
      new Session(opts).run(g, { tr_x: [0.1, 0.2, 0.3] }, { trace: (n, v) => rows.push([n.name, toFlat(contiguous(v))]) });
      return rows;
    };
    const unplanned = seen({ planMemory: false });
    expect(new Set(unplanned.map(([n]) => n)).size).toBe(unplanned.length);
    expect(seen({})).toEqual(unplanned);
    expect(seen({ checkpoint: true })).toEqual(unplanned);
    expect(new Session({ checkpoint: true }).plan(g, { tr_x: [0, 0, 0] }).memory.recomputed).toBeGreaterThan(0);
  });
});
