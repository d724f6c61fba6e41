/**
 * Fused elementwise loops: several formulas computed in one pass, for a plan's groups of elementwise
 * ops whose intermediate values no one else reads (plan/fuse.ts). Each element's intermediates live
 * in locals, rounded to their dtype as storing them would round them (Math.fround for float32,
 * ToInt32 for int32), so a fused loop gives the same bits as the ops one by one in JavaScript.
 */
import type { NdArray } from 'ndarray';
import type { DType } from '../graph/dtype.js';
import { layoutOf, loops } from './bind.js';
import { libScope, OPERANDS, type Formula } from './formula.js';
import { generate } from './generate.js';
import { denseAlike } from '../graph/layout.js';
import { sizeOf } from '../graph/shape.js';
import { ARENA_SCRATCH, kernelsFor, scratchOf, wasmEnabled } from '../wasm/runtime.js';

/** One op of a fused group, in the group's order (the last is the output). */
export interface FusedMember {
  readonly formula: Formula;
  /** Per operand: k >= 0 for external input k, or -(j + 1) for member j (an earlier one). */
  readonly operands: readonly number[];
  readonly dtype: DType;
  /** Only for the last member: it sums its one operand over every element (in row-major order, in float64, as reduce() does). */
  readonly reduce?: boolean;
}

const round = (dtype: DType, expr: string): string =>
  dtype === 'float32' ? `Math.fround(${expr})` : dtype === 'int32' ? `((${expr}) | 0)` : expr;

/**
 * The source of one element: loads, then each member's value in a local ($t<j>), rounded as its
 * store would round it unless it is written (`store`) straight to out; `tail` uses the last local.
 */
function element(members: readonly FusedMember[], loads: readonly string[], roundLast: boolean, tail: (last: string) => string): string {
  const parts = loads.map((l, k) => `const $v${k} = ${l};`);
  members.forEach((m, j) => {
    const ops = m.operands.map((o, i) => `${OPERANDS[i]} = ${o >= 0 ? `$v${o}` : `$t${-o - 1}`}`).join(', ');
    const lib = Object.keys(m.formula.lib ?? {}).map((name) => `const ${name} = $L${j}_${name}; `).join('');
    const value = j === members.length - 1 && !roundLast ? m.formula.expr : round(m.dtype, m.formula.expr);
    parts.push(`let $t${j}; { ${lib}const ${ops}; $t${j} = (${value}); }`);
  });
  parts.push(tail(`$t${members.length - 1}`));
  return `{ ${parts.join(' ')} }`;
}

/** A group ending in a sum: its other members, then the sum's operand added to the accumulator. */
function sumElement(members: readonly FusedMember[], loads: readonly string[]): string {
  const o = members[members.length - 1].operands[0];
  const rest = members.slice(0, -1);
  return element(rest, loads, true, () => `$acc += ${o >= 0 ? `$v${o}` : `$t${-o - 1}`};`);
}

/**
 * The loop out = group(inputs...) bound to these arrays (all of out's shape; broadcast inputs as
 * stride-0 views), with their layout's sizes and strides as literals. `name` labels its source.
 * A group ending in a sum walks `over`, an array of its inputs' shape, and writes one element of out.
 */
export function fusedKernel(
  name: string, members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[], over?: NdArray,
): () => void;
/** With `simdOnly`: the SIMD loop, or undefined where it does not apply (see simdFused). */
export function fusedKernel(
  name: string, members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[], over: NdArray, simdOnly: boolean,
): (() => void) | undefined;
export function fusedKernel(
  name: string, members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[], over: NdArray = out, simdOnly = false,
): (() => void) | undefined {
  const simd = over === out ? simdFused(members, out, inputs) : undefined;
  if (simd || simdOnly) return simd;
  const { shape, strides, offsets } = layoutOf(over, inputs);
  const names = ['$O', ...inputs.map((_, k) => `$X${k}`)];
  const scope: Record<string, unknown> = { $O: out.data };
  inputs.forEach((a, k) => (scope[`$X${k}`] = a.data));
  members.forEach((m, j) => {
    for (const [k, f] of Object.entries(libScope(m.formula))) scope[`$L${j}_${k}`] = f;
  });
  if (members[members.length - 1].reduce) {
    // The loop walks `over` (the summed array's layout); only the sum's one element is written.
    const src = loops(shape, strides, offsets, names, (loads) => sumElement(members, loads));
    return generate<() => void>(`fused ${name}`, scope, `function fused() { let $acc = 0; ${src} $O[${out.offset}] = $acc; }`);
  }
  const src = loops(shape, strides, offsets, names, (loads, target) => element(members, loads, false, (last) => `${target} = ${last};`));
  return generate<() => void>(`fused ${name}`, scope, `function fused() { ${src} }`);
}

