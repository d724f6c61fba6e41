/**
 * Logistic regression as a dagrad graph. Both kinds take int32 class labels and share one loss shape:
 *   loss = mean over rows of the cross-entropy + l2/2 * sum(W^2)      (the bias is not penalised)
 * binary: one logit per row, sigmoid cross-entropy; softmax: one logit per class, softmax cross-entropy.
 */
import {
  add, argmax, cast, greater, init, matmul, mean, mul, oneHot, placeholder, sigmoid, sigmoidCrossEntropyWithLogits, softmax,
  softmaxCrossEntropyWithLogits, square, squeeze, sum, variable, type Node,
} from '../../src/index.js';
import type { Kind } from './config.js';

export interface Model {
  readonly kind: Kind;
  readonly features: number;
  readonly classes: number;
  readonly dtype: 'float32' | 'float64';
  /** Placeholders: features [rows, features] and int32 class labels [rows]. */
  readonly x: Node;
  readonly y: Node;
  readonly weights: Node;
  readonly bias: Node;
  readonly logits: Node;
  /** Mean cross-entropy of the batch (what the test loss reports). */
  readonly crossEntropy: Node;
  /** crossEntropy plus the L2 penalty: what training minimises. */
  readonly loss: Node;
  /** int32 class per row. */
  readonly predicted: Node;
  /** binary: P(class 1) per row; softmax: a distribution over the classes per row. */
  readonly probabilities: Node;
}

export interface ModelSpec {
  readonly kind: Kind;
  readonly features: number;
  readonly classes: number;
  readonly l2: number;
  readonly dtype: 'float32' | 'float64';
}

/** Weights start at zero: the loss is convex, so no symmetry needs breaking and runs do not depend on a seed. */
export function buildModel({ kind, features, classes, l2, dtype }: ModelSpec): Model {
  const outputs = kind === 'binary' ? 1 : classes;
  const x = placeholder('x', [null, features], { dtype });
  const y = placeholder('y', [null], { dtype: 'int32' });
  const weights = variable('logistic/W', init.zeros([features, outputs], { dtype }));
  const bias = variable('logistic/b', init.zeros([outputs], { dtype }));
  const scores = add(matmul(x, weights), bias);
  let logits: Node, perRow: Node, predicted: Node, probabilities: Node;
  if (kind === 'binary') {
    logits = squeeze(scores, { axes: 1 });
    perRow = sigmoidCrossEntropyWithLogits({ labels: cast(y, dtype), logits });
    predicted = cast(greater(logits, 0), 'int32');
    probabilities = sigmoid(logits);
  } else {
    logits = scores;
    perRow = softmaxCrossEntropyWithLogits({ labels: oneHot(y, classes, { dtype }), logits });
    predicted = argmax(logits, { axis: 1 });
    probabilities = softmax(logits);
  }
  const crossEntropy = mean(perRow);
  const loss = l2 > 0 ? add(crossEntropy, mul(l2 / 2, sum(square(weights)))) : crossEntropy;
  return { kind, features, classes, dtype, x, y, weights, bias, logits, crossEntropy, loss, predicted, probabilities };
}
