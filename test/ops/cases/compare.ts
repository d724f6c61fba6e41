import type { OpCase } from '../table.js';
import { Equal, Greater, GreaterEqual, Less, LessEqual, equal, greater, greaterEqual, less, lessEqual } from '../../../src/ops/compare.js';
import { maximum } from '../../../src/ops/maximum.js';
import { mul } from '../../../src/ops/mul.js';

// Comparisons are piecewise constant: away from ties their derivative is 0, and a mask multiplying
// another input passes that input's derivative through where it is 1.
export const cases: OpCase[] = [
  { op: Greater, name: 'mask [2,3] > [3] times c', shapes: [[2, 3], [3], [2, 3]], build: ([a, b, c]) => mul(greater(a, b), c) },
  { op: GreaterEqual, name: 'fan-out: a >= a is all ones', shapes: [[3], [3]], build: ([a, b]) => mul(greaterEqual(a, a), b) },
  { op: Less, name: 'scalar 0 lifted, times b', shapes: [[2, 2], [2, 2]], build: ([a, b]) => mul(less(a, 0), b), avoid: [0] },
  { op: LessEqual, name: 'broadcast [2,1] <= [1,3] alone', shapes: [[2, 1], [1, 3]], build: ([a, b]) => lessEqual(a, b) },
  // Ties that survive any perturbation: maximum(a, b) is exactly a wherever a > b.
  { op: Equal, name: 'a == maximum(a, b): exact ties and misses, times c', shapes: [[6], [6], [6]], build: ([a, b, c]) => mul(equal(a, maximum(a, b)), c) },
  { op: Equal, name: 'fan-out: a == a is all ones', shapes: [[2, 2], [2, 2]], build: ([a, b]) => mul(equal(a, a), b) },
];
