/**
 * 2-D convolution kernels, NHWC, filters HWIO ([KH, KW, C / groups, O]), by im2col plus the matmul
 * kernel (gemm: packed JavaScript, or WebAssembly SIMD when loaded):
 * - forward: cols[rows, KH*KW*Cg] (one row per output pixel) times the filter as a [KH*KW*Cg, O] matrix;
 * - input gradient (conv2dTranspose): dy[rows, O] times the filter transposed gives cols, which col2im
 *   adds back onto the pixels they were read from;
 * - filter gradient: cols^T times dy, summed over the batch.
 * Groups are separate products on column blocks of the filter and of dy. Images are taken in chunks
 * so that the cols buffer stays under COLS_BUDGET elements; a kernel bound to a plan allocates its
 * scratch once, on its first JavaScript run, and nothing per run.
 * In float32 with WebAssembly SIMD on, the three products run instead as direct convolutions in
 * WebAssembly (src/wasm/conv.ts), which read the taps from a padded copy of the input and never
 * build cols; `useWasm: false` in the options keeps the JavaScript path (the tests' reference).
 */
import ndarray, { type NdArray } from 'ndarray';
import { allocate, dtypeOfArray, type DType, type TypedArray } from '../graph/dtype.js';
import type { Data, Mat } from '../graph/layout.js';
import { sizeOf } from '../graph/shape.js';
import { copyInto, isContiguous } from '../graph/tensor.js';
import { wasmConv2d, wasmConv2dFilter, wasmConv2dTranspose, type ConvSizes } from '../wasm/conv.js';
import { gemm } from './matmul.js';

/** Normalised convolution attributes (builders resolve 'same' and 'valid' to explicit pads). */
export interface ConvAttrs {
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, bottom, left, right]. */
  readonly pads: readonly [number, number, number, number];
  readonly groups: number;
}

/** Every size a convolution kernel needs (Cg = C / groups, Og = O / groups): the WebAssembly side's own record. */
export type ConvGeometry = ConvSizes;

/** The largest cols buffer, in elements, a kernel holds (4 MB of float32). */
const COLS_BUDGET = 1 << 20;

export function geometry(x: readonly number[], f: readonly number[], y: readonly number[], a: ConvAttrs): ConvGeometry {
  const [N, H, W, C] = x, [KH, KW] = f, [, OH, OW, O] = y;
  return {
    N, H, W, C, OH, OW, O, KH, KW,
    sh: a.strides[0], sw: a.strides[1], dh: a.dilations[0], dw: a.dilations[1], pt: a.pads[0], pl: a.pads[2],
    groups: a.groups, Cg: C / a.groups, Og: O / a.groups,
  };
}

/** Images per chunk, and the cols buffer's size for it. */
function chunking(g: ConvGeometry): { imgs: number; cols: number } {
  const perImage = g.OH * g.OW * g.KH * g.KW * g.C;
  const imgs = Math.max(1, Math.min(g.N, Math.floor(COLS_BUDGET / Math.max(perImage, 1))));
  return { imgs, cols: imgs * perImage };
}

/**
 * Reads an input as a dense row-major block: the array's own storage when it already is one,
 * otherwise a copy into scratch made once here (its layout is fixed for a bound kernel).
 */
function denseReader(a: NdArray): (a: NdArray) => { data: Data; off: number } {
  if (isContiguous(a)) return (x) => ({ data: x.data as Data, off: x.offset });
  const copy = ndarray(allocate(dtypeOfArray(a.data) ?? 'float64', sizeOf(a.shape)), a.shape.slice());
  return (x) => {
    copyInto(copy, x);
    return { data: copy.data as Data, off: 0 };
  };
}

/**
 * cols for images [n0, n0 + imgs), group-major: group gi's block starts at gi * rows * Kg, one row
 * of Kg = KH*KW*Cg values per output pixel, ordered (kh, kw, c) like the filter's rows. Taps that
 * fall in the padding read zero.
 */
