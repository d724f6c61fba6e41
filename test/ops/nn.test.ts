import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { gradcheck } from '../../src/check/gradcheck.js';
import { gradients, jvp } from '../../src/autodiff/gradients.js';
import type { Node } from '../../src/graph/node.js';
import { evaluate } from '../../src/session/session.js';
import { toFlat, toNested } from '../../src/graph/tensor.js';
import { Rng } from '../../src/graph/random.js';
import { constant } from '../../src/graph/constant.js';
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { logSoftmax } from '../../src/ops/logSoftmax.js';
import { mul } from '../../src/ops/mul.js';
import { oneHot } from '../../src/ops/oneHot.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { softmax } from '../../src/ops/softmax.js';
import { sparseSoftmaxCrossEntropyWithLogits } from '../../src/ops/sparseCrossEntropy.js';
import { sum } from '../../src/ops/sum.js';

let uid = 0;
const input = (shape: (number | null)[], dtype: DType = 'float64'): Node => placeholder(`nn_${uid++}`, shape, { dtype });
const run = (fetch: Node, feeds: [Node, number[][]][]): number[] => toFlat(evaluate(fetch, feeds));

/** Float64 references, written out the long way (one row at a time) rather than with the kernels' loops. */
const ref = {
  logSoftmax: (row: number[]): number[] => {
    // (v - m) - log(s), not v - (m + log s): the latter rounds at the size of m (1e-13 at 1000).
    const m = Math.max(...row);
    const logS = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - m - logS);
  },
  softmax: (row: number[]): number[] => ref.logSoftmax(row).map(Math.exp),
  sigmoidCE: (z: number, x: number): number => (x >= 0 ? x * (1 - z) + Math.log1p(Math.exp(-x)) : -x * z + Math.log1p(Math.exp(x))),
};

const EXTREME = [
  [1000, -1000, 1000],
  [-1000, -1000, -999],
  [0.5, -1000, 2],
];
const close = (got: number[], want: number[], rel: number) =>
  got.forEach((g, i) => {
    expect(Number.isFinite(g)).toBe(true);
    expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i])));
  });
const TOL = { float32: 1e-6, float64: 1e-14 } as const;

