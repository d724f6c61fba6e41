/**
 * Plan-time binders for elementwise ops (an op's `bind`). On tiny arrays a kernel call costs more in
 * its checks (layout, dtype, which arena the data lives in) than in arithmetic; a plan knows the
 * arrays every run will use, so it settles those questions once and keeps a closure that is only the
 * loop. Larger arrays (or layouts other than dense and broadcast-scalar) return null: the op's
 * `forward` runs, with its own fast paths (collapsed axes, SIMD).
 */
import type { NdArray } from 'ndarray';
import type { OpDef } from '../graph/op.js';
import type { Data } from '../graph/layout.js';

type Bind = NonNullable<OpDef['bind']>;

/** Up to this many elements the bound loop runs; above it, forward. */
export const TINY = 16;

/** How `a` steps as `out` walks its elements in order: 1 (alike), 0 (one broadcast element), or -1. */
function stepOf(a: NdArray, out: NdArray): number {
  let alike = true;
  let scalar = true;
  let st = 1;
  for (let d = out.shape.length - 1; d >= 0; d--) {
    const s = out.shape[d];
    if (s === 1) continue;
    if (out.stride[d] !== st) return -1;
    if (a.stride[d] !== st) alike = false;
    if (a.stride[d] !== 0) scalar = false;
    st *= s;
  }
  return alike ? 1 : scalar ? 0 : -1;
}

/** `bind` for out = f(a). */
export function bindUnary(f: (x: number) => number): Bind {
  return ([a], out) => {
    const n = out.size;
    if (n > TINY || stepOf(out, out) !== 1 || stepOf(a, out) !== 1) return null;
    const o = out.data as Data, x = a.data as Data, oo = out.offset, xo = a.offset;
    if (n === 1) return () => { o[oo] = f(x[xo]); };
    return () => {
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i]);
    };
  };
}

/** `bind` for out = f(a, b); either input may be one broadcast element. */
export function bindBinary(f: (x: number, y: number) => number): Bind {
  return ([a, b], out) => {
    const n = out.size;
    const sa = stepOf(a, out), sb = stepOf(b, out);
    if (n > TINY || stepOf(out, out) !== 1 || sa < 0 || sb < 0) return null;
    const o = out.data as Data, x = a.data as Data, y = b.data as Data, oo = out.offset, xo = a.offset, yo = b.offset;
    if (n === 1) return () => { o[oo] = f(x[xo], y[yo]); };
    return () => {
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i * sa], y[yo + i * sb]);
    };
  };
}
