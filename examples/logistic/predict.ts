/**
 * `predict`: classify the rows of a CSV file (or standard input) with a saved model. The header must
 * name every feature the model was trained on, in any order; other columns (a label, say) are ignored.
 * Prints one class name per row, in row order.
 */
import type { Flags } from './cli.js';
import { columnIndex, numberAt, parseCsv } from './csv.js';
import { readText } from './data.js';
import { UsageError } from './errors.js';
import { loadModel } from './persist.js';
import { standardize } from './prep.js';
import { predictRows } from './train.js';

export function predictCommand(flags: Flags): void {
  const path = flags.model as string | undefined;
  if (path === undefined) throw new UsageError('predict: --model FILE is required (a file written by train --save FILE)');
  const { info, model, session } = loadModel(path);
  const csv = (flags.csv as string | undefined) ?? '-';
  const source = csv === '-' ? 'standard input' : csv;
  const table = parseCsv(readText(csv), source);
  const columns = info.features.map((name) => columnIndex(table, name, source));
  const rows = table.rows.length;
  const x = new Float64Array(rows * columns.length);
  for (let i = 0; i < rows; i++) for (const [k, j] of columns.entries()) x[i * columns.length + k] = numberAt(table, i, j, source);
  const data = standardize({ x, rows, features: columns.length, featureNames: info.features, y: new Int32Array(rows), classes: info.classes }, info.standardizer);
  const { predicted } = predictRows(model, session, data.x, rows);
  process.stdout.write(Array.from(predicted, (c) => info.classes[c]).join('\n') + '\n');
}
