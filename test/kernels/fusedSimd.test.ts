import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { Rng } from '../../src/graph/random.js';
import { fusedKernel, simdFused, type FusedMember } from '../../src/kernels/fused.js';
import { formulaOf } from '../../src/ops/elementwise.js';
import type { Formula } from '../../src/kernels/formula.js';
import { Abs, Add, Div, Greater, GreaterEqual, Less, LessEqual, Maximum, Minimum, Mul, Neg, Relu, Softplus, Sqrt, Square, Sub, Tanh } from '../../src/ops/index.js';
import type { OpDef } from '../../src/graph/op.js';
import { setWasmEnabled, WasmArena } from '../../src/wasm/runtime.js';

afterEach(() => setWasmEnabled(true));

const f = (op: OpDef) => formulaOf(op)!;
const ASSIGN_SUB: Formula = { name: 'assignSub', arity: 2, expr: 'a - b' };

/**
 * An Adam-style update over (w, m, s, g) and four scalars (lr, c1, c2, eps):
 *   w - lr * ((m / c1) / (sqrt(s / c2) + eps)), then max/min/abs/neg/square/relu on the way, so every
 * arithmetic and comparison opcode runs; inputs: 0 w, 1 m, 2 s, 3 lr, 4 c1, 5 c2, 6 eps.
 */
function update(dtype: DType): FusedMember[] {
  const m = (op: OpDef | Formula, operands: number[]): FusedMember => ({ formula: 'expr' in op ? op : f(op as OpDef), operands, dtype });
  return [
    m(Div, [1, 4]), // $t0 = m / c1
    m(Div, [2, 5]), // $t1 = s / c2
    m(Abs, [-2]), // $t2
    m(Sqrt, [-3]), // $t3
    m(Add, [-4, 6]), // $t4 = sqrt + eps
    m(Div, [-1, -5]), // $t5
    m(Square, [-6]), // $t6
    m(Neg, [-7]), // $t7
    m(Maximum, [-6, -8]), // $t8
    m(Minimum, [-9, 1]), // $t9
    m(Relu, [-10]), // $t10
    m(Sub, [-10, -11]), // $t11
    m(Greater, [-12, 1]), // $t12, 1 or 0
    m(GreaterEqual, [-12, 2]),
    m(Less, [-12, 0]),
    m(LessEqual, [-12, 3]),
    m(Add, [-13, -14]),
    m(Add, [-15, -16]),
    m(Add, [-17, -18]),
    m(Add, [-12, -19]), // $t19
    m(Mul, [3, -20]), // $t20 = lr * ...
    m(ASSIGN_SUB, [0, -21]), // w - that
  ];
}

const TYPED = { float32: Float32Array, float64: Float64Array } as const;

describe('the fused SIMD loop', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const n of [1, 3, 255, 256, 257, 1000]) {
      it(`${dtype}, ${n} elements: bit for bit as the fused JavaScript loop, written in place, scalars read at each call`, () => {
        const rng = new Rng(n);
        const arena = new WasmArena(1 << 18);
        const vals = [0, 1, 2].map(() => Array.from({ length: n }, () => rng.uniform(-3, 3)));
        vals[2] = vals[2].map(Math.abs);
        const inArena = vals.map((v) => { const d = arena.alloc(dtype, n); d.set(v); return ndarray(d, [n]); });
        const plain = vals.map((v) => ndarray(TYPED[dtype].from(v), [n]));
        const scalars = [1e-3, 0.1, 0.001, 1e-8].map((v) => ndarray(TYPED[dtype].from([v]), [n], [0]));
        const members = update(dtype);
        // out is w itself (the assign writes its variable), element for element
        const simd = simdFused(members, inArena[0], [...inArena, ...scalars]);
        expect(simd).toBeDefined();
        const js = fusedKernel('test', members, plain[0], [...plain, ...scalars]);
        for (let r = 0; r < 3; r++) {
          simd!();
          js();
          expect(Array.from(inArena[0].data as Float64Array)).toEqual(Array.from(plain[0].data as Float64Array));
          (scalars[0].data as Float64Array)[0] *= 2; // a learning rate that changes between runs
        }
      });
    }
  }

  it('tanh and softplus in the loop are the SIMD kernels: within their ulps of the JavaScript loop', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const n = 777, rng = new Rng(7), arena = new WasmArena(1 << 16);
      const x = arena.alloc(dtype, n), out = arena.alloc(dtype, n);
      x.set(Array.from({ length: n }, () => rng.uniform(-30, 30)));
      const members: FusedMember[] = [{ formula: f(Tanh), operands: [0], dtype }, { formula: f(Softplus), operands: [-1], dtype }];
      const simd = simdFused(members, ndarray(out, [n]), [ndarray(x, [n])])!;
      const ref = new TYPED[dtype](n);
      fusedKernel('ref', members, ndarray(ref, [n]), [ndarray(TYPED[dtype].from(x), [n])])();
      simd();
      const ulp = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
      // tanh's error (<= 3 ulp, |d softplus| <= 1) plus softplus's own (<= 4 ulp)
      for (let i = 0; i < n; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThanOrEqual(8 * ulp * Math.abs(ref[i]));
    }
  });

  it('declines what it cannot run: a broadcast row, an array outside the arena, a formula without an opcode, WebAssembly off', () => {
    const arena = new WasmArena(1 << 16);
    const a = ndarray(arena.alloc('float32', 64), [8, 8]), out = ndarray(arena.alloc('float32', 64), [8, 8]);
    const add = (k: number): FusedMember[] => [{ formula: f(Add), operands: [0, k], dtype: 'float32' }, { formula: f(Neg), operands: [-1], dtype: 'float32' }];
    expect(simdFused(add(0), out, [a])).toBeDefined();
    expect(simdFused(add(1), out, [a, ndarray(arena.alloc('float32', 8), [8, 8], [0, 1])])).toBeUndefined();
    expect(simdFused(add(1), out, [a, ndarray(new Float32Array(64), [8, 8])])).toBeUndefined();
    expect(simdFused([{ formula: { name: 'custom', arity: 1, expr: 'f(a)', lib: { f: Math.exp } }, operands: [0], dtype: 'float32' }], out, [a])).toBeUndefined();
    setWasmEnabled(false);
    expect(simdFused(add(0), out, [a])).toBeUndefined();
  });
});
