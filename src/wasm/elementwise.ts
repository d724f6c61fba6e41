/**
 * Elementwise SIMD kernels, for arrays placed in a WasmArena. They take the call when the output and
 * the inputs live in the same arena, have one float dtype, and walk memory alike; an input that is a
 * single broadcast element may live anywhere (it is passed by value). Otherwise they return false
 * and the JavaScript kernel runs.
 *
 * Arrays outside an arena are left to JavaScript on purpose: copying two inputs in and the result
 * out moves 2x the bytes the add itself does, which costs more than SIMD saves (measured in
 * `npm run bench -- add`, row "wasm, copying", with bench/wasmCopying.ts).
 * The exception is the logistic loss, whose exp and log1p cost ~40 ns an element in JavaScript: a
 * label array outside the arena (a constant) is copied into the output first.
 *
 * sigmoid and the logistic loss exist for float32 only; they compute in float64 lanes with their own
 * exp and log1p, so a result may differ from JavaScript's by one float32 ulp (assembly/kernels.ts).
 * tanh and softplus exist in float32 and float64 (assembly/math.ts): within 1 float32 ulp of
 * JavaScript's result, and 3 (tanh) or 4 (softplus) float64 ulp (test/kernels/math.test.ts).
 */
import type { NdArray } from 'ndarray';
import { sizeOf } from '../graph/shape.js';
import { denseAlike } from '../graph/layout.js';
import { kernelsFor, wasmCalls, wasmEnabled, type Kernels } from './runtime.js';

/** The ops with SIMD kernels (`${name}_f32`, `${name}_f64`), found by the op's (its formula's) name. */
export const WASM_BINARY: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'logisticLoss']);
export const WASM_UNARY: ReadonlySet<string> = new Set(['neg', 'sqrt', 'sigmoid', 'tanh', 'softplus', 'relu']);

/**
 * Kernels costly enough per element (an exp and a log1p) that an input living outside the arena is
 * worth copying into the output first; the kernel then reads each element there before writing it.
 */
const COPY_IN: ReadonlySet<string> = new Set(['logisticLoss']);

/** Below this many elements the JavaScript loop is as fast as the call into WebAssembly. */
export const WASM_ELEMENTWISE_MIN = 32;

type Float = Float32Array | Float64Array;
const floatKind = (d: unknown): 'f32' | 'f64' | null =>
  d instanceof Float32Array ? 'f32' : d instanceof Float64Array ? 'f64' : null;

/** True when every stride of `a` is 0: one element stands for the whole array. */
function isBroadcastScalar(a: NdArray): boolean {
  for (let d = 0; d < a.shape.length; d++) if (a.stride[d] !== 0 && a.shape[d] !== 1) return false;
  return true;
}

const ptr = (a: NdArray): number => (a.data as Float).byteOffset + a.offset * (a.data as Float).BYTES_PER_ELEMENT;

/**
 * The SIMD kernel `${op}_f32` or `_f64` of the arena that `out` lives in; undefined when WebAssembly
 * is off, `out` is too small, not float, or not in an arena, or the arena has no such kernel.
 */
function arenaKernel<K>(op: string, out: NdArray): K | undefined {
  if (sizeOf(out.shape) < WASM_ELEMENTWISE_MIN || !wasmEnabled()) return undefined;
  const od = out.data as Float;
  if (!(od.buffer instanceof ArrayBuffer)) return undefined;
  const k = kernelsFor(od.buffer);
  const kind = floatKind(od);
  if (k === undefined || kind === null) return undefined;
  return (k as unknown as Record<string, K | undefined>)[`${op}_${kind}`];
}

/** out = a (op) b in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmBinary(op: string, out: NdArray, a: NdArray, b: NdArray): boolean {
  const kernel = arenaKernel<Kernels['add_f32']>(op, out);
  if (kernel === undefined) return false;
  const od = out.data as Float, kind = floatKind(od);
  if (floatKind(a.data) !== kind || floatKind(b.data) !== kind) return false;
  const n = sizeOf(out.shape);
  const inA = (a.data as Float).buffer === od.buffer, inB = (b.data as Float).buffer === od.buffer;
  // A broadcast scalar goes by value, so it may live anywhere (a learning rate, a constant).
  let mode: number, s = 0, pa = ptr(a), pb = ptr(b);
  if (inA && inB && denseAlike(out, a, b)) mode = 0;
  else if (inA && denseAlike(out, a) && isBroadcastScalar(b)) (mode = 1), (s = (b.data as Float)[b.offset]);
  else if (inB && denseAlike(out, b) && isBroadcastScalar(a)) (mode = 2), (s = (a.data as Float)[a.offset]);
  else if (COPY_IN.has(op) && inA !== inB && denseAlike(out, a, b) && !overlaps(out, inA ? a : b, n)) {
    copyDense(out, inA ? b : a, n);
    mode = 0;
    if (inA) pb = ptr(out);
    else pa = ptr(out);
  } else return false;
  kernel(ptr(out), mode === 2 ? 0 : pa, mode === 1 ? 0 : pb, n, mode, s);
  wasmCalls.elementwise++;
  return true;
}

/** True when the n elements of dense `a` and `out` share memory. */
function overlaps(out: NdArray, a: NdArray, n: number): boolean {
  const w = (out.data as Float).BYTES_PER_ELEMENT;
  return ptr(a) < ptr(out) + n * w && ptr(out) < ptr(a) + n * w;
}

/** out = a for dense arrays of one kind. */
function copyDense(out: NdArray, a: NdArray, n: number): void {
  (out.data as Float).set((a.data as Float).subarray(a.offset, a.offset + n), out.offset);
}

/** out = op(a) in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmUnary(op: string, out: NdArray, a: NdArray): boolean {
  const kernel = arenaKernel<Kernels['neg_f32']>(op, out);
  if (kernel === undefined) return false;
  const od = out.data as Float;
  if (floatKind(a.data) !== floatKind(od) || (a.data as Float).buffer !== od.buffer || !denseAlike(out, a)) return false;
  kernel(ptr(out), ptr(a), sizeOf(out.shape));
  wasmCalls.elementwise++;
  return true;
}
