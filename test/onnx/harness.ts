/** Running exported models in onnxruntime-node and comparing them with dagrad's own runs. */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { NdArray } from 'ndarray';
import type { DType, Input } from '../../src/index.js';

const ORT_TYPE = { float32: 'float32', float64: 'float64', int32: 'int32' } as const;

export interface Value {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A Value as dagrad feeds take it. */
export const toInput = (v: Value): Input => ({ data: Array.from(v.data), shape: v.shape });

export const fromNd = (a: NdArray, dtype: DType): Value => ({ data: Array.from(contiguousData(a)), shape: a.shape.slice(), dtype });

function contiguousData(a: NdArray): number[] {
  const out: number[] = [];
  const n = a.shape.reduce((p, d) => p * d, 1);
  const idx = a.shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    out.push(a.get(...idx));
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export function ortTensor(v: Value): ort.Tensor {
  const C = v.dtype === 'float32' ? Float32Array : v.dtype === 'float64' ? Float64Array : Int32Array;
  return new ort.Tensor(ORT_TYPE[v.dtype], C.from(v.data), v.shape.slice());
}

/** Creates a session from the model's bytes (one thread: the suite shares two cores). */
export function ortSession(bytes: Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Value>, session?: ort.InferenceSession): Promise<Record<string, { data: number[]; shape: number[] }>> {
  const s = session ?? (await ortSession(bytes));
  const inputs: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) inputs[k] = ortTensor(v);
  const r = await s.run(inputs);
  const out: Record<string, { data: number[]; shape: number[] }> = {};
  for (const [k, t] of Object.entries(r)) out[k] = { data: Array.from(t.data as ArrayLike<number>, Number), shape: t.dims.map(Number) };
  return out;
}

/** Elementwise |a - b| <= tol * max(1, |b|), same shape; NaN only where NaN is expected. */
export function expectClose(got: { data: ArrayLike<number>; shape: readonly number[] }, want: { data: ArrayLike<number>; shape: readonly number[] }, tol: number, what: string): number {
  expect(got.shape, `${what}: shape`).toEqual(want.shape.slice());
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const a = Number(got.data[i]), b = Number(want.data[i]);
    if (Number.isNaN(b)) {
      expect(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`).toBe(true);
      continue;
    }
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(err <= tol)) throw new Error(`${what}[${i}]: ONNX ${a} vs dagrad ${b} (error ${err} > ${tol})`);
    worst = Math.max(worst, err);
  }
  return worst;
}
