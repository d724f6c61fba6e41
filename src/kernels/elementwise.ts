/**
 * Elementwise kernels, made from one declaration: a scalar formula (`Formula`), an expression over
 * the operands `a`, `b`, `c` such as `a * b`. From it come every loop an elementwise op runs: the
 * driver and row loops for contiguous, strided and broadcast arrays (here), the loops bound to a
 * plan's arrays (bind.ts), the tiny-array closures a plan binds (tiny.ts), and the fused loops of
 * plan-time fusion, which inline several formulas into one loop. SIMD kernels are found by the
 * formula's name (wasm/elementwise.ts).
 *
 * All arrays passed to a kernel have the same shape (broadcast inputs arrive as stride-0 views);
 * `out` may be one of the inputs (in place), element for element. The driver collapses the arrays'
 * axes (size-1 axes dropped, neighbours merged where every array is contiguous across them), so
 * nearly every call becomes one row or a few rows; rows have fast cases for unit strides and for a
 * stride-0 (broadcast) operand.
 *
 * The formula's expression is written into each loop's source, so nothing is called per element;
 * a formula given as a JavaScript function (`unary(f)`, for custom ops) is called as `f(a)` from a
 * loop of its own. Each generated function has a source text of its own (generate.ts): V8 compiles
 * it apart from every other, with its own type feedback.
 */
import type { NdArray } from 'ndarray';
import { bindBinary, bindUnary, WASM_BINARY, WASM_UNARY, wasmBinary, wasmUnary } from '../wasm/elementwise.js';
import { BIND_MIN, Bindings } from './bind.js';
import { generate } from './generate.js';
import { element, libScope, OPERANDS, type Formula } from './formula.js';
import { sizeOf } from '../graph/shape.js';
import { collapse, denseAlike } from '../graph/layout.js';
import type { Data } from '../graph/layout.js';

export type { Formula } from './formula.js';
export type UnaryKernel = (out: NdArray, a: NdArray) => void;
export type BinaryKernel = (out: NdArray, a: NdArray, b: NdArray) => void;
export type TernaryKernel = (out: NdArray, a: NdArray, b: NdArray, c: NdArray) => void;
/** A kernel of any arity (the formula's): out, then one array per operand. */
export type Kernel = UnaryKernel & BinaryKernel & TernaryKernel;

const operands = (arity: number): string[] => OPERANDS.slice(0, arity);
const ident = (name: string): string => name.replace(/\W/g, '_');

/**
 * Source of the row function: `n` elements from offsets `$oo`, `$xo<k>`, steps `$so`, `$sx<k>`.
 * Fast cases: every step 1; one input a broadcast scalar (step 0), the others step 1.
 */
function rowSource(f: Formula): string {
  const ks = [...Array(f.arity).keys()];
  const params = ['$o', '$oo', '$so', ...ks.flatMap((k) => [`$x${k}`, `$xo${k}`, `$sx${k}`]), '$n'];
  const unit = (k: number) => `$x${k}[$xo${k} + $i]`;
  const dense = `for (let $i = 0; $i < $n; $i++) ${element(f, ks.map(unit), '$o[$oo + $i]')}`;
  let fast = `if (${ks.map((k) => `$sx${k} === 1`).join(' && ')}) { ${dense} return; }`;
  if (f.arity > 1) {
    for (const s of ks) {
      const cond = ks.map((k) => `$sx${k} === ${k === s ? 0 : 1}`).join(' && ');
      // The broadcast operand is read once, before the loop.
      const loads = ks.map((k) => (k === s ? '$v' : unit(k)));
      fast += ` if (${cond}) { const $v = $x${s}[$xo${s}]; for (let $i = 0; $i < $n; $i++) ${element(f, loads, '$o[$oo + $i]')} return; }`;
    }
  }
  const steps = ['$oo += $so', ...ks.map((k) => `$xo${k} += $sx${k}`)].join(', ');
  const general = `for (let $i = 0; $i < $n; $i++, ${steps}) ${element(f, ks.map((k) => `$x${k}[$xo${k}]`), '$o[$oo]')}`;
  return `function ${ident(f.name)}_row(${params.join(', ')}) { if ($so === 1) { ${fast} } ${general} }`;
}

