/** The loss curve: in the terminal with asciichart, and as a small self-made SVG line chart. */
import { accessSync, constants, existsSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import asciichart from 'asciichart';
import { UsageError } from './errors.js';

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

/**
 * The curves stretched (or sampled) to `width` columns, `height` rows high. asciichart tells series
 * apart only by colour, so without colour it draws the first series alone.
 */
export function terminalChart(series: readonly Series[], opts: { width?: number; height?: number; color?: boolean } = {}): string {
  const { width = 60, height = 10, color = false } = opts;
  const shown = (color ? series : series.slice(0, 1)).filter((s) => s.values.length > 0);
  const colors = [asciichart.blue, asciichart.green];
  const chart = asciichart.plot(
    shown.map((s) => resample(s.values, width)),
    { height, format: (x) => x.toFixed(4).padStart(9), ...(color ? { colors } : {}) },
  );
  const legend = shown.map((s, k) => (color ? `${colors[k]}──${asciichart.default} ${s.name}` : s.name));
  return `${chart}\n${' '.repeat(11)}${legend.join('   ')}, epochs 1..${shown[0].values.length}`;
}

function resample(values: readonly number[], width: number): number[] {
  if (values.length === 1) return [values[0], values[0]];
  if (values.length <= width) {
    // Stretch short histories so a few epochs still read as a line.
    const per = Math.max(1, Math.floor(width / (values.length - 1)));
    const out: number[] = [];
    for (let i = 0; i < values.length - 1; i++) for (let k = 0; k < per; k++) out.push(values[i] + ((values[i + 1] - values[i]) * k) / per);
    out.push(values.at(-1)!);
    return out;
  }
  return Array.from({ length: width }, (_, c) => values[Math.round((c * (values.length - 1)) / (width - 1))]);
}

/** An SVG line chart with axes, ticks, axis labels, a title and a legend. */
export function svgChart(series: readonly Series[], title: string): string {
  const W = 640, H = 400, L = 70, R = 20, T = 40, B = 55;
  const n = Math.max(...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const [lo, hi] = niceRange(Math.min(...all), Math.max(...all));
  const sx = (i: number) => L + ((W - L - R) * (n > 1 ? i / (n - 1) : 0.5));
  const sy = (v: number) => T + ((H - T - B) * (hi - v)) / (hi - lo);
  const colors = ['#1f77b4', '#ff7f0e'];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  for (const v of ticks(lo, hi, 6)) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(v)}</text>`);
  }
  const epochTicks = ticks(1, n, 8).filter((e) => Number.isInteger(e));
  // The axis starts at epoch 1: label it unless a round tick sits close by.
  if (epochTicks[0] !== 1 && (epochTicks.length < 2 || epochTicks[0] - 1 >= (epochTicks[1] - epochTicks[0]) / 2)) epochTicks.unshift(1);
  for (const e of epochTicks) {
    const x = sx(e - 1).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${H - B}" y2="${H - B + 5}" stroke="black"/>`);
    out.push(`<text x="${x}" y="${H - B + 18}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`);
  out.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">epoch</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">loss</text>`);
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${sx(i).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${colors[k % 2]}" stroke-width="2"/>`);
    const ly = T + 8 + 18 * k;
    out.push(`<line x1="${W - R - 130}" x2="${W - R - 105}" y1="${ly}" y2="${ly}" stroke="${colors[k % 2]}" stroke-width="2"/>`);
    out.push(`<text x="${W - R - 98}" y="${ly}" dominant-baseline="middle">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Writes next to the target and renames, so a reader never sees half a file. */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    throw new UsageError(`cannot write ${path}: ${reason(e)}`);
  }
}

/** What went wrong with a file, without the temporary name it may have been written under. */
const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { ENOENT: 'no such directory', EACCES: 'permission denied', EISDIR: 'it is a directory', EROFS: 'read-only file system' };
  return (code && known[code]) ?? (e as Error).message;
};

/**
 * Checks before training that an output file can be written: its directory exists and is
 * writable, and the path is not a directory. `extensions`: the endings it may have.
 */
export function checkOutputPath(path: string, flag: string, extensions?: readonly string[]): void {
  if (extensions && !extensions.some((x) => path.toLowerCase().endsWith(x))) {
    throw new UsageError(`${flag} ${path}: the file name must end in ${extensions.join(' or ')}`);
  }
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOENT' });
    accessSync(dir, constants.W_OK);
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot write there: ${reason(e)}`);
  }
}

/** The chart as the file `path` asks for: SVG text, or a PNG drawn from it by resvg. */
export async function chartFile(path: string, svg: string): Promise<string | Uint8Array> {
  if (!path.toLowerCase().endsWith('.png')) return svg;
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, { font: { defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
}

function niceRange(lo: number, hi: number): [number, number] {
  if (!(hi > lo)) return [lo - 0.5, hi + 0.5];
  const t = ticks(lo, hi, 6);
  const step = t.length > 1 ? t[1] - t[0] : hi - lo;
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/** Round numbers (1, 2 or 5 times a power of ten) spanning [lo, hi], about `count` of them. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const formatTick = (v: number): string => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : String(v));

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
