import { draw, on, type Row } from '../table.js';
import type { NestedArray } from '../../../src/graph/tensor.js';
import { Argmax, argmax } from '../../../src/ops/argmax.js';
import { Max, max } from '../../../src/ops/max.js';
import { Mean, mean } from '../../../src/ops/mean.js';
import { Min, min } from '../../../src/ops/min.js';
import { mul } from '../../../src/ops/mul.js';
import { oneHot } from '../../../src/ops/oneHot.js';
import { Prod, prod } from '../../../src/ops/prod.js';
import { sum } from '../../../src/ops/sum.js';
import { gradients } from '../../../src/autodiff/gradients.js';
import { Size, size } from '../../../src/ops/size.js';
import { sub } from '../../../src/ops/sub.js';
import { transpose } from '../../../src/ops/transpose.js';

/**
 * Values 0.25 apart in a scrambled order (i * 7 mod n is a permutation when 7 does not divide n):
 * max and min need inputs with no near-ties, or a central difference would step across a change
 * of arg-max.
 */
export function spaced(shape: readonly number[]): NestedArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const at = (d: number, flat: number): NestedArray =>
    d === shape.length ? ((flat * 7) % n) * 0.25 - n * 0.125 : Array.from({ length: shape[d] }, (_, i) => at(d + 1, flat * shape[d] + i));
  return at(0, 0);
}

export const cases: Row[] = [
  on(Mean, { name: 'all axes', inputs: draw([[2, 3]]), build: (a) => mean(a) }),
  on(Mean, { name: 'axis -1 keepDims', inputs: draw([[2, 3, 2]]), build: (a) => mean(a, { axes: -1, keepDims: true }) }),
  on(Mean, { name: 'axes [0,-1]', inputs: draw([[2, 3, 2]]), build: (a) => mean(a, { axes: [0, -1] }) }),
  on(Mean, { name: 'unknown batch: over [null,3] fed [4,3], axis 0', inputs: draw([[4, 3]]), staticShapes: [[null, 3]], build: (a) => mean(a, { axes: 0 }) }),
  on(Mean, { name: 'unknown batch: all axes keepDims', inputs: draw([[4, 3]]), staticShapes: [[null, 3]], build: (a) => mean(a, { keepDims: true }) }),
  on(Size, { name: 'counts an unknown batch at run time', inputs: draw([[4, 3]]), staticShapes: [[null, 3]], build: (a) => mul(a, size(a, { axes: 0 })) }),
  on(Max, { name: 'all axes', inputs: draw([[2, 3]], { values: [spaced([2, 3])] }), build: (a) => max(a) }),
  on(Max, { name: 'axis -1 keepDims', inputs: draw([[2, 3, 4]], { values: [spaced([2, 3, 4])] }), build: (a) => max(a, { axes: -1, keepDims: true }) }),
  on(Max, { name: 'axes [0,2]', inputs: draw([[2, 3, 4]], { values: [spaced([2, 3, 4])] }), build: (a) => max(a, { axes: [0, 2] }) }),
  on(Max, { name: 'unknown batch, axis 0', inputs: draw([[3, 2]], { values: [spaced([3, 2])] }), staticShapes: [[null, 2]], build: (a) => max(a, { axes: 0 }) }),
  on(Min, { name: 'all axes', inputs: draw([[2, 3]], { values: [spaced([2, 3])] }), build: (a) => min(a) }),
  on(Min, { name: 'axis -2 keepDims', inputs: draw([[2, 3, 4]], { values: [spaced([2, 3, 4])] }), build: (a) => min(a, { axes: -2, keepDims: true }) }),
  on(Min, { name: 'axes [1,2]', inputs: draw([[2, 3, 4]], { values: [spaced([2, 3, 4])] }), build: (a) => min(a, { axes: [1, 2] }) }),
  on(Argmax, { name: 'picks the max through oneHot, axis -1', inputs: draw([[3, 4]], { values: [spaced([3, 4])] }), build: (a) => mul(oneHot(argmax(a, { axis: -1 }), 4, { dtype: 'float64' }), a) }),
  on(Argmax, { name: 'axis 0: column maxima through oneHot', inputs: draw([[3, 4]], { values: [spaced([3, 4])] }), build: (a) => mul(transpose(sub(a, 1)), oneHot(argmax(a, { axis: 0 }), 3, { dtype: 'float64' })) }),
  on(Prod, { name: 'all axes', inputs: draw([[2, 3]], { range: [0.5, 1.5] }), build: (a) => prod(a) }),
  on(Prod, { name: 'axis -1 keepDims, negative entries', inputs: draw([[2, 3, 2]]), build: (a) => prod(a, { axes: -1, keepDims: true }) }),
  on(Prod, { name: 'axes [0,2]', inputs: draw([[2, 3, 2]], { range: [0.5, 1.5] }), build: (a) => prod(a, { axes: [0, 2] }) }),
  // one zero in a row: only it has a nonzero derivative (the product of the others); two zeros: none has
  on(Prod, { name: 'rows with no, one and two zeros, axis 1', inputs: draw([[3, 3]], { values: [[[0.5, 1.5, -2], [0.7, 0, 1.3], [0, 1.1, 0]]] }), build: (a) => prod(a, { axes: 1 }), expected: [-1.5, 0, 0] }),
  // the gradient itself, differentiated again: second derivatives at rows with no, one, two and three zeros
  on(Prod, {
    name: 'its gradient (the product of the others), differentiated: rows with 0 to 3 zeros',
    inputs: draw([[4, 4]], { values: [[[0.5, 1.5, -2, 0.8], [0.7, 0, 1.3, 0.9], [0, 1.1, 0, 1.2], [0, 0, 0, 1.4]]] }),
    build: (a) => gradients(sum(prod(a, { axes: 1 })), [a])[0],
    expected: ([a]) => {
      const out: number[][] = [];
      for (let r = 0; r < 4; r++) out.push([0, 1, 2, 3].map((i) => [0, 1, 2, 3].reduce((p, j) => (j === i ? p : p * a.get(r, j)), 1)));
      return out;
    },
  }),
  on(Prod, { name: 'broadcast into the product: prod(a * b) over axis 0', inputs: draw([[3, 2], [2]], { range: [0.5, 1.5] }), build: (a, b) => prod(mul(a, b), { axes: 0 }) }),
  on(Prod, { name: 'unknown batch: over [null,3] fed [4,3], axis 0', inputs: draw([[4, 3]], { range: [0.5, 1.5] }), staticShapes: [[null, 3]], build: (a) => prod(a, { axes: 0 }) }),
  on(Prod, { name: 'unknown batch: all axes keepDims, with a zero', inputs: draw([[2, 3]], { values: [[[0.9, 0, 1.2], [1.1, 0.8, -1.3]]] }), staticShapes: [[null, 3]], build: (a) => prod(a, { keepDims: true }) }),
];
