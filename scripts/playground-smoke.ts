/**
 * The playground's smoke test (npm run test:playground): builds examples/playground with Vite into
 * tmp/playground-dist (untracked), serves it on 127.0.0.1, drives it in Debian's Chromium through
 * playwright-core and checks the founding example's derivatives against dagrad's in Node, the
 * stepping, the error messages and the training worker. Screenshots go to tmp/playground-screenshots/;
 * with PLAYGROUND_DOCS_SCREENSHOTS=1 they also refresh docs/playground-*.png.
 * Without Chromium it skips (exit 0) with a message, unless CI=true: then a missing browser fails.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'mathjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  Adam, Rng, Session, add, adjointTrace, constant, div, equal, exp, forwardTrace, gradients, jvp, mul, neg, placeholder, toFlat,
} from '../src/index.js';
import { twoBlobs, type Points } from '../examples/browser/blobs.js';
import { blobModel } from '../examples/browser/model.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'examples', 'playground');
const DIST = join(ROOT, 'tmp', 'playground-dist');
const SHOTS = join(ROOT, 'tmp', 'playground-screenshots');
const DOCS_SHOTS = process.env.PLAYGROUND_DOCS_SCREENSHOTS === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const TIMEOUT_MS = 60_000;
/** The blobs are separable to about 97%: the held-out accuracy a working run must reach. */
const MIN_ACCURACY = 0.95;
/** Reverse, forward and symbolic values are the same float64 arithmetic as in Node, up to the last bits of exp. */
const TIGHT = 1e-12;
/** Central differences with h = 1e-6 carry a truncation and rounding error of about 1e-10 here. */
const LOOSE = 1e-7;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.wasm': 'application/wasm', '.json': 'application/json',
};

const FOUNDING = '1/(1+exp(-(w0+w1*x1+w2*x2)))';
const POINT = { w0: 0.5, w1: -1.2, w2: 0.8, x1: 2, x2: 1.5 } as const;
const NAMES = ['w0', 'w1', 'x1', 'w2', 'x2'] as const;

function fail(message: string): never {
  console.error(`playground smoke test: ${message}`);
  process.exit(1);
}

async function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(DIST, path.endsWith('/') ? `${path}index.html` : path));
    const inside = file === DIST || file.startsWith(DIST + sep);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The founding example built directly with dagrad's builders (not through the page's parser), and its derivatives in Node. */
function expected() {
  const ps = Object.fromEntries(NAMES.map((n) => [n, placeholder(n, [], { dtype: 'float64' })])) as Record<(typeof NAMES)[number], ReturnType<typeof placeholder>>;
  const f = div(1, add(1, exp(neg(add(add(ps.w0, mul(ps.w1, ps.x1)), mul(ps.w2, ps.x2))))));
  const xs = NAMES.map((n) => ps[n]);
  const sess = new Session();
  const reverse = sess.run(gradients(f, xs), POINT).map((v) => toFlat(v)[0]);
  const forward = xs.map((x) => toFlat(sess.run(jvp(f, [x], [constant(1, { dtype: 'float64' })])[0], POINT))[0]);
  const forwardValues = forwardTrace(f, POINT, { session: sess, inputs: xs }).rows.map((r) => toFlat(r.value!)[0]);
  const adjointValues = adjointTrace(f, POINT, { session: sess, inputs: xs }).rows.map((r) => toFlat(r.value!)[0]);
  // By hand: df/dz = s(1 - s) for s = f, z = w0 + w1 x1 + w2 x2; each input's derivative is df/dz times its partner.
  const z = POINT.w0 + POINT.w1 * POINT.x1 + POINT.w2 * POINT.x2;
  const s = 1 / (1 + Math.exp(-z));
  const dz = s * (1 - s);
  const byHand = [dz, dz * POINT.x1, dz * POINT.w1, dz * POINT.x2, dz * POINT.w2];
  return { reverse, forward, byHand, forwardValues, adjointValues };
}

