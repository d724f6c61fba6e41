import { describe, expect, it } from 'vitest';
import { avgPool2d, globalAvgPool2d, maxPool2d } from '../../src/ops/pool.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { transpose } from '../../src/ops/transpose.js';
import { gradients } from '../../src/autodiff/gradients.js';
import { gradcheck } from '../../src/check/gradcheck.js';
import { Session } from '../../src/session/session.js';
import { Rng } from '../../src/graph/random.js';
import { toFlat } from '../../src/graph/tensor.js';
import { square } from '../../src/ops/square.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import ndarray from 'ndarray';

const rand = (n: number, rng: Rng) => Array.from({ length: n }, () => rng.uniform(-1, 1));

/** Pooling from the definition: windows clipped to the image, `pick` over the taps inside. */
function naivePool(x: number[], [N, H, W, C]: number[], [kh, kw]: number[], [sh, sw]: number[], [pt, pb, pl, pr]: number[], pick: (v: number[]) => number) {
  const OH = Math.floor((H + pt + pb - kh) / sh) + 1, OW = Math.floor((W + pl + pr - kw) / sw) + 1;
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let c = 0; c < C; c++) {
    const taps: number[] = [];
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const h = i * sh - pt + a, w = j * sw - pl + b;
      if (h >= 0 && h < H && w >= 0 && w < W) taps.push(x[((n * H + h) * W + w) * C + c]);
    }
    out.push(pick(taps));
  }
  return { out, shape: [N, OH, OW, C] };
}
const maxOf = (v: number[]) => Math.max(...v);
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('pooling', () => {
  const rng = new Rng(11);
  const shape = [2, 5, 6, 3];
  const xv = rand(2 * 5 * 6 * 3, rng).map((v) => v - 2); // all negative: a padded zero would win a max
  const x = placeholder('x', shape, { dtype: 'float64' });
  const run = (y: ReturnType<typeof maxPool2d>) => toFlat(new Session().run(y, [[x, { data: xv, shape }]]));

  for (const [label, window, strides, padding, pads] of [
    ['2x2 stride 2 valid', [2, 2], [2, 2], 'valid', [0, 0, 0, 0]],
    ["3x3 stride 2 'same'", [3, 3], [2, 2], 'same', [1, 1, 0, 1]],
    ['3x2 stride 1 explicit pads', [3, 2], [1, 1], [[1, 1], [1, 0]], [1, 1, 1, 0]],
  ] as const) {
    it(`maxPool2d and avgPool2d match the definition (padding excluded): ${label}`, () => {
      const want = naivePool(xv, shape, [...window], [...strides], [...pads], maxOf);
      const m = maxPool2d(x, window, { strides, padding: padding as never });
      expect(m.shape).toEqual(want.shape);
      run(m).forEach((v, i) => expect(v).toBe(want.out[i]));
      const wantAvg = naivePool(xv, shape, [...window], [...strides], [...pads], meanOf);
      run(avgPool2d(x, window, { strides, padding: padding as never })).forEach((v, i) => expect(v).toBeCloseTo(wantAvg.out[i], 13));
    });
  }

  it('reads a transposed input and routes the gradient to the first maximum of a tie', () => {
    // stored [N, C, H, W] = [1, 1, 2, 2] of equal values, viewed NHWC
    const nchw = placeholder('nchw', [1, 1, 2, 2], { dtype: 'float64' });
    const y = maxPool2d(transpose(nchw, { perm: [0, 2, 3, 1] }), 2);
    const [g] = gradients(sum(y), [nchw]);
    const [yv, gv] = new Session().run([y, g], [[nchw, ndarray(Float64Array.from([3, 3, 3, 3]), [1, 1, 2, 2])]]).map(toFlat);
    expect(yv).toEqual([3]);
    expect(gv).toEqual([1, 0, 0, 0]);
  });

  it('globalAvgPool2d is the mean over height and width', () => {
    const y = globalAvgPool2d(x);
    expect(y.shape).toEqual([2, 3]);
    const got = run(y);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let p = 0; p < 30; p++) s += xv[(n * 30 + p) * 3 + c];
      expect(got[n * 3 + c]).toBeCloseTo(s / 30, 13);
    }
  });

  it('has second derivatives that match central differences (gradients of sum(maxPool(x)^2) and of sum(tanh(avgPool(x))))', () => {
    const xs = placeholder('xs', [1, 4, 5, 2], { dtype: 'float64' });
    const feeds = [[xs, { data: rand(40, new Rng(3)), shape: [1, 4, 5, 2] }]] as const;
    for (const loss of [sum(square(maxPool2d(xs, 2, { strides: 1, padding: 'same' }))), sum(tanh(avgPool2d(xs, [2, 3], { strides: 2, padding: 'same' })))]) {
      const [g] = gradients(loss, [xs]);
      const r = gradcheck(g, [xs], feeds as never);
      if (!r.ok) throw new Error(r.summary);
    }
  });

  describe('rejects bad arguments at build time, naming the op, the node and the shapes', () => {
    it("a window larger than a 'valid' input", () => {
      expect(() => maxPool2d(placeholder('s', [null, 2, 8, 1]), 3, { name: 'p1' })).toThrow(
        "maxPool2d 'p1': window 3 is larger than the padded input 2: input [null,2,8,1], window [3,3], strides [3,3], pads [0,0,0,0]");
    });
    it('pads as large as the window', () => {
      expect(() => avgPool2d(placeholder('s', [1, 8, 8, 1]), 2, { padding: [[2, 0], [0, 0]], name: 'p2' })).toThrow(
        "avgPool2d 'p2': pads [2,0,0,0] must be smaller than the window [2,2]");
    });
    it('a rank other than 4', () => {
      expect(() => maxPool2d(placeholder('s', [8, 8, 1]), 2, { name: 'p3' })).toThrow("maxPool2d 'p3': input [8,8,1] must be rank 4 (NHWC)");
    });
  });
});
