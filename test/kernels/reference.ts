/**
 * Reference kernels and test arrays for the kernel tests. The references are the definitions,
 * written index by index with ndarray's get/set, so they share no code with the fast kernels.
 */
import ndarray, { type NdArray } from 'ndarray';
import { Rng } from '../../src/graph/random.js';

export type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;

/** Every multi-index of `shape`, row-major. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((d) => d === 0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    yield idx.slice();
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

export function refMap(out: NdArray, ins: readonly NdArray[], f: (...xs: number[]) => number): void {
  for (const i of indices(out.shape)) out.set(...i, f(...ins.map((a) => a.get(...i))));
}

/** Reduction over `axes`, each output's reduced elements taken in row-major order, accumulated in float64. */
export function refReduce(
  out: NdArray, a: NdArray, axes: readonly number[],
  r: { init: number; step: (acc: number, x: number, i: number) => number; finish?: (acc: number, n: number) => number },
): void {
  const kept = a.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const redShape = axes.map((d) => a.shape[d]);
  const count = redShape.reduce((p, d) => p * d, 1);
  let o = 0;
  for (const k of indices(kept.map((d) => a.shape[d]))) {
    let acc = r.init, i = 0;
    for (const j of indices(redShape)) {
      const full = a.shape.map(() => 0);
      kept.forEach((d, t) => (full[d] = k[t]));
      axes.forEach((d, t) => (full[d] = j[t]));
      acc = r.step(acc, a.get(...full), i++);
    }
    (out.data as Float64Array)[out.offset + o++] = r.finish ? r.finish(acc, count) : acc;
  }
}

/** Matrix product of the last two axes, batch axes broadcast; each sum in float64, k ascending. */
export function refMatmul(out: NdArray, a: NdArray, b: NdArray): void {
  const r = out.shape.length, K = a.shape[a.shape.length - 1];
  if (r === 2 && a.shape.length === 2 && b.shape.length === 2) {
    const [M, N] = out.shape;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a.get(i, k) * b.get(k, j);
        out.set(i, j, s);
      }
    }
    return;
  }
  for (const i of indices(out.shape)) {
    const batch = i.slice(0, r - 2);
    const pick = (x: NdArray, row: number, col: number) => {
      const lead = batch.length - (x.shape.length - 2);
      const bi = batch.slice(lead).map((v, t) => (x.shape[t] === 1 ? 0 : v));
      return x.get(...bi, row, col);
    };
    let s = 0;
    for (let k = 0; k < K; k++) s += pick(a, i[r - 2], k) * pick(b, k, i[r - 1]);
    out.set(...i, s);
  }
}

export const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

export function random(rng: Rng, T: FloatType, n: number, lo = -2, hi = 2): Float32Array | Float64Array {
  const d = new T(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniform(lo, hi);
  return d;
}

/**
 * The layouts the kernels must handle. Each makes an array of `shape` holding random values:
 * - contiguous: row-major at offset 0;
 * - offset: row-major inside a larger buffer;
 * - transposed: axes reversed in memory (a transpose view of a contiguous array);
 * - strided: every other element of a buffer twice as long per axis, last axis reversed.
 */
export type Layout = 'contiguous' | 'offset' | 'transposed' | 'strided';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'offset', 'transposed', 'strided'];

export function makeArray(rng: Rng, T: FloatType, shape: readonly number[], layout: Layout, lo = -2, hi = 2): NdArray {
  const n = size(shape);
  switch (layout) {
    case 'contiguous':
      return ndarray(random(rng, T, n, lo, hi), shape.slice());
    case 'offset':
      return ndarray(random(rng, T, n + 5, lo, hi), shape.slice(), undefined, 5);
    case 'transposed': {
      const rev = shape.slice().reverse();
      return ndarray(random(rng, T, n, lo, hi), rev).transpose(...rev.map((_, i) => rev.length - 1 - i));
    }
    case 'strided': {
      const big = ndarray(random(rng, T, size(shape.map((d) => 2 * d)) + 1, lo, hi), shape.map((d) => 2 * d));
      let v = big.step(...shape.map(() => 2));
      if (shape.length > 0) v = v.step(...shape.map((_, i) => (i === shape.length - 1 ? -1 : 1)));
      return shape.length === 0 ? ndarray(random(rng, T, 1, lo, hi), []) : v;
    }
  }
}

/** `x`'s values in row-major order. */
export function values(x: NdArray): number[] {
  return [...indices(x.shape)].map((i) => x.get(...i));
}

/** A stride-0 view of an array of `own` shape stretched to `shape` (NumPy broadcasting). */
export function broadcast(x: NdArray, shape: readonly number[]): NdArray {
  const lead = shape.length - x.shape.length;
  const stride = shape.map((d, i) => (i < lead || x.shape[i - lead] !== d ? 0 : x.stride[i - lead]));
  return ndarray(x.data, shape.slice(), stride, x.offset);
}

/** An M x K operand, or its transpose stored K x M and viewed transposed, in a given layout. */
export function operand(rng: Rng, T: FloatType, rows: number, cols: number, transposed: boolean, layout: Layout): NdArray {
  if (!transposed) return makeArray(rng, T, [rows, cols], layout);
  return makeArray(rng, T, [cols, rows], layout).transpose(1, 0);
}

/**
 * The float32 WebAssembly kernel sums in float32: each element may differ from the float64 sum by
 * K rounding errors of at most 2^-24 times the running sum of |a_ik b_kj|, plus the final rounding.
 */
export function f32Bound(a: NdArray, b: NdArray, i: number, j: number, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.abs(a.get(i, k) * b.get(k, j));
  return (K + 1) * 2 ** -24 * s;
}