/** The training tab's default run (Adam, learning rate 0.05, 400 steps) done in Node, printed as the page prints it. */
function expectedTraining(steps = 400): { loss: string; accuracy: string; train: string; weights: string } {
  const rng = new Rng(7);
  const trainSet = twoBlobs(rng, 100);
  const testSet = twoBlobs(rng, 200);
  const { w, b, loss, accuracy, step, feedsOf: feeds } = blobModel(new Adam({ learningRate: 0.05 }));
  const sess = new Session();
  for (let i = 0; i < steps; i++) sess.run({ loss, step }, feeds(trainSet));
  const end = sess.run({ loss, accuracy }, feeds(trainSet));
  const { wv, bv } = sess.run({ wv: w, bv: b });
  return {
    loss: end.loss.get().toFixed(4), train: end.accuracy.get().toFixed(3), accuracy: sess.run({ accuracy }, feeds(testSet)).accuracy.get().toFixed(3),
    weights: `w = (${wv.get(0, 0).toFixed(3)}, ${wv.get(1, 0).toFixed(3)}), b = ${bv.get(0).toFixed(3)}`,
  };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    const how = 'install Debian\'s with `apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium executable';
    if (process.env.CI === 'true') fail(`no Chromium at ${CHROMIUM} (CI=true, so this is a failure): ${how}`);
    console.log(`playground smoke test: SKIPPED, no Chromium at ${CHROMIUM}; ${how}`);
    return;
  }
  console.log('building examples/playground with vite into tmp/playground-dist ...');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', PAGE, '--outDir', DIST, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(DIST, 'index.html'))) fail('vite build left no tmp/playground-dist/index.html');
  mkdirSync(SHOTS, { recursive: true });

  const want = expected();
  const checks: [string, boolean][] = [];
  const check = (what: string, ok: boolean) => { checks.push([what, ok]); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };
  const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

  const { server, url } = await serve();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    console.log(`browser: Chromium ${browser.version()} (${CHROMIUM})`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
    const status = (id: string) => page.waitForFunction((i) => ['ready', 'error', 'done'].includes(document.getElementById(i)?.textContent ?? ''), id, { timeout: TIMEOUT_MS })
      .then(() => page.textContent(`#${id}`)).catch(() => fail(`#${id} did not settle within ${TIMEOUT_MS / 1000} s; ${problems.join('; ')}`));

    await page.goto(url);
    console.log(`page: ${url}`);
    check(`the founding example builds (#status '${await status('status')}')`, (await page.textContent('#status')) === 'ready');

    await autodiffChecks(page, want, check, close);
    await page.click('input[name="mode"][value="adjoint"]');
    for (let k = 0; k < 6; k++) await page.click('#step');
    await page.screenshot({ path: join(SHOTS, 'autodiff.png'), fullPage: true });
    console.log('screenshot: tmp/playground-screenshots/autodiff.png');

    await errorChecks(page, check, status);
    await trainingChecks(page, check, status);
    await page.screenshot({ path: join(SHOTS, 'training.png'), fullPage: true });
    console.log('screenshot: tmp/playground-screenshots/training.png');
    check(`no console errors, uncaught exceptions or failed requests${problems.length ? `: ${problems.join('; ')}` : ''}`, problems.length === 0);

    if (DOCS_SHOTS) {
      for (const name of ['autodiff', 'training']) copyFileSync(join(SHOTS, `${name}.png`), join(ROOT, 'docs', `playground-${name}.png`));
      console.log('PLAYGROUND_DOCS_SCREENSHOTS=1: copied them to docs/playground-autodiff.png and docs/playground-training.png');
    }
  } finally {
    await browser?.close();
    server.close();
  }
  const failed = checks.filter(([, ok]) => !ok).length;
  console.log(`playground: ${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

type Check = (what: string, ok: boolean) => void;

async function autodiffChecks(page: Page, want: ReturnType<typeof expected>, check: Check, close: (a: number, b: number, t: number) => boolean): Promise<void> {
  const cells = await page.$$eval('#derivatives td[data-kind]', (tds) => tds.map((td) => ({
    input: (td.parentElement as HTMLElement).dataset.input ?? '', kind: (td as HTMLElement).dataset.kind ?? '', value: JSON.parse((td as HTMLElement).dataset.value ?? '[]') as number[],
    text: td.textContent ?? '',
  })));
  const get = (input: string, kind: string) => cells.find((c) => c.input === input && c.kind === kind);
  NAMES.forEach((name, i) => {
    const rows: [string, number, number][] = [
      ['reverse', want.reverse[i], TIGHT], ['forward', want.forward[i], TIGHT], ['symbolic', want.reverse[i], TIGHT],
      ['expression', want.reverse[i], TIGHT], ['central', want.reverse[i], LOOSE],
    ];
    for (const [kind, value, tol] of rows) {
      const c = get(name, kind);
      check(`df/d${name} ${kind} in the page ${c ? c.value[0] : 'missing'} (shown '${c?.text ?? ''}') equals dagrad in Node ${value} to ${tol}`, !!c && c.value.length === 1 && close(c.value[0], value, tol));
    }
    check(`df/d${name} by dagrad ${want.reverse[i]} equals s(1 - s) times its partner ${want.byHand[i]}`, close(want.reverse[i], want.byHand[i], TIGHT));
  });
  const gc = await page.textContent('#gradcheck');
  check(`gradcheck passes in the page ('${gc?.trim()}')`, !!gc?.startsWith('gradcheck passes'));

  // Stepping: the forward pass shows one more value per step, the current node marked in the graph.
  await page.click('#reset');
  const pending = await page.$$eval('#trace tr.pending', (r) => r.length);
  check(`at the start every trace row is pending (${pending} of ${want.forwardValues.length})`, pending === want.forwardValues.length);
  for (let k = 0; k < want.forwardValues.length; k++) await page.click('#step');
  const shown = await page.$$eval('#trace td.val', (tds) => tds.map((t) => Number(t.textContent)));
  check(`after ${want.forwardValues.length} steps the forward values shown equal Node's trace to 12 digits`, shown.length === want.forwardValues.length && shown.every((v, i) => close(v, want.forwardValues[i], 1e-11)));
  const current = await page.$$eval('#graph g.node.current', (g) => g.map((n) => n.querySelector('title')?.textContent));
  check(`the graph marks exactly one current node (${current.join(', ')})`, current.length === 1);
  const labels = await page.$$eval('#graph text.value', (t) => t.length);
  check(`every evaluated node has its value written in the graph (${labels} of ${want.forwardValues.length})`, labels === want.forwardValues.length);
  await page.click('input[name="mode"][value="adjoint"]');
  await page.click('#all');
  const adjoints = await page.$$eval('#trace td.val', (tds) => tds.map((t) => Number(t.textContent)));
  check('the reverse-mode adjoints shown equal Node\'s adjoint trace', adjoints.length === want.adjointValues.length && adjoints.every((v, i) => close(v, want.adjointValues[i], 1e-11)));
  await page.selectOption('#tangent-input', 'x1#0');
  await page.click('#all');
  const tangents = await page.$$eval('#trace td.val', (tds) => tds.map((t) => Number(t.textContent)));
  check(`forward mode along x1 ends at df/dx1 = ${tangents.at(-1)}`, close(tangents.at(-1) ?? NaN, want.reverse[NAMES.indexOf('x1')], 1e-11));
  await page.click('#reset');
}

