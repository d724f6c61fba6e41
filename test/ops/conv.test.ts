import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { conv1d, conv2d, conv2dTranspose, type Conv2dOptions } from '../../src/ops/conv2d.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { transpose } from '../../src/ops/transpose.js';
import { Session } from '../../src/session/session.js';
import { Rng } from '../../src/graph/random.js';
import { gradients } from '../../src/autodiff/gradients.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { square } from '../../src/ops/square.js';
import { gradcheck } from '../../src/check/gradcheck.js';
import { toFlat } from '../../src/graph/tensor.js';

const rand = (n: number, rng: Rng) => Array.from({ length: n }, () => rng.uniform(-1, 1));

/** The textbook seven loops, from the definition (pads given explicitly). */
function naiveConv(x: number[], [N, H, W, C]: number[], f: number[], [KH, KW, Cg, O]: number[],
  { s = [1, 1], d = [1, 1], pads = [0, 0, 0, 0], groups = 1 }: { s?: number[]; d?: number[]; pads?: number[]; groups?: number }) {
  const OH = Math.floor((H + pads[0] + pads[1] - (KH - 1) * d[0] - 1) / s[0]) + 1;
  const OW = Math.floor((W + pads[2] + pads[3] - (KW - 1) * d[1] - 1) / s[1]) + 1;
  const Og = O / groups;
  const out = new Array(N * OH * OW * O).fill(0);
  for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let o = 0; o < O; o++) {
    const g = Math.floor(o / Og);
    let acc = 0;
    for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) for (let c = 0; c < Cg; c++) {
      const ih = i * s[0] - pads[0] + a * d[0], iw = j * s[1] - pads[2] + b * d[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      acc += x[((n * H + ih) * W + iw) * C + g * Cg + c] * f[((a * KW + b) * Cg + c) * O + o];
    }
    out[((n * OH + i) * OW + j) * O + o] = acc;
  }
  return { out, shape: [N, OH, OW, O] };
}

const CASES: { name: string; x: number[]; f: number[]; opts: Conv2dOptions; ref: Parameters<typeof naiveConv>[4] }[] = [
  { name: 'valid, stride 1', x: [2, 5, 6, 3], f: [3, 3, 3, 4], opts: {}, ref: {} },
  { name: "'same', stride 2 (odd pad after)", x: [1, 6, 7, 2], f: [3, 2, 2, 3], opts: { padding: 'same', strides: 2 }, ref: { s: [2, 2], pads: [0, 1, 0, 1] } },
  { name: 'dilation 2, explicit pads', x: [2, 7, 7, 2], f: [3, 3, 2, 2], opts: { dilations: 2, padding: [[1, 2], [0, 1]] }, ref: { d: [2, 2], pads: [1, 2, 0, 1] } },
  { name: 'groups 2', x: [2, 4, 4, 4], f: [2, 2, 2, 6], opts: { groups: 2 }, ref: { groups: 2 } },
  { name: 'depthwise (groups = channels, multiplier 2)', x: [1, 5, 5, 3], f: [3, 3, 1, 6], opts: { groups: 3, padding: 'same' }, ref: { groups: 3, pads: [1, 1, 1, 1] } },
];

