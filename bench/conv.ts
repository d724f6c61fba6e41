/**
 * Convolution benchmarks (issue 13): conv2d forward at batch 32 and a small CNN's training step,
 * dagrad against TensorFlow.js's cpu and wasm backends in one process. Each comparison alternates
 * blocks of the two sides for several rounds and reports the median ratio (>1x: dagrad faster)
 * with the spread over rounds, since the machine is shared. It is the `conv` workload of the suite:
 *
 *   npm run bench -- conv --out=/tmp/conv.json
 *
 * and runs alone too, printing one line per comparison:
 *
 *   node --expose-gc --import tsx bench/conv.ts [--rounds=5] [--quick]
 *
 * As in bench/run.ts, dagrad-js (WebAssembly off) is compared with tfjs-cpu and dagrad with tfjs-wasm,
 * and every JavaScript phase runs before tfjs-wasm starts. tfjs-wasm 4.22 has no
 * Conv2DBackpropFilter kernel: whether it can train the CNN is tried at run time, and said.
 */
import { Adam, Session, conv2d, placeholder, setWasmEnabled, variable, init, oneHot, softmaxCrossEntropyWithLogits, mean, group } from '../src/index.js';
import { buildModel } from '../examples/cnn/cnn.js';
import { median, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

const standalone = process.argv[1]?.endsWith('conv.ts') ?? false;
const args = standalone ? process.argv.slice(2) : [];
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);
const quick = args.includes('--quick');

interface ConvCase { hw: number; k: number; cin: number; cout: number }
const CASES: ConvCase[] = quick ? [{ hw: 28, k: 3, cin: 8, cout: 16 }] : [
  { hw: 28, k: 3, cin: 8, cout: 16 }, { hw: 28, k: 3, cin: 32, cout: 32 }, { hw: 28, k: 5, cin: 16, cout: 32 },
  { hw: 14, k: 3, cin: 32, cout: 64 }, { hw: 14, k: 5, cin: 64, cout: 64 }, { hw: 14, k: 3, cin: 8, cout: 8 },
];
const B = 32;

const rand = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);

/** ms per call of a and of b, sampled in alternating blocks; returns the ratios b/a per round. */
function ratios(a: () => unknown, b: () => unknown): { a: number; b: number; ratios: number[] } {
  for (let i = 0; i < 3; i++) { a(); b(); }
  const ta: number[] = [], tb: number[] = [], rs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const block = (fn: () => unknown) => {
      const s: number[] = [];
      const end = performance.now() + 150;
      do { const t = performance.now(); fn(); s.push(performance.now() - t); } while (performance.now() < end && s.length < 50);
      return median(s);
    };
    const x = block(a), y = block(b);
    ta.push(x); tb.push(y); rs.push(y / x);
  }
  return { a: median(ta), b: median(tb), ratios: rs };
}

const fmtRatio = (rs: number[]) => {
  const s = [...rs].sort((p, q) => p - q);
  return `${median(rs).toFixed(2)}x (${s[0].toFixed(2)}-${s[s.length - 1].toFixed(2)})`;
};

/** dagrad's conv2d forward for a case, as a function of no arguments (the plan compiled once). */
function dagradConv(c: ConvCase): () => unknown {
  const x = placeholder('x', [B, c.hw, c.hw, c.cin]);
  const fr = variable(`f_${c.hw}_${c.k}_${c.cin}_${c.cout}`, init.uniform([c.k, c.k, c.cin, c.cout], { min: -0.5, max: 0.5 }));
  const y = conv2d(x, fr, { padding: 'same' });
  const s = new Session();
  const feed: [typeof x, { data: Float32Array; shape: number[] }][] = [[x, { data: rand(B * c.hw * c.hw * c.cin), shape: [B, c.hw, c.hw, c.cin] }]];
  const out = s.run(y, feed);
  return () => s.run(y, feed, { out });
}

function tfConv(c: ConvCase): () => unknown {
  const x = tf.tensor4d(rand(B * c.hw * c.hw * c.cin), [B, c.hw, c.hw, c.cin]);
  const f = tf.tensor4d(rand(c.k * c.k * c.cin * c.cout), [c.k, c.k, c.cin, c.cout]);
  return () => { const y = tf.conv2d(x, f, 1, 'same'); y.dataSync(); y.dispose(); };
}

