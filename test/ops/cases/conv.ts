import type { OpCase } from '../table.js';
import { Conv2d, Conv2dBackpropFilter, Conv2dTranspose, conv2d, conv2dTranspose } from '../../../src/ops/conv2d.js';
import { apply } from '../../../src/graph/apply.js';
import { DropoutMask, RandomDraw, randomUniform } from '../../../src/ops/random.js';
import { variable } from '../../../src/ops/variable.js';
import { AvgPool2d, AvgPool2dBackprop, MaxPool2d, MaxPool2dBackprop, MaxPool2dSelect, avgPool2d, maxPool2d } from '../../../src/ops/pool.js';

export const cases: OpCase[] = [
  { op: Conv2d, name: 'valid, stride 1', shapes: [[2, 4, 4, 2], [3, 3, 2, 3]], build: ([x, f]) => conv2d(x, f) },
  { op: Conv2d, name: "'same', strides [2,1], dilation 2, unknown batch", shapes: [[1, 5, 5, 2], [2, 2, 2, 2]], staticShapes: [[null, 5, 5, 2]], build: ([x, f]) => conv2d(x, f, { strides: [2, 1], dilations: 2, padding: 'same' }) },
  { op: Conv2d, name: 'depthwise, explicit pads', shapes: [[1, 4, 4, 2], [2, 2, 1, 4]], build: ([x, f]) => conv2d(x, f, { groups: 2, padding: [[1, 0], [0, 1]] }) },
  { op: Conv2dTranspose, name: "stride 2, 'same'", shapes: [[1, 3, 3, 3], [3, 3, 2, 3]], build: ([x, f]) => conv2dTranspose(x, f, { strides: 2, padding: 'same' }) },
  { op: Conv2dTranspose, name: 'groups 2, valid', shapes: [[2, 2, 3, 4], [2, 2, 1, 4]], build: ([x, f]) => conv2dTranspose(x, f, { groups: 2 }) },
  {
    op: Conv2dBackpropFilter, name: 'stride 2, pads, in x and dy', shapes: [[2, 5, 5, 2], [2, 3, 3, 3]],
    build: ([x, dy]) => apply(Conv2dBackpropFilter, [x, dy], { strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1, size: [3, 3] }),
  },
];

const poolAttrs = { window: [2, 2] as const, strides: [2, 2] as const, pads: [0, 1, 0, 1] as const };
export const poolCases: OpCase[] = [
  { op: MaxPool2d, name: '2x2 stride 2', shapes: [[2, 4, 4, 2]], build: ([x]) => maxPool2d(x, 2) },
  { op: MaxPool2d, name: "3x3 stride 2 'same', unknown batch", shapes: [[1, 5, 4, 2]], staticShapes: [[null, 5, 4, 2]], build: ([x]) => maxPool2d(x, 3, { strides: 2, padding: 'same' }) },
  { op: MaxPool2dBackprop, name: 'in x (zero) and grad', shapes: [[1, 3, 3, 2], [1, 2, 2, 2]], build: ([x, g]) => apply(MaxPool2dBackprop, [x, g], poolAttrs) },
  { op: MaxPool2dSelect, name: 'in x (zero) and h', shapes: [[1, 3, 3, 2], [1, 3, 3, 2]], build: ([x, h]) => apply(MaxPool2dSelect, [x, h], poolAttrs) },
  { op: AvgPool2d, name: "3x3 stride 1 'same' (edge windows count fewer)", shapes: [[2, 4, 3, 2]], build: ([x]) => avgPool2d(x, 3, { strides: 1, padding: 'same' }) },
  { op: AvgPool2dBackprop, name: 'odd pads', shapes: [[1, 2, 2, 3]], build: ([g]) => apply(AvgPool2dBackprop, [g], { ...poolAttrs, size: [3, 3] }) },
];

export const randomCases: OpCase[] = [
  { op: RandomDraw, name: 'uniform, shaped like its input', shapes: [[2, 3]], build: ([x]) => randomUniform(x), zeroGradient: true },
  { op: DropoutMask, name: 'the mask of dropout(x)', shapes: [[2, 3]], build: ([x]) => apply(DropoutMask, [variable(`mask_state_${x.id}`, [1, 0], { dtype: 'int32', trainable: false }), x], { rate: 0.5 }), zeroGradient: true },
];
