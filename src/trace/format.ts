/** Traces and other tables as aligned plain text, for terminals and docs. */
import type { NdArray } from 'ndarray';
import { toFlat } from '../graph/tensor.js';
import type { Trace } from './trace.js';

/** Columns as wide as what the eye sees: combining marks (the dot of v̇, the bar of v̄) take no width. */
export const displayWidth = (s: string): number => [...s].filter((c) => !/\p{M}/u.test(c)).length;

const pad = (s: string, w: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
};

/**
 * An aligned table: a header row, a rule, then the rows. Columns listed in `alignRight` (by index)
 * are right-aligned, the rest left-aligned.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], opts: { alignRight?: readonly number[]; indent?: string } = {}): string {
  const right = new Set(opts.alignRight ?? []);
  const indent = opts.indent ?? '';
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ''))));
  const line = (cells: readonly string[]) => indent + cells.map((s, c) => pad(s ?? '', widths[c], right.has(c))).join('  ').trimEnd();
  return [line(header), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A value for a table cell: a number with `digits` decimals (exponent form when very large or small), an array abridged. */
export function formatValue(v: NdArray | null, digits = 6): string {
  if (!v) return '—';
  const flat = toFlat(v);
  const one = (x: number) => {
    const a = Math.abs(x);
    if (x === 0 || (a >= 1e-4 && a < 1e6)) return x.toFixed(digits);
    return x.toExponential(digits - 1);
  };
  if (v.shape.length === 0) return one(flat[0]);
  const shown = flat.slice(0, 4).map(one).join(', ');
  return `[${shown}${flat.length > 4 ? ', …' : ''}] (${v.shape.join('x')})`;
}

const TITLES = {
  forward: 'Forward evaluation trace',
  tangent: 'Forward-mode tangent trace',
  adjoint: 'Reverse-mode adjoint trace',
} as const;

/** The trace as a titled table: `v_i = definition` (aligned on the `=`), value, op. */
export function formatTrace(trace: Trace, opts: { digits?: number; title?: string } = {}): string {
  const valueHeader = trace.kind === 'forward' ? 'value' : trace.kind === 'tangent' ? 'tangent' : 'adjoint';
  const wl = Math.max(...trace.rows.map((r) => displayWidth(r.label)));
  const rows = trace.rows.map((r) => [`${pad(r.label, wl, false)} = ${r.definition}`, formatValue(r.value, opts.digits), r.op]);
  const title = opts.title ?? `${TITLES[trace.kind]} of ${trace.output.name}`;
  return `${title}\n${formatTable(['definition', valueHeader, 'op'], rows, { alignRight: [1], indent: '  ' })}`;
}
