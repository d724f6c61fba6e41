/** Timing, result rows and the printed table of the benchmark suite. */
import os from 'node:os';

/** Who ran: dagrad with WebAssembly (its default), dagrad forced to JavaScript, and the peers. */
export const IMPLS = ['dagrad', 'dagrad-js', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type Impl = (typeof IMPLS)[number];

export interface Row {
  /** The workload family: 'matmul f32', 'mlp', ... */
  readonly group: string;
  /** The configuration within it: 'n=512 A^T B'. */
  readonly name: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly values: Partial<Record<Impl, number>>;
  readonly note?: string;
}

export interface MeasureOptions {
  /** Keep sampling until this much time has passed (ms). Default 400. */
  budgetMs?: number;
  /** At least this many samples (unless one sample alone takes over `longMs`). Default 5. */
  minReps?: number;
  /** At most this many samples. Default 200. */
  maxReps?: number;
  /** A call this slow (ms) is measured once: its first call (by then the code is compiled: smaller sizes ran first). Default 1000. */
  longMs?: number;
}

/**
 * The median time (ms) of `fn`, after warm-up runs (at least two, or 100 ms of calls, so the JIT has
 * compiled the hot code). Slow calls get fewer samples, to keep a full run within minutes: over
 * 200 ms, the first call is the warm-up and three more are timed; over `longMs`, the first call is
 * the figure.
 */
export async function measure(fn: () => unknown, opts: MeasureOptions = {}): Promise<number> {
  const budget = opts.budgetMs ?? 400, maxReps = opts.maxReps ?? 200, longMs = opts.longMs ?? 1000;
  let minReps = opts.minReps ?? 5;
  let t = performance.now();
  await fn();
  const first = performance.now() - t;
  if (first > longMs) return first;
  if (first > 200) minReps = Math.min(minReps, 3);
  const warmEnd = performance.now() + 100;
  for (let i = 1; first <= 200 && (i < 2 || (performance.now() < warmEnd && i < 50)); i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps) {
    t = performance.now();
    await fn();
    times.push(performance.now() - t);
    const spent = performance.now() - start;
    if (times.length >= minReps && (spent >= budget || first > 200)) break;
    if (spent >= 4 * budget && times.length >= 1) break;
  }
  return median(times);
}

/**
 * Median times (ms) of several functions sampled in turn (a, b, c, a, b, c, ...), so that drift in
 * the machine's speed affects them alike: for figures that are compared with each other.
 */
export function measureInterleaved(fns: readonly (() => unknown)[], rounds = 40): number[] {
  for (const fn of fns) for (let i = 0; i < 5; i++) fn();
  const times = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      const t = performance.now();
      fn();
      times[k].push(performance.now() - t);
    });
  }
  return times.map(median);
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
