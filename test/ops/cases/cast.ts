import type { OpCase } from '../table.js';
import { Cast, cast } from '../../../src/ops/cast.js';
import { mul } from '../../../src/ops/mul.js';

// float64 -> float32 -> float64 is differentiable but cannot meet the 1e-6 check: float32 rounding
// (~1e-7) divided by the 2e-6 of a central difference swamps it. test/optim/cast.test.ts checks that
// gradient exactly instead.
export const cases: OpCase[] = [
  { op: Cast, name: 'float64 to float64 (a view)', shapes: [[2, 3]], build: ([a]) => mul(cast(a, 'float64'), a) },
  {
    op: Cast,
    name: 'int32 labels to float64 times an input',
    shapes: [[2, 2], [2, 2]],
    dtypes: ['int32', 'float64'],
    values: [[[0, 3], [-2, 7]], undefined],
    build: ([i, b]) => mul(cast(i, 'float64'), b),
  },
  { op: Cast, name: 'through int32 passes nothing', shapes: [[3]], build: ([a]) => cast(cast(a, 'int32'), 'float64'), zeroGradient: true },
];
