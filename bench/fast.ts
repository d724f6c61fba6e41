/**
 * Workloads of issue 9 (fast by default), dagrad only unless a peer is noted:
 * - adam: Adam on one 784x512 float32 variable (loss = sum(mul(w, c))), ms per step, with the
 *   default `new Session()`, the explicit fastest options, fusion off, and a hand-written single
 *   JavaScript loop doing the same update (the floor), sampled in alternating blocks.
 * - adammlp: MLP training steps with Adam (1 to 3 hidden relu layers, 128 to 1024 wide, batch 32 to
 *   256, softmax cross-entropy), ms per step, default `new Session()` against the explicit fastest
 *   (`arena: wasmArena`); tfjs-wasm alongside when it loads.
 * - compile: plan compile of an elementwise chain (tanh(y + 0.1), repeated) of 1k/10k/100k nodes on
 *   [64] arrays, us per node for the first `session.plan`, then us per op of a cached run; and a
 *   cached run of a mixed chain (add, mul, tanh, exp, sub on [64]) beside bare JS loops doing the
 *   same arithmetic (the floor: a plan cannot run an op faster than its loop).
 */
import {
  Adam, add, constant, exp, init, matmul, mul, placeholder, relu, Session, softmaxCrossEntropyWithLogits, sub, sum, tanh, variable,
  mean, type Node,
} from '../src/index.js';
import { Rng } from '../src/graph/random.js';
import { setWasmEnabled, wasmArena } from '../src/wasm/runtime.js';
import { compare, progress, type Rows } from './harness.js';
import { tf, useBackend, type Backend } from './tfjs.js';

const rand = (n: number, seed: number, lo = -1, hi = 1): Float32Array => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
};

