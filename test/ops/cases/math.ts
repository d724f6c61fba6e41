import { draw, on, type Row } from '../table.js';
import { Cos, Sin, cos, sin } from '../../../src/ops/trig.js';
import { Erf, erf } from '../../../src/ops/erf.js';
import { Expm1, Log1p, expm1, log1p } from '../../../src/ops/log1p.js';
import { Floor, Round, Sign, floor, round, sign } from '../../../src/ops/rounding.js';
import { Cumsum, cumsum } from '../../../src/ops/cumsum.js';
import { SparseSoftmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from '../../../src/ops/sparseCrossEntropy.js';
import { mul } from '../../../src/ops/mul.js';

export const cases: Row[] = [
  on(Sin, { name: 'matrix', inputs: draw([[2, 3]], { range: [-4, 4] }), build: (a) => sin(a) }),
  on(Cos, { name: 'matrix', inputs: draw([[2, 3]], { range: [-4, 4] }), build: (a) => cos(a) }),
  on(Erf, { name: 'both branches of the kernel (|a| < 2.5 and above)', inputs: draw([[2, 4]], { range: [-3.5, 3.5] }), build: (a) => erf(a) }),
  on(Log1p, { name: 'a > -1', inputs: draw([[2, 3]], { range: [-0.8, 3] }), build: (a) => log1p(a) }),
  on(Expm1, { name: 'matrix', inputs: draw([[2, 3]]), build: (a) => expm1(a) }),
  on(Sign, { name: 'sign(a) * a: nothing flows through sign, so the derivative is sign(a)', inputs: draw([[2, 3]], { avoid: [0] }), build: (a) => mul(sign(a), a) }),
  on(Floor, { name: 'zero gradient', inputs: draw([[2, 3]], { avoid: [-2, -1, 0, 1, 2] }), build: (a) => floor(a), zeroDerivative: true }),
  on(Round, { name: 'zero gradient', inputs: draw([[2, 3]], { avoid: [-1.5, -0.5, 0.5, 1.5] }), build: (a) => round(a), zeroDerivative: true }),
  on(Cumsum, { name: 'axis 1 of [2,4]', inputs: draw([[2, 4]]), build: (a) => cumsum(a, { axis: 1 }) }),
  on(Cumsum, { name: 'axis 0, exclusive, reverse, unknown batch', inputs: draw([[3, 2]]), staticShapes: [[null, 2]], build: (a) => cumsum(a, { axis: 0, exclusive: true, reverse: true }) }),
  on(SparseSoftmaxCrossEntropyWithLogits, {
    name: 'labels [2,2] over logits [2,2,3]', inputs: draw([[2, 2], [2, 2, 3]], { values: [[[0, 2], [1, 1]], undefined] }), dtypes: ['int32', 'float64'],
    build: (l, x) => sparseSoftmaxCrossEntropyWithLogits({ labels: l, logits: x }),
  }),
];
