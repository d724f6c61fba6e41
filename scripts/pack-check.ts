/**
 * The pack-install-consume check (npm run test:pack): what a new user gets from `npm install`.
 * Packs this repository with `npm pack` (prepack builds dist/), installs the tarball into a fresh ESM
 * project in a temporary folder, and there runs
 *   1. the README's fifteen-line example, unchanged, as a plain .mjs file, and a `dagrad/node`
 *      checkpoint round trip;
 *   2. a strict .ts consumer through `tsc --noEmit`, under NodeNext and under bundler resolution, with
 *      the repository's TypeScript 7 and, when tools/apidoc is installed, its TypeScript 5.9;
 *   3. when Chromium exists (CHROMIUM_PATH, default /usr/bin/chromium), a Vite-built page that runs
 *      the same example, a checkpoint round trip in bytes and the WebAssembly kernels, served with the Content-Security-Policy
 *      docs/browser.md states, and once more without 'unsafe-eval' to show that it is needed.
 * Exits non-zero when any check fails. The install prefers npm's cache (--prefer-offline), which
 * `npm ci` in this repository has filled with everything dagrad depends on.
 * KEEP=1 keeps the temporary folder and prints its path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, serveStatic } from './static-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** TypeScript 5.9 from tools/apidoc, when installed (npm ci --prefix tools/apidoc): consumers on TS 5 are checked too. */
const TSC5 = join(ROOT, 'tools', 'apidoc', 'node_modules', 'typescript', 'bin', 'tsc');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The policy docs/browser.md gives; the page must run under it. */
export const CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; img-src 'self' data:";
const CSP_WITHOUT_EVAL = "default-src 'self'; script-src 'self'; img-src 'self' data:";

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The first ```lang block after the heading or phrase `after` in the README. */
function readmeBlock(after: string, lang: string): string {
  const start = readme.indexOf(after);
  const open = readme.indexOf('```' + lang + '\n', start);
  const close = readme.indexOf('\n```', open + 4);
  if (start < 0 || open < 0 || close < 0) throw new Error(`README.md has no \`\`\`${lang} block after '${after}'`);
  return readme.slice(open + lang.length + 4, close) + '\n';
}

const results: [string, boolean, string][] = [];
let lap = Date.now();
function check(what: string, ok: boolean, detail = ''): void {
  results.push([what, ok, detail]);
  const ms = Date.now() - lap;
  lap = Date.now();
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what} (${(ms / 1000).toFixed(1)} s)${!ok && detail ? `\n     ${detail.replace(/\n/g, '\n     ')}` : ''}`);
}

/** Runs a command; returns its output, or throws an Error with its stdout and stderr. */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${[cmd, ...args].join(' ')} failed in ${cwd}:\n${(x.stdout ?? '') + (x.stderr ?? '') || x.message}`.trim());
  }
}
function attempt(what: string, f: () => string | boolean | void): void {
  try {
    const r = f();
    check(what, r !== false, typeof r === 'string' ? r : '');
  } catch (e) {
    check(what, false, e instanceof Error ? e.message : String(e));
  }
}

const TS_CONSUMER = `import { Session, gradients, init, matmul, mean, placeholder, saveCheckpointBytes, sigmoid, square, sub, toNested, variable, type Node } from 'dagrad';
import { loadCheckpoint, saveCheckpoint, type LoadOptions } from 'dagrad/node';

const x: Node = placeholder('x', [null, 2]);
const w = variable('w', init.zeros([2, 1]));
const loss = mean(square(sub(sigmoid(matmul(x, w)), 1)));
const [dw] = gradients(loss, [w]);
const sess = new Session({ seed: 0 });
const out = sess.run({ l: loss, g: dw }, { x: [[1, 2]] });
const l: number = out.l.get();
const nested = toNested(out.g);
const bytes: Uint8Array = saveCheckpointBytes(sess, [w]);
const opts: LoadOptions = { strict: false };
saveCheckpoint(sess, 'model.ckpt', [w]);
const names: string[] = loadCheckpoint(sess, 'model.ckpt', [w], opts);
// @ts-expect-error: a Node is not a number, so the types are real, not any
const wrong: number = x;
console.log(l, nested, bytes.length, names, wrong);
`;

