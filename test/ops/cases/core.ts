import type { OpCase } from '../table.js';
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

export const cases: OpCase[] = [
  { op: Placeholder, name: 'itself', shapes: [[2, 3]], build: ([a]) => a },
  { op: Constant, name: 'times a constant', shapes: [[2, 2]], build: ([a]) => mul(a, constant([[1, -2], [3, 0.5]], { dtype: 'float64' })) },
  { op: Variable, name: 'variable times input', shapes: [[3]], build: ([a]) => mul(a, v64('table_v', [3])) },
  { op: Add, name: 'same shape', shapes: [[2, 3], [2, 3]], build: ([a, b]) => add(a, b) },
  { op: Add, name: 'broadcast [2,3] + [3]', shapes: [[2, 3], [3]], build: ([a, b]) => add(a, b) },
  { op: Add, name: 'broadcast [2,1] + [1,3]', shapes: [[2, 1], [1, 3]], build: ([a, b]) => add(a, b) },
  { op: Add, name: 'scalar lifted', shapes: [[2, 2]], build: ([a]) => add(a, 3) },
  { op: Sub, name: 'broadcast [3] - [2,3]', shapes: [[3], [2, 3]], build: ([a, b]) => sub(a, b) },
  { op: Mul, name: 'broadcast [2,1,3] * [4,1]', shapes: [[2, 1, 3], [4, 1]], build: ([a, b]) => mul(a, b) },
  { op: Mul, name: 'fan-out: a * a', shapes: [[3]], build: ([a]) => mul(a, a) },
  { op: Div, name: 'broadcast [2,3] / [3]', shapes: [[2, 3], [3]], build: ([a, b]) => div(a, b), range: [0.5, 2] },
  { op: Div, name: 'scalar over tensor', shapes: [[2, 2]], build: ([a]) => div(1, a), range: [0.5, 2] },
  { op: Neg, name: 'matrix', shapes: [[2, 3]], build: ([a]) => neg(a) },
  { op: Exp, name: 'matrix', shapes: [[2, 3]], build: ([a]) => exp(a) },
  { op: Log, name: 'positive matrix', shapes: [[2, 3]], build: ([a]) => log(a), range: [0.2, 3] },
  { op: Matmul, name: '[2,3] x [3,4]', shapes: [[2, 3], [3, 4]], build: ([a, b]) => matmul(a, b) },
  { op: Matmul, name: 'transposeA', shapes: [[3, 2], [3, 4]], build: ([a, b]) => matmul(a, b, { transposeA: true }) },
  { op: Matmul, name: 'transposeB', shapes: [[2, 3], [4, 3]], build: ([a, b]) => matmul(a, b, { transposeB: true }) },
  { op: Matmul, name: 'both transposed', shapes: [[3, 2], [4, 3]], build: ([a, b]) => matmul(a, b, { transposeA: true, transposeB: true }) },
  { op: Matmul, name: 'batched [2,2,3] x [3,2]', shapes: [[2, 2, 3], [3, 2]], build: ([a, b]) => matmul(a, b) },
  { op: Matmul, name: 'batch broadcast [2,1,2,3] x [3,3,2] transposed', shapes: [[2, 1, 3, 2], [3, 2, 3]], build: ([a, b]) => matmul(a, b, { transposeA: true, transposeB: true }) },
  { op: Transpose, name: 'default reverses axes', shapes: [[2, 3]], build: ([a]) => transpose(a) },
  { op: Transpose, name: 'perm [1,2,0] into a broadcast add', shapes: [[2, 3, 4], [4, 2]], build: ([a, b]) => mul(transpose(a, [1, 2, 0]), b) },
  { op: Sum, name: 'all axes', shapes: [[2, 3]], build: ([a]) => sum(a) },
  { op: Sum, name: 'axis -1 keepDims', shapes: [[2, 3, 2]], build: ([a]) => sum(a, -1, { keepDims: true }) },
  { op: Sum, name: 'axes [0,2]', shapes: [[2, 3, 2]], build: ([a]) => sum(a, [0, 2]) },
  { op: Reshape, name: 'with -1', shapes: [[2, 3]], build: ([a]) => reshape(a, [3, -1]) },
  { op: Reshape, name: 'of a transposed view (copies)', shapes: [[2, 3]], build: ([a]) => reshape(transpose(a), [6]) },
  { op: BroadcastTo, name: '[3] to [2,3]', shapes: [[3]], build: ([a]) => broadcastTo(a, [2, 3]) },
  { op: BroadcastLike, name: '[2,1] like [2,3]', shapes: [[2, 1], [2, 3]], build: ([a, b]) => broadcastLike(a, b) },
  { op: SumLike, name: '[2,3] summed to a [null,3] fed [1,3]', shapes: [[2, 3], [1, 3]], staticShapes: [undefined, [null, 3]], build: ([a, b]) => mul(sumTo(a, b), b) },
  { op: SumLike, name: 'unknown dims that do not broadcast (a view)', shapes: [[2, 3], [2, 3]], staticShapes: [[null, 3], [null, 3]], build: ([a, b]) => mul(a, b) },
  { op: ExpandDims, name: 'axis 1', shapes: [[2, 3]], build: ([a]) => expandDims(a, 1) },
  { op: Squeeze, name: 'axis 0', shapes: [[1, 3]], build: ([a]) => squeeze(a, 0) },
  { op: Identity, name: 'matrix', shapes: [[2, 2]], build: ([a]) => identity(a) },
  { op: CheckNumerics, name: 'finite values pass through, times an input', shapes: [[2, 3]], build: ([a]) => mul(checkNumerics(a, 'a'), exp(a)) },
  { op: StopGradient, name: 'passes nothing', shapes: [[3]], build: ([a]) => stopGradient(mul(a, a)), zeroGradient: true },
  { op: OnesLike, name: 'no gradient', shapes: [[3]], build: ([a]) => add(onesLike(a), a) },
  { op: ZerosLike, name: 'no gradient', shapes: [[3]], build: ([a]) => add(zerosLike(a), a) },
  { op: AddN, name: 'three, one used twice', shapes: [[2, 2], [2, 2]], build: ([a, b]) => addN([a, b, a]) },
  { op: Assign, name: 'state update', shapes: [[3]], build: ([a]) => assign(v64('table_assign', [3]), a), zeroGradient: true },
  { op: AssignAdd, name: 'state update', shapes: [[3]], build: ([a]) => assignAdd(v64('table_assignAdd', [3]), a), zeroGradient: true },
  { op: AssignSub, name: 'state update', shapes: [[3]], build: ([a]) => assignSub(v64('table_assignSub', [3]), a), zeroGradient: true },
  { op: Group, name: 'of updates', shapes: [[3]], build: ([a]) => group([assign(v64('table_group', [3]), a)]), zeroGradient: true },
];
