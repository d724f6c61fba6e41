import type { OpCase } from '../table.js';
import { SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from '../../../src/ops/crossEntropy.js';
import { LogSoftmax, logSoftmax } from '../../../src/ops/logSoftmax.js';
import { mul } from '../../../src/ops/mul.js';
import { OneHot, oneHot } from '../../../src/ops/oneHot.js';
import { Softmax, softmax } from '../../../src/ops/softmax.js';

export const cases: OpCase[] = [
  { op: Softmax, name: 'last axis', shapes: [[2, 4]], build: ([a]) => softmax(a) },
  { op: Softmax, name: 'axis 1 of rank 3', shapes: [[2, 3, 2]], build: ([a]) => softmax(a, 1) },
  { op: LogSoftmax, name: 'last axis', shapes: [[2, 4]], build: ([a]) => logSoftmax(a) },
  { op: LogSoftmax, name: 'axis -3 of rank 3, unknown batch', shapes: [[3, 2, 2]], staticShapes: [[null, 2, 2]], build: ([a]) => logSoftmax(a, -3) },
  { op: SigmoidCrossEntropyWithLogits, name: 'same shape', shapes: [[2, 3], [2, 3]], build: ([z, x]) => sigmoidCrossEntropyWithLogits(z, x), range: [-3, 3] },
  { op: SigmoidCrossEntropyWithLogits, name: 'labels [3] broadcast over logits [2,3]', shapes: [[3], [2, 3]], build: ([z, x]) => sigmoidCrossEntropyWithLogits(z, x) },
  { op: SoftmaxCrossEntropyWithLogits, name: 'last axis, labels not normalised', shapes: [[3, 4], [3, 4]], build: ([z, x]) => softmaxCrossEntropyWithLogits(z, x) },
  { op: SoftmaxCrossEntropyWithLogits, name: 'axis 0, unknown batch', shapes: [[3, 2], [3, 2]], staticShapes: [[3, null], [3, null]], build: ([z, x]) => softmaxCrossEntropyWithLogits(z, x, 0) },
  { op: OneHot, name: 'times an input', shapes: [[2, 2, 3], [2, 2]], dtypes: ['float64', 'int32'], values: [undefined, [[0, 2], [1, 1]]], build: ([a, i]) => mul(oneHot(i, 3, { dtype: 'float64', on: 2, off: -0.5 }), a) },
];
