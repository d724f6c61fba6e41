/**
 * `predict`: classify the rows of a CSV file (or standard input) with a saved model. The header must
 * name every feature the model was trained on, in any order; other columns (a label, say) are ignored.
 * Prints one class name per row, in row order. A model path ending in `.onnx` is a file written by
 * `export --onnx`, read with fromOnnx alone.
 */
import type { Flags } from './cli.js';
import { columnIndex, numberAt, parseCsv } from './csv.js';
import { readText, type Dataset } from './data.js';
import { UsageError } from './errors.js';
import { loadModel } from './persist.js';
import { isOnnxPath, loadOnnx } from './onnx.js';
import { standardize, type Standardizer } from './prep.js';
import { predictRows } from './train.js';

export function predictCommand(flags: Flags): void {
  const path = flags.model as string | undefined;
  if (path === undefined) throw new UsageError('predict: --model FILE is required (a file written by train --save FILE)');
  if (isOnnxPath(path)) {
    const onnx = loadOnnx(path);
    const { data, rows } = readRows(flags, onnx.info.features, onnx.info.classes, onnx.info.standardizer);
    return print(onnx.predict(data.x, rows), onnx.info.classes);
  }
  const { info, model, session } = loadModel(path);
  const { data, rows } = readRows(flags, info.features, info.classes, info.standardizer);
  const { predicted } = predictRows(model, session, data.x, rows);
  print(predicted, info.classes);
}

/** The CSV rows (from --csv or standard input), standardised, in the model's feature order. */
function readRows(flags: Flags, features: string[], classes: string[], standardizer: Standardizer): { data: Dataset; rows: number } {
  const csv = (flags.csv as string | undefined) ?? '-';
  const source = csv === '-' ? 'standard input' : csv;
  if (csv === '-' && process.stdin.isTTY) {
    process.stderr.write('predict: reading CSV rows from standard input (a header row first; end with Ctrl-D), or give --csv FILE\n');
  }
  const table = parseCsv(readText(csv), source);
  const columns = features.map((name) => columnIndex(table, name, source));
  const rows = table.rows.length;
  const x = new Float64Array(rows * columns.length);
  for (let i = 0; i < rows; i++) for (const [k, j] of columns.entries()) x[i * columns.length + k] = numberAt(table, i, j, source);
  const data = standardize({ x, rows, features: columns.length, featureNames: features, y: new Int32Array(rows), classes }, standardizer);
  return { data, rows };
}

const print = (predicted: Int32Array, classes: string[]): void => {
  process.stdout.write(Array.from(predicted, (c) => classes[c]).join('\n') + '\n');
};
