import type { OpCase } from '../table.js';
import { SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from '../../../src/ops/crossEntropy.js';
import { LogSoftmax, logSoftmax } from '../../../src/ops/logSoftmax.js';
import { mul } from '../../../src/ops/mul.js';
import { OneHot, oneHot } from '../../../src/ops/oneHot.js';
import { Softmax, softmax } from '../../../src/ops/softmax.js';
import { SparseSoftmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from '../../../src/ops/sparseCrossEntropy.js';

export const cases: OpCase[] = [
  { op: Softmax, name: 'last axis', shapes: [[2, 4]], build: ([a]) => softmax(a) },
  { op: Softmax, name: 'axis 1 of rank 3', shapes: [[2, 3, 2]], build: ([a]) => softmax(a, { axis: 1 }) },
  { op: LogSoftmax, name: 'last axis', shapes: [[2, 4]], build: ([a]) => logSoftmax(a) },
  { op: LogSoftmax, name: 'axis -3 of rank 3, unknown batch', shapes: [[3, 2, 2]], staticShapes: [[null, 2, 2]], build: ([a]) => logSoftmax(a, { axis: -3 }) },
  { op: SigmoidCrossEntropyWithLogits, name: 'same shape', shapes: [[2, 3], [2, 3]], build: ([z, x]) => sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), range: [-3, 3] },
  { op: SigmoidCrossEntropyWithLogits, name: 'labels [3] broadcast over logits [2,3]', shapes: [[3], [2, 3]], build: ([z, x]) => sigmoidCrossEntropyWithLogits({ labels: z, logits: x }) },
  { op: SoftmaxCrossEntropyWithLogits, name: 'last axis, labels not normalised', shapes: [[3, 4], [3, 4]], build: ([z, x]) => softmaxCrossEntropyWithLogits({ labels: z, logits: x }) },
  { op: SoftmaxCrossEntropyWithLogits, name: 'axis 0, unknown batch', shapes: [[3, 2], [3, 2]], staticShapes: [[3, null], [3, null]], build: ([z, x]) => softmaxCrossEntropyWithLogits({ labels: z, logits: x, axis: 0 }) },
  { op: SparseSoftmaxCrossEntropyWithLogits, name: 'int32 labels [3], logits [3,4]', shapes: [[3], [3, 4]], dtypes: ['int32', 'float64'], values: [[0, 3, 1], undefined], build: ([z, x]) => sparseSoftmaxCrossEntropyWithLogits({ labels: z, logits: x }) },
  { op: SparseSoftmaxCrossEntropyWithLogits, name: 'labels [2,2], logits [2,2,3], unknown batch', shapes: [[2, 2], [2, 2, 3]], staticShapes: [[null, 2], [null, 2, 3]], dtypes: ['int32', 'float64'], values: [[[2, 0], [1, 1]], undefined], build: ([z, x]) => sparseSoftmaxCrossEntropyWithLogits({ labels: z, logits: x }) },
  { op: OneHot, name: 'times an input, with an out-of-range -1', shapes: [[2, 2, 3], [2, 2]], dtypes: ['float64', 'int32'], values: [undefined, [[0, 2], [1, -1]]], build: ([a, i]) => mul(oneHot(i, 3, { dtype: 'float64', on: 2, off: -0.5 }), a) },
];
