/**
 * The browser smoke test (npm run test:browser; not part of npm test, because CI has no browser):
 * builds examples/browser with Vite, serves the build on 127.0.0.1, opens it in Debian's Chromium
 * through playwright-core, waits for the page to finish training, checks what it reports and saves
 * a screenshot to examples/browser/screenshot.png.
 * Chromium: `apt-get install -y chromium`, or point CHROMIUM_PATH at another Chromium build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'examples', 'browser');
const DIST = join(PAGE, 'dist');
const SCREENSHOT = join(PAGE, 'screenshot.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
/** Training takes well under a second here; the rest is slack for a loaded machine. */
const PAGE_TIMEOUT_MS = 60_000;
const MIN_ACCURACY = 0.9;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.wasm': 'application/wasm', '.json': 'application/json',
};

function fail(message: string): never {
  console.error(`browser smoke test: ${message}`);
  process.exit(1);
}

/** Serves DIST on 127.0.0.1 at a free port; anything outside DIST, or missing, is a 404. */
async function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path.endsWith('/') ? `${path}index.html` : path));
    const inside = !relative(DIST, file).startsWith('..') && (file === DIST || file.startsWith(DIST.endsWith(sep) ? DIST : DIST + sep));
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    fail(`no Chromium at ${CHROMIUM}. Install Debian's with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium executable.`);
  }
  console.log('building examples/browser with vite ...');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', PAGE, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(DIST, 'index.html'))) fail(`vite build left no ${relative(ROOT, join(DIST, 'index.html'))}`);

  const { server, url } = await serve();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    console.log(`browser: Chromium ${browser.version()} (${CHROMIUM})`);
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url || 'no url'})`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });

    const t0 = Date.now();
    await page.goto(url);
    console.log(`page: ${url}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')?.textContent ?? ''), null, { timeout: PAGE_TIMEOUT_MS })
      .catch(() => fail(`the page did not finish within ${PAGE_TIMEOUT_MS / 1000} s${problems.length ? `; ${problems.join('; ')}` : ''}`));
    const text = async (id: string) => (await page.textContent(`#${id}`))?.trim() ?? '';
    const status = await text('status');
    console.log(`status: ${status} after ${Date.now() - t0} ms (page load included)`);
    const report = {
      loss: await text('loss'), accuracy: await text('accuracy'), trainAccuracy: await text('train-accuracy'),
      steps: await text('steps'), weights: await text('weights'), time: await text('time'), error: await text('error'),
    };
    console.log(`steps: ${report.steps}; training time: ${report.time}`);
    console.log(`final training loss: ${report.loss}; accuracy: ${report.accuracy} held-out, ${report.trainAccuracy} training`);
    console.log(`parameters: ${report.weights}`);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${relative(ROOT, SCREENSHOT)}`);

    const loss = Number(report.loss);
    const accuracy = Number(report.accuracy);
    const checks: [string, boolean][] = [
      [`#status is 'done' (it is '${status}'${report.error ? `: ${report.error}` : ''})`, status === 'done'],
      [`held-out accuracy ${report.accuracy} >= ${MIN_ACCURACY}`, report.accuracy !== '' && accuracy >= MIN_ACCURACY],
      [`final loss ${report.loss} is a finite number`, report.loss !== '' && Number.isFinite(loss)],
      [`no console errors, uncaught exceptions or failed requests${problems.length ? `: ${problems.join('; ')}` : ''}`, problems.length === 0],
    ];
    for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    const failed = checks.filter(([, ok]) => !ok).length;
    console.log(`browser: ${checks.length - failed} passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    server.close();
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
