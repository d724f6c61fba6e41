/** The logistic CLI at its boundaries: numbers it must not guess at, output paths, pictures, stdin. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDecimal } from '../../examples/logistic/csv.js';
import { loadCsv } from '../../examples/logistic/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'dagrad-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(import.meta.dirname, '../..');
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const cli = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/logistic/main.ts', ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const rows = 'a,b,label\n1,2,1\n2,3,1.0\n3,1,2\n4,4,2.0\n5,5,1\n6,2,2\n7,3,1\n8,1,2\n';

describe('numbers in CSV cells', () => {
  it('are decimal only, and within float32', () => {
    expect(parseDecimal('-1.5e3')).toBe(-1500);
    expect(parseDecimal('.5')).toBe(0.5);
    for (const s of ['0x10', '0b1', '0o7', 'Infinity', '1_000', '1,5']) expect(parseDecimal(s)).toBe(`'${s}' is not a decimal number`);
    expect(parseDecimal('1e39')).toBe("'1e39' is beyond the float32 range (largest magnitude 3.4028235e+38)");
    expect(parseDecimal('-3.4e38')).toBe(-3.4e38);
  });

  it('1 and 1.0 are one class', () => {
    const d = loadCsv(file('labels.csv', rows), undefined);
    expect(d.classes).toEqual(['1', '2']);
    expect([...d.y]).toEqual([0, 0, 1, 1, 0, 1, 0, 1]);
  });

  it('a hex cell is an error naming row, line and column', () => {
    const r = cli(['train', '--csv', file('hex.csv', 'a,b,label\n1,2,1\n0x10,3,2\n')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`logistic: ${join(tmp, 'hex.csv')}: row 2 (line 3), column 'a': '0x10' is not a decimal number\n`);
  });
});

describe('output paths', () => {
  it('are checked before training', { timeout: 240_000 }, () => {
    const csv = file('ok.csv', rows);
    for (const [flag, path, why] of [
      ['--plot', join(tmp, 'missing', 'x.svg'), 'cannot write there: no such directory'],
      ['--save', join(tmp, 'missing', 'm.ckpt'), 'cannot write there: no such directory'],
      ['--save', tmp, 'cannot write there: it is a directory'],
      ['--plot', join(tmp, 'x.gif'), 'the file name must end in .svg or .png'],
    ]) {
      const r = cli(['train', '--csv', csv, '--epochs', '2', flag, path]);
      expect(r.stderr).toBe(`logistic: ${flag} ${path}: ${why}\n`);
      expect(r.stdout).toBe(''); // nothing trained
      expect(r.status).toBe(2);
    }
  });

  it('--plot x.png writes a PNG', () => {
    const png = join(tmp, 'loss.png');
    const r = cli(['train', '--csv', file('p.csv', rows), '--epochs', '2', '--test-fraction', '0.25', '--plot', png]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`loss curve written to ${png}`);
    expect([...readFileSync(png).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(existsSync(`${png}.tmp-${process.pid}`)).toBe(false);
  });
});

describe('predict', () => {
  it('on a terminal says it is waiting for CSV on standard input', { timeout: 180_000 }, () => {
    const model = join(tmp, 'm.ckpt');
    expect(cli(['train', '--csv', file('t.csv', rows), '--epochs', '2', '--test-fraction', '0.25', '--save', model]).status).toBe(0);
    // `script` gives the command a terminal; its stdin (the terminal) gets end-of-input at once
    const cmd = `${process.execPath} --import tsx examples/logistic/main.ts predict --model ${model} < /dev/null; true`;
    const tty = spawnSync('script', ['-qec', `${process.execPath} --import tsx examples/logistic/main.ts predict --model ${model}`, '/dev/null'], {
      cwd: root, input: '\x04', encoding: 'utf8', timeout: 60_000,
    });
    expect(tty.stdout).toContain('predict: reading CSV rows from standard input (a header row first; end with Ctrl-D), or give --csv FILE');
    const piped = spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' });
    expect(piped.stderr).not.toContain('reading CSV rows from standard input');
  });
});
