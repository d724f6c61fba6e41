/**
 * What checkNumerics costs: per-run time of a small training-like graph (forward and gradients of
 * a 3-layer MLP on a batch of 32) and of a chain of 200 tiny ops (where per-run overhead shows), in
 * a default Session and in one with checkNumerics. Run against another copy of the source to compare
 * the default path with it: `npx tsx bench/numerics.ts [path/to/src/index.ts]`.
 */
import { compare } from './harness.js';

const api = (await import(process.argv[2] ? new URL(process.argv[2], `file://${process.cwd()}/`).href : '../src/index.js')) as typeof import('../src/index.js');
const { Session, placeholder, variable, init, matmul, tanh, add, sum, mul, gradients, square, sub } = api;

const x = placeholder('x', [32, 64]);
const t = placeholder('t', [32, 10]);
const w1 = variable('w1', init.uniform([64, 64], { min: -0.1, max: 0.1 }));
const w2 = variable('w2', init.uniform([64, 64], { min: -0.1, max: 0.1 }));
const w3 = variable('w3', init.uniform([64, 10], { min: -0.1, max: 0.1 }));
const h = tanh(matmul(tanh(matmul(x, w1)), w2));
const loss = sum(square(sub(matmul(h, w3), t)));
const mlp = [loss, ...gradients(loss, [w1, w2, w3])];
const feeds = { x: { data: new Float32Array(32 * 64).fill(0.1), shape: [32, 64] }, t: { data: new Float32Array(320), shape: [32, 10] } };

const c = placeholder('c', [4]);
let y = c;
for (let i = 0; i < 200; i++) y = i % 2 ? add(y, 1) : mul(y, 0.5);
const chainFeeds = { c: new Float32Array(4) };

const defaults = new Session();
const checking = safe(() => new Session({ checkNumerics: true } as never)); // null where the option does not exist
function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
const runs = [
  () => defaults.run(mlp, feeds),
  () => defaults.run(y, { c: { data: chainFeeds.c, shape: [4] } }),
  ...(checking ? [() => checking.run(mlp, feeds), () => checking.run(y, { c: { data: chainFeeds.c, shape: [4] } })] : []),
];
const ms = compare(runs, 200, 9);
const us = (v: number) => `${(v * 1000).toFixed(1)} us`;
console.log(`mlp 32x64 forward+gradients, default session:  ${us(ms[0])} per run`);
console.log(`chain of 200 ops on [4], default session:     ${us(ms[1])} per run`);
if (checking) {
  console.log(`mlp, checkNumerics: true:                     ${us(ms[2])} per run`);
  console.log(`chain, checkNumerics: true:                   ${us(ms[3])} per run`);
}