/** One training step of examples/cnn's model (no dropout randomness difference matters for speed). */
function dagradStep(): () => unknown {
  const m = buildModel(false, 0.25, 0, [16, 32], 64); // the layers of tfStep below
  const labels = placeholder('labels', [null], { dtype: 'int32' });
  const loss = mean(softmaxCrossEntropyWithLogits({ labels: oneHot(labels, 10), logits: m.output }));
  const step = group([new Adam({ learningRate: 0.001 }).minimize(loss)]);
  const s = new Session();
  s.setValue(m.training, 1);
  const feeds = [[m.input, { data: rand(B * 784), shape: [B, 28, 28, 1] }], [labels, { data: Int32Array.from({ length: B }, (_, i) => i % 10), shape: [B] }]] as const;
  return () => s.run(step, feeds as never);
}

function tfStep(): () => unknown {
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(), tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dropout({ rate: 0.25 }), tf.layers.dense({ units: 10 }),
  ] });
  const opt = tf.train.adam(0.001);
  const x = tf.tensor4d(rand(B * 784), [B, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: B }, (_, i) => i % 10), 'int32'), 10);
  return () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    cost!.dataSync();
    cost!.dispose();
  };
}

/** dagrad with its WebAssembly kernels off for the call (dagrad-js, the peer of tfjs-cpu). */
const jsOnly = (fn: () => unknown) => () => {
  setWasmEnabled(false);
  try {
    return fn();
  } finally {
    setWasmEnabled(true);
  }
};

/** Adds a phase's spread to a row's note (the table shows medians only). */
function note(rows: Rows | undefined, group: string, name: string, text: string): void {
  if (!rows) return;
  const r = rows.row(group, name, 'ms', false);
  Object.assign(r, { note: r.note ? `${r.note}; ${text}` : text });
}

/**
 * One phase: every case with dagrad-js against tfjs-cpu, or dagrad against tfjs-wasm; into `rows`
 * (the suite's table) when given, and one printed line per comparison.
 */
export async function convBench(rows: Rows | undefined, backend: Backend): Promise<void> {
  if (!(await useBackend(backend))) {
    console.log(`tfjs-${backend}: backend unavailable`);
    return;
  }
  const me = backend === 'cpu' ? 'dagrad-js' : 'dagrad';
  const say = (line: string) => (rows ? process.stderr.write(`  ${line}\n`) : console.log(line));
  for (const c of CASES) {
    const r = ratios(backend === 'cpu' ? jsOnly(dagradConv(c)) : dagradConv(c), tfConv(c));
    const name = `fwd b${B} ${c.hw}x${c.hw} ${c.k}x${c.k} ${c.cin}->${c.cout}`;
    say(`conv2d ${name}  ${me} ${r.a.toFixed(2)} ms  tfjs-${backend} ${r.b.toFixed(2)} ms  ratio ${fmtRatio(r.ratios)}`);
    if (rows) {
      const row = rows.row('conv2d', name, 'ms', false);
      row.values[me] = r.a;
      row.values[`tfjs-${backend}`] = r.b;
      note(rows, 'conv2d', name, `vs tfjs-${backend} over rounds ${fmtRatio(r.ratios)}`);
    }
  }
  const stepName = `training step b${B} (examples/cnn model, Adam)`;
  let tfs: () => unknown;
  try {
    tfs = tfStep();
    tfs();
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    say(`CNN ${stepName}: tfjs-${backend} cannot train it: ${why}`);
    note(rows, 'cnn', stepName, `tfjs-${backend} cannot train it (checked now): ${why}`);
    return;
  }
  const r = ratios(backend === 'cpu' ? jsOnly(dagradStep()) : dagradStep(), tfs);
  say(`CNN ${stepName}  ${me} ${r.a.toFixed(1)} ms  tfjs-${backend} ${r.b.toFixed(1)} ms  ratio ${fmtRatio(r.ratios)}`);
  if (rows) {
    const row = rows.row('cnn', stepName, 'ms', false);
    row.values[me] = r.a;
    row.values[`tfjs-${backend}`] = r.b;
    note(rows, 'cnn', stepName, `vs tfjs-${backend} over rounds ${fmtRatio(r.ratios)}`);
  }
}

if (standalone) {
  const { cpus, loadavg } = await import('node:os');
  console.log(`${cpus().length} cores, load ${loadavg().map((v) => v.toFixed(1)).join(' ')}; ${rounds} rounds; ratio = tfjs ms / dagrad ms (median, min-max over rounds)`);
  await convBench(undefined, 'cpu');
  await convBench(undefined, 'wasm');
}
