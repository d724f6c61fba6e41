/**
 * The browser smoke test (npm run test:browser): builds examples/browser with Vite, serves the build
 * on 127.0.0.1, opens it in Debian's Chromium through playwright-core, waits for the page to finish
 * training and checks what it reports; reloads the page and checks that the model came back from
 * IndexedDB with the same predictions, to the last digit; downloads the model as a file and loads it
 * back through the page's file input (and a damaged copy, which must be refused).
 * The screenshot goes to the system's temporary folder; `--update-screenshot` (or UPDATE_SCREENSHOT=1)
 * writes examples/browser/screenshot.png, the picture docs/browser.md shows, instead.
 * Chromium: `apt-get install -y chromium`, or point CHROMIUM_PATH at another Chromium build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, serveStatic } from './static-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'examples', 'browser');
const DIST = join(PAGE, 'dist');
const UPDATE_SCREENSHOT = process.argv.includes('--update-screenshot') || process.env.UPDATE_SCREENSHOT === '1';
const SCREENSHOT = UPDATE_SCREENSHOT ? join(PAGE, 'screenshot.png') : join(os.tmpdir(), 'dagrad-browser-smoke.png');
/** Training takes well under a second here; the rest is slack for a loaded machine. */
const PAGE_TIMEOUT_MS = 60_000;
const MIN_ACCURACY = 0.9;

function fail(message: string): never {
  console.error(`browser smoke test: ${message}`);
  process.exit(1);
}

const problems: string[] = [];
function watch(page: Page): void {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url || 'no url'})`); });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
}

async function finished(page: Page): Promise<void> {
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')?.textContent ?? ''), null, { timeout: PAGE_TIMEOUT_MS })
    .catch(() => fail(`the page did not finish within ${PAGE_TIMEOUT_MS / 1000} s${problems.length ? `; ${problems.join('; ')}` : ''}`));
}

/** What the page reports in the DOM. */
async function reportOf(page: Page) {
  const text = async (id: string) => (await page.textContent(`#${id}`))?.trim() ?? '';
  return {
    status: await text('status'), loss: await text('loss'), accuracy: await text('accuracy'), trainAccuracy: await text('train-accuracy'),
    steps: await text('steps'), weights: await text('weights'), time: await text('time'), error: await text('error'),
    source: await text('source'), predictions: (await page.getAttribute('#predictions', 'data-values')) ?? '',
  };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    fail(`no Chromium at ${CHROMIUM}. Install Debian's with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium executable.`);
  }
  console.log('building examples/browser with vite ...');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', PAGE, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(DIST, 'index.html'))) fail(`vite build left no ${relative(ROOT, join(DIST, 'index.html'))}`);

  const { server, url } = await serveStatic(DIST);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    console.log(`browser: Chromium ${browser.version()} (${CHROMIUM})`);
    // A new context starts with an empty IndexedDB, so the first load trains.
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, acceptDownloads: true });
    const page = await context.newPage();
    watch(page);

    const t0 = Date.now();
    await page.goto(url);
    console.log(`page: ${url}`);
    await finished(page);
    const first = await reportOf(page);
    console.log(`status: ${first.status} after ${Date.now() - t0} ms (page load included)`);
    console.log(`steps: ${first.steps}; training time: ${first.time}`);
    console.log(`final training loss: ${first.loss}; accuracy: ${first.accuracy} held-out, ${first.trainAccuracy} training`);
    console.log(`parameters: ${first.weights}`);
    console.log(`model: ${first.source}`);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${UPDATE_SCREENSHOT ? relative(ROOT, SCREENSHOT) : SCREENSHOT}`);

    const t1 = Date.now();
    await page.reload();
    await finished(page);
    const again = await reportOf(page);
    console.log(`reload: ${again.status} after ${Date.now() - t1} ms; model: ${again.source}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const saved = readFileSync(await download.path());
    console.log(`download: ${download.suggestedFilename()}, ${saved.length} bytes`);
    const damaged = Uint8Array.from(saved);
    damaged[damaged.length - 8] ^= 0x01;
    const files = { good: join(os.tmpdir(), 'dagrad-smoke-model.ckpt'), bad: join(os.tmpdir(), 'dagrad-smoke-damaged.ckpt') };
    writeFileSync(files.good, saved);
    writeFileSync(files.bad, damaged);
    await page.setInputFiles('#upload', files.bad);
    await page.waitForFunction(() => (document.getElementById('error')?.textContent ?? '') !== '', null, { timeout: 10_000 }).catch(() => undefined);
    const refused = await reportOf(page);
    await page.setInputFiles('#upload', files.good);
    await page.waitForFunction(() => (document.getElementById('source')?.textContent ?? '').startsWith('loaded from'), null, { timeout: 10_000 })
      .catch(() => undefined);
    const uploaded = await reportOf(page);
    for (const f of Object.values(files)) rmSync(f, { force: true });
    console.log(`upload of the damaged copy: ${refused.error}`);
    console.log(`upload of the download: ${uploaded.source}`);

    const loss = Number(first.loss);
    const accuracy = Number(first.accuracy);
    const checks: [string, boolean][] = [
      [`#status is 'done' (it is '${first.status}'${first.error ? `: ${first.error}` : ''})`, first.status === 'done'],
      [`held-out accuracy ${first.accuracy} >= ${MIN_ACCURACY}`, first.accuracy !== '' && accuracy >= MIN_ACCURACY],
      [`final loss ${first.loss} is a finite number`, first.loss !== '' && Number.isFinite(loss)],
      [`the first load trained and saved the model to IndexedDB ('${first.source}')`, first.source.startsWith('trained here; saved to IndexedDB')],
      [`after a reload the model is restored from IndexedDB, not trained again ('${again.source}')`, again.status === 'done' && again.source.startsWith('restored from IndexedDB')],
      [`after the reload all ${first.predictions.split(',').length} held-out predictions, the parameters and the accuracies are equal, every digit`,
        first.predictions !== '' && again.predictions === first.predictions && again.weights === first.weights &&
        again.accuracy === first.accuracy && again.trainAccuracy === first.trainAccuracy && again.loss === first.loss],
      [`the downloaded model.ckpt is a dagrad checkpoint (${saved.length} bytes)`,
        download.suggestedFilename() === 'model.ckpt' && saved.subarray(0, 8).toString('latin1') === 'DAGRADCK'],
      [`uploading a damaged copy is refused with the CRC-32 message`, /^checkpoint '.*' is corrupted: its CRC-32 is 0x[0-9a-f]{8}/.test(refused.error)],
      [`uploading the download gives the same predictions again`, uploaded.source.startsWith('loaded from the file') && uploaded.predictions === first.predictions],
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
