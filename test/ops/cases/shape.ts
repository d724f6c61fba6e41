import { draw, on, type Row } from '../table.js';
import { Concat, concat } from '../../../src/ops/concat.js';
import { Gather, gather } from '../../../src/ops/gather.js';
import { mul } from '../../../src/ops/mul.js';
import { Pad, pad } from '../../../src/ops/pad.js';
import { ScatterAdd, scatterAdd } from '../../../src/ops/scatterAdd.js';
import { Slice, slice } from '../../../src/ops/slice.js';

export const cases: Row[] = [
  on(Concat, { name: 'axis 0: [2,3] and [1,3]', inputs: draw([[2, 3], [1, 3]]), build: (a, b) => concat([a, b], { axis: 0 }) }),
  on(Concat, { name: 'axis -1, one input twice (fan-in)', inputs: draw([[2, 1], [2, 3]]), build: (a, b) => concat([a, b, a], { axis: -1 }) }),
  on(Concat, { name: 'unknown batch, axis 1', inputs: draw([[3, 2], [3, 1]]), staticShapes: [[null, 2], [null, 1]], build: (a, b) => concat([a, b], { axis: 1 }) }),
  on(Concat, { name: 'along an unknown axis: [null,2] then [2,2] (slices count from the end)', inputs: draw([[3, 2], [2, 2]]), staticShapes: [[null, 2]], build: (a, b) => concat([a, b], { axis: 0 }) }),
  on(Slice, { name: 'begin [1,0] size [2,-1]', inputs: draw([[3, 4]]), build: (a) => slice(a, [1, 0], [2, -1]) }),
  on(Slice, { name: 'rank 3, one element wide', inputs: draw([[2, 3, 4]]), build: (a) => slice(a, [1, 1, 2], [1, 2, 1]) }),
  on(Slice, { name: 'unknown batch, to the end', inputs: draw([[4, 3]]), staticShapes: [[null, 3]], build: (a) => slice(a, [1, 1], [-1, 2]) }),
  on(Pad, { name: '[[1,0],[2,1]] with value 5', inputs: draw([[2, 3]]), build: (a) => pad(a, [[1, 0], [2, 1]], { value: 5 }) }),
  on(Pad, { name: 'unknown axis padded on both sides', inputs: draw([[2, 3]]), staticShapes: [[null, 3]], build: (a) => pad(a, [[1, 2], [0, 1]]) }),
  on(Gather, { name: 'rows with a repeated index (fan-in)', inputs: draw([[5, 3], [4]], { values: [undefined, [1, 3, 1, 0]] }), dtypes: ['float64', 'int32'], build: (p, i) => gather(p, i) }),
  on(Gather, { name: 'axis -1 with [2,2] indices', inputs: draw([[2, 3], [2, 2]], { values: [undefined, [[2, 0], [2, 2]]] }), dtypes: ['float64', 'int32'], build: (p, i) => gather(p, i, { axis: -1 }) }),
  on(Gather, { name: 'axis 1 of a rank-3 table', inputs: draw([[2, 4, 2], [3]], { values: [undefined, [3, 0, 3]] }), dtypes: ['float64', 'int32'], build: (p, i) => gather(p, i, { axis: 1 }) }),
  on(ScatterAdd, { name: 'repeated index accumulates; like gets nothing', inputs: draw([[4, 2], [4], [3, 2]], { values: [undefined, [2, 0, 2, 1]] }), dtypes: ['float64', 'int32', 'float64'], build: (u, i, like) => mul(scatterAdd(u, i, like), like) }),
  on(ScatterAdd, { name: 'axis 1, unknown batch', inputs: draw([[2, 3], [3], [2, 4]], { values: [undefined, [3, 3, 0]] }), staticShapes: [[null, 3], undefined, [null, 4]], dtypes: ['float64', 'int32', 'float64'], build: (u, i, like) => scatterAdd(u, i, like, { axis: 1 }) }),
];
