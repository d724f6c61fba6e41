/**
 * The practitioner's preparation: a seeded shuffle, a train/test split, and standardisation with
 * statistics of the training split only (so nothing about the test rows leaks into training).
 */
import { Rng } from '../../src/index.js';
import { UsageError } from './errors.js';
import type { Dataset } from './data.js';

export interface Split {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** Shuffles the rows with `seed`, then holds out the last round(rows * testFraction) as the test set. */
export function shuffleSplit(data: Dataset, testFraction: number, seed: number): Split {
  if (!(testFraction >= 0 && testFraction < 1)) throw new UsageError(`--test-fraction must be in [0, 1), got ${testFraction}`);
  const order = new Rng(seed).shuffle(Array.from({ length: data.rows }, (_, i) => i));
  const nTest = Math.round(data.rows * testFraction);
  if (data.rows - nTest < 1) throw new UsageError(`only ${data.rows} rows: nothing is left to train on`);
  return { train: take(data, order.slice(0, data.rows - nTest)), test: take(data, order.slice(data.rows - nTest)) };
}

/** The given rows, in the given order. */
export function take(data: Dataset, rows: readonly number[]): Dataset {
  const d = data.features;
  const x = new Float64Array(rows.length * d);
  for (const [r, i] of rows.entries()) x.set(data.x.subarray(i * d, (i + 1) * d), r * d);
  return { ...data, x, rows: rows.length, y: Int32Array.from(rows, (i) => data.y[i]) };
}

export interface Standardizer {
  readonly mean: number[];
  readonly std: number[];
}

/**
 * Per-feature mean and (population) standard deviation of `data`.
 * NOTE: a constant feature gets std 1, so it maps to 0 instead of dividing by zero.
 */
export function fitStandardizer(data: Dataset): Standardizer {
  const { rows: n, features: d, x } = data;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = std[j] > 1e-24 * (1 + mean[j] ** 2) ? Math.sqrt(std[j]) : 1;
  return { mean, std };
}

/** The identity standardiser, for data used as they are (`--no-standardize`). */
export const identityStandardizer = (features: number): Standardizer => ({
  mean: new Array<number>(features).fill(0),
  std: new Array<number>(features).fill(1),
});

/** (x - mean) / std, feature by feature, into a new data set. */
export function standardize(data: Dataset, s: Standardizer): Dataset {
  const d = data.features;
  const x = data.x.map((v, k) => (v - s.mean[k % d]) / s.std[k % d]);
  return { ...data, x };
}
