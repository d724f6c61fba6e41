/**
 * The browser check of dagrad/onnx (`npm run test:onnx-browser`; .ci/run calls it when Chromium
 * exists, as the `onnx-browser` browser suite; not part of npm test): builds test/onnx/browser with Vite, serves it on 127.0.0.1, opens it in Debian's
 * Chromium through playwright-core, and checks what the page reports: the logistic model trained,
 * exported and read back in the page, and its exported bytes run in onnxruntime-web's wasm backend,
 * equal to dagrad's own run. Chromium: `apt-get install -y chromium`, or set CHROMIUM_PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'test', 'onnx', 'browser');
const DIST = join(PAGE, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.mjs': 'text/javascript' };

function fail(message: string): never {
  console.error(`onnx browser check: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) fail(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', PAGE, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path.endsWith('/') ? `${path}index.html` : path));
    if (relative(DIST, file).startsWith('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
    await page.goto(url);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')?.textContent ?? ''), null, { timeout: 60_000 })
      .catch(() => fail(`the page did not finish within 60 s${problems.length ? `; ${problems.join('; ')}` : ''}`));
    const status = await page.textContent('#status');
    const text = (await page.textContent('#report')) ?? '';
    console.log(`browser: Chromium ${browser.version()}; status: ${status}; report: ${text}`);
    if (status !== 'done') fail(text);
    const r = JSON.parse(text);
    const checks: [string, boolean][] = [
      [`onnxruntime-web's probabilities within 1e-6 of dagrad's (max difference ${r.ortMaxDiff})`, r.ortMaxDiff <= 1e-6],
      ['onnxruntime-web predicts the same classes', r.ortClassesEqual === true],
      [`fromOnnx(toOnnx(model)) in the page gives the same probabilities (max difference ${r.roundTripMaxDiff})`, r.roundTripMaxDiff === 0],
      [`the model learned (training accuracy ${r.accuracy})`, r.accuracy > 0.7],
      [`no console errors, exceptions or failed requests${problems.length ? `: ${problems.join('; ')}` : ''}`, problems.length === 0],
    ];
    for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    const passed = checks.filter(([, ok]) => ok).length;
    console.log(`onnx-browser: ${passed} passed, ${checks.length - passed} failed`);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