describe('conv2d', () => {
  for (const c of CASES) {
    it(`matches the seven-loop definition: ${c.name}`, () => {
      const rng = new Rng(3);
      const xv = rand(c.x.reduce((a, b) => a * b), rng), fv = rand(c.f.reduce((a, b) => a * b), rng);
      const x = placeholder('x', c.x, { dtype: 'float64' }), f = placeholder('f', c.f, { dtype: 'float64' });
      const y = conv2d(x, f, c.opts);
      const want = naiveConv(xv, c.x, fv, c.f, c.ref);
      expect(y.shape).toEqual(want.shape);
      const got = new Session().run(y, [[x, { data: xv, shape: c.x }], [f, { data: fv, shape: c.f }]]);
      toFlat(got).forEach((v, i) => expect(v).toBeCloseTo(want.out[i], 12));
    });
  }

  it('in float32 matches the float64 definition to float32 precision', () => {
    const rng = new Rng(5);
    const shape = [3, 12, 12, 3], fs = [3, 3, 3, 8];
    const xv = rand(shape.reduce((a, b) => a * b), rng), fv = rand(fs.reduce((a, b) => a * b), rng);
    const want = naiveConv(xv, shape, fv, fs, { pads: [1, 1, 1, 1] });
    const x = placeholder('x', [null, 12, 12, 3]), f = placeholder('f', fs);
    const got = toFlat(new Session().run(conv2d(x, f, { padding: 'same' }), [[x, { data: Float32Array.from(xv), shape }], [f, { data: Float32Array.from(fv), shape: fs }]]));
    expect(Math.max(...got.map((v, i) => Math.abs(v - want.out[i])))).toBeLessThan(1e-5);
  });

  it('takes a batch too large for one cols buffer in chunks of images, the filter gradient summed over them', () => {
    const rng = new Rng(7);
    // one image's cols are 64*64*5*5*16 = 1.6M values, over the 1M budget: three chunks of one image
    const shape = [3, 64, 64, 16], fs = [5, 5, 16, 2];
    const xv = rand(shape.reduce((a, b) => a * b), rng), fv = rand(fs.reduce((a, b) => a * b), rng);
    const want = naiveConv(xv, shape, fv, fs, { pads: [2, 2, 2, 2] });
    const x = placeholder('x', shape, { dtype: 'float64' }), f = placeholder('f', fs, { dtype: 'float64' });
    const y = conv2d(x, f, { padding: 'same' });
    const [gf] = gradients(sum(mul(y, y)), [f]);
    const [got, gfv] = new Session().run([y, gf], [[x, { data: xv, shape }], [f, { data: fv, shape: fs }]]).map(toFlat);
    expect(Math.max(...got.map((v, i) => Math.abs(v - want.out[i])))).toBeLessThan(1e-10);
    // <dF(x, 2y), f> = 2 <y, conv(x, f)> = 2 |y|^2
    const dot = gfv.reduce((s, v, i) => s + v * fv[i], 0);
    const yy = want.out.reduce((s, v) => s + v * v, 0);
    expect(dot / (2 * yy)).toBeCloseTo(1, 10);
  });

  it('reads a transposed (non-contiguous) input', () => {
    const rng = new Rng(6);
    const xv = rand(2 * 3 * 4 * 5, rng), fv = rand(2 * 2 * 3 * 2, rng);
    // x is stored [N, C, H, W] and turned to NHWC by a view
    const nchw = placeholder('nchw', [2, 3, 4, 5], { dtype: 'float64' }), f = placeholder('f', [2, 2, 3, 2], { dtype: 'float64' });
    const y = conv2d(transpose(nchw, { perm: [0, 2, 3, 1] }), f);
    const nhwc: number[] = [];
    for (let n = 0; n < 2; n++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) for (let c = 0; c < 3; c++) nhwc.push(xv[((n * 3 + c) * 4 + h) * 5 + w]);
    const want = naiveConv(nhwc, [2, 4, 5, 3], fv, [2, 2, 3, 2], {});
    const got = new Session().run(y, [[nchw, ndarray(Float64Array.from(xv), [2, 3, 4, 5])], [f, { data: fv, shape: [2, 2, 3, 2] }]]);
    toFlat(got).forEach((v, i) => expect(v).toBeCloseTo(want.out[i], 12));
  });

  it('conv2dTranspose and the filter gradient are the adjoints of conv2d: <conv(x,f), y> = <x, convT(y,f)> = <f, dF(x,y)>', () => {
    const rng = new Rng(8);
    for (const c of CASES) {
      const x = placeholder('x', c.x, { dtype: 'float64' }), f = placeholder('f', c.f, { dtype: 'float64' });
      const y = conv2d(x, f, c.opts);
      const yv = placeholder('y', y.shape as number[], { dtype: 'float64' });
      const [gx, gf] = gradients(sum(mul(y, yv)), [x, f]);
      const vals = [c.x, c.f, y.shape as number[]].map((s) => rand(s.reduce((a, b) => a * b), rng));
      const feeds = [[x, { data: vals[0], shape: c.x }], [f, { data: vals[1], shape: c.f }], [yv, { data: vals[2], shape: y.shape as number[] }]] as const;
      const [ov, gxv, gfv] = new Session().run([y, gx, gf], feeds as never).map(toFlat);
      const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
      expect(gx.op.name).toBe('conv2dTranspose');
      expect(gf.op.name).toBe('conv2dBackpropFilter');
      expect(dot(gxv, vals[0])).toBeCloseTo(dot(ov, vals[2]), 10);
      expect(dot(gfv, vals[1])).toBeCloseTo(dot(ov, vals[2]), 10);
    }
  });

  it('has second derivatives that match central differences (the gradient of sum(conv(x,f)^2) in x and f)', () => {
    const x = placeholder('x', [1, 4, 4, 2], { dtype: 'float64' }), f = placeholder('f', [2, 2, 2, 2], { dtype: 'float64' });
    const loss = sum(square(conv2d(x, f, { strides: 2, padding: 'same' })));
    const [gx, gf] = gradients(loss, [x, f]);
    const rng = new Rng(2);
    const feeds: [typeof x, { data: number[]; shape: number[] }][] = [[x, { data: rand(32, rng), shape: [1, 4, 4, 2] }], [f, { data: rand(16, rng), shape: [2, 2, 2, 2] }]];
    for (const g of [gx, gf]) {
      const r = gradcheck(g, [x, f], feeds);
      if (!r.ok) throw new Error(r.summary);
    }
  });

  it('conv2dTranspose sizes its output as conv2d inverts it', () => {
    const x = placeholder('x', [null, 7, 7, 4]), f = placeholder('f', [3, 3, 2, 4]);
    expect(conv2dTranspose(x, f, { strides: 2, padding: 'same' }).shape).toEqual([null, 14, 14, 2]);
    expect(conv2dTranspose(x, f, { strides: 2 }).shape).toEqual([null, 15, 15, 2]);
    expect(conv2dTranspose(x, f, { strides: 2, padding: 'same', outputSize: [13, 13] }).shape).toEqual([null, 13, 13, 2]);
  });

  it('conv1d is conv2d over a height-1 image', () => {
    const rng = new Rng(4);
    const xv = rand(2 * 9 * 2, rng), fv = rand(3 * 2 * 3, rng);
    const x = placeholder('x', [2, 9, 2], { dtype: 'float64' }), f = placeholder('f', [3, 2, 3], { dtype: 'float64' });
    const y = conv1d(x, f, { stride: 2, padding: 'same', dilation: 1 });
    const want = naiveConv(xv, [2, 1, 9, 2], fv, [1, 3, 2, 3], { s: [1, 2], pads: [0, 0, 1, 1] });
    expect(y.shape).toEqual([2, 5, 3]);
    const got = toFlat(new Session().run(y, [[x, { data: xv, shape: [2, 9, 2] }], [f, { data: fv, shape: [3, 2, 3] }]]));
    got.forEach((v, i) => expect(v).toBeCloseTo(want.out[i], 12));
  });

  describe('rejects bad arguments at build time, naming the op, the node and the shapes', () => {
    const x = placeholder('x', [null, 28, 28, 3]);
    it('filter channels that differ from the input channels', () => {
      expect(() => conv2d(x, placeholder('f', [3, 3, 4, 8]), { name: 'c1' })).toThrow(
        "conv2d 'c1': filter [3,3,4,8] takes 4 input channels but the input [null,28,28,3] has 3");
    });
    it('groups that do not divide the channels', () => {
      expect(() => conv2d(x, placeholder('f', [3, 3, 1, 8]), { groups: 2, name: 'c2' })).toThrow(
        "conv2d 'c2': groups 2 does not divide the 3 channels of the input [null,28,28,3]");
      expect(() => conv2d(x, placeholder('f', [3, 3, 1, 4]), { groups: 3, name: 'c3' })).toThrow(
        "conv2d 'c3': groups 3 does not divide the filter's 4 output channels: filter [3,3,1,4]");
    });
    it("a window larger than a 'valid' input", () => {
      expect(() => conv2d(placeholder('s', [1, 4, 4, 3]), placeholder('f', [5, 5, 3, 2]), { name: 'c4' })).toThrow(
        "conv2d 'c4': window 5 is larger than the padded input 4: input [1,4,4,3], filter [5,5,3,2]");
    });
    it('bad strides and padding', () => {
      expect(() => conv2d(x, placeholder('f', [3, 3, 3, 2]), { strides: 0, name: 'c5' })).toThrow("conv2d 'c5': strides must be integers >= 1, got 0");
      expect(() => conv2d(x, placeholder('f', [3, 3, 3, 2]), { padding: [[1, -1], [0, 0]], name: 'c6' })).toThrow("conv2d 'c6': padding must be");
      expect(() => conv2d(placeholder('u', [1, null, 5, 3]), placeholder('f', [3, 3, 3, 2]), { padding: 'same', name: 'c7' })).toThrow(
        "conv2d 'c7': 'same' padding needs the input's height and width");
    });
  });
});
