import { draw, on, type Row } from '../table.js';
import { SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from '../../../src/ops/crossEntropy.js';
import { LogSoftmax, logSoftmax } from '../../../src/ops/logSoftmax.js';
import { mul } from '../../../src/ops/mul.js';
import { OneHot, oneHot } from '../../../src/ops/oneHot.js';
import { Softmax, softmax } from '../../../src/ops/softmax.js';

export const cases: Row[] = [
  on(Softmax, { name: 'last axis', inputs: draw([[2, 4]]), build: (a) => softmax(a) }),
  on(Softmax, { name: 'axis 1 of rank 3', inputs: draw([[2, 3, 2]]), build: (a) => softmax(a, { axis: 1 }) }),
  on(LogSoftmax, { name: 'last axis', inputs: draw([[2, 4]]), build: (a) => logSoftmax(a) }),
  on(LogSoftmax, { name: 'axis -3 of rank 3, unknown batch', inputs: draw([[3, 2, 2]]), staticShapes: [[null, 2, 2]], build: (a) => logSoftmax(a, { axis: -3 }) }),
  on(SigmoidCrossEntropyWithLogits, { name: 'same shape', inputs: draw([[2, 3], [2, 3]], { range: [-3, 3] }), build: (z, x) => sigmoidCrossEntropyWithLogits({ labels: z, logits: x }) }),
  on(SigmoidCrossEntropyWithLogits, { name: 'labels [3] broadcast over logits [2,3]', inputs: draw([[3], [2, 3]]), build: (z, x) => sigmoidCrossEntropyWithLogits({ labels: z, logits: x }) }),
  on(SoftmaxCrossEntropyWithLogits, { name: 'last axis, labels not normalised', inputs: draw([[3, 4], [3, 4]]), build: (z, x) => softmaxCrossEntropyWithLogits({ labels: z, logits: x }) }),
  on(SoftmaxCrossEntropyWithLogits, { name: 'axis 0, unknown batch', inputs: draw([[3, 2], [3, 2]]), staticShapes: [[3, null], [3, null]], build: (z, x) => softmaxCrossEntropyWithLogits({ labels: z, logits: x, axis: 0 }) }),
  on(OneHot, { name: 'times an input', inputs: draw([[2, 2, 3], [2, 2]], { values: [undefined, [[0, 2], [1, 1]]] }), dtypes: ['float64', 'int32'], build: (a, i) => mul(oneHot(i, 3, { dtype: 'float64', on: 2, off: -0.5 }), a) }),
];
