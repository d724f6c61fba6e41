/**
 * Elementwise SIMD kernels, for arrays placed in a WasmArena. They take the call when the output and
 * the inputs live in the same arena, have one float dtype, and walk memory alike; an input that is a
 * single broadcast element may live anywhere (it is passed by value). Otherwise they return false
 * and the JavaScript kernel runs.
 *
 * Arrays outside an arena are left to JavaScript on purpose: copying two inputs in and the result
 * out moves 2x the bytes the add itself does, which costs more than SIMD saves (measured in
 * `npm run bench -- add`, row "wasm, copying"; `binaryCopying` below exists for that measurement).
 */
import type { NdArray } from 'ndarray';
import { denseAlike, sizeOf } from '../kernels/layout.js';
import { kernelsFor, wasmCalls, wasmEnabled, wasmScratch, type Kernels } from './runtime.js';

export type WasmBinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type WasmUnaryOp = 'neg';

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

/** out = a (op) b in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmBinary(op: WasmBinaryOp, out: NdArray, a: NdArray, b: NdArray): boolean {
  const n = sizeOf(out.shape);
  if (n < WASM_ELEMENTWISE_MIN) return false;
  const od = out.data as Float;
  if (!(od.buffer instanceof ArrayBuffer)) return false;
  const k = kernelsFor(od.buffer);
  if (k === undefined || !wasmEnabled()) return false;
  const kind = floatKind(od);
  if (kind === null || floatKind(a.data) !== kind || floatKind(b.data) !== kind) return false;
  const inA = (a.data as Float).buffer === od.buffer, inB = (b.data as Float).buffer === od.buffer;
  // A broadcast scalar goes by value, so it may live anywhere (a learning rate, a constant).
  let mode: number, s = 0;
  if (inA && inB && denseAlike(out, a, b)) mode = 0;
  else if (inA && denseAlike(out, a) && isBroadcastScalar(b)) (mode = 1), (s = (b.data as Float)[b.offset]);
  else if (inB && denseAlike(out, b) && isBroadcastScalar(a)) (mode = 2), (s = (a.data as Float)[a.offset]);
  else return false;
  k[`${op}_${kind}`](ptr(out), mode === 2 ? 0 : ptr(a), mode === 1 ? 0 : ptr(b), n, mode, s);
  wasmCalls.elementwise++;
  return true;
}

/** out = op(a) in the arena's SIMD kernel; false when the call does not qualify. */
export function wasmUnary(op: WasmUnaryOp, out: NdArray, a: NdArray): boolean {
  const n = sizeOf(out.shape);
  if (n < WASM_ELEMENTWISE_MIN) return false;
  const od = out.data as Float;
  if (!(od.buffer instanceof ArrayBuffer)) return false;
  const k = kernelsFor(od.buffer);
  if (k === undefined || !wasmEnabled()) return false;
  const kind = floatKind(od);
  if (kind === null || floatKind(a.data) !== kind || (a.data as Float).buffer !== od.buffer) return false;
  if (!denseAlike(out, a)) return false;
  k[`${op}_${kind}`](ptr(out), ptr(a), n);
  wasmCalls.elementwise++;
  return true;
}

/**
 * out = a (op) b for dense arrays anywhere, by copying both inputs into the scratch memory and the
 * result back. Not used by the kernels (it loses to JavaScript); kept to measure that.
 */
export function binaryCopying(op: WasmBinaryOp, out: Float, a: Float, b: Float): boolean {
  const s = wasmScratch();
  const kind = floatKind(out);
  if (!s || kind === null) return false;
  const n = out.length, w = out.BYTES_PER_ELEMENT;
  s.ensure(3 * n * w);
  const view = kind === 'f32' ? s.f32 : s.f64;
  view.set(a, 0);
  view.set(b, n);
  (s.kernels as Kernels)[`${op}_${kind}`](2 * n * w, 0, n * w, n, 0, 0);
  out.set(view.subarray(2 * n, 3 * n));
  return true;
}