export async function adamBench(rows: Rows, backend: Backend): Promise<void> {
  if (backend !== 'cpu') return; // no tfjs peer: one phase
  setWasmEnabled(true);
  const M = 784, N = 512;
  const c = constant({ data: rand(M * N, 1), shape: [M, N] });
  const make = (opts: ConstructorParameters<typeof Session>[0]) => {
    const w = variable(`adamw${Math.random()}`, init.glorotUniform([M, N], { dtype: 'float32', seed: 1 }));
    const step = new Adam().minimize(sum(mul(w, c)));
    const s = new Session(opts);
    s.run(step); // compiles the plan: `compare` times a first call over a second once, as is
    return () => s.run(step);
  };
  // The floor: one loop over the arrays, as a hand-written update would be.
  const g = rand(M * N, 1), w = rand(M * N, 2), m = new Float32Array(M * N), v = new Float32Array(M * N);
  let t = 0;
  const hand = () => {
    t++;
    const lr = 0.001, b1 = 0.9, b2 = 0.999, eps = 1e-8, c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
    for (let i = 0; i < g.length; i++) {
      const gi = g[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
      w[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  };
  progress('adam: 784x512 variable');
  const [def, fastest, unfused, floor] = compare([make({}), make({ arena: wasmArena }), make({ fuse: false }), hand], 300, 5);
  const put = (name: string, ms: number) => (rows.row('adam', name, 'ms', false).values.dagrad = ms);
  put('784x512 step, new Session()', def);
  put('784x512 step, arena: wasmArena', fastest);
  put('784x512 step, fuse: false', unfused);
  put('784x512 step, hand-written JS loop', floor);
}

const MLP_SIZES: readonly [number, number, number][] = [[1, 128, 32], [1, 512, 128], [2, 256, 64], [3, 1024, 256], [3, 128, 256]];

export async function adamMlpBench(rows: Rows, backend: Backend): Promise<void> {
  const IN = 784, OUT = 10;
  for (const [layers, width, batch] of MLP_SIZES) {
    const name = `${layers}x${width} b${batch} Adam step`;
    const xs = rand(batch * IN, 3), ys = new Float32Array(batch * OUT);
    for (let i = 0; i < batch; i++) ys[i * OUT + (i % OUT)] = 1;
    if (backend === 'cpu') {
      setWasmEnabled(true);
      const dagrad = (opts: ConstructorParameters<typeof Session>[0]) => {
        const tag = `mlp${Math.random()}`;
        const x = placeholder(`${tag}x`, [batch, IN]), y = placeholder(`${tag}y`, [batch, OUT]);
        let h: Node = x, d = IN;
        for (let l = 0; l <= layers; l++) {
          const o = l === layers ? OUT : width;
          const w = variable(`${tag}w${l}`, init.heNormal([d, o], { seed: l + 1 }));
          const b = variable(`${tag}b${l}`, init.zeros([o]));
          h = add(matmul(h, w), b);
          if (l < layers) h = relu(h);
          d = o;
        }
        const step = new Adam({ learningRate: 1e-3 }).minimize(mean(softmaxCrossEntropyWithLogits({ labels: y, logits: h })));
        const s = new Session(opts);
        const feeds = [[x, { data: xs, shape: [batch, IN] }], [y, { data: ys, shape: [batch, OUT] }]] as const;
        s.run(step, feeds); // compiles the plan
        return () => s.run(step, feeds);
      };
      progress(`adammlp: ${name}`);
      const [def, fastest] = compare([dagrad({}), dagrad({ arena: wasmArena })], 300, 5);
      rows.row('adam mlp', `${name}, new Session()`, 'ms', false).values.dagrad = def;
      rows.row('adam mlp', `${name}, arena: wasmArena`, 'ms', false).values.dagrad = fastest;
    } else if (await useBackend('wasm')) {
      const x = tf.tensor2d(xs, [batch, IN]), y = tf.tensor2d(ys, [batch, OUT]);
      const ws: ReturnType<typeof tf.variable>[] = [];
      let d = IN;
      for (let l = 0; l <= layers; l++) {
        const o = l === layers ? OUT : width;
        ws.push(tf.variable(tf.randomNormal([d, o], 0, Math.sqrt(2 / d))), tf.variable(tf.zeros([o])));
        d = o;
      }
      const opt = tf.train.adam(1e-3);
      const step = () => opt.minimize(() => {
        let h: ReturnType<typeof tf.add> = x;
        for (let l = 0; l <= layers; l++) {
          h = tf.add(tf.matMul(h, ws[2 * l]), ws[2 * l + 1]);
          if (l < layers) h = tf.relu(h);
        }
        return tf.losses.softmaxCrossEntropy(y, h) as ReturnType<typeof tf.scalar>;
      });
      progress(`adammlp: ${name} tfjs-wasm`);
      const [theirs] = compare([step], 300, 5);
      rows.row('adam mlp', `${name}, new Session()`, 'ms', false).values['tfjs-wasm'] = theirs;
      tf.dispose([x, y, ...ws]);
    }
  }
}

export async function compileBench(rows: Rows, backend: Backend): Promise<void> {
  if (backend !== 'cpu') return;
  setWasmEnabled(true);
  for (const n of [1000, 10000, 100000]) {
    const x = placeholder(`chain${n}`, [64]);
    let y: Node = x;
    for (let i = 0; i < n / 2; i++) y = tanh(add(y, 0.1));
    const feeds = [[x, { data: new Float32Array(64), shape: [64] }]] as const;
    progress(`compile: ${n} nodes`);
    const compileUs: number[] = [], firstUs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const s = new Session();
      const t0 = performance.now();
      s.plan(y, feeds);
      const t1 = performance.now();
      s.run(y, feeds);
      const t2 = performance.now();
      compileUs.push(((t1 - t0) * 1000) / n);
      firstUs.push(((t2 - t1) * 1000) / n);
    }
    compileUs.sort((a, b) => a - b);
    firstUs.sort((a, b) => a - b);
    rows.row('compile', `${n} nodes: plan, us/node`, 'us', false).values.dagrad = compileUs[1];
    rows.row('compile', `${n} nodes: first run after plan, us/node`, 'us', false).values.dagrad = firstUs[1];
    const s = new Session();
    s.run(y, feeds);
    const [cached] = compare([() => s.run(y, feeds)], 100, 3);
    rows.row('compile', `${n} nodes: cached run, us/op`, 'us', false).values.dagrad = (cached * 1000) / n;
  }
  // A chain of mixed small ops (add, mul, tanh, exp, sub on [64]), cached: the values stay in
  // (-1, 1) after each tanh, so exp never overflows.
  const ops = 10000;
  const x = placeholder('mixedchain', [64]);
  let y: Node = x;
  for (let i = 0; i < ops / 5; i++) y = sub(exp(tanh(mul(add(y, 0.5), 0.9))), 1);
  const feeds = [[x, { data: new Float32Array(64).fill(0.25), shape: [64] }]] as const;
  progress(`compile: mixed chain of ${ops} ops`);
  const s = new Session();
  s.run(y, feeds);
  // The floor: the same arithmetic as one bare loop per op over the same arrays, no plan.
  const a = new Float32Array(64).fill(0.25), b = new Float32Array(64);
  const bare = () => {
    for (let r = 0; r < ops / 5; r++) {
      for (let i = 0; i < 64; i++) b[i] = a[i] + 0.5;
      for (let i = 0; i < 64; i++) a[i] = b[i] * 0.9;
      for (let i = 0; i < 64; i++) b[i] = Math.tanh(a[i]);
      for (let i = 0; i < 64; i++) a[i] = Math.exp(b[i]);
      for (let i = 0; i < 64; i++) a[i] = a[i] - 1;
    }
  };
  const [cached, floor] = compare([() => s.run(y, feeds), bare], 100, 3);
  rows.row('compile', `mixed chain (add mul tanh exp sub) [64], ${ops} ops: cached run, us/op`, 'us', false).values.dagrad = (cached * 1000) / ops;
  rows.row('compile', `mixed chain [64], ${ops} ops: bare JS loops (floor), us/op`, 'us', false).values.dagrad = (floor * 1000) / ops;
}
