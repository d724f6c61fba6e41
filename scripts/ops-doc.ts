/**
 * Writes docs/ops.md, the op table, from the ops themselves: each op's name, file and doc comment
 * (which states its derivative). `npm run docs:ops` regenerates it; test/docs.test.ts fails when it
 * is stale.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { OPS } from '../src/ops/index.js';

/** Where op definitions live: one op per file in src/ops, and the constant op in the graph vocabulary. */
const sources = [
  { dir: new URL('../src/ops/', import.meta.url), prefix: 'ops/', files: (f: string) => f.endsWith('.ts') && f !== 'index.ts' },
  { dir: new URL('../src/graph/', import.meta.url), prefix: 'graph/', files: (f: string) => f === 'constant.ts' },
];

interface Row { name: string; file: string; doc: string; modes: string }

export function opRows(): Row[] {
  const docs = new Map<string, { file: string; doc: string }>();
  for (const { dir, prefix, files } of sources) for (const name of readdirSync(dir).filter(files)) {
    const file = prefix + name;
    const src = readFileSync(new URL(name, dir), 'utf8');
    // A doc comment right before an op definition, or before a builder (assignOp('assign', ...)).
    const def = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const \w+(?::[^=]+)? = (?:(?:defineOp(?:<[^>]*>)?|elementwise)\(\{\s*name: '(\w+)'|\w+\('(\w+)')/g;
    for (let m = def.exec(src); m; m = def.exec(src)) docs.set(m[2] ?? m[3], { file, doc: clean(m[1]) });
  }
  return OPS.map((op) => {
    const d = docs.get(op.name);
    const modes = op.kind === 'placeholder' || op.kind === 'variable' ? 'a source: derivatives start here'
      : op.kind === 'constant' ? 'zero derivative'
      : op.nondifferentiable ? 'no gradient' : [op.backward && 'backward', op.jvp ? 'jvp' : op.linear && 'linear'].filter(Boolean).join(', ');
    return { name: op.name, file: d?.file ?? '?', doc: d?.doc ?? '', modes };
  });
}

const clean = (comment: string): string =>
  comment.split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ');

export function opsMarkdown(): string {
  const rows = opRows()
    .map((r) => `| \`${r.name}\` | [${r.file}](../src/${r.file}) | ${r.modes} | ${r.doc.replace(/\|/g, '\\|')} |`)
    .join('\n');
  return `# The op table

Generated from \`OPS\` (src/ops/index.ts) and each op's doc comment by \`npm run docs:ops\`; do not edit.
Every op here has a case in the gradient-check table (test/ops/gradcheck.test.ts), checked in reverse
and forward mode against central differences in float64. "linear": the op is its own forward-mode
rule; "no gradient": nothing flows through it by design.

| op | file | derivatives | what it does, and its derivative |
|---|---|---|---|
${rows}
`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(new URL('../docs/ops.md', import.meta.url), opsMarkdown());
  console.log(`docs/ops.md: ${OPS.length} ops`);
}