const NODE_ROUND_TRIP = `import { Session, init, toFlat, variable } from 'dagrad';
import { loadCheckpoint, saveCheckpoint } from 'dagrad/node';
const w = variable('w', init.fill([2, 1], 0.5));
const a = new Session();
a.setValue(w, [[1.5], [-2]]);
saveCheckpoint(a, 'model.ckpt', [w]);
const b = new Session();
loadCheckpoint(b, 'model.ckpt', [w]);
console.log(JSON.stringify(toFlat(b.getValue(w))));
`;

const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>dagrad from npm</title></head>
<body><pre id="out">loading</pre><script type="module" src="./main.js"></script></body></html>
`;
const PAGE_JS = `import { Session, gradients, init, loadCheckpointBytes, matmul, mean, placeholder, saveCheckpointBytes, sigmoid, square, sub, toFlat, toNested, variable, wasmEnabled } from 'dagrad';
const out = document.getElementById('out');
try {
  const x = placeholder('x', [null, 2]);
  const y = placeholder('y', [null, 1]);
  const w = variable('w', init.zeros([2, 1]));
  const loss = mean(square(sub(sigmoid(matmul(x, w)), y)));
  const [dw] = gradients(loss, [w]);
  const sess = new Session({ seed: 0 });
  const { l, g } = sess.run({ l: loss, g: dw }, { x: [[1, 2], [3, 4]], y: [[0], [1]] });
  sess.setValue(w, [[0.25], [-4]]);
  const other = new Session();
  loadCheckpointBytes(other, saveCheckpointBytes(sess, [w]), [w]);
  out.textContent = JSON.stringify({ loss: toNested(l), grad: toNested(g), restored: toFlat(other.getValue(w)), wasm: wasmEnabled() });
} catch (e) {
  out.textContent = 'error: ' + (e instanceof Error ? e.message : String(e));
}
`;
/** wasm: the WebAssembly kernels compiled under the policy too. */
const PAGE_EXPECTED = JSON.stringify({ loss: 0.25, grad: [[-0.25], [-0.25]], restored: [0.25, -4], wasm: true });

async function main(): Promise<void> {
  const t0 = Date.now();
  const tmp = mkdtempSync(join(os.tmpdir(), 'dagrad-pack-'));
  try {
    console.log(`npm pack (prepack builds dist/) into ${tmp} ...`);
    const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', tmp], ROOT)) as { filename: string; files: { path: string }[]; size: number }[];
    const { filename, files, size } = packed[0];
    const paths = files.map((f) => f.path);
    console.log(`packed ${filename}: ${paths.length} files, ${(size / 1024).toFixed(0)} kB`);
    check('the tarball holds dist/index.js, dist/index.d.ts, dist/node/index.js, dist/node/index.d.ts and the LICENSE',
      ['dist/index.js', 'dist/index.d.ts', 'dist/node/index.js', 'dist/node/index.d.ts', 'LICENSE'].every((p) => paths.includes(p)));
    const stray = paths.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(p) || /\.test\.|tsbuildinfo/.test(p));
    check('the tarball holds nothing but dist/, package.json, the README and the LICENSE (no tests, no sources)', stray.length === 0, stray.join(', '));

    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'dagrad-consumer', private: true, type: 'module' }, null, 2));
    console.log('npm install the tarball into a new ESM project ...');
    const installed = (() => {
      try {
        run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, filename)], app);
        return true;
      } catch (e) {
        check('npm install <tarball> in a new ESM project', false, e instanceof Error ? e.message : String(e));
        return false;
      }
    })();
    if (installed) {
      check('npm install <tarball> in a new ESM project', true);
      const expected = readmeBlock('prints (', 'text');
      writeFileSync(join(app, 'readme.mjs'), readmeBlock('## In fifteen lines', 'ts'));
      attempt(`node readme.mjs (the README example, unchanged) prints ${JSON.stringify(expected.trim())}`, () => {
        const got = run(process.execPath, ['readme.mjs'], app);
        return got === expected || `it printed ${JSON.stringify(got)}`;
      });
      writeFileSync(join(app, 'checkpoint.mjs'), NODE_ROUND_TRIP);
      attempt('node checkpoint.mjs: dagrad/node saves a file and loads it back', () => {
        const got = run(process.execPath, ['checkpoint.mjs'], app).trim();
        return got === '[1.5,-2]' || `it printed ${got}`;
      });

      writeFileSync(join(app, 'consumer.ts'), TS_CONSUMER);
      const strict = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], noUnusedLocals: true };
      for (const [label, options] of [
        ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
        ['bundler', { module: 'ESNext', moduleResolution: 'bundler' }],
      ] as const) {
        const config = `tsconfig.${label.toLowerCase()}.json`;
        writeFileSync(join(app, config), JSON.stringify({ compilerOptions: { ...strict, ...options }, files: ['consumer.ts'] }, null, 2));
        for (const tsc of [TSC, TSC5].filter((t) => existsSync(t))) {
          const version = run(process.execPath, [tsc, '--version'], app).trim();
          attempt(`tsc --noEmit (${version}): a strict .ts consumer of dagrad and dagrad/node type-checks under ${label} resolution (lib ES2022 + DOM, skipLibCheck off)`, () => {
            run(process.execPath, [tsc, '-p', config], app);
          });
        }
      }

      if (!existsSync(CHROMIUM)) {
        console.log(`skip the browser page: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      } else {
        await browserPage(app);
      }
    }
    const failed = results.filter(([, ok]) => !ok).length;
    console.log(`pack check: ${results.length - failed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    if (process.env.KEEP) console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds the page with Vite from the installed package and loads it in headless Chromium, with and without 'unsafe-eval'. */
async function browserPage(app: string): Promise<void> {
  const page = join(app, 'page');
  mkdirSync(page);
  writeFileSync(join(page, 'index.html'), PAGE_HTML);
  writeFileSync(join(page, 'main.js'), PAGE_JS);
  try {
    run(process.execPath, [VITE, 'build', page, '--logLevel', 'warn', '--outDir', join(app, 'page-dist')], app);
    check('vite build of a page that imports dagrad from node_modules', true);
  } catch (e) {
    check('vite build of a page that imports dagrad from node_modules', false, e instanceof Error ? e.message : String(e));
    return;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    for (const [csp, expectWorks] of [[CSP, true], [CSP_WITHOUT_EVAL, false]] as const) {
      const { server, url } = await serveStatic(join(app, 'page-dist'), { 'content-security-policy': csp });
      try {
        const tab = await browser.newPage();
        const errors: string[] = [];
        // A refused eval stops the module before it writes #out, so the first error also ends the wait.
        let failed = (): void => undefined;
        const error = new Promise<void>((resolve) => (failed = resolve));
        tab.on('pageerror', (e) => { errors.push(e.message); failed(); });
        tab.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); failed(); } });
        await tab.goto(url);
        await Promise.race([
          error,
          tab.waitForFunction(() => document.getElementById('out')?.textContent !== 'loading', null, { timeout: 30_000 }).catch(() => undefined),
        ]);
        const got = (await tab.textContent('#out'))?.trim() ?? '';
        if (expectWorks) {
          check(`Chromium ${browser.version()}: the page runs the example, a checkpoint round trip in bytes and WebAssembly under CSP "${csp}"`,
            got === PAGE_EXPECTED && errors.length === 0, `#out is ${JSON.stringify(got)}, expected ${PAGE_EXPECTED}${errors.length ? `; errors: ${errors.join('; ')}` : ''}`);
        } else {
          check(`without 'unsafe-eval' the page fails (code generation is refused), as docs/browser.md says`,
            got !== PAGE_EXPECTED && /eval|unsafe-eval|Content Security Policy/i.test(got + errors.join(' ')), `#out is ${JSON.stringify(got)}; errors: ${errors.join('; ')}`);
        }
        await tab.close();
      } finally {
        server.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(`pack check: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
