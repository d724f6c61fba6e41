/**
 * CSV reading (RFC 4180: commas, double quotes, "" inside quotes, CRLF), kept apart from what the
 * columns mean. Every record remembers its line so errors can point at it.
 */
import { UsageError } from './errors.js';

export interface CsvTable {
  readonly header: string[];
  /** Data records (the header excluded), each as long as the header. */
  readonly rows: string[][];
  /** The 1-based line on which each row starts, for error messages. */
  readonly lines: number[];
}

/** Splits `text` into records of fields. Blank lines are skipped. */
export function parseRecords(text: string, source: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false; // a record that is only '' (a blank line) is no record
  const endRecord = () => {
    fields.push(field);
    if (touched || fields.length > 1 || field !== '') records.push({ fields, line: start });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      start = ++line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new UsageError(`${source}: line ${start}: a quoted field is never closed`);
  endRecord();
  return records;
}

/** A CSV with a header row; every row must have as many fields as the header. */
export function parseCsv(text: string, source: string): CsvTable {
  const records = parseRecords(text.replace(/^\uFEFF/, ''), source);
  if (records.length === 0) throw new UsageError(`${source}: the file is empty (a header row is needed)`);
  const header = records[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const [j, h] of header.entries()) {
    if (h === '') throw new UsageError(`${source}: header column ${j + 1} has no name`);
    if (seen.has(h)) throw new UsageError(`${source}: header names column '${h}' twice`);
    seen.add(h);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const { fields, line } of records.slice(1)) {
    if (fields.length !== header.length) {
      throw new UsageError(`${source}: row ${rows.length + 1} (line ${line}) has ${fields.length} fields, the header has ${header.length}`);
    }
    rows.push(fields);
    lines.push(line);
  }
  if (rows.length === 0) throw new UsageError(`${source}: no data rows after the header`);
  return { header, rows, lines };
}

/** The index of a named column, or a one-line error listing the columns there are. */
export function columnIndex(table: CsvTable, name: string, source: string): number {
  const j = table.header.indexOf(name);
  if (j < 0) {
    const some = table.header.length > 12 ? [...table.header.slice(0, 12), `... ${table.header.length - 12} more`] : table.header;
    throw new UsageError(`${source}: no column '${name}' (columns: ${some.join(', ')})`);
  }
  return j;
}

/** A decimal number as a person writes one: `-1.5`, `.5`, `2e-3`. Not `0x10`, `0b1`, `Infinity` or `1_000`, which Number() takes. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The largest float32 value: features are trained in float32, where anything beyond it is infinite. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A decimal string as a finite number within float32's range, or a phrase saying what is wrong with it. */
export function parseDecimal(s: string): number | string {
  if (s === '') return 'is empty';
  if (!DECIMAL.test(s)) return `'${s}' is not a decimal number`;
  const v = Number(s);
  if (!(Math.abs(v) <= FLOAT32_MAX)) return `'${s}' is beyond the float32 range (largest magnitude ${FLOAT32_MAX.toPrecision(8)})`;
  return v;
}

/** A field as a finite decimal number, or an error naming the row, its line and the column. */
export function numberAt(table: CsvTable, i: number, j: number, source: string): number {
  const v = parseDecimal(table.rows[i][j].trim());
  if (typeof v === 'string') throw new UsageError(`${source}: row ${i + 1} (line ${table.lines[i]}), column '${table.header[j]}': ${v}`);
  return v;
}