// ---------------------------------------------------------------- the SIMD fused loop
//
// Where the group's arrays live in a WebAssembly arena, the group runs as a program of the fused
// SIMD loop (assembly/math.ts): block by block, every member over the block, the intermediates in
// registers of the arena's scratch page. Each member's op is known by its formula's expression, so
// a custom op that merely shares a name never runs as another op.

/** Opcodes of assembly/math.ts, by formula expression (assignments: their formula over (variable, value)). */
const OPCODES: Readonly<Record<string, number>> = {
  b: 0, '-a': 1, 'Math.sqrt(a)': 2, 'a * a': 3, 'Math.abs(a)': 4, 'Math.max(a, 0)': 5, 'Math.tanh(a)': 6,
  'Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)))': 7, 'Math.exp(a)': 9,
  'a + b': 16, 'a - b': 17, 'a * b': 18, 'a / b': 19, 'Math.max(a, b)': 20, 'Math.min(a, b)': 21,
  'a > b ? 1 : 0': 22, 'a >= b ? 1 : 0': 23, 'a < b ? 1 : 0': 24, 'a <= b ? 1 : 0': 25,
};
const BINARY_OP = 16;
/** assembly/math.ts's instruction filling a register with a repeated row, and its first-block-only flag. */
const TILE = 15, FIRST_BLOCK = 8;
/** Elements per block (assembly/math.ts run's blk) without broadcast rows, and the bytes of scratch the program may take. */
const BLOCK = 256;
const PROGRAM_BYTES = 1024;
/** The longest broadcast row the loop takes (a block holds whole rows, each register one block). */
export const SIMD_ROW_MAX = 2048;

type Float = Float32Array | Float64Array;
const kindOf = (d: unknown): 'float32' | 'float64' | null =>
  d instanceof Float32Array ? 'float32' : d instanceof Float64Array ? 'float64' : null;
