import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const api = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('../../examples/mlp/main.ts', import.meta.url), 'utf8');
const block = (after: string, lang: string): string => {
  const open = api.indexOf('```' + lang + '\n', api.indexOf(after));
  return api.slice(open + lang.length + 4, api.indexOf('\n```', open + 4));
};
const HEADING = '## Training: an MNIST multilayer perceptron';

describe('the MNIST MLP of docs/api.md (examples/mlp/main.ts)', () => {
  it('docs/api.md shows exactly the example file, imported as the package, in under 40 lines', () => {
    expect(api).toContain(HEADING);
    expect(block(HEADING, 'ts').trim()).toBe(example.replace("'../../src/index.js'", "'dagrad'").trim());
    expect(example.trim().split('\n').length).toBeLessThan(40);
  });

  it('one epoch prints the first line docs/api.md shows, and reaches 0.85 test accuracy on the 2,000 held-out digits', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/mlp/main.ts'], {
      encoding: 'utf8', env: { ...process.env, EPOCHS: '1' },
    }).trim();
    const documented = block(HEADING.replace('## ', 'prints (`npm run example:mlp`'), 'text').split('\n');
    expect(documented).toHaveLength(3);
    expect(out).toBe(documented[0]);
    const accuracy = Number(/test accuracy (\d\.\d+)$/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
