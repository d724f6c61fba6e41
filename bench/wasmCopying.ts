/**
 * The SIMD add/sub/mul/div on arrays outside WebAssembly memory, by copying both inputs into the
 * scratch memory and the result back. The kernels never do this (it loses to JavaScript); the
 * benchmark's "wasm, copying" row measures it to show why.
 */
import { wasmScratch, type Kernels } from '../src/wasm/runtime.js';

type Float = Float32Array | Float64Array;

/** out = a (op) b for dense arrays anywhere; false when WebAssembly is unavailable. */
export function binaryCopying(op: 'add' | 'sub' | 'mul' | 'div', out: Float, a: Float, b: Float): boolean {
  const s = wasmScratch();
  const kind = out instanceof Float32Array ? 'f32' : 'f64';
  if (!s) return false;
  const n = out.length, w = out.BYTES_PER_ELEMENT;
  s.ensure(3 * n * w);
  const view = kind === 'f32' ? s.f32 : s.f64;
  view.set(a, 0);
  view.set(b, n);
  (s.kernels as Kernels)[`${op}_${kind}`](2 * n * w, 0, n * w, n, 0, 0, 0);
  out.set(view.subarray(2 * n, 3 * n));
  return true;
}
