import { draw, on, type Row } from '../table.js';
import { Cast, cast } from '../../../src/ops/cast.js';
import { mul } from '../../../src/ops/mul.js';

// float64 -> float32 -> float64 is differentiable but cannot meet the 1e-6 check: float32 rounding
// (~1e-7) divided by the 2e-6 of a central difference swamps it. test/optim/cast.test.ts checks that
// gradient exactly instead.
export const cases: Row[] = [
  on(Cast, { name: 'float64 to float64 (a view)', inputs: draw([[2, 3]]), build: (a) => mul(cast(a, 'float64'), a) }),
  on(Cast, {
    name: 'int32 labels to float64 times an input',
    inputs: draw([[2, 2], [2, 2]], { values: [[[0, 3], [-2, 7]], undefined] }),
    dtypes: ['int32', 'float64'],
    build: (i, b) => mul(cast(i, 'float64'), b),
  }),
  on(Cast, { name: 'through int32 passes nothing', inputs: draw([[3]]), build: (a) => cast(cast(a, 'int32'), 'float64'), zeroDerivative: true }),
];