/** Source of the driver: collapses the layout and walks the rows with an odometer. */
function driverSource(f: Formula): string {
  const ks = [...Array(f.arity).keys()];
  const ins = ks.map((k) => `$i${k}`);
  const dense = ks.length <= 2 ? `denseAlike($out, ${ins.join(', ')})` : `denseAlike($out, $i0, $i1) && denseAlike($out, $i2)`;
  const denseCall = `row($o, $out.offset, 1, ${ks.map((k) => `$x${k}, $i${k}.offset, 1`).join(', ')}, sizeOf($out.shape))`;
  const loopCall = `row($o, $oo, $so[$r], ${ks.map((k) => `$x${k}, $xo${k}, $s${k}[$r]`).join(', ')}, $n)`;
  return `function ${ident(f.name)}_kernel($out, ${ins.join(', ')}) {
  const $o = $out.data${ks.map((k) => `, $x${k} = $i${k}.data`).join('')};
  if (${dense}) { ${denseCall}; return; }
  if (sizeOf($out.shape) === 0) return;
  const $c = collapse($out.shape, [$out.stride${ks.map((k) => `, $i${k}.stride`).join('')}]);
  const $shape = $c.shape, $so = $c.strides[0]${ks.map((k) => `, $s${k} = $c.strides[${k + 1}]`).join('')};
  const $r = $shape.length - 1, $n = $shape[$r];
  let $oo = $out.offset${ks.map((k) => `, $xo${k} = $i${k}.offset`).join('')};
  const $idx = new Int32Array($r);
  for (;;) {
    ${loopCall};
    let $d = $r - 1;
    for (; $d >= 0; $d--) {
      $oo += $so[$d];${ks.map((k) => ` $xo${k} += $s${k}[$d];`).join('')}
      if (++$idx[$d] < $shape[$d]) break;
      $oo -= $so[$d] * $shape[$d];${ks.map((k) => ` $xo${k} -= $s${k}[$d] * $shape[$d];`).join('')}
      $idx[$d] = 0;
    }
    if ($d < 0) return;
  }
}`;
}

/** The plain loop (no SIMD, no binding) for `f`: the driver with its own row. */
function loopOf(f: Formula): Kernel {
  const scope = libScope(f);
  const row = generate(`${f.name} row`, scope, rowSource(f));
  return generate(`${f.name} driver`, { ...scope, row, denseAlike, sizeOf, collapse }, driverSource(f));
}

/**
 * The kernel out = f(inputs...) of a formula: SIMD for large contiguous float arrays in a
 * WebAssembly arena when a kernel of the formula's name exists there, a loop bound to the arrays
 * when they are met again (bind.ts), else the formula's own loop.
 */
export function kernelOf(f: Formula): Kernel {
  const loop = loopOf(f);
  const bindings = new Bindings(f);
  const simd = f.arity === 1 ? WASM_UNARY.has(f.name) : f.arity === 2 && WASM_BINARY.has(f.name);
  if (f.arity === 1) {
    return ((out: NdArray, a: NdArray) => {
      if (simd && wasmUnary(f.name, out, a)) return;
      const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a]) : undefined;
      if (bound) bound();
      else loop(out, a);
    }) as Kernel;
  }
  if (f.arity === 2) {
    return ((out: NdArray, a: NdArray, b: NdArray) => {
      if (simd && wasmBinary(f.name, out, a, b)) return;
      const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a, b]) : undefined;
      if (bound) bound();
      else loop(out, a, b);
    }) as Kernel;
  }
  return ((out: NdArray, a: NdArray, b: NdArray, c: NdArray) => {
    const bound = sizeOf(out.shape) >= BIND_MIN ? bindings.lookup(out, [a, b, c]) : undefined;
    if (bound) bound();
    else loop(out, a, b, c);
  }) as Kernel;
}

/**
 * A plan's binding of a formula's SIMD kernel (its `bind`, tried after the tiny loops of tiny.ts):
 * the kernel's call with the checks `kernelOf` makes at every call done once, or null when the
 * arrays do not qualify (forward then runs). null for formulas without a SIMD kernel.
 */
