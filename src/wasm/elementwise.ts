/**
 * Elementwise SIMD kernels, for arrays placed in a WasmArena. They take the call when the output and
 * the inputs live in the same arena, have one float dtype, and walk memory alike; an input that is a
 * single broadcast element may live anywhere (it is passed by value). The arithmetic ops (add, sub,
 * mul, div) also take one input broadcast along lines of a dense output: a contiguous row met by
 * every line (a bias row) or a contiguous column of one element per line (a per-row scale).
 * Otherwise they return false and the JavaScript kernel runs.
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
import { collapse, denseAlike } from '../graph/layout.js';
import { kernelsFor, wasmCalls, wasmEnabled, type Kernels } from './runtime.js';

/** The ops with SIMD kernels (`${name}_f32`, `${name}_f64`), found by the op's (its formula's) name. */
export const WASM_BINARY: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'logisticLoss']);
export const WASM_UNARY: ReadonlySet<string> = new Set(['neg', 'sqrt', 'sigmoid', 'tanh', 'softplus', 'relu']);

/**
 * Kernels costly enough per element (an exp and a log1p) that an input living outside the arena is
 * worth copying into the output first; the kernel then reads each element there before writing it.
 */
const COPY_IN: ReadonlySet<string> = new Set(['logisticLoss']);

/** The ops whose SIMD kernels take a broadcast row or column (modes 3 to 6, assembly/kernels.ts). */
const LINES: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div']);

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

/** A SIMD kernel's call, bound to its arrays. */
export type SimdCall = () => void;

/**
 * The call out = a (op) b in the arena's SIMD kernel, with every check done now, or undefined when
 * it does not qualify. A broadcast scalar is read at each call (it may change between runs, as a
 * learning rate does); a plan binds the call once and runs it every step (kernels/elementwise.ts).
 */
export function bindBinary(op: string, out: NdArray, a: NdArray, b: NdArray): SimdCall | undefined {
  const kernel = arenaKernel<Kernels['add_f32']>(op, out);
  if (kernel === undefined) return undefined;
  const od = out.data as Float, kind = floatKind(od);
  if (floatKind(a.data) !== kind || floatKind(b.data) !== kind) return undefined;
  const n = sizeOf(out.shape);
  const inA = (a.data as Float).buffer === od.buffer, inB = (b.data as Float).buffer === od.buffer;
  const po = ptr(out), pa = ptr(a), pb = ptr(b);
  const count = (): void => void wasmCalls.elementwise++;
  if (inA && inB && denseAlike(out, a, b)) return () => (kernel(po, pa, pb, n, 0, 0, 0), count());
  // A broadcast scalar goes by value, so it may live anywhere (a learning rate, a constant).
  if (inA && denseAlike(out, a) && isBroadcastScalar(b)) {
    const d = b.data as Float, at = b.offset;
    return () => (kernel(po, pa, 0, n, 1, d[at], 0), count());
  }
  if (inB && denseAlike(out, b) && isBroadcastScalar(a)) {
    const d = a.data as Float, at = a.offset;
    return () => (kernel(po, 0, pb, n, 2, d[at], 0), count());
  }
  if (COPY_IN.has(op) && inA !== inB && denseAlike(out, a, b) && !overlaps(out, inA ? a : b, n)) {
    const outside = inA ? b : a;
    return () => (copyDense(out, outside, n), kernel(po, inA ? pa : po, inA ? po : pb, n, 0, 0, 0), count());
  }
  const line = LINES.has(op) && inA && inB ? lineMode(out, a, b) : undefined;
  if (line === undefined) return undefined;
  const [mode, m] = line;
  return () => (kernel(po, pa, pb, n, mode, 0, m), count());
}

/** out = a (op) b in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmBinary(op: string, out: NdArray, a: NdArray, b: NdArray): boolean {
  const call = bindBinary(op, out, a, b);
  if (call === undefined) return false;
  call();
  return true;
}

/**
 * [mode, line length] when `out` is dense and, over its lines (its axes collapsed to two), one of
 * a and b is alike `out` and the other a contiguous row met by every line (modes 3, 4: b or a is
 * the row) or a contiguous column of one element per line (5, 6); else undefined. The broadcast
 * input must not overlap `out`, which is written line by line.
 */
function lineMode(out: NdArray, a: NdArray, b: NdArray): [number, number] | undefined {
  const { shape, strides: [so, sa, sb] } = collapse(out.shape, [out.stride, a.stride, b.stride]);
  if (shape.length !== 2) return undefined;
  const [R, C] = shape;
  const dense = (st: readonly number[]) => st[0] === C && st[1] === 1;
  if (!dense(so)) return undefined;
  const row = (st: readonly number[]) => st[0] === 0 && st[1] === 1;
  const column = (st: readonly number[]) => st[0] === 1 && st[1] === 0;
  const n = R * C;
  let mode: number, line: NdArray, len: number;
  if (dense(sa) && row(sb)) (mode = 3), (line = b), (len = C);
  else if (row(sa) && dense(sb)) (mode = 4), (line = a), (len = C);
  else if (dense(sa) && column(sb)) (mode = 5), (line = b), (len = R);
  else if (column(sa) && dense(sb)) (mode = 6), (line = a), (len = R);
  else return undefined;
  const w = (out.data as Float).BYTES_PER_ELEMENT;
  if (ptr(line) < ptr(out) + n * w && ptr(out) < ptr(line) + len * w) return undefined;
  return [mode, C];
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

/** The call out = op(a) in the arena's SIMD kernel, checks done now (as bindBinary), or undefined. */
export function bindUnary(op: string, out: NdArray, a: NdArray): SimdCall | undefined {
  const kernel = arenaKernel<Kernels['neg_f32']>(op, out);
  if (kernel === undefined) return undefined;
  const od = out.data as Float;
  if (floatKind(a.data) !== floatKind(od) || (a.data as Float).buffer !== od.buffer || !denseAlike(out, a)) return undefined;
  const po = ptr(out), pa = ptr(a), n = sizeOf(out.shape);
  return () => {
    kernel(po, pa, n);
    wasmCalls.elementwise++;
  };
}

/** out = op(a) in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmUnary(op: string, out: NdArray, a: NdArray): boolean {
  const call = bindUnary(op, out, a);
  if (call === undefined) return false;
  call();
  return true;
}
