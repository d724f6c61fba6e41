/**
 * The browser examples' model (this page, the playground's training tab and its check in Node):
 * p(class 1 | x) = sigmoid(x . w + b) on two features, trained on the mean cross-entropy.
 */
import {
  add, equal, greater, init, matmul, mean, placeholder, sigmoid, sigmoidCrossEntropyWithLogits, squeeze, variable,
  type Node, type Optimizer,
} from '../../src/index.js';
import type { Points } from './blobs.js';

export function blobModel(optimizer: Optimizer) {
  const x = placeholder('x', [null, 2]);
  const y = placeholder('y', [null]);
  const w = variable('w', init.zeros([2, 1]));
  const b = variable('b', init.zeros([1]));
  const logits = squeeze(add(matmul(x, w), b), { axes: 1 });
  const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits }));
  const probability = sigmoid(logits);
  const accuracy = mean(equal(greater(logits, 0), y));
  const step = optimizer.minimize(loss);
  /** Feeds for a set of points, keyed by node (a fetch that reads only `x` takes them too). */
  const feedsOf = (p: Points) => new Map<Node, { data: Float32Array; shape: number[] }>([
    [x, { data: p.x, shape: [p.rows, 2] }],
    [y, { data: p.y, shape: [p.rows] }],
  ]);
  return { x, y, w, b, logits, loss, probability, accuracy, step, feedsOf };
}
