import ndarray from 'ndarray';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/graph/apply.js';
import { gradients } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { defineOp } from '../../src/graph/op.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import * as init from '../../src/init/initializers.js';
import { add } from '../../src/ops/add.js';
import { constant } from '../../src/graph/constant.js';
import { softmaxCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { exp } from '../../src/ops/exp.js';
import { matmul } from '../../src/ops/matmul.js';
import { mean } from '../../src/ops/mean.js';
import { mul } from '../../src/ops/mul.js';
import { neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { relu } from '../../src/ops/relu.js';
import { reshape } from '../../src/ops/reshape.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import { transpose } from '../../src/ops/transpose.js';
import { variable } from '../../src/ops/variable.js';
import { draw } from './helpers.js';

describe('buffer reuse and in-place writes', () => {
  it('reports a small plan exactly: one buffer for the feed, one rewritten in place by neg and add', () => {
    const x = placeholder('rep_x', [4]);
    const w = add(exp(neg(x)), x);
    const plan = new Session().plan(w, { rep_x: [1, 2, 3, 4] });
    // four arrays of 16 bytes unplanned (x, neg, exp, add); planned: x, and one slot for the rest
    expect(plan.memory).toEqual({ peakBytes: 32, unplannedBytes: 64, liveBytes: 32, buffers: 2, inPlace: 2, recomputed: 0 });
    expect(plan.bytes).toBe(32);
    expect(plan.steps.map((s) => s.inPlace)).toEqual([false, true, true]);
  });

  it('does not write in place when another input reads the same buffer through a different view', () => {
    const x = placeholder('alias_x', [3, 3], { dtype: 'float64' });
    const a = exp(x);
    const y = add(a, transpose(a)); // a dies here, but overwriting a[0][1] would change transpose(a)[1][0]
    const xs = draw(9, 7);
    const got = toFlat(new Session().run(y, { alias_x: { data: new Float64Array(xs), shape: [3, 3] } }));
    const want = xs.map((_, k) => Math.exp(xs[k]) + Math.exp(xs[(k % 3) * 3 + Math.floor(k / 3)]));
    expect(got).toEqual(want);
  });

  it('keeps a buffer alive while a view of it has readers to come', () => {
    const x = placeholder('keep_x', [2, 2], { dtype: 'float64' });
    const t = exp(x);
    const r = reshape(t, [4]);
    const z = neg(t); // t's last direct reader; r still reads t's buffer below
    const w = mul(reshape(z, [4]), r);
    const got = toFlat(new Session().run(w, { keep_x: [[0.1, 0.2], [0.3, 0.4]] }));
    expect(got).toEqual([0.1, 0.2, 0.3, 0.4].map((v) => -Math.exp(v) * Math.exp(v)));
  });

  it('never writes over a feed, a variable or a constant, even where they die', () => {
    const x = placeholder('own_x', [3], { dtype: 'float64' });
    const v = variable('own_v', [1, 2, 3], { dtype: 'float64' });
    const c = constant([4, 5, 6], { dtype: 'float64' });
    const y = add(neg(x), add(neg(v), neg(c)));
    const s = new Session();
    for (let i = 0; i < 2; i++) expect(toFlat(s.run(y, { own_x: [1, 1, 1] }))).toEqual([-6, -8, -10]);
    expect(toFlat(s.getValue(v))).toEqual([1, 2, 3]);
  });

  it('keeps a fetched value although the next step could overwrite it', () => {
    const x = placeholder('fetched_x', [2], { dtype: 'float64' });
    const y1 = add(x, 1);
    const y2 = mul(y1, 2);
    const [a, b] = new Session().run([y1, y2], { fetched_x: [1, 2] });
    expect([toFlat(a), toFlat(b)]).toEqual([[2, 3], [4, 6]]);
  });

  it('with planMemory false gives every node a buffer of its own', () => {
    const x = placeholder('own_all_x', [4]);
    const plan = new Session({ planMemory: false }).plan(add(exp(neg(x)), x), { own_all_x: [1, 2, 3, 4] });
    expect(plan.memory).toEqual({ peakBytes: 64, unplannedBytes: 64, liveBytes: 64, buffers: 4, inPlace: 0, recomputed: 0 });
  });
});

/** A 1000-op elementwise chain on 1000 float32s, and the gradient of its sum. */
function chain(name: string, step: (y: Node, i: number) => Node) {
  const x = placeholder(name, [1000]);
  let y: Node = x;
  for (let i = 0; i < 1000; i++) y = step(y, i);
  const [g] = gradients(sum(y), [x]);
  return { y, g, feeds: { [name]: { data: new Float32Array(draw(1000, 9, -0.5, 0.5)), shape: [1000] } } };
}

describe('peak memory of forward+backward on a 1000-op chain', () => {
  it('is under 1% of unplanned when backward needs no activations (mul and add by constants)', () => {
    const { y, g, feeds } = chain('peak_affine', (y, i) => (i % 2 ? add(y, 0.001) : mul(y, 0.999)));
    const m = new Session().plan([y, g], feeds).memory;
    // unplanned: the feed, 1000 forward steps and 500 backward products of 4000 bytes; the seed of the
    // gradient of sum(y) is the constant 1, stretched as a view (docs/simplify.md), so the sum never runs
    expect(m.unplannedBytes).toBe(1501 * 4000);
    expect(m.buffers).toBeLessThanOrEqual(4);
    expect(m.peakBytes / m.unplannedBytes).toBeLessThan(0.01);
  });

  it('is 20% of unplanned on the benchmark chain, 500 x tanh(y + 0.1): one activation kept per five arrays', () => {
    const { g, feeds } = chain('peak_tanh', (y, i) => (i % 2 ? tanh(y) : add(y, 0.1)));
    const m = new Session().plan(g, feeds).memory;
    // unplanned: feed + 1000 forward + 1500 backward (square, sub, mul per tanh) arrays of 4000 bytes, less
    // the first mul (by the seed, 1: docs/simplify.md); the sum and its seed are not needed for g
    expect(m.unplannedBytes).toBe(2500 * 4000);
    // planned: the feed and the 500 tanh outputs backward reads; every other step writes in place
    expect(m.peakBytes).toBe(501 * 4000);
    expect(m.peakBytes / m.unplannedBytes).toBeLessThanOrEqual(0.25);
  });

  it('is bounded by the activations backward reads, and checkpointing cuts it to O(sqrt N) with the same gradient', () => {
    const { g, feeds } = chain('peak_sigmoid', (y) => sigmoid(y));
    const plain = new Session().plan(g, feeds);
    const ckpt = new Session({ checkpoint: true }).plan(g, feeds);
    // every sigmoid output is read by its backward: 1000 of them are live when backward starts
    expect(plain.memory.liveBytes).toBeGreaterThanOrEqual(1000 * 4000);
    expect(plain.memory.buffers).toBeGreaterThan(1000);
    // with segments of ~sqrt(1000) = 32: ~31 kept, one segment recomputed at a time, a few temporaries
    expect(ckpt.memory.buffers).toBeLessThan(80);
    expect(ckpt.memory.recomputed).toBeGreaterThan(900);
    expect(ckpt.memory.peakBytes / ckpt.memory.unplannedBytes).toBeLessThan(0.03);
    expect(ckpt.memory.peakBytes).toBeLessThan(plain.memory.peakBytes / 10);
    const run = (opts: { checkpoint?: boolean }) => toFlat(new Session(opts).run(g, feeds));
    expect(run({ checkpoint: true })).toEqual(run({}));
  });

  it('grows as sqrt N with checkpointing: four times the chain, about twice the buffers', () => {
    const buffersFor = (n: number) => {
      const x = placeholder(`sqrt_${n}`, [10]);
      let y: Node = x;
      for (let i = 0; i < n; i++) y = sigmoid(y);
      const [g] = gradients(sum(y), [x]);
      return new Session({ checkpoint: true }).plan(g, { [`sqrt_${n}`]: draw(10, 1) }).memory.buffers;
    };
    const [small, large] = [buffersFor(400), buffersFor(1600)];
    expect(large / small).toBeGreaterThan(1.6);
    expect(large / small).toBeLessThan(2.4);
  });

  it('keeps the plain plan when recomputing would not lower the peak (an MLP step, whose peak is its feeds and gradients)', () => {
    const x = placeholder('ck_x', [128, 784]);
    const labels = placeholder('ck_labels', [128, 10]);
    const [w1, w2] = [variable('ck_w1', init.glorotUniform([784, 256])), variable('ck_w2', init.glorotUniform([256, 10]))];
    const [b1, b2] = [variable('ck_b1', init.zeros([256])), variable('ck_b2', init.zeros([10]))];
    const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
    const loss = mean(softmaxCrossEntropyWithLogits({ labels, logits }));
    const fetches = [loss, ...gradients(loss, [w1, b1, w2, b2])];
    const feeds = { ck_x: { data: new Float32Array(128 * 784), shape: [128, 784] }, ck_labels: { data: new Float32Array(1280), shape: [128, 10] } };
    const plain = new Session().plan(fetches, feeds).memory;
    const ckpt = new Session({ checkpoint: true }).plan(fetches, feeds).memory;
    expect(ckpt).toEqual(plain);
    expect(ckpt.recomputed).toBe(0);
  });

  it('never recomputes a stateful op: checkpointing keeps its output instead', () => {
    let calls = 0;
    const Noisy = defineOp({
      name: 'noisy',
      stateful: true,
      infer: ([a]) => a,
      forward: ([a], out) => {
        calls++;
        (out.data as Float64Array).set(a.data as Float64Array);
      },
      backward: (grad) => [grad],
    });
    const x = placeholder('noisy_x', [2], { dtype: 'float64' });
    let y: Node = x;
    for (let i = 0; i < 50; i++) y = sigmoid(i === 10 ? apply(Noisy, [y]) : y);
    const [g] = gradients(sum(y), [x]);
    const s = new Session({ checkpoint: true });
    expect(s.plan(g, { noisy_x: [0.5, -0.5] }).memory.recomputed).toBeGreaterThan(0);
    s.run(g, { noisy_x: [0.5, -0.5] });
    expect(calls).toBe(1);
  });
});

describe('repeated runs', () => {
  const x = placeholder('heap_x', [16]);
  let y: Node = x;
  for (let i = 0; i < 50; i++) y = i % 2 ? add(y, 0.5) : mul(exp(neg(y)), 0.5);
  const [g] = gradients(sum(y), [x]);
  const feeds = { heap_x: { data: new Float32Array(draw(16, 3)), shape: [16] } };

  it('reuse one plan and the same buffers, and allocate no new ones', () => {
    const s = new Session();
    const plan = s.plan([y, g], feeds);
    const arrays = [...plan.values.values()].map((a) => a.data);
    const out = [ndarray(new Float32Array(16), [16]), ndarray(new Float32Array(16), [16])];
    for (let i = 0; i < 1000; i++) expect(s.run([y, g], feeds, { out })).toBe(out);
    expect(s.plan([y, g], feeds)).toBe(plan);
    expect([...plan.values.values()].map((a) => a.data)).toEqual(arrays);
    [...plan.values.values()].forEach((a, i) => expect(a.data).toBe(arrays[i]));
    expect(toFlat(out[1])).toEqual(toFlat(new Session({ planMemory: false }).run(g, feeds)));
  });

  it('do not grow the heap over 1000 runs', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const settled = () => {
      for (let i = 0; i < 4; i++) gc();
      return process.memoryUsage().heapUsed;
    };
    const s = new Session();
    const out = [ndarray(new Float32Array(16), [16]), ndarray(new Float32Array(16), [16])];
    const fetches = [y, g];
    for (let i = 0; i < 3000; i++) s.run(fetches, feeds, { out }); // warm up: compile the plan, let V8 optimise
    // V8 may still add optimised code in one window; anything kept per run shows in every window
    const growth: number[] = [];
    for (let w = 0; w < 3; w++) {
      const before = settled();
      for (let i = 0; i < 1000; i++) s.run(fetches, feeds, { out });
      growth.push(settled() - before);
    }
    expect(Math.min(...growth)).toBeLessThan(8 * 1024);
  });
});