function im2col(x: Data, xo: number, g: ConvGeometry, n0: number, imgs: number, cols: Data): void {
  const { H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl, Cg, groups } = g;
  const Kg = KH * KW * Cg, rows = imgs * OH * OW;
  for (let gi = 0; gi < groups; gi++) {
    let p = gi * rows * Kg;
    for (let n = n0; n < n0 + imgs; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          // taps kw in [k0, k1) fall inside the image; with dilation 1 they read one contiguous run
          const ws = ow * sw - pl;
          const k0 = Math.min(KW, Math.max(0, Math.ceil(-ws / dw))), k1 = Math.max(k0, Math.min(KW, Math.ceil((W - ws) / dw)));
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - pt + kh * dh;
            if (ih < 0 || ih >= H) {
              for (let t = 0; t < KW * Cg; t++) cols[p++] = 0;
              continue;
            }
            for (let t = 0; t < k0 * Cg; t++) cols[p++] = 0;
            const row = xo + (n * H + ih) * W * C + gi * Cg;
            if (dw === 1 && Cg === C) {
              for (let q = row + (ws + k0) * C, e = q + (k1 - k0) * C; q < e; q++) cols[p++] = x[q];
            } else {
              for (let kw = k0; kw < k1; kw++) {
                const q = row + (ws + kw * dw) * C;
                for (let c = 0; c < Cg; c++) cols[p++] = x[q + c];
              }
            }
            for (let t = k1 * Cg; t < KW * Cg; t++) cols[p++] = 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each cols value onto the pixel it was read from (dx zeroed first by the caller). */
function col2im(cols: Data, g: ConvGeometry, n0: number, imgs: number, dx: Data, xo: number): void {
  const { H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl, Cg, groups } = g;
  const Kg = KH * KW * Cg, rows = imgs * OH * OW;
  for (let gi = 0; gi < groups; gi++) {
    let p = gi * rows * Kg;
    for (let n = n0; n < n0 + imgs; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const ws = ow * sw - pl;
          const k0 = Math.min(KW, Math.max(0, Math.ceil(-ws / dw))), k1 = Math.max(k0, Math.min(KW, Math.ceil((W - ws) / dw)));
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - pt + kh * dh;
            if (ih < 0 || ih >= H) {
              p += KW * Cg;
              continue;
            }
            p += k0 * Cg;
            const row = xo + (n * H + ih) * W * C + gi * Cg;
            if (dw === 1 && Cg === C) {
              for (let q = row + (ws + k0) * C, e = q + (k1 - k0) * C; q < e; q++) dx[q] += cols[p++];
            } else {
              for (let kw = k0; kw < k1; kw++) {
                const q = row + (ws + kw * dw) * C;
                for (let c = 0; c < Cg; c++) dx[q + c] += cols[p++];
              }
            }
            p += (KW - k1) * Cg;
          }
        }
      }
    }
  }
}

export type ConvKernel = (a: NdArray, b: NdArray, out: NdArray) => void;

/** A buffer allocated on first use: kernels whose runs all take the WebAssembly path never need it. */
function lazy(dtype: DType, n: number): () => TypedArray {
  let a: TypedArray | undefined;
  return () => (a ??= allocate(dtype, n));
}

export interface ConvKernelOptions {
  /** Let float32 products run in WebAssembly SIMD when it is enabled (default true). */
  readonly useWasm?: boolean;
}

/**
 * Whether the WebAssembly kernel suits this geometry: its tiles are 8 output channels wide, so
 * groups with fewer than 4 output channels each (depthwise) would waste most of every tile.
 */
const wasmSuits = (outPerGroup: number, opts?: ConvKernelOptions): boolean => (opts?.useWasm ?? true) && outPerGroup >= 4;
const dtypeOf = (a: NdArray): DType => dtypeOfArray(a.data) ?? 'float64';

/** y = conv2d(x, f): a kernel for these arrays' shapes and layouts (its JavaScript scratch made on first use). */
export function conv2dKernel(x: NdArray, f: NdArray, y: NdArray, attrs: ConvAttrs, opts?: ConvKernelOptions): ConvKernel {
  const g = geometry(x.shape, f.shape, y.shape, attrs);
  const { imgs, cols: size } = chunking(g);
  const colsOf = lazy(dtypeOf(y), size);
  const readX = denseReader(x), readF = denseReader(f);
  const Kg = g.KH * g.KW * g.Cg, pix = g.OH * g.OW;
  const simd = wasmSuits(g.Og, opts);
  return (xa, fa, out) => {
    const X = readX(xa), F = readF(fa);
    const o = out.data as Data;
    if (simd && wasmConv2d(g, X, F, { data: o, off: out.offset })) return;
    const cols = colsOf();
    for (let n0 = 0; n0 < g.N; n0 += imgs) {
      const m = Math.min(imgs, g.N - n0), rows = m * pix;
      im2col(X.data, X.off, g, n0, m, cols);
      for (let gi = 0; gi < g.groups; gi++) {
        const A: Mat = { data: cols, off: gi * rows * Kg, rs: Kg, cs: 1 };
        const B: Mat = { data: F.data, off: F.off + gi * g.Og, rs: g.O, cs: 1 };
        const C: Mat = { data: o, off: out.offset + n0 * pix * g.O + gi * g.Og, rs: g.O, cs: 1 };
        gemm(rows, g.Og, Kg, A, B, C);
      }
    }
  };
}

