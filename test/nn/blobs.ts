import { Rng } from '../../src/graph/random.js';

/** Two Gaussian blobs in 2-D, labels 0 and 1: separable by a line. */
export function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] = rng.normal(y[i] ? 1.5 : -1.5, 0.7);
    x[2 * i + 1] = rng.normal(y[i] ? -1 : 1, 0.7);
  }
  return { x: { data: x, shape: [n, 2] }, y: { data: y, shape: [n] } };
}
