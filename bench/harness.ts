/** Timing, result rows and the printed table of the benchmark suite. */
import os from 'node:os';

/** Who ran: dagrad with WebAssembly (its default), dagrad forced to JavaScript, and the peers. */
export const IMPLS = ['dagrad', 'dagrad-js', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type Impl = (typeof IMPLS)[number];

/** The rows of a run, in the order they were first asked for; phases fill in their columns. */
export class Rows {
  private readonly byKey = new Map<string, Row>();

  row(group: string, name: string, unit: string, higherIsBetter: boolean, note?: string): Row {
    const key = `${group}|${name}`;
    let r = this.byKey.get(key);
    if (!r) this.byKey.set(key, (r = { group, name, unit, higherIsBetter, values: {}, note }));
    else if (note !== undefined) r.note = note; // a later phase may measure what the note says
    return r;
  }

  all(): Row[] {
    return [...this.byKey.values()];
  }
}

export interface Row {
  /** The workload family: 'matmul f32', 'mlp', ... */
  readonly group: string;
  /** The configuration within it: 'n=512 A^T B'. */
  readonly name: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly values: Partial<Record<Impl, number>>;
  note?: string;
}

/**
 * Median times (ms) of functions that are compared with each other, sampled in alternating blocks
 * (a a a, b b b, a a a, b b b, ...), so drift in the machine's speed (this is a shared VM) affects
 * them alike, while each block still runs warm in the cache like a repeated call would. Each
 * function is warmed up first (at least two calls, or 100 ms of calls, so the JIT has compiled it);
 * the first call of each block is not counted. Slow calls get fewer samples, to keep a full run
 * within minutes: when one takes over 200 ms, three rounds; a function whose call takes over a second
 * is not repeated: its first call is its figure.
 */
export function compare(fns: readonly (() => unknown)[], blockMs = 80, rounds = 5): number[] {
  const first = fns.map((fn) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  });
  fns.forEach((fn, k) => {
    if (first[k] > 200) return;
    const end = performance.now() + 100;
    for (let i = 1; i < 2 || (performance.now() < end && i < 50); i++) fn();
  });
  const active = fns.map((_, k) => first[k] <= 1000);
  const slowest = Math.max(0, ...first.filter((_, k) => active[k]));
  const n = slowest > 200 ? 3 : rounds;
  const samples = fns.map((_, k): number[] => (active[k] ? [] : [first[k]]));
  for (let r = 0; r < n; r++) {
    fns.forEach((fn, k) => {
      if (!active[k]) return;
      const block: number[] = [];
      const end = performance.now() + blockMs;
      do {
        const t = performance.now();
        fn();
        block.push(performance.now() - t);
      } while (performance.now() < end && block.length < 100);
      samples[k].push(...(block.length >= 3 ? block.slice(1) : block));
    });
  }
  return samples.map(median);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** How many times faster `a` is than `b` (>1: a wins). */
export function speedup(row: Row, a: Impl, b: Impl): number | undefined {
  const x = row.values[a], y = row.values[b];
  if (x === undefined || y === undefined || x === 0 || y === 0) return undefined;
  return row.higherIsBetter ? x / y : y / x;
}

const fmt = (v: number | undefined): string => {
  if (v === undefined) return '-';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
};
const fmtRatio = (v: number | undefined): string => (v === undefined ? '-' : `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}x`);

/** The ratios the table prints: dagrad against each peer, and the JavaScript path against tfjs-cpu. */
export const RATIOS: readonly [Impl, Impl, string][] = [
  ['dagrad', 'tfjs-cpu', 'vs cpu'],
  ['dagrad', 'tfjs-wasm', 'vs wasm'],
  ['dagrad-js', 'tfjs-cpu', 'js vs cpu'],
];

/** The table as aligned text (`markdown`: as a Markdown table). Ratios are speed-ups: >1 means dagrad is faster. */
export function table(rows: readonly Row[], markdown = false): string {
  const head = ['workload', 'unit', ...IMPLS, ...RATIOS.map(([, , t]) => t)];
  const body = rows.map((r) => [
    `${r.group} ${r.name}`.trim(), r.unit,
    ...IMPLS.map((i) => fmt(r.values[i])),
    ...RATIOS.map(([a, b]) => fmtRatio(speedup(r, a, b))),
  ]);
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(head), line(head.map((_, i) => (i < 2 ? '---' : '---:'))), ...body.map(line)].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** Prints a progress line to stderr, so stdout keeps only the table. */
export const progress = (msg: string): void => {
  process.stderr.write(`  ${msg}\n`);
};