async function errorChecks(page: Page, check: Check, status: (id: string) => Promise<string | null>): Promise<void> {
  const cases: [string, string][] = [
    ['1/(1+exp(-(w0+w1*x1+w2*x2)', 'Parenthesis ) expected'],
    ['w0 + * x1', 'Value expected'],
  ];
  for (const [formula, message] of cases) {
    let index = -1;
    try { parse(formula); } catch (e) { index = ((e as { char: number }).char) - 1; }
    await page.fill('#formula', formula);
    await page.click('#build');
    await status('status');
    const box = (await page.textContent('#formula-error')) ?? '';
    const shownIndex = Number(await page.getAttribute('#formula-error', 'data-index'));
    const caretLine = box.split('\n')[1] ?? '';
    check(`'${formula}' shows '${message}' with the caret under char ${index} (shown: ${JSON.stringify(box)})`,
      (await page.textContent('#status')) === 'error' && box.includes(message) && shownIndex === index && caretLine === `${' '.repeat(index)}^`);
  }
  await page.fill('#formula', 'x^2 * sin(x)');
  await page.click('#build');
  await status('status');
  const box = (await page.textContent('#formula-error')) ?? '';
  check(`'x^2 * sin(x)' says sin is unknown, lists the supported functions and points at char 6 (shown: ${JSON.stringify(box)})`,
    box.includes("unknown function 'sin'") && box.includes('exp, log') && box.split('\n')[1] === `${' '.repeat(6)}^`);
  // A node used three times: x in x*x + sum(A*x). By hand, sum(f) = sum(x^2) + 2 sum(A*x), so its
  // adjoint is 2x + 2 (column sums of A) = [10, 16], from the three uses [1, 2], [1, 2] and [8, 12].
  await page.selectOption('#examples', '1');
  await status('status');
  await page.click('input[name="mode"][value="adjoint"]');
  await page.click('#all');
  const info = (await page.textContent('#step-info')) ?? '';
  check(`the fan-out step of x sums its three contributions (shown: ${JSON.stringify(info)})`,
    info.includes('is used 3 times') && info.includes('[1, 2] (from v₁, as a)\n+ [1, 2] (from v₁, as b)\n+ [8, 12] (from v₂, as b)\n= [10, 16]'));
  await page.selectOption('#examples', '0');
  check('the founding example builds again after the errors', (await status('status')) === 'ready');
}

