import type { OpCase } from '../table.js';
import { Cos, Sin, cos, sin } from '../../../src/ops/trig.js';
import { Erf, erf } from '../../../src/ops/erf.js';
import { Expm1, Log1p, expm1, log1p } from '../../../src/ops/log1p.js';
import { Floor, Round, Sign, floor, round, sign } from '../../../src/ops/rounding.js';
import { Cumsum, cumsum } from '../../../src/ops/cumsum.js';
import { SparseSoftmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from '../../../src/ops/sparseCrossEntropy.js';
import { mul } from '../../../src/ops/mul.js';

export const cases: OpCase[] = [
  { op: Sin, name: 'matrix', shapes: [[2, 3]], build: ([a]) => sin(a), range: [-4, 4] },
  { op: Cos, name: 'matrix', shapes: [[2, 3]], build: ([a]) => cos(a), range: [-4, 4] },
  { op: Erf, name: 'both branches of the kernel (|a| < 2.5 and above)', shapes: [[2, 4]], build: ([a]) => erf(a), range: [-3.5, 3.5] },
  { op: Log1p, name: 'a > -1', shapes: [[2, 3]], build: ([a]) => log1p(a), range: [-0.8, 3] },
  { op: Expm1, name: 'matrix', shapes: [[2, 3]], build: ([a]) => expm1(a) },
  { op: Sign, name: 'sign(a) * a: nothing flows through sign, so the derivative is sign(a)', shapes: [[2, 3]], build: ([a]) => mul(sign(a), a), avoid: [0] },
  { op: Floor, name: 'zero gradient', shapes: [[2, 3]], build: ([a]) => floor(a), zeroGradient: true },
  { op: Round, name: 'zero gradient', shapes: [[2, 3]], build: ([a]) => round(a), zeroGradient: true },
  { op: Cumsum, name: 'axis 1 of [2,4]', shapes: [[2, 4]], build: ([a]) => cumsum(a, 1) },
  { op: Cumsum, name: 'axis 0, exclusive, reverse, unknown batch', shapes: [[3, 2]], staticShapes: [[null, 2]], build: ([a]) => cumsum(a, 0, { exclusive: true, reverse: true }) },
  {
    op: SparseSoftmaxCrossEntropyWithLogits, name: 'labels [2,2] over logits [2,2,3]', shapes: [[2, 2], [2, 2, 3]], dtypes: ['int32', 'float64'],
    values: [[[0, 2], [1, 1]], undefined], build: ([l, x]) => sparseSoftmaxCrossEntropyWithLogits(l, x),
  },
];
