/**
 * The benchmark suite: dagrad against TensorFlow.js (cpu and wasm backends) on the same workloads in
 * one process. Prints the table (figures, then speed-ups: >1x means dagrad is faster) and the
 * targets of issue 5, and writes bench/results/latest.json.
 *
 *   npm run bench                      everything (about 3-5 minutes on 2 cores)
 *   npm run bench -- matmul mlp        only these workloads (matmul mlp logistic overhead add memory adam adammlp compile softmax)
 *   npm run bench -- matmul --sizes=64,512
 *   npm run bench -- --out=bench/results/other.json
 *
 * Not part of the tests. Numbers move with machine load: check `uptime` first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmEnabled } from '../src/wasm/runtime.js';
import { machine, progress, Rows, speedup, table, type Row } from './harness.js';
import { matmulBench, MATMUL_SIZES, narrowFractions } from './matmul.js';
import { memoryBench } from './memory.js';
import { logisticBench, mlpBench } from './models.js';
import { addBench, overheadBench } from './ops.js';
import { adamBench, adamMlpBench, compileBench } from './fast.js';
import { softmaxBench, SOFTMAX_ROW } from './softmax.js';
import { BACKENDS, tfjsVersion, type Backend } from './tfjs.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const sizes = flag('sizes')?.split(',').map(Number) ?? MATMUL_SIZES;
const outFile = flag('out') ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

const WORKLOADS: Record<string, (rows: Rows, backend: Backend) => Promise<void>> = {
  matmul: (rows, backend) => matmulBench(rows, backend, sizes),
  mlp: mlpBench,
  logistic: logisticBench,
  overhead: overheadBench,
  add: addBench,
  memory: memoryBench,
  adam: adamBench,
  adammlp: adamMlpBench,
  compile: compileBench,
  softmax: softmaxBench,
};
const asked = args.filter((a) => !a.startsWith('--'));
const unknown = asked.filter((a) => !(a in WORKLOADS));
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}; choose from ${Object.keys(WORKLOADS).join(' ')}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : Object.keys(WORKLOADS);

interface Target {
  readonly target: string;
  readonly figure: string;
  readonly met: boolean | null;
}

/** The targets of issue 5 that this run measured, each with its figure and whether it is met. */
function targets(rows: readonly Row[]): Target[] {
  const out: Target[] = [];
  const row = (group: string, name: string) => rows.find((r) => r.group === group && r.name === name);
  const x = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(2)}x`);
  const check = (target: string, ok: (boolean | undefined)[], figure: string) =>
    out.push({ target, figure, met: ok.some((v) => v === undefined) ? null : ok.every(Boolean) });
  const mlp = row('mlp', '784-256-10 b128 SGD step');
  if (mlp) {
    const w = speedup(mlp, 'dagrad', 'tfjs-wasm'), c = speedup(mlp, 'dagrad-js', 'tfjs-cpu');
    check('MLP step: >= 4x faster than tfjs-wasm', [w === undefined ? undefined : w >= 4], x(w));
    check('MLP step, pure JS: >= 3x faster than tfjs-cpu', [c === undefined ? undefined : c >= 3], x(c));
  }
  const mm = rows.filter((r) => r.group === 'matmul f32' && r.name.startsWith('n=512 '));
  if (mm.length > 0) {
    const w = mm.map((r) => speedup(r, 'dagrad', 'tfjs-wasm'));
    const c = mm.map((r) => speedup(r, 'dagrad-js', 'tfjs-cpu'));
    check('matmul f32 n=512: >= tfjs-wasm in all four transpose combinations', w.map((v) => (v === undefined ? undefined : v >= 1)), w.map(x).join(' / '));
    check('matmul f32 n=512, pure JS: >= 4x tfjs-cpu', c.map((v) => (v === undefined ? undefined : v >= 4)), c.map(x).join(' / '));
  }
  if (narrowFractions.size > 0) {
    for (const dtype of ['f32', 'f64']) {
      const fr = [...narrowFractions].filter(([k]) => k.startsWith(dtype));
      const worst = fr.reduce((w, e) => (e[1] < w[1] ? e : w), fr[0]);
      if (worst) check(`matmul ${dtype} narrow (M or N <= 16): >= 60% of square n=512 GFLOP/s, every shape and transpose`, [worst[1] >= 0.6], `worst ${(100 * worst[1]).toFixed(0)}% (${worst[0].slice(4)})`);
    }
  }
  for (const opts of ['new Session()', 'arena: wasmArena']) {
    const sm = row('softmax', `${SOFTMAX_ROW}, ${opts}`);
    if (sm && sm.values['tfjs-wasm'] !== undefined) {
      const w = speedup(sm, 'dagrad', 'tfjs-wasm');
      check(`wide softmax regression step (${opts}): >= 3x faster than tfjs-wasm`, [w === undefined ? undefined : w >= 3], sm.note ?? x(w));
    }
  }
  const lr = row('logistic', 'N=10000 D=20 200 steps');
  if (lr) {
    const w = speedup(lr, 'dagrad', 'tfjs-wasm');
    check('logistic regression: >= 2x faster than tfjs-wasm minimize', [w === undefined ? undefined : w >= 2], x(w));
  }
  const oh = row('overhead', 'chain of 1000 adds, 1 element');
  if (oh) {
    const v = oh.values.dagrad;
    check('per-op overhead: <= 0.1 us/op', [v === undefined ? undefined : v <= 0.1], v === undefined ? 'n/a' : `${v.toFixed(3)} us/op`);
  }
  const add = row('add 1e6 f32', ''), floor = row('add 1e6 f32', 'plain loop (floor)');
  if (add && floor) {
    const js = add.values['dagrad-js'], fl = floor.values['dagrad-js'];
    const ratio = js !== undefined && fl !== undefined ? js / fl : undefined;
    check('add 1e6 f32, pure JS: >= the plain-loop floor', [ratio === undefined ? undefined : ratio >= 0.95], ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x the floor (5% timing noise allowed)`);
    const w = speedup(add, 'dagrad', 'tfjs-wasm');
    check('add 1e6 f32, SIMD: >= 0.9x tfjs-wasm', [w === undefined ? undefined : w >= 0.9], x(w));
  }
  const ratio = row('memory', 'planned / unplanned peak');
  if (ratio) {
    const v = ratio.values.dagrad;
    check('memory: planned peak <= 25% of unplanned', [v === undefined ? undefined : v <= 25], v === undefined ? 'n/a' : `${v.toFixed(1)}%`);
  }
  const heap = row('memory', 'heap growth over 1000 runs');
  if (heap && heap.values.dagrad !== undefined) {
    const v = heap.values.dagrad;
    check('memory: no heap growth over 1000 runs', [v < 256], `${v.toFixed(0)} KB`);
  }
  return out;
}

