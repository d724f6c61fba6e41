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
  name: string, members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[], over: NdArray = out,
): () => void {
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
