import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const block = (after: string, lang: string): string => {
  const start = readme.indexOf(after);
  const open = readme.indexOf('```' + lang + '\n', start);
  const close = readme.indexOf('\n```', open + 4);
  return readme.slice(open + lang.length + 4, close);
};

describe('README', () => {
  it('shows exactly the code of examples/demo/main.ts (imported as the package)', () => {
    const demo = readFileSync(new URL('../examples/demo/main.ts', import.meta.url), 'utf8');
    expect(block('## In fifteen lines', 'ts').trim()).toBe(demo.replace("'../../src/index.js'", "'dagrad'").trim());
  });

  it('shows the output the example really prints', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts'], { encoding: 'utf8' });
    expect(block('prints (', 'text').trim()).toBe(out.trim());
  });

  it('gives the two commands a newcomer needs, and they exist', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.demo).toBe('tsx examples/demo/main.ts');
  });
});
