/**
 * Every built-in elementwise op is declared by one formula; these check each kernel made from it
 * (driver, bound loop, tiny plan binding) against the formula applied index by index, and that
 * every generated function is compiled from a source of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/ops/index.js';
import { formulaOf } from '../../src/ops/elementwise.js';
import { scalarOf, type Formula } from '../../src/kernels/formula.js';
import { binary, kernelOf } from '../../src/kernels/elementwise.js';
import { generate, sourceOf } from '../../src/kernels/generate.js';
import { BIND_MIN } from '../../src/kernels/bind.js';
import { Rng } from '../../src/graph/random.js';
import { broadcast, LAYOUTS, makeArray, refMap, size, values, type FloatType } from './reference.js';

const ELEMENTWISE = OPS.filter((op) => formulaOf(op) !== undefined);

type AnyArray = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** Inputs that reach each op's branches: negative, zero, ties, NaN (floats), and values above 1. */
function operand(rng: Rng, T: AnyArray, shape: readonly number[], layout: (typeof LAYOUTS)[number]): NdArray {
  const a = makeArray(rng, T === Int32Array ? Float64Array : (T as FloatType), shape, layout, -3, 3);
  const d = a.data as Float64Array;
  for (let i = 0; i < d.length; i++) {
    const r = rng.uniform();
    d[i] = r < 0.1 ? 0 : r < 0.2 ? 1 : r < 0.25 && T !== Int32Array ? NaN : T === Int32Array ? Math.round(d[i] * 3) || 1 : d[i];
  }
  if (T !== Int32Array) return a;
  return ndarray(Int32Array.from(d), a.shape.slice(), a.stride.slice(), a.offset);
}

describe('kernels made from a formula compute the formula, element by element', () => {
  it('covers the elementwise ops of OPS (at least these)', () => {
    const names = ELEMENTWISE.map((op) => op.name);
    for (const name of ['abs', 'add', 'div', 'equal', 'exp', 'greater', 'greaterEqual', 'less', 'lessEqual', 'log', 'maximum',
      'minimum', 'mul', 'neg', 'pow', 'relu', 'sigmoid', 'softplus', 'sqrt', 'square', 'sub', 'tanh', 'where']) expect(names).toContain(name);
  });

  for (const op of ELEMENTWISE) {
    const f = formulaOf(op)!;
    const floatsOnly = (() => {
      try {
        op.infer(Array.from({ length: f.arity }, () => ({ shape: [2], dtype: 'int32' as const })), {});
        return false;
      } catch {
        return true;
      }
    })();
    it(`${op.name} (${f.expr}): every layout and broadcast, f32, f64${floatsOnly ? '' : ', int32'}, small and bound sizes, tiny plan binding`, () => {
      const rng = new Rng(11);
      const scalar = scalarOf(f);
      const types: AnyArray[] = floatsOnly ? [Float32Array, Float64Array] : [Float32Array, Float64Array, Int32Array];
      for (const T of types) {
        for (const shape of [[], [5], [3, 4], [2, 3, 5], [64, 40]]) {
          for (const layout of LAYOUTS) {
            const ins = Array.from({ length: f.arity }, (_, k) =>
              k === 1 && shape.length > 0 ? broadcast(operand(rng, T, [shape[shape.length - 1]], layout), shape) : operand(rng, T, shape, layout));
            const want = ndarray(new T(size(shape)), shape.slice());
            refMap(want, ins, scalar);
            // Three calls: the plain loop, then (2048+ elements) the loop bound to these arrays.
            for (let run = 0; run < 3; run++) {
              const out = ndarray(new T(size(shape)).fill(7), shape.slice());
              op.forward!(ins, out, {});
              expect(values(out)).toEqual(values(want));
            }
            const out = ndarray(new T(size(shape)).fill(7), shape.slice());
            const bound = op.bind!(ins, out, {});
            if (size(shape) <= 16 && shape.length <= 1 && layout === 'contiguous') expect(bound).not.toBeNull();
            if (bound) {
              bound();
              expect(values(out)).toEqual(values(want));
            }
          }
        }
      }
    });
  }

  it('the formula is applied to the stored (rounded) inputs: float32 results equal the float64 formula rounded once', () => {
    const a = ndarray(new Float32Array([0.1, 1 / 3, 1e-8]), [3]), b = ndarray(new Float32Array([0.2, 3, 1e8]), [3]);
    const out = ndarray(new Float32Array(3), [3]);
    OPS.find((op) => op.name === 'mul')!.forward!([a, b], out, {});
    expect(Array.from(out.data)).toEqual([0, 1, 2].map((i) => Math.fround(a.data[i] * b.data[i])));
  });

  it('rejects a library name that would hide an operand', () => {
    expect(() => kernelOf({ name: 'bad', arity: 1, expr: 'a(1)', lib: { a: Math.abs } } as Formula)).toThrow(/library name 'a'/);
  });
});

describe('every generated function is compiled from a source text of its own', () => {
  it('two generations of the same text get different sources (V8 caches compiled code by source text)', () => {
    const src = 'function f(x) { return x + 1; }';
    const f1 = generate<(x: number) => number>('same', {}, src), f2 = generate<(x: number) => number>('same', {}, src);
    expect(f1(1)).toBe(2);
    expect(f2(1)).toBe(2);
    expect(sourceOf(f1)).toBeDefined();
    expect(sourceOf(f1)).not.toBe(sourceOf(f2));
  });

  it('kernels of identical layout but different element functions both give their own results, bound and unbound', () => {
    // With shared compiled code the second kernel would still be right but slow; right results
    // with distinct sources (above, and the scan below) are the timing-free evidence.
    const n = BIND_MIN * 2;
    const x = ndarray(Float64Array.from({ length: n }, (_, i) => i / 7), [n]), y = ndarray(new Float64Array(n).fill(3), [n]);
    const plus = binary((p, q) => p + q), times = binary((p, q) => p * q);
    const o1 = ndarray(new Float64Array(n), [n]), o2 = ndarray(new Float64Array(n), [n]);
    for (let run = 0; run < 4; run++) {
      plus(o1, x, y);
      times(o2, x, y);
      expect(values(o1)).toEqual(values(x).map((v) => v + 3));
      expect(values(o2)).toEqual(values(x).map((v) => v * 3));
    }
  });

  it('no source file compiles code with `new Function` except through generate() (the shared map rows excepted)', () => {
    const dir = path.resolve(__dirname, '../../src');
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith(path.join('kernels', 'generate.ts'))) {
          const text = fs.readFileSync(p, 'utf8');
          for (const m of text.matchAll(/new Function\(([^)]*)/g)) {
            if (!/ROW[123]\b/.test(text.slice(m.index!, m.index! + 200))) offenders.push(`${path.relative(dir, p)}: ${m[0]}`);
          }
        }
      }
    };
    walk(dir);
    expect(offenders).toEqual([]);
  });
});