export function simdBindOf(f: Formula): ((ins: readonly NdArray[], out: NdArray) => (() => void) | null) | null {
  if (f.arity === 1 && WASM_UNARY.has(f.name)) return (ins, out) => bindUnary(f.name, out, ins[0]) ?? null;
  if (f.arity === 2 && WASM_BINARY.has(f.name)) return (ins, out) => bindBinary(f.name, out, ins[0], ins[1]) ?? null;
  return null;
}

type F1 = (x: number) => number;
type F2 = (x: number, y: number) => number;
type F3 = (x: number, y: number, z: number) => number;

/** A formula calling a JavaScript function (custom ops): `name` finds a SIMD kernel, if any. */
const called = (name: string, arity: 1 | 2 | 3, f: (...xs: number[]) => number): Formula => ({
  name, arity, expr: `f(${operands(arity).join(', ')})`, lib: { f },
});

/**
 * A kernel out = f(a) with its own loop, so `f` is inlined. With `wasm`, large contiguous float
 * arrays that live in a WebAssembly arena run the SIMD kernel of that name instead.
 */
export function unary(f: F1, wasm?: string): UnaryKernel {
  return kernelOf(called(wasm ?? 'unary', 1, f));
}

/** A kernel out = f(a, b) with its own loop, so `f` is inlined; `wasm` as for `unary`. */
export function binary(f: F2, wasm?: string): BinaryKernel {
  return kernelOf(called(wasm ?? 'binary', 2, f as (...xs: number[]) => number));
}

/** A kernel out = f(a, b, c) with its own loop, so `f` is inlined (for custom ternary ops). */
export function ternary(f: F3): TernaryKernel {
  return kernelOf(called('ternary', 3, f as (...xs: number[]) => number));
}

type Row1 = (f: F1, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, n: number) => void;
type Row2 = (
  f: F2, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, y: Data, yo: number, sy: number, n: number,
) => void;

// The shared rows of map1/map2/map3, for one-off element functions: every caller's `f` passes
// through the same loop, so the call is not inlined there (kernelOf and unary/binary avoid that).
const ROW1 = `
  if (so === 1 && sx === 1) {
    for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i]);
    return;
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx) o[oo] = f(x[xo]);`;

const ROW2 = `
  if (so === 1) {
    if (sx === 1 && sy === 1) {
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], y[yo + i]);
      return;
    }
    if (sx === 1 && sy === 0) {
      const v = y[yo];
      for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], v);
      return;
    }
    if (sx === 0 && sy === 1) {
      const u = x[xo];
      for (let i = 0; i < n; i++) o[oo + i] = f(u, y[yo + i]);
      return;
    }
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx, yo += sy) o[oo] = f(x[xo], y[yo]);`;

const ROW3 = `
  if (so === 1 && sx === 1 && sy === 1 && sz === 1) {
    for (let i = 0; i < n; i++) o[oo + i] = f(x[xo + i], y[yo + i], z[zo + i]);
    return;
  }
  for (let i = 0; i < n; i++, oo += so, xo += sx, yo += sy, zo += sz) o[oo] = f(x[xo], y[yo], z[zo]);`;

type Row3 = (
  f: F3, o: Data, oo: number, so: number, x: Data, xo: number, sx: number, y: Data, yo: number, sy: number,
  z: Data, zo: number, sz: number, n: number,
) => void;

const sharedRow1 = new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'n', ROW1) as Row1;
const sharedRow2 = new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'y', 'yo', 'sy', 'n', ROW2) as Row2;
const sharedRow3 = new Function('f', 'o', 'oo', 'so', 'x', 'xo', 'sx', 'y', 'yo', 'sy', 'z', 'zo', 'sz', 'n', ROW3) as Row3;

