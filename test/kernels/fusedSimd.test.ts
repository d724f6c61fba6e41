import ndarray, { type NdArray } from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import type { DType } from '../../src/graph/dtype.js';
import { Rng } from '../../src/graph/random.js';
import { fusedKernel, simdFused, SIMD_ROW_MAX, type FusedMember } from '../../src/kernels/fused.js';
import { formulaOf } from '../../src/ops/elementwise.js';
import type { Formula } from '../../src/kernels/formula.js';
import { Abs, Add, Div, Exp, Greater, GreaterEqual, Less, LessEqual, Maximum, Minimum, Mul, Neg, Relu, Softplus, Sqrt, Square, Sub, Tanh } from '../../src/ops/index.js';
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

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: broadcast rows (a bias over a batch) and scalars in the arena, bit for bit as the JavaScript loop, read at each call`, () => {
      const rng = new Rng(3);
      for (const [B, L] of [[1, 1], [3, 3], [7, 10], [5, 128], [3, 300], [2, 2048], [300, 2]]) {
        const n = B * L, arena = new WasmArena(1 << 20);
        const put = (v: number[]) => { const d = arena.alloc(dtype, v.length); d.set(v); return d; };
        const xv = Array.from({ length: n }, () => rng.uniform(-2, 2)), bv = Array.from({ length: L }, () => rng.uniform(-1, 1));
        const x = ndarray(put(xv), [B, L]), out = ndarray(arena.alloc(dtype, n), [B, L]);
        const bias = put(bv), scale = put([0.5]);
        // relu(x + b) * 0.5 + b: the row read twice (two views of it), the scalar an array in the arena
        const members: FusedMember[] = [
          { formula: f(Add), operands: [0, 1], dtype }, { formula: f(Relu), operands: [-1], dtype },
          { formula: f(Mul), operands: [-2, 2], dtype }, { formula: f(Add), operands: [-3, 3], dtype },
        ];
        const row = () => ndarray(bias, [B, L], [0, 1]);
        const simd = simdFused(members, out, [x, row(), ndarray(scale, [B, L], [0, 0]), row()]);
        expect(simd, `${B}x${L}`).toBeDefined();
        const ref = new TYPED[dtype](n), rb = TYPED[dtype].from(bv), rs = TYPED[dtype].from([0.5]);
        const js = fusedKernel('ref', members, ndarray(ref, [B, L]), [ndarray(TYPED[dtype].from(xv), [B, L]), ndarray(rb, [B, L], [0, 1]), ndarray(rs, [B, L], [0, 0]), ndarray(rb, [B, L], [0, 1])]);
        for (let r = 0; r < 2; r++) {
          simd!();
          js();
          expect(Array.from(out.data as Float64Array), `${B}x${L}`).toEqual(Array.from(ref));
          bias[0] += 1, rb[0] += 1, scale[0] *= 3, rs[0] *= 3; // a bias and a scale that change between runs
        }
      }
    });
  }

  it('a row repeated over several leading axes: [2, 3, 4] with a [4] row and a [3, 4] row', () => {
    const arena = new WasmArena(1 << 16), rng = new Rng(5);
    const put = (n: number) => { const d = arena.alloc('float64', n); d.set(Array.from({ length: n }, () => rng.uniform(-1, 1))); return d; };
    const x = put(24), r4 = put(4), r12 = put(12), out = arena.alloc('float64', 24);
    const members: FusedMember[] = [{ formula: f(Sub), operands: [0, 1], dtype: 'float64' }, { formula: f(Mul), operands: [-1, 2], dtype: 'float64' }];
    const simd = simdFused(members, ndarray(out, [2, 3, 4]), [ndarray(x, [2, 3, 4]), ndarray(r4, [2, 3, 4], [0, 0, 1]), ndarray(r12, [2, 3, 4], [0, 4, 1])]);
    simd!();
    for (let i = 0; i < 24; i++) expect(out[i]).toBe((x[i] - r4[i % 4]) * r12[i % 12]);
  });

  it('exp in the loop is a SIMD exp: within 2 float64 ulp of Math.exp (float32: the rounding of it, within 1 ulp), exact at its special values', () => {
    const special = [0, -0, 1, -1, 709.78, 709.79, 710, 1000, Infinity, -Infinity, NaN, -700, -708.4, -740, -745.1, -745.2, -746, -1e9, 1e-300, -1e-300, 88.72, 88.73, -103.9, -104];
    for (const dtype of ['float32', 'float64'] as const) {
      const rng = new Rng(11), n = 20000 + special.length, arena = new WasmArena(1 << 19);
      const x = arena.alloc(dtype, n), out = arena.alloc(dtype, n);
      x.set([...special, ...Array.from({ length: n - special.length }, (_, i) => (i % 2 ? rng.uniform(-50, 50) : rng.uniform(-745, 709)))]);
      const simd = simdFused([{ formula: f(Exp), operands: [0], dtype }, { formula: f(Neg), operands: [-1], dtype }], ndarray(out, [n]), [ndarray(x, [n])]);
      simd!();
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const want = dtype === 'float32' ? Math.fround(Math.exp(x[i])) : Math.exp(x[i]);
        const got = -out[i];
        if (!Number.isFinite(want) || want === 0) {
          expect(Object.is(got, want), `exp(${x[i]})`).toBe(true);
          continue;
        }
        // ulps of the result's binade (subnormal results: of the smallest normal's)
        const e = Math.max(Math.floor(Math.log2(Math.abs(want))), dtype === 'float32' ? -126 : -1022);
        const ulp = 2 ** (e - (dtype === 'float32' ? 23 : 52));
        worst = Math.max(worst, Math.abs(got - want) / ulp);
      }
      expect(worst).toBeLessThanOrEqual(dtype === 'float32' ? 1 : 2);
    }
  });

  it('declines what it cannot run: a column broadcast, a row outside the arena or too long, out not dense, an array outside the arena, a formula without an opcode, WebAssembly off', () => {
    const arena = new WasmArena(1 << 16);
    const a = ndarray(arena.alloc('float32', 64), [8, 8]), out = ndarray(arena.alloc('float32', 64), [8, 8]);
    const add = (k: number): FusedMember[] => [{ formula: f(Add), operands: [0, k], dtype: 'float32' }, { formula: f(Neg), operands: [-1], dtype: 'float32' }];
    expect(simdFused(add(0), out, [a])).toBeDefined();
    expect(simdFused(add(1), out, [a, ndarray(arena.alloc('float32', 8), [8, 8], [0, 1])])).toBeDefined();
    expect(simdFused(add(1), out, [a, ndarray(arena.alloc('float32', 8), [8, 8], [1, 0])])).toBeUndefined();
    expect(simdFused(add(1), out, [a, ndarray(new Float32Array(8), [8, 8], [0, 1])])).toBeUndefined();
    expect(simdFused(add(1), out, [a, ndarray(new Float32Array(64), [8, 8])])).toBeUndefined();
    expect(simdFused(add(0), ndarray(out.data, [8, 8], [1, 8]), [ndarray(a.data, [8, 8], [1, 8])])).toBeUndefined();
    const wide = new WasmArena(1 << 16);
    const long = SIMD_ROW_MAX + 1, w = ndarray(wide.alloc('float32', 2 * long), [2, long]);
    expect(simdFused(add(1), ndarray(wide.alloc('float32', 2 * long), [2, long]), [w, ndarray(wide.alloc('float32', long), [2, long], [0, 1])])).toBeUndefined();
    expect(simdFused([{ formula: { name: 'custom', arity: 1, expr: 'f(a)', lib: { f: Math.exp } }, operands: [0], dtype: 'float32' }], out, [a])).toBeUndefined();
    setWasmEnabled(false);
    expect(simdFused(add(0), out, [a])).toBeUndefined();
  });
});
