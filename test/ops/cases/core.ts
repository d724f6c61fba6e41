import { draw, on, type Row } from '../table.js';
import { Add, add } from '../../../src/ops/add.js';
import { AddN, addN } from '../../../src/ops/addN.js';
import { Assign, AssignAdd, AssignSub, assign, assignAdd, assignSub } from '../../../src/ops/assign.js';
import { BroadcastLike, BroadcastTo, SumLike, broadcastLike, broadcastTo, sumTo } from '../../../src/ops/broadcast.js';
import { Constant, constant } from '../../../src/graph/constant.js';
import { Div, div } from '../../../src/ops/div.js';
import { Exp, exp } from '../../../src/ops/exp.js';
import { ExpandDims, expandDims } from '../../../src/ops/expandDims.js';
import { Group, group } from '../../../src/ops/group.js';
import { Identity, StopGradient, identity, stopGradient } from '../../../src/ops/identity.js';
import { CheckNumerics, checkNumerics } from '../../../src/ops/checkNumerics.js';
import { OnesLike, ZerosLike, onesLike, zerosLike } from '../../../src/ops/like.js';
import { Log, log } from '../../../src/ops/log.js';
import { Matmul, matmul } from '../../../src/ops/matmul.js';
import { Mul, mul } from '../../../src/ops/mul.js';
import { Neg, neg } from '../../../src/ops/neg.js';
import { Placeholder } from '../../../src/ops/placeholder.js';
import { Reshape, reshape } from '../../../src/ops/reshape.js';
import { Squeeze, squeeze } from '../../../src/ops/squeeze.js';
import { Sub, sub } from '../../../src/ops/sub.js';
import { Sum, sum } from '../../../src/ops/sum.js';
import { Transpose, transpose } from '../../../src/ops/transpose.js';
import { Variable, variable } from '../../../src/ops/variable.js';

const v64 = (name: string, shape: number[]) => variable(name, { data: new Float64Array(shape.reduce((p, d) => p * d, 1)).fill(0.5), shape });