function drive1(out: NdArray, a: NdArray, f: F1, row: Row1): void {
  const o = out.data as Data, x = a.data as Data;
  if (denseAlike(out, a)) return row(f, o, out.offset, 1, x, a.offset, 1, sizeOf(out.shape));
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx] } = collapse(out.shape, [out.stride, a.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function drive2(out: NdArray, a: NdArray, b: NdArray, f: F2, row: Row2): void {
  const o = out.data as Data, x = a.data as Data, y = b.data as Data;
  if (denseAlike(out, a, b)) return row(f, o, out.offset, 1, x, a.offset, 1, y, b.offset, 1, sizeOf(out.shape));
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx, sy] } = collapse(out.shape, [out.stride, a.stride, b.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset, yo = b.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], y, yo, sy[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d]; yo += sy[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d]; yo -= sy[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function drive3(out: NdArray, a: NdArray, b: NdArray, c: NdArray, f: F3, row: Row3): void {
  const o = out.data as Data, x = a.data as Data, y = b.data as Data, z = c.data as Data;
  if (denseAlike(out, a, b) && denseAlike(out, c)) {
    return row(f, o, out.offset, 1, x, a.offset, 1, y, b.offset, 1, z, c.offset, 1, sizeOf(out.shape));
  }
  if (sizeOf(out.shape) === 0) return;
  const { shape, strides: [so, sx, sy, sz] } = collapse(out.shape, [out.stride, a.stride, b.stride, c.stride]);
  const r = shape.length - 1;
  const n = shape[r];
  let oo = out.offset, xo = a.offset, yo = b.offset, zo = c.offset;
  const idx = new Int32Array(r);
  for (;;) {
    row(f, o, oo, so[r], x, xo, sx[r], y, yo, sy[r], z, zo, sz[r], n);
    let d = r - 1;
    for (; d >= 0; d--) {
      oo += so[d]; xo += sx[d]; yo += sy[d]; zo += sz[d];
      if (++idx[d] < shape[d]) break;
      oo -= so[d] * shape[d]; xo -= sx[d] * shape[d]; yo -= sy[d] * shape[d]; zo -= sz[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * out = f(a), elementwise, for a one-off `f`. The call to `f` is not inlined (every op's function
 * passes through here); `strided` (an ndarray-ops function) is used for views that do not collapse
 * to unit-stride rows, where its compiled loop beats a closure call per element.
 */
export function map1(out: NdArray, a: NdArray, f: (x: number) => number, strided?: (out: NdArray, a: NdArray) => void): void {
  if (strided && out.shape.length > 0 && !denseAlike(out, a) && sizeOf(out.shape) > 0) return strided(out, a);
  drive1(out, a, f, sharedRow1);
}

/** out = f(a, b), elementwise, for a one-off `f`; see `map1`. */
export function map2(
  out: NdArray, a: NdArray, b: NdArray, f: (x: number, y: number) => number,
  strided?: (out: NdArray, a: NdArray, b: NdArray) => void,
): void {
  if (strided && out.shape.length > 0 && !denseAlike(out, a, b) && sizeOf(out.shape) > 0) return strided(out, a, b);
  drive2(out, a, b, f, sharedRow2);
}

/** out = f(a, b, c), elementwise, for a one-off `f`; see `map1`. */
export function map3(out: NdArray, a: NdArray, b: NdArray, c: NdArray, f: (x: number, y: number, z: number) => number): void {
  drive3(out, a, b, c, f, sharedRow3);
}

/** Fills `out` with one value. */
export function fill(out: NdArray, v: number): void {
  if (denseAlike(out, out)) {
    (out.data as Float64Array).fill(v, out.offset, out.offset + sizeOf(out.shape));
    return;
  }
  const o = out.data as Data;
  odometer([out], (off) => { o[off[0]] = v; });
}

/** Calls `body(offsets...)` for every index; offsets advance by strides, no per-element index arithmetic. */
export function odometer(arrays: readonly NdArray[], body: (o: Int32Array) => void): void {
  const shape = arrays[0].shape;
  const rank = shape.length;
  const n = arrays.length;
  const off = new Int32Array(n);
  for (let k = 0; k < n; k++) off[k] = arrays[k].offset;
  if (sizeOf(shape) === 0) return;
  if (rank === 0) {
    body(off);
    return;
  }
  const idx = new Int32Array(rank);
  const last = rank - 1;
  const lastLen = shape[last];
  for (;;) {
    for (let i = 0; i < lastLen; i++) {
      body(off);
      for (let k = 0; k < n; k++) off[k] += arrays[k].stride[last];
    }
    for (let k = 0; k < n; k++) off[k] -= arrays[k].stride[last] * lastLen;
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let k = 0; k < n; k++) off[k] += arrays[k].stride[d];
      if (idx[d] < shape[d]) break;
      for (let k = 0; k < n; k++) off[k] -= arrays[k].stride[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
