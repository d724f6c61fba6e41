/**
 * checkNumerics for a whole run: each value is scanned as soon as it is made, and the first NaN or
 * infinity stops the run with a report of where it came from. Only runs of a Session made with
 * `checkNumerics: true` come here; others never scan anything.
 */
import type { NdArray } from 'ndarray';
import { dtypeOfArray } from '../graph/dtype.js';
import { creationSite, originOf } from '../graph/debug.js';
import { describe, type Node } from '../graph/node.js';
import { formatShape } from '../graph/shape.js';
import { contiguous, isContiguous, type Data } from '../graph/tensor.js';
import type { Executable } from '../plan/compile.js';

/** The first non-finite value of a run: which node made it, where in the array, what it was. */
export class NumericsError extends Error {
  override name = 'NumericsError';
  constructor(message: string, readonly node: Node, readonly element: number, readonly value: number) {
    super(message);
  }
}

/** Index of the first NaN or infinity of `a` in row-major order, or -1. */
export function firstNonFinite(a: NdArray): number {
  if (dtypeOfArray(a.data) === 'int32') return -1;
  const c = isContiguous(a) ? a : contiguous(a);
  const d = c.data as Data;
  for (let i = 0, o = c.offset; i < c.size; i++) if (!Number.isFinite(d[o + i])) return i;
  return -1;
}

/** Throws the report when `value`, just computed for `node` (at `step`, or -1 for a view or source), is not all finite. */
export function checkFinite(plan: Executable, step: number, node: Node, value: NdArray): void {
  const at = firstNonFinite(value);
  if (at < 0) return;
  const bad = (contiguous(value).data as Data)[at];
  const ins = step >= 0 ? plan.steps[step].ins : node.inputs.map((i) => plan.values.get(i));
  const lines = [
    `checkNumerics: ${describe(node)} made the run's first non-finite value: ${bad} at element ${at} of ${formatShape(value.shape)} ${node.dtype}`,
    `  built at: ${creationSite(node) ?? 'not recorded (sites are recorded for nodes built after a Session with checkNumerics is made, or with DAGRAD_DEBUG=1)'}`,
  ];
  node.inputs.forEach((input, k) => lines.push(`  input ${k}: ${describe(input)} ${formatShape(input.shape)}, ${range(ins[k])}`));
  const origin = originOf(node);
  if (origin) {
    const site = creationSite(origin.node);
    lines.push(`  part of the ${origin.mode} of ${describe(origin.node)}${site ? ` (built at ${site})` : ''}`);
  }
  throw new NumericsError(lines.join('\n'), node, at, bad);
}

/** `values in [min, max]` over the finite ones, and how many are not finite. */
function range(a: NdArray | undefined): string {
  if (!a) return 'value not available';
  const c = contiguous(a);
  const d = c.data as Data;
  let min = Infinity, max = -Infinity, nan = 0, inf = 0;
  for (let i = 0; i < c.size; i++) {
    const v = d[i];
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const finite = c.size - nan - inf;
  const parts = [finite > 0 ? `values in [${fmt(min)}, ${fmt(max)}]` : c.size === 0 ? 'empty' : 'no finite values'];
  if (nan > 0) parts.push(`${nan} NaN`);
  if (inf > 0) parts.push(`${inf} infinite`);
  return parts.join(', ');
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)));
