import type { OpCase } from '../table.js';
import { Concat, concat } from '../../../src/ops/concat.js';
import { Gather, gather } from '../../../src/ops/gather.js';
import { mul } from '../../../src/ops/mul.js';
import { Pad, pad } from '../../../src/ops/pad.js';
import { ScatterAdd, scatterAdd } from '../../../src/ops/scatterAdd.js';
import { Slice, slice } from '../../../src/ops/slice.js';

export const cases: OpCase[] = [
  { op: Concat, name: 'axis 0: [2,3] and [1,3]', shapes: [[2, 3], [1, 3]], build: ([a, b]) => concat([a, b], { axis: 0 }) },
  { op: Concat, name: 'axis -1, one input twice (fan-in)', shapes: [[2, 1], [2, 3]], build: ([a, b]) => concat([a, b, a], { axis: -1 }) },
  { op: Concat, name: 'unknown batch, axis 1', shapes: [[3, 2], [3, 1]], staticShapes: [[null, 2], [null, 1]], build: ([a, b]) => concat([a, b], { axis: 1 }) },
  { op: Concat, name: 'along an unknown axis: [null,2] then [2,2] (slices count from the end)', shapes: [[3, 2], [2, 2]], staticShapes: [[null, 2]], build: ([a, b]) => concat([a, b], { axis: 0 }) },
  { op: Slice, name: 'begin [1,0] size [2,-1]', shapes: [[3, 4]], build: ([a]) => slice(a, [1, 0], [2, -1]) },
  { op: Slice, name: 'rank 3, one element wide', shapes: [[2, 3, 4]], build: ([a]) => slice(a, [1, 1, 2], [1, 2, 1]) },
  { op: Slice, name: 'unknown batch, to the end', shapes: [[4, 3]], staticShapes: [[null, 3]], build: ([a]) => slice(a, [1, 1], [-1, 2]) },
  { op: Pad, name: '[[1,0],[2,1]] with value 5', shapes: [[2, 3]], build: ([a]) => pad(a, [[1, 0], [2, 1]], { value: 5 }) },
  { op: Pad, name: 'unknown axis padded on both sides', shapes: [[2, 3]], staticShapes: [[null, 3]], build: ([a]) => pad(a, [[1, 2], [0, 1]]) },
  { op: Gather, name: 'rows with a repeated index (fan-in)', shapes: [[5, 3], [4]], dtypes: ['float64', 'int32'], values: [undefined, [1, 3, 1, 0]], build: ([p, i]) => gather(p, i) },
  { op: Gather, name: 'axis -1 with [2,2] indices', shapes: [[2, 3], [2, 2]], dtypes: ['float64', 'int32'], values: [undefined, [[2, 0], [2, 2]]], build: ([p, i]) => gather(p, i, { axis: -1 }) },
  { op: Gather, name: 'axis 1 of a rank-3 table', shapes: [[2, 4, 2], [3]], dtypes: ['float64', 'int32'], values: [undefined, [3, 0, 3]], build: ([p, i]) => gather(p, i, { axis: 1 }) },
  { op: ScatterAdd, name: 'repeated index accumulates; like gets nothing', shapes: [[4, 2], [4], [3, 2]], dtypes: ['float64', 'int32', 'float64'], values: [undefined, [2, 0, 2, 1]], build: ([u, i, like]) => mul(scatterAdd(u, i, like), like) },
  { op: ScatterAdd, name: 'axis 1, unknown batch', shapes: [[2, 3], [3], [2, 4]], staticShapes: [[null, 3], undefined, [null, 4]], dtypes: ['float64', 'int32', 'float64'], values: [undefined, [3, 3, 0]], build: ([u, i, like]) => scatterAdd(u, i, like, { axis: 1 }) },
];