const ptr = (a: NdArray): number => (a.data as Float).byteOffset + a.offset * (a.data as Float).BYTES_PER_ELEMENT;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * How `a` (of out's shape) repeats as a dense out walks its elements in order: the length of the
 * run of a's elements that out's trailing axes walk densely, all of its leading axes broadcast
 * (stride 0). 1 is a broadcast scalar, out's size an array walked alike, anything between a
 * broadcast row (a bias over a batch); -1 when a walks memory any other way.
 */
function rowLength(a: NdArray, out: NdArray): number {
  let st = 1, dense = true;
  for (let d = out.shape.length - 1; d >= 0; d--) {
    const s = out.shape[d];
    if (s === 1) continue;
    if (dense && a.stride[d] === st) st *= s;
    else if (a.stride[d] === 0) dense = false;
    else return -1;
  }
  return st;
}

/**
 * The group as one call of the fused SIMD loop, or undefined unless: WebAssembly is on, out is
 * dense in an arena, every input lives in the same arena and is walked alike (dense), or is a
 * broadcast row of at most SIMD_ROW_MAX elements there, or is a broadcast scalar (anywhere), every
 * array and member has out's float dtype, and every member's formula has an opcode. Arithmetic ops
 * run in the dtype's lanes (the bits of the ops one by one); tanh, softplus and exp within the ulps
 * of their SIMD kernels (assembly/math.ts). Scalars and rows are read at each call (they may change
 * between runs, as a learning rate or a bias does): the loop copies them into a register of the
 * scratch page in its first block, or, for a scalar outside the arena, this function fills one.
 */
export function simdFused(members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[]): (() => void) | undefined {
  const od = out.data as Float, dtype = kindOf(od);
  if (dtype === null || !wasmEnabled() || !(od.buffer instanceof ArrayBuffer) || !denseAlike(out, out)) return undefined;
  const kernels = kernelsFor(od.buffer), base = scratchOf(od.buffer);
  if (kernels === undefined || base === undefined) return undefined;
  if (members.some((m) => m.reduce || m.dtype !== dtype || OPCODES[m.formula.expr] === undefined)) return undefined;
  const n = sizeOf(out.shape);
  // Per input: 0 streams (walked alike), else the length of the row a register repeats (1: a scalar).
  const rows = inputs.map((a) => {
    const len = rowLength(a, out);
    return len === n && (a.data as Float).buffer === od.buffer ? 0 : len;
  });
  let period = 1;
  for (let k = 0; k < inputs.length; k++) {
    const a = inputs[k], inArena = (a.data as Float).buffer === od.buffer;
    if (kindOf(a.data) !== dtype || rows[k] < 0 || (rows[k] !== 1 && !inArena)) return undefined;
    // every row's length divides the period (a row longer than SIMD_ROW_MAX makes it longer too)
    if (rows[k] > 1) period = (period / gcd(period, rows[k])) * rows[k];
    if (period > SIMD_ROW_MAX) return undefined;
  }
  const blk = period * Math.max(1, Math.floor(BLOCK / period));
  const width = od.BYTES_PER_ELEMENT, regBytes = blk * width;
  const maxRegs = Math.floor((ARENA_SCRATCH - PROGRAM_BYTES) / regBytes);
  const regAddr = (r: number) => base + PROGRAM_BYTES + r * regBytes;
  // Registers: one per distinct scalar or row input, then each member's value in a register freed after its last reader.
  let regs = 0;
  const free: number[] = [];
  const take = () => free.pop() ?? regs++;
  const words: number[] = [0];
  const fills: { data: Float; at: number; to: number }[] = [];
  // Inputs met before (the same scalar or row, often as several views): by address in the arena, else by array and offset.
  const held = new Map<string, number>(), heldPlain = new Map<Float, Map<number, number>>();
  const inputReg = inputs.map((a, k) => {
    if (rows[k] === 0) return -1;
    const data = a.data as Float;
    if (data.buffer === od.buffer) {
      const key = `${ptr(a)}:${rows[k]}`;
      let r = held.get(key);
      if (r === undefined) held.set(key, (r = take())), words.push(TILE, FIRST_BLOCK, regAddr(r), ptr(a), rows[k]);
      return r;
    }
    const byOffset = heldPlain.get(data) ?? new Map<number, number>();
    heldPlain.set(data, byOffset);
    let r = byOffset.get(a.offset);
    if (r === undefined) byOffset.set(a.offset, (r = take())), fills.push({ data, at: a.offset, to: regAddr(r) / width });
    return r;
  });
  const lastUse = members.map(() => -1);
  members.forEach((m, j) => m.operands.forEach((o) => o < 0 && (lastUse[-o - 1] = j)));
  const memberReg: number[] = [];
  const last = members.length - 1;
  members.forEach((m, j) => {
    const op = OPCODES[m.formula.expr];
    // The operand (address, streams) of operand i.
    const operand = (i: number): [number, boolean] => {
      const o = m.operands[i];
      if (o < 0) return [regAddr(memberReg[-o - 1]), false];
      return rows[o] !== 0 ? [regAddr(inputReg[o]), false] : [ptr(inputs[o]), true];
    };
    const [a, as] = operand(op === 0 ? 1 : 0);
    const [b, bs] = op >= BINARY_OP ? operand(1) : [a, as];
    // A register read here for the last time may take this member's value (elements are read before written).
    m.operands.forEach((o) => o < 0 && lastUse[-o - 1] === j && free.push(memberReg[-o - 1]));
    let d: number, ds = false;
    if (j === last) (d = ptr(out)), (ds = true);
    else (memberReg[j] = take()), (d = regAddr(memberReg[j]));
    words.push(op, (ds ? 1 : 0) | (as ? 2 : 0) | (bs ? 4 : 0), d, a, b);
  });
  words[0] = (words.length - 1) / 5;
  if (regs > maxRegs || words.length * 4 > PROGRAM_BYTES) return undefined;
  const program = Int32Array.from(words);
  const i32 = new Int32Array(od.buffer), view = dtype === 'float32' ? new Float32Array(od.buffer) : new Float64Array(od.buffer);
  const run = dtype === 'float32' ? kernels.fused_f32 : kernels.fused_f64;
  const fillLength = Math.min(n, blk);
  return () => {
    // The scratch page is shared by every group of the arena's plan: each call writes its own program.
    i32.set(program, base >> 2);
    for (const f of fills) view.fill(f.data[f.at], f.to, f.to + fillLength);
    run(base, n, blk);
  };
}
