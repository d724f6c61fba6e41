import { draw, on, type Row } from '../table.js';
import { Equal, Greater, GreaterEqual, Less, LessEqual, equal, greater, greaterEqual, less, lessEqual } from '../../../src/ops/compare.js';
import { maximum } from '../../../src/ops/maximum.js';
import { mul } from '../../../src/ops/mul.js';

// Comparisons are piecewise constant: away from ties their derivative is 0, and a mask multiplying
// another input passes that input's derivative through where it is 1.
export const cases: Row[] = [
  on(Greater, { name: 'mask [2,3] > [3] times c', inputs: draw([[2, 3], [3], [2, 3]]), build: (a, b, c) => mul(greater(a, b), c) }),
  on(GreaterEqual, { name: 'fan-out: a >= a is all ones', inputs: draw([[3], [3]]), build: (a, b) => mul(greaterEqual(a, a), b) }),
  on(Less, { name: 'scalar 0 lifted, times b', inputs: draw([[2, 2], [2, 2]], { avoid: [0] }), build: (a, b) => mul(less(a, 0), b) }),
  on(LessEqual, { name: 'broadcast [2,1] <= [1,3] alone', inputs: draw([[2, 1], [1, 3]]), build: (a, b) => lessEqual(a, b) }),
  // Ties that survive any perturbation: maximum(a, b) is exactly a wherever a > b.
  on(Equal, { name: 'a == maximum(a, b): exact ties and misses, times c', inputs: draw([[6], [6], [6]]), build: (a, b, c) => mul(equal(a, maximum(a, b)), c) }),
  on(Equal, { name: 'fan-out: a == a is all ones', inputs: draw([[2, 2], [2, 2]]), build: (a, b) => mul(equal(a, a), b) }),
];
