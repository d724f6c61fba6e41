/**
 * Axis reductions. The input is read once, in its own row-major order, accumulating into one float64
 * slot per output element (float32 sums lose no digits to intermediate rounding). Each output then
 * sees its reduced elements in row-major order of the reduced axes, the order the definition gives,
 * whatever the layout: reducing the last axis is a run of contiguous reads into one local, reducing
 * the leading axes adds whole contiguous rows into the accumulators, and no per-element index
 * arithmetic happens in either. A sum over leading axes on arrays in a WebAssembly arena (a bias
 * gradient) runs as SIMD column sums in the same order and precision, so with the same bits.
 */
import type { NdArray } from 'ndarray';
import type { Data } from '../graph/layout.js';
import { generate } from './generate.js';
import { kernelsFor, wasmCalls, wasmEnabled } from '../wasm/runtime.js';


export interface Reducer {
  init: number;
  /** The new accumulator after seeing `x` at position `i` of the reduced run. */
  step: (acc: number, x: number, i: number) => number;
  /** From the accumulator and the number of reduced elements to the output value. */
  finish?: (acc: number, count: number) => number;
}

type Step = Reducer['step'];
/** Accumulates `n` elements of `src` (from `so`, step `ss`) into `acc` (from `ao`, step `as`; 0 = one slot). */
type Run = (step: Step, acc: Float64Array, ao: number, as: number, src: Data, so: number, ss: number, i: number, is: number, n: number) => void;

// Source text, so each reducer gets its own compiled copy of the loop (generate.ts makes every
// copy's text unique) and its `step` is inlined.
const RUN = `
  if (as === 0) {
    let s = acc[ao];
    if (ss === 1 && is === 1) for (let j = 0; j < n; j++) s = step(s, src[so + j], i + j);
    else for (let j = 0; j < n; j++, so += ss, i += is) s = step(s, src[so], i);
    acc[ao] = s;
  } else if (as === 1 && ss === 1) {
    for (let j = 0; j < n; j++) acc[ao + j] = step(acc[ao + j], src[so + j], i);
  } else {
    for (let j = 0; j < n; j++, ao += as, so += ss) acc[ao] = step(acc[ao], src[so], i);
  }`;

const runs = new WeakMap<Reducer, Run>();
function runFor(r: Reducer): Run {
  let run = runs.get(r);
  if (!run) {
    run = generate<Run>('reduce run', {}, `function run(step, acc, ao, as, src, so, ss, i, is, n) { ${RUN} }`);
    runs.set(r, run);
  }
  return run;
}

let scratch = new Float64Array(64);

/**
 * The layout of a reduction: per axis of `a` (size-1 axes dropped, neighbours of one kind that `a`
 * steps across as one axis folded into one) its size, step in `a`, step in the output (0 for a
 * reduced axis) and step of the position in the reduced run (0 for a kept axis).
 */
interface Layout {
  readonly size: number[];
  readonly sa: number[];
  readonly so: number[];
  readonly si: number[];
  /** Output elements, and reduced elements per output. */
  readonly nOut: number;
  readonly count: number;
}

function layoutOf(a: NdArray, axes: readonly number[]): Layout {
  const rank = a.shape.length;
  const size: number[] = [], sa: number[] = [], so: number[] = [], si: number[] = [];
  let nOut = 1, count = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const s = a.shape[d];
    const red = axes.includes(d);
    if (s !== 1) {
      size.push(s); sa.push(a.stride[d]);
      so.push(red ? 0 : nOut); si.push(red ? count : 0);
    }
    if (red) count *= s;
    else nOut *= s;
  }
  size.reverse(); sa.reverse(); so.reverse(); si.reverse();
  for (let k = size.length - 1; k > 0; k--) {
    if ((so[k] === 0) === (so[k - 1] === 0) && sa[k - 1] === sa[k] * size[k]) {
      size[k - 1] *= size[k];
      sa[k - 1] = sa[k]; so[k - 1] = so[k]; si[k - 1] = si[k];
      size.splice(k, 1); sa.splice(k, 1); so.splice(k, 1); si.splice(k, 1);
    }
  }
  return { size, sa, so, si, nOut, count };
}