const started = new Date();
const before = machine();
progress(`dagrad benchmarks: ${chosen.join(', ')}; WebAssembly SIMD ${wasmEnabled() ? 'on' : 'unavailable'}; load ${before.loadAverage.join(' ')}`);
// Every workload's JavaScript phase (dagrad-js against tfjs-cpu) runs before tfjs's wasm backend
// starts: that backend grows its WebAssembly memory, which detaches an ArrayBuffer, after which V8
// checks for detachment in every typed-array loop of the process (see src/wasm/runtime.ts). dagrad
// never detaches one, so its JavaScript figures are taken in the state a dagrad-only process has;
// dagrad's SIMD phase runs after, in the slower state, alongside tfjs-wasm.
const results = new Rows();
for (const backend of BACKENDS) for (const name of chosen) await WORKLOADS[name](results, backend);
const rows = results.all();
const seconds = (Date.now() - started.getTime()) / 1000;
const after = machine();
const met = targets(rows);

console.log(`\ndagrad vs TensorFlow.js ${tfjsVersion} - ${started.toISOString().slice(0, 10)}, ${before.cpu}, ${before.cores} cores, Node ${before.node}`);
console.log(`load average at start ${before.loadAverage.join(' ')}, at end ${after.loadAverage.join(' ')}; ${seconds.toFixed(0)} s`);
console.log('figures are medians after warm-up; "vs" columns are speed-ups (>1x: dagrad faster)\n');
console.log(table(rows));
for (const r of rows.filter((r) => r.note)) console.log(`  ${`${r.group} ${r.name}`.trim()}: ${r.note}`);
if (met.length > 0) {
  console.log('\ntargets (issue 5)');
  for (const t of met) console.log(`  [${t.met === null ? '?' : t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.figure}`);
}

mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  JSON.stringify({
    date: started.toISOString(),
    machine: { ...before, loadAverageAtEnd: after.loadAverage },
    node: process.version,
    tfjs: tfjsVersion,
    wasmSimd: wasmEnabled(),
    workloads: chosen,
    seconds,
    rows,
    targets: met,
    markdown: table(rows, true),
  }, null, 2) + '\n',
);
progress(`wrote ${path.relative(process.cwd(), outFile)}`);
