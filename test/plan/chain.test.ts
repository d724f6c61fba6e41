import { describe, expect, it } from 'vitest';
import { constant } from '../../src/graph/constant.js';
import type { Node } from '../../src/graph/node.js';
import { toFlat } from '../../src/graph/tensor.js';
import { add } from '../../src/ops/add.js';
import { exp } from '../../src/ops/exp.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sub } from '../../src/ops/sub.js';
import { tanh } from '../../src/ops/tanh.js';
import { Session } from '../../src/session/session.js';
import { draw } from './helpers.js';

// 100k nodes take 3-8 s on a loaded 2-core machine, too long for every run of the suite:
// DAGRAD_LONG_TESTS=1 runs that size; by default 20k nodes, deep enough that any recursion over the
// chain would overflow the stack.
const NODES = process.env.DAGRAD_LONG_TESTS ? 100_000 : 20_000;

describe('long chains', () => {
  it(`a chain of ${NODES} elementwise nodes plans and runs, giving the bits of a float64 loop`, () => {
    // tanh(0.5 y + 0.25), repeated: the values stay in (-1, 1), so every step matters to the result.
    // Two shared constants keep the graph at NODES nodes (a number operand would add one per op).
    const x = placeholder('x', [8], { dtype: 'float64' });
    const half = constant(0.5, { dtype: 'float64' }), quarter = constant(0.25, { dtype: 'float64' });
    let y: Node = x;
    const ops = NODES;
    for (let i = 0; i < ops / 3; i++) y = tanh(add(mul(y, half), quarter));
    const xs = draw(8, 11, -2, 2);
    const want = xs.map((v) => {
      for (let i = 0; i < ops / 3; i++) v = Math.tanh(v * 0.5 + 0.25);
      return v;
    });
    const s = new Session();
    const plan = s.plan(y, [[x, xs]]);
    expect(plan.kernels).toBeGreaterThanOrEqual(1);
    expect(toFlat(s.run(y, [[x, xs]]))).toEqual(want);
    // a second, cached run gives the same
    expect(toFlat(s.run(y, [[x, xs]]))).toEqual(want);
  });
});

describe('small arrays', () => {
  // Bound loops (kernels/tiny.ts) run arrays of up to 256 elements; 257 runs forward.
  for (const size of [1, 64, 256, 257]) {
    it(`a chain of add, mul, tanh, exp, sub on [${size}] float32 gives the bits of float32 arithmetic op by op`, () => {
      const x = placeholder('x', [size]);
      const c = placeholder('c', [1]);
      let y: Node = x;
      for (let i = 0; i < 4; i++) y = sub(exp(tanh(mul(add(y, c), 0.9))), 1);
      const xs = draw(size, 3 + size, -2, 2);
      const f = Math.fround;
      const want = xs.map((v) => {
        v = f(v);
        for (let i = 0; i < 4; i++) v = f(f(Math.exp(f(Math.tanh(f(f(v + f(0.375)) * f(0.9)))))) - 1);
        return v;
      });
      const s = new Session();
      const feeds = [[x, xs], [c, [0.375]]] as const;
      expect(toFlat(s.run(y, feeds))).toEqual(want);
      expect(toFlat(s.run(y, feeds))).toEqual(want);
      expect(toFlat(new Session({ planMemory: false }).run(y, feeds))).toEqual(want);
    });
  }
});