type Float = Float32Array | Float64Array;
const kindOf = (d: unknown): 'f32' | 'f64' | null =>
  d instanceof Float32Array ? 'f32' : d instanceof Float64Array ? 'f64' : null;

/**
 * A sum over leading axes as column sums in the arena's SIMD kernel (assembly/reduce.ts: the same
 * order and float64 accumulation, so the same bits), when `a` folds to R rows of C contiguous kept
 * elements and `a` and `out` are floats of one kind in one WebAssembly arena; else undefined.
 */
function columnSums(out: NdArray, a: NdArray, lay: Layout): (() => void) | undefined {
  const { size, sa, so } = lay;
  if (size.length !== 2 || so[0] !== 0 || so[1] !== 1 || sa[1] !== 1 || sa[0] < 0 || !wasmEnabled()) return undefined;
  const ad = a.data as Float, od = out.data as Float, kind = kindOf(ad);
  if (kind === null || kindOf(od) !== kind || ad.buffer !== od.buffer || !(ad.buffer instanceof ArrayBuffer)) return undefined;
  const kernels = kernelsFor(ad.buffer);
  if (kernels === undefined) return undefined;
  const [R, C] = size, ld = sa[0];
  const w = ad.BYTES_PER_ELEMENT, po = od.byteOffset + out.offset * w, pa = ad.byteOffset + a.offset * w;
  // the kernel writes each block of sums as it goes: out must not be rows it has yet to read
  if (po < pa + ((R - 1) * ld + C) * w && pa < po + C * w) return undefined;
  const kernel = kind === 'f32' ? kernels.colSum_f32 : kernels.colSum_f64;
  return () => {
    kernel(po, pa, R, C, ld);
    wasmCalls.reduce++;
  };
}

/**
 * `reduce(out, a, axes, r)` bound to these arrays, its layout worked out once (a plan's `bind`): the
 * SIMD column sums when they take it (see columnSums), else the JavaScript loops.
 */
export function bindReduce(out: NdArray, a: NdArray, axes: readonly number[], r: Reducer): () => void {
  const lay = layoutOf(a, axes);
  return (r === SUM ? columnSums(out, a, lay) : undefined) ?? (() => reduceLaid(out, a, lay, r));
}

/**
 * Writes the reduction of `a` over `axes` (sorted, unique) into `out`, a contiguous array holding
 * the kept axes in order (keepDims or not: its size is what matters).
 */
export function reduce(out: NdArray, a: NdArray, axes: readonly number[], r: Reducer): void {
  bindReduce(out, a, axes, r)();
}

/** The reduction over the layout `lay` of `a`, in JavaScript. */
function reduceLaid(out: NdArray, a: NdArray, lay: Layout, r: Reducer): void {
  const { size, sa, so, si, nOut, count } = lay;
  if (scratch.length < nOut) scratch = new Float64Array(Math.max(nOut, 2 * scratch.length));
  const acc = scratch;
  acc.fill(r.init, 0, nOut);
  if (count > 0 && nOut > 0) {
    const run = runFor(r), src = a.data as Data, step = r.step;
    const L = size.length - 1;
    if (L < 0) run(step, acc, 0, 0, src, a.offset, 0, 0, 0, 1);
    else {
      const n = size[L], ssa = sa[L], sso = so[L], ssi = si[L];
      const idx = new Int32Array(L);
      let pa = a.offset, po = 0, pi = 0;
      for (;;) {
        run(step, acc, po, sso, src, pa, ssa, pi, ssi, n);
        let d = L - 1;
        for (; d >= 0; d--) {
          pa += sa[d]; po += so[d]; pi += si[d];
          if (++idx[d] < size[d]) break;
          pa -= sa[d] * size[d]; po -= so[d] * size[d]; pi -= si[d] * size[d];
          idx[d] = 0;
        }
        if (d < 0) break;
      }
    }
  }
  const dst = out.data as Data, oo = out.offset, finish = r.finish;
  if (finish) for (let k = 0; k < nOut; k++) dst[oo + k] = finish(acc[k], count);
  else for (let k = 0; k < nOut; k++) dst[oo + k] = acc[k];
}

export const SUM: Reducer = { init: 0, step: (acc, x) => acc + x };
