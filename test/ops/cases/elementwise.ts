import type { OpCase } from '../table.js';
import { Abs, abs } from '../../../src/ops/abs.js';
import { greater } from '../../../src/ops/compare.js';
import { Maximum, maximum } from '../../../src/ops/maximum.js';
import { Minimum, minimum } from '../../../src/ops/minimum.js';
import { neg } from '../../../src/ops/neg.js';
import { Pow, pow } from '../../../src/ops/pow.js';
import { Relu, relu } from '../../../src/ops/relu.js';
import { Sigmoid, sigmoid } from '../../../src/ops/sigmoid.js';
import { Softplus, softplus } from '../../../src/ops/softplus.js';
import { Sqrt, sqrt } from '../../../src/ops/sqrt.js';
import { Square, square } from '../../../src/ops/square.js';
import { Tanh, tanh } from '../../../src/ops/tanh.js';
import { Where, where } from '../../../src/ops/where.js';

export const cases: OpCase[] = [
  // d/db = log(a) a^b needs a > 0
  { op: Pow, name: 'broadcast [2,3] ^ [3], a > 0', shapes: [[2, 3], [3]], build: ([a, b]) => pow(a, b), range: [0.5, 2] },
  { op: Pow, name: 'fan-out: a ^ a', shapes: [[3]], build: ([a]) => pow(a, a), range: [0.5, 2] },
  { op: Pow, name: 'constant exponent 3, negative bases allowed', shapes: [[2, 2]], build: ([a]) => pow(a, 3) },
  { op: Pow, name: 'scalar base 2 ^ b', shapes: [[3]], build: ([b]) => pow(2, b) },
  { op: Sqrt, name: 'positive matrix', shapes: [[2, 3]], build: ([a]) => sqrt(a), range: [0.2, 3] },
  { op: Square, name: 'matrix', shapes: [[2, 3]], build: ([a]) => square(a) },
  { op: Abs, name: 'away from 0', shapes: [[2, 3]], build: ([a]) => abs(a), avoid: [0] },
  { op: Sigmoid, name: 'wide range', shapes: [[2, 3]], build: ([a]) => sigmoid(a), range: [-8, 8] },
  { op: Tanh, name: 'matrix', shapes: [[2, 3]], build: ([a]) => tanh(a) },
  { op: Relu, name: 'away from 0', shapes: [[2, 3]], build: ([a]) => relu(a), avoid: [0] },
  { op: Softplus, name: 'wide range', shapes: [[2, 3]], build: ([a]) => softplus(a), range: [-8, 8] },
  { op: Maximum, name: 'broadcast [2,3] vs [3]', shapes: [[2, 3], [3]], build: ([a, b]) => maximum(a, b) },
  { op: Maximum, name: 'fan-out: maximum(a, a) ties split half and half', shapes: [[3]], build: ([a]) => maximum(a, a) },
  { op: Maximum, name: 'scalar 0 lifted (relu)', shapes: [[2, 2]], build: ([a]) => maximum(a, 0), avoid: [0] },
  { op: Minimum, name: 'broadcast [2,1] vs [1,3]', shapes: [[2, 1], [1, 3]], build: ([a, b]) => minimum(a, b) },
  { op: Minimum, name: 'fan-out: minimum(a, -a) = -|a|', shapes: [[4]], build: ([a]) => minimum(a, neg(a)), avoid: [0] },
  {
    op: Where, name: 'broadcast of all three: cond [2,1], a [1,3], b [3]', shapes: [[2, 1], [1, 3], [3]],
    build: ([c, a, b]) => where(greater(c, 0), a, b), avoid: [0],
  },
  {
    op: Where, name: 'int32 cond selecting float64', shapes: [[2, 1], [2, 3], [3]], dtypes: ['int32', 'float64', 'float64'],
    values: [[[1], [0]], undefined, undefined], build: ([c, a, b]) => where(c, a, b),
  },
  { op: Where, name: 'fan-out: where(a > 0, a, -a) = |a|', shapes: [[4]], build: ([a]) => where(greater(a, 0), a, neg(a)), avoid: [0] },
  { op: Where, name: 'number lifted to the branches dtype', shapes: [[2, 2]], build: ([a]) => where(greater(a, 0), square(a), 0), avoid: [0] },
];