describe('softmax and logSoftmax', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: softmax rows sum to 1 and match the reference for logits of +-1000`, () => {
      const x = input([3, 3], dtype);
      const y = run(softmax(x), [[x, EXTREME]]);
      for (let r = 0; r < 3; r++) expect(Math.abs(y[3 * r] + y[3 * r + 1] + y[3 * r + 2] - 1)).toBeLessThanOrEqual(TOL[dtype] * 3);
      close(y, EXTREME.flatMap(ref.softmax), TOL[dtype]);
      expect(y.slice(0, 3)).toEqual([0.5, 0, 0.5]);
    });

    it(`${dtype}: logSoftmax is finite and matches the reference for logits of +-1000`, () => {
      const x = input([3, 3], dtype);
      const y = run(logSoftmax(x), [[x, EXTREME]]);
      close(y, EXTREME.flatMap(ref.logSoftmax), TOL[dtype]);
      // By hand: [1000, -1000, 1000] -> [-log 2, -2000 - log 2, -log 2].
      close(y.slice(0, 3), [-Math.LN2, -2000 - Math.LN2, -Math.LN2], TOL[dtype]);
    });
  }

  it('softmax along axis 0 normalises columns', () => {
    const x = input([2, 2]);
    const y = run(softmax(x, { axis: 0 }), [[x, [[0, Math.log(3)], [Math.log(3), 0]]]]);
    close(y, [0.25, 0.75, 0.75, 0.25], 1e-15);
  });

  it('the second derivative of logSoftmax (gradient of a gradient) matches central differences of the gradient', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 2 }, () => Array.from({ length: 4 }, () => rng.uniform(-2, 2)));
    const w = constant(Array.from({ length: 2 }, () => Array.from({ length: 4 }, () => rng.uniform(-1, 1))), { dtype: 'float64' });
    const v = Array.from({ length: 2 }, () => Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
    const x = input([2, 4]);
    const [g] = gradients(sum(mul(w, logSoftmax(x))), [x]);
    const [hv] = gradients(sum(mul(g, constant(v, { dtype: 'float64' }))), [x]);
    const analytic = run(hv, [[x, xs]]);
    const eps = 1e-5;
    const moved = (s: number) => xs.map((row, i) => row.map((e, j) => e + s * eps * v[i][j]));
    const plus = run(g, [[x, moved(1)]]), minus = run(g, [[x, moved(-1)]]);
    const numeric = plus.map((p, k) => (p - minus[k]) / (2 * eps));
    expect(analytic.some((a) => Math.abs(a) > 1e-3)).toBe(true);
    analytic.forEach((a, k) => expect(Math.abs(a - numeric[k])).toBeLessThanOrEqual(1e-8));
  });
});

describe('cross-entropies', () => {
  const labels = [
    [0, 1, 0],
    [0.5, 0, 0.5],
    [0.2, 0.3, 0.5],
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: softmax cross-entropy is finite and correct for logits of +-1000`, () => {
      const z = input([3, 3], dtype), x = input([3, 3], dtype);
      const loss = run(softmaxCrossEntropyWithLogits({ labels: z, logits: x }), [[z, labels], [x, EXTREME]]);
      const want = EXTREME.map((row, r) => -ref.logSoftmax(row).reduce((s, l, j) => s + labels[r][j] * l, 0));
      close(loss, want, TOL[dtype]);
      // By hand: -log softmax([1000, -1000, 1000])[1] = 2000 + log 2.
      close([loss[0]], [2000 + Math.LN2], TOL[dtype]);
    });

    it(`${dtype}: sigmoid cross-entropy is finite and correct for logits of +-1000`, () => {
      const zs = [[0, 1, 0.3, 1, 0.25]], xsv = [[1000, -1000, -1000, 1000, 0.75]];
      const z = input([1, 5], dtype), x = input([1, 5], dtype);
      const loss = run(sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), [[z, zs], [x, xsv]]);
      const f = dtype === 'float32' ? Math.fround : (v: number) => v;
      close(loss, zs[0].map((zi, i) => ref.sigmoidCE(f(zi), f(xsv[0][i]))), TOL[dtype]);
      close(loss.slice(0, 4), [1000, 1000, 300, 0], TOL[dtype]);
    });
  }

  it('sigmoid cross-entropy agrees with -z log p - (1-z) log(1-p) where that is safe', () => {
    const z = input([4]), x = input([4]);
    const zs = [0, 1, 0.3, 0.9], xsv = [-3, 2, 0.1, -0.7];
    const loss = toFlat(evaluate(sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), [[z, zs], [x, xsv]]));
    const naive = zs.map((zi, i) => {
      const p = 1 / (1 + Math.exp(-xsv[i]));
      return -zi * Math.log(p) - (1 - zi) * Math.log(1 - p);
    });
    close(loss, naive, 1e-14);
  });

  it('softmax cross-entropy gradient is softmax - labels to the logits and -logSoftmax to the labels', () => {
    const rng = new Rng(5);
    const xsv = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng.uniform(-3, 3)));
    const zs = xsv.map(() => {
      const r = Array.from({ length: 4 }, () => rng.uniform(0, 1));
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((v) => v / s);
    });
    const z = input([3, 4]), x = input([3, 4]);
    const [gz, gx] = gradients(softmaxCrossEntropyWithLogits({ labels: z, logits: x }), [z, x]);
    const feeds: [Node, number[][]][] = [[z, zs], [x, xsv]];
    close(run(gx, feeds), xsv.flatMap((row, r) => ref.softmax(row).map((p, j) => p - zs[r][j])), 1e-14);
    close(run(gz, feeds), xsv.flatMap((row) => ref.logSoftmax(row).map((l) => -l)), 1e-14);
  });

  it('softmax cross-entropy gradient at logits of +-1000 is finite: softmax - labels', () => {
    const z = input([3, 3]), x = input([3, 3]);
    const [gx] = gradients(softmaxCrossEntropyWithLogits({ labels: z, logits: x }), [x]);
    close(run(gx, [[z, labels], [x, EXTREME]]), EXTREME.flatMap((row, r) => ref.softmax(row).map((p, j) => p - labels[r][j])), 1e-14);
  });

  it('sigmoid cross-entropy gradient is sigmoid(x) - z to the logits and -x to the labels, finite at +-1000', () => {
    const z = input([4]), x = input([4]);
    const zs = [0.2, 1, 0, 0.5], xsv = [1000, -1000, 0.3, -2];
    const [gz, gx] = gradients(sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), [z, x]);
    close(run(gx, [[z, zs as never], [x, xsv as never]]), xsv.map((v, i) => 1 / (1 + Math.exp(-v)) - zs[i]), 1e-15);
    close(run(gz, [[z, zs as never], [x, xsv as never]]), xsv.map((v) => -v), 1e-15);
  });

  it('the softmax cross-entropy gradient is differentiable again: its own derivatives match central differences', () => {
    const z = input([2, 3]), x = input([2, 3]);
    const [gz, gx] = gradients(softmaxCrossEntropyWithLogits({ labels: z, logits: x }), [z, x]);
    const feeds: [Node, number[][]][] = [[z, [[0.2, 0.3, 0.5], [1, 0, 0]]], [x, [[0.1, -1, 2], [3, 0, -2]]]];
    for (const report of [gradcheck(gx, [z, x], feeds), gradcheck(gz, [x], feeds)]) {
      if (!report.ok) throw new Error(report.summary);
      expect(report.maxAbsError).toBeLessThan(1e-8);
    }
  });

  it('softmax cross-entropy forward-mode tangent matches the gradient (dot product with the direction)', () => {
    const z = input([2, 3]), x = input([2, 3]);
    const zs = [[0.1, 0.6, 0.3], [1, 0, 0]], xsv = [[0.3, -1, 2], [1.5, 0.5, -0.5]];
    const d = [[1, -2, 0.5], [0.25, 1, -1]];
    const loss = softmaxCrossEntropyWithLogits({ labels: z, logits: x });
    const [t] = jvp(loss, [x], [constant(d, { dtype: 'float64' })]);
    const tangent = run(t, [[z, zs], [x, xsv]]);
    const slope = xsv.map((row, r) => ref.softmax(row).map((p, j) => p - zs[r][j]));
    close(tangent, slope.map((row, r) => row.reduce((s, g, j) => s + g * d[r][j], 0)), 1e-14);
  });
});

