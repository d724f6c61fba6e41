import type { OpCase } from '../table.js';
import { Conv2d, Conv2dBackpropFilter, Conv2dTranspose, conv2d, conv2dTranspose } from '../../../src/ops/conv2d.js';
import { apply } from '../../../src/graph/apply.js';

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
