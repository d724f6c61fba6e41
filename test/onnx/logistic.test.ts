/**
 * The logistic example's ONNX file: `export --model FILE --onnx OUT.onnx` writes it, `predict`
 * reads it and prints what it prints for the checkpoint, ONNX Runtime runs it, and a program that
 * knows nothing of the model (fixtures/load-saved.ts) loads it with fromOnnx alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placeholder } from '../../src/index.js';
import { fromOnnx, toOnnx } from '../../src/onnx/index.js';
import { trainConfig } from '../../examples/logistic/config.js';
import { UsageError } from '../../examples/logistic/errors.js';
import { runExperiment } from '../../examples/logistic/experiment.js';
import { loadOnnx } from '../../examples/logistic/onnx.js';
import { saveModel } from '../../examples/logistic/persist.js';
import { predictCommand } from '../../examples/logistic/predict.js';
import { runOrt } from './harness.js';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'dagrad-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsx(file: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cli = (args: string[]) => tsx('examples/logistic/main.ts', args);

/** What `f` writes to standard output. */
function capture(f: () => void): string {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    f();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

const CSV = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.4,3.2,4.5,1.5\n6.3,3.3,6.0,2.5\n5.9,3.0,5.1,1.8\n5.0,2.3,3.3,1.0\n';

describe('logistic example: export --onnx and predict from .onnx', () => {
  it('predicts from the .onnx file exactly what it predicts from the checkpoint, in dagrad, in ONNX Runtime and in a program without the model code', async () => {
    const ckpt = join(dir, 'm.ckpt'), file = join(dir, 'm.onnx'), csv = join(dir, 'rows.csv');
    writeFileSync(csv, CSV);
    // Trained and saved in this process (what `train --save` does), to keep to three child processes.
    saveModel(ckpt, runExperiment(trainConfig({ epochs: 20 })));
    const exported = cli(['export', '--model', ckpt, '--onnx', file]);
    expect(exported.stderr).toBe('');
    const size = readFileSync(file).length;
    expect(exported.stdout).toBe(`ONNX model written to ${file} (${size} bytes)\n`);

    const fromFile = cli(['predict', '--model', file, '--csv', csv]);
    expect(fromFile.stderr).toBe('');
    const fromCkpt = { stdout: capture(() => predictCommand({ model: ckpt, csv })) };
    expect(fromFile.stdout).toBe(fromCkpt.stdout);
    expect(fromFile.stdout.trim().split('\n')).toHaveLength(5);

    // Standardise the rows as predict does, from the file's own metadata.
    const meta = JSON.parse(fromOnnx(readFileSync(file)).metadata['dagrad-logistic']);
    const rows = CSV.trim().split('\n').slice(1).map((l) => l.split(',').map(Number).map((v, k) => (v - meta.standardizer.mean[k]) / meta.standardizer.std[k]));
    const names = fromCkpt.stdout.trim().split('\n');
    const ort = await runOrt(new Uint8Array(readFileSync(file)), { x: { data: rows.flat(), shape: [rows.length, 4], dtype: 'float32' } });
    expect(ort.predicted.data.map((c) => meta.classes[c])).toEqual(names);

    const alone = tsx('test/onnx/fixtures/load-saved.ts', [file, JSON.stringify(rows)]);
    expect(alone.stderr).toBe('');
    const loaded = JSON.parse(alone.stdout);
    expect(loaded.predicted.map((c: number) => meta.classes[c])).toEqual(names);
    expect(loaded.variables).toEqual(['logistic/W', 'logistic/b']);
  });

  it('predict from a missing .onnx file, or one without the example\'s metadata, is a usage error', () => {
    const missing = join(dir, 'missing.onnx');
    expect(() => loadOnnx(missing)).toThrow(new UsageError(`no model at ${missing} (write one with: export --model FILE --onnx ${missing})`));
    const bare = join(dir, 'bare.onnx');
    writeFileSync(bare, toOnnx(placeholder('bare/x', [2])));
    expect(() => loadOnnx(bare)).toThrow(new UsageError(`${bare}: no 'dagrad-logistic' metadata; was it written by 'export --onnx'?`));
  });
});