async function trainingChecks(page: Page, check: Check, status: (id: string) => Promise<string | null>): Promise<void> {
  await page.click('#tab-train');
  // Another optimizer first: the controls reach the worker, and its name labels the curve's axis.
  await page.selectOption('#optimizer', 'momentum');
  await page.fill('#learning-rate', '0.1');
  await page.fill('#steps', '200');
  await page.click('#train');
  const first = await status('train-status');
  const axis = await page.$$eval('#loss-curve text', (t) => t.map((e) => e.textContent ?? ''));
  const firstAccuracy = (await page.textContent('#train-accuracy'))?.trim() ?? '';
  check(`SGD with momentum, learning rate 0.1, 200 steps: '${first}', held-out accuracy ${firstAccuracy} >= ${MIN_ACCURACY}, ${await page.textContent('#train-steps')}`,
    first === 'done' && Number(firstAccuracy) >= MIN_ACCURACY && (await page.textContent('#train-steps')) === '200 / 200');
  check(`the loss curve's axis says 'SGD (momentum) step'`, axis.includes('SGD (momentum) step'));
  await page.selectOption('#optimizer', 'adam');
  await page.fill('#learning-rate', '0.05');
  await page.fill('#steps', '400');
  await page.click('#train');
  const t0 = Date.now();
  const s = await status('train-status');
  const text = async (id: string) => (await page.textContent(`#${id}`))?.trim() ?? '';
  const report = {
    steps: await text('train-steps'), loss: await text('train-loss'), accuracy: await text('train-accuracy'), train: await text('train-train-accuracy'),
    where: await text('train-where'), frames: await text('train-frames'), time: await text('train-time'), weights: await text('train-weights'), error: await text('train-error'),
  };
  console.log(`training: ${s} after ${Date.now() - t0} ms; steps ${report.steps}; worker time ${report.time}; loss ${report.loss}; accuracy ${report.accuracy} held-out, ${report.train} training; ${report.weights}; ${report.frames} page frames meanwhile`);
  check(`training ends 'done' (it is '${s}'${report.error ? `: ${report.error}` : ''})`, s === 'done');
  check(`held-out accuracy ${report.accuracy} >= ${MIN_ACCURACY}`, report.accuracy !== '' && Number(report.accuracy) >= MIN_ACCURACY);
  const node = expectedTraining();
  check(`the worker's run equals the same run in Node to every digit shown (Node: loss ${node.loss}, accuracy ${node.accuracy} / ${node.train}, ${node.weights})`,
    report.loss === node.loss && report.accuracy === node.accuracy && report.train === node.train && report.weights === node.weights);
  check(`it ran in ${report.where}`, report.where === 'a Web Worker');
  check(`the page painted frames while the worker trained (${report.frames})`, Number(report.frames) > 0);
  const curve = await page.$$eval('#loss-curve path', (p) => p.map((e) => e.getAttribute('d') ?? '').join(''));
  check(`the loss curve is drawn (${(curve.match(/L/g) ?? []).length + 1} points)`, (curve.match(/L/g) ?? []).length + 1 === Number(report.steps.split('/')[0]));
}

main().catch((e: unknown) => fail(e instanceof Error ? e.stack ?? e.message : String(e)));
