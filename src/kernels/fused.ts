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
}

const round = (dtype: DType, expr: string): string =>
  dtype === 'float32' ? `Math.fround(${expr})` : dtype === 'int32' ? `((${expr}) | 0)` : expr;

/** The source of one element of the group: loads, then each member's value in a local. */
function body(members: readonly FusedMember[], loads: readonly string[], target: string): string {
  const parts = loads.map((l, k) => `const $v${k} = ${l};`);
  members.forEach((m, j) => {
    const ops = m.operands.map((o, i) => `${OPERANDS[i]} = ${o >= 0 ? `$v${o}` : `$t${-o - 1}`}`).join(', ');
    const lib = Object.keys(m.formula.lib ?? {}).map((name) => `const ${name} = $L${j}_${name}; `).join('');
    const value = j === members.length - 1 ? m.formula.expr : round(m.dtype, m.formula.expr);
    parts.push(`let $t${j}; { ${lib}const ${ops}; $t${j} = (${value}); }`);
  });
  parts.push(`${target} = $t${members.length - 1};`);
  return `{ ${parts.join(' ')} }`;
}

/**
 * The loop out = group(inputs...) bound to these arrays (all of out's shape; broadcast inputs as
 * stride-0 views), with their layout's sizes and strides as literals. `name` labels its source.
 */
export function fusedKernel(name: string, members: readonly FusedMember[], out: NdArray, inputs: readonly NdArray[]): () => void {
  const { shape, strides, offsets } = layoutOf(out, inputs);
  const names = ['$O', ...inputs.map((_, k) => `$X${k}`)];
  const scope: Record<string, unknown> = { $O: out.data };
  inputs.forEach((a, k) => (scope[`$X${k}`] = a.data));
  members.forEach((m, j) => {
    for (const [k, f] of Object.entries(libScope(m.formula))) scope[`$L${j}_${k}`] = f;
  });
  const src = loops(shape, strides, offsets, names, (loads, target) => body(members, loads, target));
  return generate<() => void>(`fused ${name}`, scope, `function fused() { ${src} }`);
}
