import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dFilterKernel, conv2dKernel, conv2dTransposeKernel, type ConvAttrs } from '../../src/kernels/conv.js';
import { Rng } from '../../src/graph/random.js';
import { setWasmEnabled, wasmCalls, wasmEnabled } from '../../src/wasm/runtime.js';

afterEach(() => setWasmEnabled(true));

type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;
interface Case {
  name: string; N: number; H: number; W: number; C: number; O: number; KH: number; KW: number;
  strides?: [number, number]; dilations?: [number, number]; groups?: number;
  padding: 'same' | 'valid' | [number, number, number, number];
}

/** Output size and [top, bottom, left, right] pads, TensorFlow's rules for 'same' and 'valid'. */
function resolve(c: Case): { OH: number; OW: number; attrs: ConvAttrs } {
  const [sh, sw] = c.strides ?? [1, 1], [dh, dw] = c.dilations ?? [1, 1];
  const eh = (c.KH - 1) * dh + 1, ew = (c.KW - 1) * dw + 1;
  let pads: [number, number, number, number];
  if (c.padding === 'valid') pads = [0, 0, 0, 0];
  else if (c.padding === 'same') {
    const th = Math.max(0, (Math.ceil(c.H / sh) - 1) * sh + eh - c.H), tw = Math.max(0, (Math.ceil(c.W / sw) - 1) * sw + ew - c.W);
    pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else pads = c.padding;
  const OH = Math.floor((c.H + pads[0] + pads[1] - eh) / sh) + 1, OW = Math.floor((c.W + pads[2] + pads[3] - ew) / sw) + 1;
  return { OH, OW, attrs: { strides: [sh, sw], dilations: [dh, dw], pads, groups: c.groups ?? 1 } };
}

/**
 * Visits every (output pixel, tap, channel) product of the convolution, in float64: the one
 * definition the three references below are read from.
 */
function taps(c: Case, OH: number, OW: number, a: ConvAttrs, visit: (xi: number, fi: number, yi: number) => void): void {
  const g = a.groups, Cg = c.C / g, Og = c.O / g;
  for (let n = 0; n < c.N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let o = 0; o < c.O; o++) {
    const gi = Math.floor(o / Og);
    for (let kh = 0; kh < c.KH; kh++) for (let kw = 0; kw < c.KW; kw++) {
      const ih = oh * a.strides[0] - a.pads[0] + kh * a.dilations[0], iw = ow * a.strides[1] - a.pads[2] + kw * a.dilations[1];
      if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
      for (let ci = 0; ci < Cg; ci++) {
        visit(((n * c.H + ih) * c.W + iw) * c.C + gi * Cg + ci, ((kh * c.KW + kw) * Cg + ci) * c.O + o, ((n * OH + oh) * OW + ow) * c.O + o);
      }
    }
  }
}

function fill(rng: Rng, T: FloatType, n: number): Float32Array | Float64Array {
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Each result element against the float64 reference, within float32 rounding of its sum of |terms|. */
function expectClose(got: ArrayLike<number>, want: Float64Array, mag: Float64Array, T: FloatType, what: string): void {
  const eps = T === Float32Array ? 2 ** -24 : 2 ** -53;
  for (let i = 0; i < want.length; i++) {
    const tol = 64 * eps * mag[i] + (T === Float32Array ? 1e-7 : 0);
    if (!(Math.abs(got[i] - want[i]) <= tol)) expect.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]} (tolerance ${tol})`);
  }
}

const CASES: Case[] = [
  { name: '3x3 same, 1 -> 16 (the CNN\'s first layer)', N: 2, H: 9, W: 9, C: 1, O: 16, KH: 3, KW: 3, padding: 'same' },
  { name: '3x3 same, 16 -> 32', N: 2, H: 7, W: 6, C: 16, O: 32, KH: 3, KW: 3, padding: 'same' },
  { name: '5x5 valid, odd sizes, 3 -> 12 (a ragged panel)', N: 3, H: 11, W: 9, C: 3, O: 12, KH: 5, KW: 5, padding: 'valid' },
  { name: 'stride 2 same, 5 -> 9', N: 2, H: 9, W: 8, C: 5, O: 9, KH: 3, KW: 3, strides: [2, 2], padding: 'same' },
  { name: 'strides (2, 3), explicit asymmetric pads', N: 1, H: 10, W: 11, C: 4, O: 8, KH: 3, KW: 2, strides: [2, 3], padding: [2, 0, 1, 3] },
  { name: 'dilation 2, same', N: 2, H: 9, W: 10, C: 6, O: 8, KH: 3, KW: 3, dilations: [2, 2], padding: 'same' },
  { name: 'dilation (1, 2), explicit pads', N: 1, H: 8, W: 9, C: 3, O: 5, KH: 2, KW: 3, dilations: [1, 2], padding: [1, 1, 2, 2] },
  { name: 'groups 2, 6 -> 16', N: 2, H: 6, W: 7, C: 6, O: 16, KH: 3, KW: 3, groups: 2, padding: 'same' },
  { name: 'groups 3, stride 2, 9 -> 12', N: 1, H: 9, W: 9, C: 9, O: 12, KH: 3, KW: 3, groups: 3, strides: [2, 2], padding: 'valid' },
  { name: 'depthwise, multiplier 4 (8 -> 32)', N: 2, H: 6, W: 6, C: 8, O: 32, KH: 3, KW: 3, groups: 8, padding: 'same' },
  { name: 'depthwise, multiplier 1 (JavaScript path)', N: 2, H: 6, W: 5, C: 7, O: 7, KH: 3, KW: 3, groups: 7, padding: 'same' },
  { name: '1x1, 12 -> 20', N: 3, H: 5, W: 5, C: 12, O: 20, KH: 1, KW: 1, padding: 'valid' },
  { name: '1x1 stride 2', N: 2, H: 7, W: 7, C: 4, O: 8, KH: 1, KW: 1, strides: [2, 2], padding: 'valid' },
  { name: 'one image, one output pixel', N: 1, H: 3, W: 3, C: 2, O: 4, KH: 3, KW: 3, padding: 'valid' },
];

function check(c: Case, T: FloatType, wasm: boolean): void {
  const rng = new Rng(7);
  const { OH, OW, attrs } = resolve(c);
  const Cg = c.C / attrs.groups;
  const x = ndarray(fill(rng, T, c.N * c.H * c.W * c.C), [c.N, c.H, c.W, c.C]);
  const f = ndarray(fill(rng, T, c.KH * c.KW * Cg * c.O), [c.KH, c.KW, Cg, c.O]);
  const dy = ndarray(fill(rng, T, c.N * OH * OW * c.O), [c.N, OH, OW, c.O]);
  const n = { y: dy.size, dx: x.size, df: f.size };
  const want = { y: new Float64Array(n.y), dx: new Float64Array(n.dx), df: new Float64Array(n.df) };
  const mag = { y: new Float64Array(n.y), dx: new Float64Array(n.dx), df: new Float64Array(n.df) };
  const X = x.data as Float64Array, F = f.data as Float64Array, DY = dy.data as Float64Array;
  taps(c, OH, OW, attrs, (xi, fi, yi) => {
    want.y[yi] += X[xi] * F[fi]; mag.y[yi] += Math.abs(X[xi] * F[fi]);
    want.dx[xi] += DY[yi] * F[fi]; mag.dx[xi] += Math.abs(DY[yi] * F[fi]);
    want.df[fi] += X[xi] * DY[yi]; mag.df[fi] += Math.abs(X[xi] * DY[yi]);
  });
  setWasmEnabled(wasm);
  const opts = { useWasm: wasm };
  const y = ndarray(new T(n.y).fill(NaN), dy.shape.slice());
  conv2dKernel(x, f, y, attrs, opts)(x, f, y);
  const dx = ndarray(new T(n.dx).fill(NaN), x.shape.slice());
  conv2dTransposeKernel(dy, f, dx, attrs, opts)(dy, f, dx);
  const df = ndarray(new T(n.df).fill(NaN), f.shape.slice());
  const kf = conv2dFilterKernel(x, dy, df, attrs, opts);
  kf(x, dy, df);
  kf(x, dy, df); // a second run of a bound kernel overwrites, it does not accumulate
  const what = `${c.name}, ${T.name}, ${wasm ? 'wasm on' : 'wasm off'}`;
  expectClose(y.data, want.y, mag.y, T, `${what}: conv2d`);
  expectClose(dx.data, want.dx, mag.dx, T, `${what}: conv2dTranspose`);
  expectClose(df.data, want.df, mag.df, T, `${what}: filter gradient`);
}

describe('convolution kernels against a float64 loop over every tap', () => {
  for (const c of CASES) {
    it(c.name, () => {
      for (const T of [Float32Array, Float64Array]) for (const wasm of [false, true]) check(c, T, wasm);
    });
  }

  it.runIf(wasmEnabled())('float32 products take the WebAssembly kernels when they suit them, and only then', () => {
    const calls = (c: Case, T: FloatType) => {
      const before = wasmCalls.conv;
      check(c, T, true);
      return wasmCalls.conv - before;
    };
    expect(calls(CASES[1], Float32Array)).toBe(4); // forward, input gradient, the filter gradient twice
    expect(calls(CASES[3], Float32Array)).toBe(3); // stride 2: the input gradient stays in JavaScript
    expect(calls(CASES[10], Float32Array)).toBe(0); // depthwise with one output per group
    expect(calls(CASES[1], Float64Array)).toBe(0);
  });
});
