import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNumerics, exp, gradients, log, mul, NumericsError, placeholder, Session, sqrt, sub, sum, toFlat } from '../../src/index.js';

const THIS = new URL(import.meta.url).pathname;
const lineOf = (marker: string): number => {
  const src = readFileSync(THIS, 'utf8').split('\n');
  return src.findIndex((l) => l.includes(marker)) + 1;
};

describe('Session({ checkNumerics: true })', () => {
  const sess = new Session({ checkNumerics: true });
  const x = placeholder('nx', [3], { dtype: 'float64' });
  const shifted = sub(x, 1, { name: 'shifted' });
  const logged = log(shifted, { name: 'logged' }); // MARK-logged
  const y = sum(mul(logged, 2, { name: 'twice' }), { name: 'y' });

  it('stops at the first non-finite value forward, with node, op, site and input ranges', () => {
    let err: unknown;
    try {
      sess.run(y, { nx: [2, 1, 3] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NumericsError);
    const e = err as NumericsError;
    expect(e.node).toBe(logged);
    expect(e.element).toBe(1);
    expect(e.value).toBe(-Infinity);
    const lines = e.message.split('\n');
    expect(lines[0]).toBe("checkNumerics: log 'logged' made the run's first non-finite value: -Infinity at element 1 of [3] float64");
    expect(lines[1]).toBe(`  built at: ${relative(process.cwd(), THIS)}:${lineOf('MARK-logged')}:${'  const logged = '.length + 1}`);
    expect(lines[2]).toBe("  input 0: sub 'shifted' [3], values in [0, 2]");
  });

  it('is off by default: the same run gives -Infinity and no error', () => {
    expect(toFlat(new Session().run(y, { nx: [2, 1, 3] }))).toEqual([-Infinity]);
    expect(() => new Session({ checkNumerics: false }).run(y, { nx: [2, 1, 3] })).not.toThrow();
  });

  it('stops in backward too, naming the forward node a gradient node differentiates', () => {
    const r = sqrt(x, { name: 'root' }); // sqrt'(0) = inf
    const [g] = gradients(sum(r), [x]);
    expect(toFlat(sess.run(r, { nx: [0, 1, 4] }))).toEqual([0, 1, 2]);
    let err: NumericsError | undefined;
    try {
      sess.run(g, { nx: [0, 1, 4] });
    } catch (e) {
      err = e as NumericsError;
    }
    expect(err).toBeInstanceOf(NumericsError);
    expect(err!.value).toBe(Infinity);
    expect(err!.element).toBe(0);
    expect(err!.message).toMatch(/^checkNumerics: \w+ '\w+' made the run's first non-finite value: Infinity at element 0 of \[3\] float64/);
    expect(err!.message).toContain("  part of the gradient of sqrt 'root'");
  });
});

describe('the checkNumerics op', () => {
  it('passes finite values through and stops at a NaN with its message, in any session', () => {
    const x = placeholder('cn', [2], { dtype: 'float64' });
    const c = checkNumerics(sqrt(x), 'root of cn', { name: 'chk' });
    expect(toFlat(new Session().run(c, { cn: [4, 9] }))).toEqual([2, 3]);
    expect(() => new Session().run(c, { cn: [4, -1] })).toThrow("checkNumerics 'chk': root of cn: NaN at element 1 of [2]");
  });

  it('checks the gradient flowing back through it', () => {
    const x = placeholder('cg', [2], { dtype: 'float64' });
    const c = checkNumerics(x, 'x');
    const [g] = gradients(sum(mul(c, exp(x))), [x]);
    expect(toFlat(new Session().run(g, { cg: [0, 1] }))).toEqual([1, 2 * Math.exp(1)]); // d(x e^x) = e^x + x e^x
    const [h] = gradients(sum(mul(c, log(x))), [x]);
    expect(() => new Session().run(h, { cg: [0, 1] })).toThrow(/x \(gradient\): -?Infinity at element 0 of \[2\]/);
  });
});

describe('docs/debugging.md', () => {
  it('shows what its example prints', () => {
    const doc = readFileSync(new URL('../../docs/debugging.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(doc)![1];
    const printed = /`npx tsx debug.ts` prints:\n\n```text\n([\s\S]*?)```/.exec(doc)![1];
    const dir = mkdtempSync(join(tmpdir(), 'dagrad-debug-'));
    const src = new URL('../../src/index.ts', import.meta.url).pathname;
    writeFileSync(join(dir, 'debug.ts'), code.replace("from 'dagrad'", `from '${src}'`));
    const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
    const r = spawnSync(tsx, ['debug.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DAGRAD_DEBUG: '' } });
    rmSync(dir, { recursive: true });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(printed);
  });
});