/** dx = conv2dTranspose(dy, f), the adjoint of conv2d in x: dx has shape `out`. */
export function conv2dTransposeKernel(dy: NdArray, f: NdArray, dx: NdArray, attrs: ConvAttrs, opts?: ConvKernelOptions): ConvKernel {
  const g = geometry(dx.shape, f.shape, dy.shape, attrs);
  const { imgs, cols: size } = chunking(g);
  const colsOf = lazy(dtypeOf(dx), size);
  const readY = denseReader(dy), readF = denseReader(f);
  const Kg = g.KH * g.KW * g.Cg, pix = g.OH * g.OW, image = g.H * g.W * g.C;
  const simd = wasmSuits(g.Cg, opts);
  return (dya, fa, out) => {
    const Y = readY(dya), F = readF(fa);
    const o = out.data as Data;
    if (simd && wasmConv2dTranspose(g, Y, F, { data: o, off: out.offset })) return;
    const cols = colsOf();
    for (let n0 = 0; n0 < g.N; n0 += imgs) {
      const m = Math.min(imgs, g.N - n0), rows = m * pix;
      for (let gi = 0; gi < g.groups; gi++) {
        const A: Mat = { data: Y.data, off: Y.off + n0 * pix * g.O + gi * g.Og, rs: g.O, cs: 1 };
        const B: Mat = { data: F.data, off: F.off + gi * g.Og, rs: 1, cs: g.O };
        const C: Mat = { data: cols, off: gi * rows * Kg, rs: Kg, cs: 1 };
        gemm(rows, Kg, g.Og, A, B, C);
      }
      const start = out.offset + n0 * image;
      for (let i = start, e = start + m * image; i < e; i++) o[i] = 0;
      col2im(cols, g, n0, m, o, out.offset);
    }
  };
}

/** df = the filter gradient of conv2d from x and dy: cols^T dy, summed over chunks of images. */
export function conv2dFilterKernel(x: NdArray, dy: NdArray, df: NdArray, attrs: ConvAttrs, opts?: ConvKernelOptions): ConvKernel {
  const g = geometry(x.shape, df.shape, dy.shape, attrs);
  const { imgs, cols: size } = chunking(g);
  const dtype = dtypeOf(df);
  const colsOf = lazy(dtype, size);
  const Kg = g.KH * g.KW * g.Cg, pix = g.OH * g.OW;
  const partOf = lazy(dtype, imgs < g.N ? Kg * g.Og : 0);
  const readX = denseReader(x), readY = denseReader(dy);
  const simd = wasmSuits(g.Og, opts);
  return (xa, dya, out) => {
    const X = readX(xa), Y = readY(dya);
    const o = out.data as Data;
    if (simd && isContiguous(out) && wasmConv2dFilter(g, X, Y, { data: o, off: out.offset })) return;
    const cols = colsOf(), part = imgs < g.N ? partOf() : null;
    if (g.N === 0) for (let i = 0, n = out.size; i < n; i++) o[out.offset + i] = 0;
    for (let n0 = 0; n0 < g.N; n0 += imgs) {
      const m = Math.min(imgs, g.N - n0), rows = m * pix;
      im2col(X.data, X.off, g, n0, m, cols);
      for (let gi = 0; gi < g.groups; gi++) {
        const A: Mat = { data: cols, off: gi * rows * Kg, rs: 1, cs: Kg };
        const B: Mat = { data: Y.data, off: Y.off + n0 * pix * g.O + gi * g.Og, rs: g.O, cs: 1 };
        if (n0 === 0) {
          gemm(Kg, g.Og, rows, A, B, { data: o, off: out.offset + gi * g.Og, rs: g.O, cs: 1 });
          continue;
        }
        gemm(Kg, g.Og, rows, A, B, { data: part!, off: 0, rs: g.Og, cs: 1 });
        for (let j = 0; j < Kg; j++) {
          const at = out.offset + j * g.O + gi * g.Og;
          for (let c = 0; c < g.Og; c++) o[at + c] += part![j * g.Og + c];
        }
      }
    }
  };
}