describe('oneHot', () => {
  it('puts on/off values on a new last axis', () => {
    const i = input([2, 2], 'int32');
    const y = evaluate(oneHot(i, 3, { on: 5, off: -1 }), [[i, [[0, 2], [1, 0]]]]);
    expect(y.data).toBeInstanceOf(Float32Array);
    expect(toNested(y)).toEqual([
      [[5, -1, -1], [-1, -1, 5]],
      [[-1, 5, -1], [5, -1, -1]],
    ]);
  });

  it('rejects an index outside [0, depth), naming the node, the index and where it is', () => {
    const i = input([2, 2], 'int32');
    const y = oneHot(i, 3, { name: 'hot' });
    expect(() => evaluate(y, [[i, [[0, 2], [-1, 1]]]])).toThrow("oneHot 'hot': index -1 (element 2 of the indices) is outside [0, 3)");
    expect(() => evaluate(y, [[i, [[0, 3], [1, 1]]]])).toThrow("oneHot 'hot': index 3 (element 1 of the indices) is outside [0, 3)");
  });

  it('rejects float indices, naming the op and the node', () => {
    expect(() => oneHot(input([2]), 3, { name: 'labels1h' })).toThrow("oneHot 'labels1h': indices [2] are float64, not int32");
  });
});

describe('sparseSoftmaxCrossEntropyWithLogits', () => {
  const xsv = [[0.5, -1, 2, 0.25], [1000, -1000, 1000, 3], [-2, 0, 0.75, 1]];
  const ks = [2, 1, 0];

  it('is -logSoftmax(logits)[label] per row, finite at +-1000, and equals the dense loss on oneHot labels', () => {
    const k = input([3], 'int32'), x = input([3, 4]);
    const loss = run(sparseSoftmaxCrossEntropyWithLogits({ labels: k, logits: x }), [[k, ks as never], [x, xsv]]);
    close(loss, xsv.map((row, r) => -ref.logSoftmax(row)[ks[r]]), 1e-14);
    // By hand: row 1 is [1000, -1000, 1000, 3]; -log softmax at -1000 = 2000 + log 2 (the rest vanish).
    close([loss[1]], [2000 + Math.LN2], 1e-12);
    const dense = run(softmaxCrossEntropyWithLogits({ labels: oneHot(k, 4, { dtype: 'float64' }), logits: x }), [[k, ks as never], [x, xsv]]);
    close(loss, dense, 1e-14);
  });

  it('has gradient softmax(logits) - oneHot(labels), scaled by the incoming gradient', () => {
    const k = input([3], 'int32'), x = input([3, 4]);
    const w = [1, -2, 0.5];
    const [gx] = gradients(sum(mul(sparseSoftmaxCrossEntropyWithLogits({ labels: k, logits: x }), constant(w, { dtype: 'float64' }))), [x]);
    const want = xsv.flatMap((row, r) => ref.softmax(row).map((p, j) => w[r] * (p - (j === ks[r] ? 1 : 0))));
    close(run(gx, [[k, ks as never], [x, xsv]]), want, 1e-14);
  });

  it('rejects float labels when the graph is built, naming the op (a swap of labels and logits cannot pass)', () => {
    const z = input([3, 4]), x = input([3, 4]);
    expect(() => sparseSoftmaxCrossEntropyWithLogits({ labels: z, logits: x })).toThrow(/sparseSoftmaxCrossEntropyWithLogits.*labels \[3,4\] float64 .*labels must be int32/);
    const k = input([3], 'int32');
    expect(() => sparseSoftmaxCrossEntropyWithLogits({ labels: x, logits: k })).toThrow(/sparseSoftmaxCrossEntropyWithLogits/);
  });

  it('fails at run time on a label outside [0, classes), naming the node, rather than a silent zero', () => {
    const k = input([2], 'int32'), x = input([2, 3]);
    const loss = sparseSoftmaxCrossEntropyWithLogits({ labels: k, logits: x, name: 'xent' });
    expect(() => run(loss, [[k, [0, 3] as never], [x, [[1, 2, 3], [4, 5, 6]]]])).toThrow(/xent.*label 3 at position 1 is outside \[0, 3\)/);
    expect(() => run(loss, [[k, [-1, 0] as never], [x, [[1, 2, 3], [4, 5, 6]]]])).toThrow(/xent.*label -1 at position 0 is outside/);
  });
});
