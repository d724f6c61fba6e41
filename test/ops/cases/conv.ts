import { draw, on, type Row } from '../table.js';
import { Conv2d, Conv2dBackpropFilter, Conv2dTranspose, conv2d, conv2dTranspose } from '../../../src/ops/conv2d.js';
import { apply } from '../../../src/graph/apply.js';
import { DropoutMask, RandomDraw, randomUniform } from '../../../src/ops/random.js';
import { variable } from '../../../src/ops/variable.js';
import { AvgPool2d, AvgPool2dBackprop, MaxPool2d, MaxPool2dBackprop, MaxPool2dSelect, avgPool2d, maxPool2d } from '../../../src/ops/pool.js';

export const cases: Row[] = [
  on(Conv2d, { name: 'valid, stride 1', inputs: draw([[2, 4, 4, 2], [3, 3, 2, 3]]), build: (x, f) => conv2d(x, f) }),
  on(Conv2d, { name: "'same', strides [2,1], dilation 2, unknown batch", inputs: draw([[1, 5, 5, 2], [2, 2, 2, 2]]), staticShapes: [[null, 5, 5, 2]], build: (x, f) => conv2d(x, f, { strides: [2, 1], dilations: 2, padding: 'same' }) }),
  on(Conv2d, { name: 'depthwise, explicit pads', inputs: draw([[1, 4, 4, 2], [2, 2, 1, 4]]), build: (x, f) => conv2d(x, f, { groups: 2, padding: [[1, 0], [0, 1]] }) }),
  on(Conv2dTranspose, { name: "stride 2, 'same'", inputs: draw([[1, 3, 3, 3], [3, 3, 2, 3]]), build: (x, f) => conv2dTranspose(x, f, { strides: 2, padding: 'same' }) }),
  on(Conv2dTranspose, { name: 'groups 2, valid', inputs: draw([[2, 2, 3, 4], [2, 2, 1, 4]]), build: (x, f) => conv2dTranspose(x, f, { groups: 2 }) }),
  on(Conv2dBackpropFilter, {
    name: 'stride 2, pads, in x and dy',
    inputs: draw([[2, 5, 5, 2], [2, 3, 3, 3]]),
    build: (x, dy) => apply(Conv2dBackpropFilter, [x, dy], { strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1, size: [3, 3] }),
  }),
];

const poolAttrs = { window: [2, 2] as const, strides: [2, 2] as const, pads: [0, 1, 0, 1] as const };
export const poolCases: Row[] = [
  on(MaxPool2d, { name: '2x2 stride 2', inputs: draw([[2, 4, 4, 2]]), build: (x) => maxPool2d(x, 2) }),
  on(MaxPool2d, { name: "3x3 stride 2 'same', unknown batch", inputs: draw([[1, 5, 4, 2]]), staticShapes: [[null, 5, 4, 2]], build: (x) => maxPool2d(x, 3, { strides: 2, padding: 'same' }) }),
  on(MaxPool2dBackprop, { name: 'in x (zero) and grad', inputs: draw([[1, 3, 3, 2], [1, 2, 2, 2]]), build: (x, g) => apply(MaxPool2dBackprop, [x, g], poolAttrs) }),
  on(MaxPool2dSelect, { name: 'in x (zero) and h', inputs: draw([[1, 3, 3, 2], [1, 3, 3, 2]]), build: (x, h) => apply(MaxPool2dSelect, [x, h], poolAttrs) }),
  on(AvgPool2d, { name: "3x3 stride 1 'same' (edge windows count fewer)", inputs: draw([[2, 4, 3, 2]]), build: (x) => avgPool2d(x, 3, { strides: 1, padding: 'same' }) }),
  on(AvgPool2dBackprop, { name: 'odd pads', inputs: draw([[1, 2, 2, 3]]), build: (g) => apply(AvgPool2dBackprop, [g], { ...poolAttrs, size: [3, 3] }) }),
];

export const randomCases: Row[] = [
  on(RandomDraw, { name: 'uniform, shaped like its input', inputs: draw([[2, 3]]), build: (x) => randomUniform(x), zeroDerivative: true }),
  on(DropoutMask, { name: 'the mask of dropout(x)', inputs: draw([[2, 3]]), build: (x) => apply(DropoutMask, [variable(`mask_state_${x.id}`, [1, 0], { dtype: 'int32', trainable: false }), x], { rate: 0.5 }), zeroDerivative: true }),
];