export const cases: Row[] = [
  on(Placeholder, { name: 'itself', inputs: draw([[2, 3]]), build: (a) => a }),
  on(Constant, { name: 'times a constant', inputs: draw([[2, 2]]), build: (a) => mul(a, constant([[1, -2], [3, 0.5]], { dtype: 'float64' })) }),
  on(Variable, { name: 'variable times input', inputs: draw([[3]]), build: (a) => mul(a, v64('table_v', [3])) }),
  on(Add, { name: 'same shape', inputs: draw([[2, 3], [2, 3]]), build: (a, b) => add(a, b) }),
  on(Add, { name: 'broadcast [2,3] + [3]', inputs: draw([[2, 3], [3]]), build: (a, b) => add(a, b) }),
  on(Add, { name: 'broadcast [2,1] + [1,3]', inputs: draw([[2, 1], [1, 3]]), build: (a, b) => add(a, b) }),
  on(Add, { name: 'scalar lifted', inputs: draw([[2, 2]]), build: (a) => add(a, 3) }),
  on(Sub, { name: 'broadcast [3] - [2,3]', inputs: draw([[3], [2, 3]]), build: (a, b) => sub(a, b) }),
  on(Mul, { name: 'broadcast [2,1,3] * [4,1]', inputs: draw([[2, 1, 3], [4, 1]]), build: (a, b) => mul(a, b) }),
  on(Mul, { name: 'fan-out: a * a', inputs: draw([[3]]), build: (a) => mul(a, a) }),
  on(Div, { name: 'broadcast [2,3] / [3]', inputs: draw([[2, 3], [3]], { range: [0.5, 2] }), build: (a, b) => div(a, b) }),
  on(Div, { name: 'scalar over tensor', inputs: draw([[2, 2]], { range: [0.5, 2] }), build: (a) => div(1, a) }),
  on(Neg, { name: 'matrix', inputs: draw([[2, 3]]), build: (a) => neg(a) }),
  on(Exp, { name: 'matrix', inputs: draw([[2, 3]]), build: (a) => exp(a) }),
  on(Log, { name: 'positive matrix', inputs: draw([[2, 3]], { range: [0.2, 3] }), build: (a) => log(a) }),
  on(Matmul, { name: '[2,3] x [3,4]', inputs: draw([[2, 3], [3, 4]]), build: (a, b) => matmul(a, b) }),
  on(Matmul, { name: 'transposeA', inputs: draw([[3, 2], [3, 4]]), build: (a, b) => matmul(a, b, { transposeA: true }) }),
  on(Matmul, { name: 'transposeB', inputs: draw([[2, 3], [4, 3]]), build: (a, b) => matmul(a, b, { transposeB: true }) }),
  on(Matmul, { name: 'both transposed', inputs: draw([[3, 2], [4, 3]]), build: (a, b) => matmul(a, b, { transposeA: true, transposeB: true }) }),
  on(Matmul, { name: 'batched [2,2,3] x [3,2]', inputs: draw([[2, 2, 3], [3, 2]]), build: (a, b) => matmul(a, b) }),
  on(Matmul, { name: 'batch broadcast [2,1,2,3] x [3,3,2] transposed', inputs: draw([[2, 1, 3, 2], [3, 2, 3]]), build: (a, b) => matmul(a, b, { transposeA: true, transposeB: true }) }),
  on(Transpose, { name: 'default reverses axes', inputs: draw([[2, 3]]), build: (a) => transpose(a) }),
  on(Transpose, { name: 'perm [1,2,0] into a broadcast add', inputs: draw([[2, 3, 4], [4, 2]]), build: (a, b) => mul(transpose(a, { perm: [1, 2, 0] }), b) }),
  on(Sum, { name: 'all axes', inputs: draw([[2, 3]]), build: (a) => sum(a) }),
  on(Sum, { name: 'axis -1 keepDims', inputs: draw([[2, 3, 2]]), build: (a) => sum(a, { axes: -1, keepDims: true }) }),
  on(Sum, { name: 'axes [0,2]', inputs: draw([[2, 3, 2]]), build: (a) => sum(a, { axes: [0, 2] }) }),
  on(Reshape, { name: 'with -1', inputs: draw([[2, 3]]), build: (a) => reshape(a, [3, -1]) }),
  on(Reshape, { name: 'of a transposed view (copies)', inputs: draw([[2, 3]]), build: (a) => reshape(transpose(a), [6]) }),
  on(BroadcastTo, { name: '[3] to [2,3]', inputs: draw([[3]]), build: (a) => broadcastTo(a, [2, 3]) }),
  on(BroadcastLike, { name: '[2,1] like [2,3]', inputs: draw([[2, 1], [2, 3]]), build: (a, b) => broadcastLike(a, b) }),
  on(SumLike, { name: '[2,3] summed to a [null,3] fed [1,3]', inputs: draw([[2, 3], [1, 3]]), staticShapes: [undefined, [null, 3]], build: (a, b) => mul(sumTo(a, b), b) }),
  on(SumLike, { name: 'unknown dims that do not broadcast (a view), also in the gradient of mul', inputs: draw([[2, 3], [2, 3]]), staticShapes: [[null, 3], [null, 3]], build: (a, b) => mul(sumTo(a, b), b) }),
  on(ExpandDims, { name: 'axis 1', inputs: draw([[2, 3]]), build: (a) => expandDims(a, 1) }),
  on(Squeeze, { name: 'axis 0', inputs: draw([[1, 3]]), build: (a) => squeeze(a, { axes: 0 }) }),
  on(Identity, { name: 'matrix', inputs: draw([[2, 2]]), build: (a) => identity(a) }),
  on(CheckNumerics, { name: 'finite values pass through, times an input', inputs: draw([[2, 3]]), build: (a) => mul(checkNumerics(a, 'a'), exp(a)) }),
  on(StopGradient, { name: 'passes nothing', inputs: draw([[3]]), build: (a) => stopGradient(mul(a, a)), zeroDerivative: true }),
  on(OnesLike, { name: 'no gradient', inputs: draw([[3]]), build: (a) => add(onesLike(a), a) }),
  on(ZerosLike, { name: 'no gradient', inputs: draw([[3]]), build: (a) => add(zerosLike(a), a) }),
  on(AddN, { name: 'three, one used twice', inputs: draw([[2, 2], [2, 2]]), build: (a, b) => addN([a, b, a]) }),
  on(Assign, { name: 'state update', inputs: draw([[3]]), build: (a) => assign(v64('table_assign', [3]), a), zeroDerivative: true }),
  on(AssignAdd, { name: 'state update', inputs: draw([[3]]), build: (a) => assignAdd(v64('table_assignAdd', [3]), a), zeroDerivative: true }),
  on(AssignSub, { name: 'state update', inputs: draw([[3]]), build: (a) => assignSub(v64('table_assignSub', [3]), a), zeroDerivative: true }),
  on(Group, { name: 'of updates', inputs: draw([[3]]), build: (a) => group([assign(v64('table_group', [3]), a)]), zeroDerivative: true }),
];
