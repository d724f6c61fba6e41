import { draw, on, type Row } from '../table.js';
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

export const cases: Row[] = [
  // d/db = log(a) a^b needs a > 0
  on(Pow, { name: 'broadcast [2,3] ^ [3], a > 0', inputs: draw([[2, 3], [3]], { range: [0.5, 2] }), build: (a, b) => pow(a, b) }),
  on(Pow, { name: 'fan-out: a ^ a', inputs: draw([[3]], { range: [0.5, 2] }), build: (a) => pow(a, a) }),
  on(Pow, { name: 'constant exponent 3, negative bases allowed', inputs: draw([[2, 2]]), build: (a) => pow(a, 3) }),
  on(Pow, { name: 'scalar base 2 ^ b', inputs: draw([[3]]), build: (b) => pow(2, b) }),
  on(Sqrt, { name: 'positive matrix', inputs: draw([[2, 3]], { range: [0.2, 3] }), build: (a) => sqrt(a) }),
  on(Square, { name: 'matrix', inputs: draw([[2, 3]]), build: (a) => square(a) }),
  on(Abs, { name: 'away from 0', inputs: draw([[2, 3]], { avoid: [0] }), build: (a) => abs(a) }),
  on(Sigmoid, { name: 'wide range', inputs: draw([[2, 3]], { range: [-8, 8] }), build: (a) => sigmoid(a) }),
  on(Tanh, { name: 'matrix', inputs: draw([[2, 3]]), build: (a) => tanh(a) }),
  on(Relu, { name: 'away from 0', inputs: draw([[2, 3]], { avoid: [0] }), build: (a) => relu(a) }),
  on(Softplus, { name: 'wide range', inputs: draw([[2, 3]], { range: [-8, 8] }), build: (a) => softplus(a) }),
  on(Maximum, { name: 'broadcast [2,3] vs [3]', inputs: draw([[2, 3], [3]]), build: (a, b) => maximum(a, b) }),
  on(Maximum, { name: 'fan-out: maximum(a, a) ties split half and half', inputs: draw([[3]]), build: (a) => maximum(a, a) }),
  on(Maximum, { name: 'scalar 0 lifted (relu)', inputs: draw([[2, 2]], { avoid: [0] }), build: (a) => maximum(a, 0) }),
  on(Minimum, { name: 'broadcast [2,1] vs [1,3]', inputs: draw([[2, 1], [1, 3]]), build: (a, b) => minimum(a, b) }),
  on(Minimum, { name: 'fan-out: minimum(a, -a) = -|a|', inputs: draw([[4]], { avoid: [0] }), build: (a) => minimum(a, neg(a)) }),
  on(Where, {
    name: 'broadcast of all three: cond [2,1], a [1,3], b [3]',
    inputs: draw([[2, 1], [1, 3], [3]], { avoid: [0] }),
    build: (c, a, b) => where(greater(c, 0), a, b),
  }),
  on(Where, {
    name: 'int32 cond selecting float64',
    inputs: draw([[2, 1], [2, 3], [3]], { values: [[[1], [0]], undefined, undefined] }),
    dtypes: ['int32', 'float64', 'float64'],
    build: (c, a, b) => where(c, a, b),
  }),
  on(Where, { name: 'fan-out: where(a > 0, a, -a) = |a|', inputs: draw([[4]], { avoid: [0] }), build: (a) => where(greater(a, 0), a, neg(a)) }),
  on(Where, { name: 'number lifted to the branches dtype', inputs: draw([[2, 2]], { avoid: [0] }), build: (a) => where(greater(a, 0), square(a), 0) }),
];
