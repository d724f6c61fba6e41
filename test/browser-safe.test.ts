import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../src/', import.meta.url).pathname;
const NODE_ONLY = /from\s+'(node:[^']+|fs|path|os|child_process|url|crypto|stream|worker_threads)'/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the core', () => {
  it('imports nothing Node-only outside src/node, so it runs in a browser', () => {
    const offenders = files(root)
      .filter((f) => !relative(root, f).startsWith('node/'))
      .filter((f) => NODE_ONLY.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('type-checks without the Node types (no bare process, Buffer or require)', () => {
    const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
    const run = () => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit'], { encoding: 'utf8' });
    expect(run).not.toThrow();
  });

  it('does not import src/node from the browser-safe index', () => {
    expect(readFileSync(join(root, 'index.ts'), 'utf8')).not.toMatch(/from '\.\/node\//);
  });
});
