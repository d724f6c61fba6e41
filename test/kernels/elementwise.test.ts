import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { afterEach, describe, expect, it } from 'vitest';
import { binary, fill, map1, map2, map3, ternary, unary, type BinaryKernel, type UnaryKernel } from '../../src/kernels/elementwise.js';
import { Add } from '../../src/ops/add.js';
import { Div } from '../../src/ops/div.js';
import { Exp } from '../../src/ops/exp.js';
import { Log } from '../../src/ops/log.js';
import { Mul } from '../../src/ops/mul.js';
import { Neg } from '../../src/ops/neg.js';
import { Sub } from '../../src/ops/sub.js';
import { Sqrt } from '../../src/ops/sqrt.js';
import { BIND_MIN } from '../../src/kernels/bind.js';
import { collapse } from '../../src/graph/layout.js';
import { Rng } from '../../src/graph/random.js';
import { setWasmEnabled, wasmCalls, wasmEnabled, WasmArena } from '../../src/wasm/runtime.js';
import { WASM_ELEMENTWISE_MIN } from '../../src/wasm/elementwise.js';
import { binaryCopying } from '../../bench/wasmCopying.js';
import { broadcast, LAYOUTS, makeArray, random, refMap, size, values, type FloatType } from './reference.js';

// The built-in ops' kernels, each made from the op's formula.
const [addInto, subInto, mulInto, divInto, negInto, expInto, logInto, sqrtInto] = [Add, Sub, Mul, Div, Neg, Exp, Log, Sqrt].map((op) => op.kernel);

const TYPES: readonly FloatType[] = [Float32Array, Float64Array];
const SHAPES: readonly (readonly number[])[] = [[], [1], [7], [0], [3, 0], [3, 4], [2, 3, 5], [2, 1, 3], [4, 1], [33, 17]];

const BINARY: readonly [string, BinaryKernel, (x: number, y: number) => number][] = [
  ['addInto', addInto, (x, y) => x + y],
  ['subInto', subInto, (x, y) => x - y],
  ['mulInto', mulInto, (x, y) => x * y],
  ['divInto', divInto, (x, y) => x / y],
  ['binary(hypot)', binary(Math.hypot), Math.hypot],
  ['map2 (shared loop)', (o, a, b) => map2(o, a, b, (x, y) => x - 2 * y), (x, y) => x - 2 * y],
  ['map2 with ndarray-ops for strided views', (o, a, b) => map2(o, a, b, (x, y) => x * y, ops.mul), (x, y) => x * y],
];

const UNARY: readonly [string, UnaryKernel, (x: number) => number][] = [
  ['negInto', negInto, (x) => -x],
  ['expInto', expInto, Math.exp],
  ['logInto', logInto, Math.log],
  ['unary(tanh)', unary(Math.tanh), Math.tanh],
  ['map1 (shared loop)', (o, a) => map1(o, a, (x) => x * x + 1), (x) => x * x + 1],
  ['map1 with ndarray-ops for strided views', (o, a) => map1(o, a, Math.abs, ops.abs), Math.abs],
];

/** Runs `kernel` and the reference on fresh outputs of every layout; the results must be identical. */
function checkBinary(kernel: BinaryKernel, f: (x: number, y: number) => number, T: FloatType, shape: readonly number[], a: NdArray, b: NdArray, rng: Rng) {
  for (const layout of LAYOUTS) {
    const out = makeArray(rng, T, shape, layout);
    const want = ndarray(new T(size(shape)), shape.slice());
    refMap(want, [a, b], f);
    kernel(out, a, b);
    expect(values(out)).toEqual(values(want));
  }
}

afterEach(() => setWasmEnabled(true));

describe('binary elementwise kernels match the index-by-index reference exactly', () => {
  for (const [name, kernel, f] of BINARY) {
    it(`${name}: every layout of out, a and b, f32 and f64, rank 0 to 3, empty arrays`, () => {
      const rng = new Rng(1);
      for (const T of TYPES) {
        for (const shape of SHAPES) {
          for (const la of LAYOUTS) {
            for (const lb of LAYOUTS) {
              const a = makeArray(rng, T, shape, la), b = makeArray(rng, T, shape, lb, 0.5, 2);
              checkBinary(kernel, f, T, shape, a, b, rng);
            }
          }
        }
      }
    });

    it(`${name}: broadcast inputs (stride 0): scalar, row, column, middle axis`, () => {
      const rng = new Rng(2);
      const cases: [number[], number[], number[]][] = [
        [[4, 5], [4, 5], []],
        [[4, 5], [], [4, 5]],
        [[4, 5], [4, 5], [5]],
        [[4, 5], [4, 1], [4, 5]],
        [[3, 4, 5], [3, 4, 5], [3, 1, 5]],
        [[3, 4, 5], [1, 4, 1], [3, 4, 5]],
        [[2, 3], [2, 1], [1, 3]],
      ];
      for (const T of TYPES) {
        for (const [shape, sa, sb] of cases) {
          for (const layout of LAYOUTS) {
            const a = broadcast(makeArray(rng, T, sa, layout), shape);
            const b = broadcast(makeArray(rng, T, sb, 'contiguous', 0.5, 2), shape);
            checkBinary(kernel, f, T, shape, a, b, rng);
          }
        }
      }
    });
  }

  it('works in place: out may be the first or the second input', () => {
    const rng = new Rng(3);
    for (const T of TYPES) {
      for (const layout of LAYOUTS) {
        const a = makeArray(rng, T, [6, 7], layout), b = makeArray(rng, T, [6, 7], 'contiguous');
        const want = ndarray(new T(42), [6, 7]);
        refMap(want, [a, b], (x, y) => x - y);
        subInto(a, a, b);
        expect(values(a)).toEqual(values(want));
        refMap(want, [b, a], (x, y) => x * y);
        mulInto(a, b, a);
        expect(values(a)).toEqual(values(want));
      }
    }
  });

  it('int32 division truncates toward zero, as the Int32Array store does', () => {
    const a = ndarray(new Int32Array([7, -7, 9, 1]), [4]), b = ndarray(new Int32Array([2, 2, -4, 3]), [4]);
    const out = ndarray(new Int32Array(4), [4]);
    divInto(out, a, b);
    expect(Array.from(out.data)).toEqual([3, -3, -2, 0]);
  });
});

describe('unary elementwise kernels match the reference exactly', () => {
  for (const [name, kernel, f] of UNARY) {
    it(`${name}: every layout of out and input, f32 and f64, rank 0 to 3, empty arrays`, () => {
      const rng = new Rng(4);
      for (const T of TYPES) {
        for (const shape of SHAPES) {
          for (const la of LAYOUTS) {
            const a = makeArray(rng, T, shape, la, 0.1, 3);
            for (const lo of LAYOUTS) {
              const out = makeArray(rng, T, shape, lo);
              const want = ndarray(new T(size(shape)), shape.slice());
              refMap(want, [a], f);
              kernel(out, a);
              expect(values(out)).toEqual(values(want));
            }
          }
        }
      }
    });
  }
});

describe('map3 and fill', () => {
  it('map3 matches the reference on contiguous and strided arrays', () => {
    const rng = new Rng(5);
    for (const T of TYPES) {
      for (const layout of LAYOUTS) {
        const [c, a, b] = [makeArray(rng, T, [5, 6], layout), makeArray(rng, T, [5, 6], 'contiguous'), makeArray(rng, T, [5, 6], layout)];
        const out = makeArray(rng, T, [5, 6], layout);
        const want = ndarray(new T(30), [5, 6]);
        const f = (k: number, x: number, y: number) => (k > 0 ? x : y);
        refMap(want, [c, a, b], f);
        map3(out, c, a, b, f);
        expect(values(out)).toEqual(values(want));
      }
    }
  });

  it('ternary matches the reference for every layout and broadcast of its inputs, f32 and f64, rank 0 to 3', () => {
    const rng = new Rng(6);
    const f = (k: number, x: number, y: number) => (k > 0 ? x : y - x);
    const kernel = ternary(f);
    for (const T of TYPES) {
      for (const shape of SHAPES) {
        for (const layout of LAYOUTS) {
          const last = shape.length > 0 ? [shape[shape.length - 1]] : [];
          const c = makeArray(rng, T, shape, layout);
          const a = broadcast(makeArray(rng, T, last, layout), shape); // a row, repeated
          const b = broadcast(makeArray(rng, T, [], 'offset'), shape); // one element
          for (const [x, y, z] of [[c, a, b], [b, c, a], [a, b, c]]) {
            const out = makeArray(rng, T, shape, layout);
            const want = ndarray(new T(size(shape)), shape.slice());
            refMap(want, [x, y, z], f);
            kernel(out, x, y, z);
            expect(values(out)).toEqual(values(want));
          }
        }
      }
    }
  });

  it(`ternary gives the reference result on the first, second and third call with fresh values (bound loop, ${BIND_MIN}+ elements), in place too`, () => {
    const rng = new Rng(7);
    const f = (k: number, x: number, y: number) => (k > 0 ? x : y);
    const kernel = ternary(f);
    for (const layout of LAYOUTS) {
      const shape = [64, 40];
      const c = makeArray(rng, Float64Array, shape, layout), a = makeArray(rng, Float64Array, shape, 'contiguous');
      const b = broadcast(makeArray(rng, Float64Array, [40], layout), shape);
      const out = makeArray(rng, Float64Array, shape, layout);
      const want = ndarray(new Float64Array(size(shape)), shape.slice());
      for (let run = 0; run < 3; run++) {
        (c.data as Float64Array).set(random(rng, Float64Array, c.data.length));
        refMap(want, [c, a, b], f);
        kernel(out, c, a, b);
        expect(values(out)).toEqual(values(want));
        refMap(want, [c, c, a], f);
        kernel(c, c, c, a);
        expect(values(c)).toEqual(values(want));
      }
    }
  });

  it('fill writes every element of a view and nothing outside it', () => {
    const buf = new Float32Array(24);
    const v = ndarray(buf, [4, 6]).step(2, 3); // rows 0 and 2, columns 0 and 3
    fill(v, 5);
    expect([...buf].map((x, i) => (x === 5 ? i : -1)).filter((i) => i >= 0)).toEqual([0, 3, 12, 15]);
    const r0 = ndarray(new Float64Array(2), [], [], 1);
    fill(r0, -1);
    expect(Array.from(r0.data)).toEqual([0, -1]);
  });
});

describe('collapse', () => {
  it('merges axes every array steps across as one and drops size-1 axes', () => {
    // [2,3,4] contiguous, with b broadcast along the middle axis: axes 0 and 1 cannot merge for b.
    expect(collapse([2, 3, 4], [[12, 4, 1], [4, 0, 1]])).toEqual({ shape: [2, 3, 4], strides: [[12, 4, 1], [4, 0, 1]] });
    expect(collapse([2, 3, 4], [[12, 4, 1], [12, 4, 1]])).toEqual({ shape: [24], strides: [[1], [1]] });
    expect(collapse([2, 1, 4], [[4, 4, 1], [0, 0, 0]])).toEqual({ shape: [8], strides: [[1], [0]] });
    expect(collapse([3, 5], [[5, 1], [1, 3]])).toEqual({ shape: [3, 5], strides: [[5, 1], [1, 3]] });
  });
});

describe('WebAssembly elementwise kernels on arrays placed in an arena', () => {
  it('SIMD is available in this Node', () => {
    expect(wasmEnabled()).toBe(true);
  });

  const ARENA_OPS: readonly [string, BinaryKernel, (x: number, y: number) => number][] = BINARY.slice(0, 4);
  for (const [name, kernel, f] of ARENA_OPS) {
    it(`${name}: dense, scalar-broadcast (the scalar in the arena or not) and in-place, f32 and f64, sizes around the vector width; same bits as the reference`, () => {
      const rng = new Rng(6);
      for (const T of TYPES) {
        const dtype = T === Float32Array ? 'float32' : 'float64';
        for (const n of [31, 32, 33, 37, 100, 1003]) {
          const arena = new WasmArena(8 * n * 8 + 1024);
          const place = (src: NdArray) => {
            const d = arena.alloc(dtype, src.size);
            d.set(values(src));
            return ndarray(d, src.shape.slice());
          };
          const a = place(makeArray(rng, T, [n], 'contiguous'));
          const b = place(makeArray(rng, T, [n], 'contiguous', 0.5, 2));
          const s = place(makeArray(rng, T, [], 'contiguous', 0.5, 2));
          const outside = broadcast(makeArray(rng, T, [1], 'offset', 0.5, 2), [n]); // a scalar in ordinary memory
          const cases: [NdArray, NdArray][] = [
            [a, b], [a, broadcast(s, [n])], [broadcast(s, [n]), b], [a, outside], [outside, b],
          ];
          for (const [x, y] of cases) {
            const out = ndarray(arena.alloc(dtype, n), [n]);
            const want = ndarray(new T(n), [n]);
            refMap(want, [x, y], f);
            const before = wasmCalls.elementwise;
            kernel(out, x, y);
            expect(wasmCalls.elementwise).toBe(before + (n >= WASM_ELEMENTWISE_MIN ? 1 : 0));
            expect(values(out)).toEqual(values(want));
          }
          const want = ndarray(new T(n), [n]);
          refMap(want, [a, b], f);
          kernel(a, a, b);
          expect(values(a)).toEqual(values(want));
        }
      }
    });
  }

  for (const [name, kernel, f] of ARENA_OPS) {
    it(`${name}: a broadcast row (a bias) or column (a per-row scale) on either side runs in SIMD with the reference's bits, f32 and f64, lines around the vector width, rank 3`, () => {
      const rng = new Rng(9);
      for (const T of TYPES) {
        const dtype = T === Float32Array ? 'float32' : 'float64';
        for (const shape of [[32, 128], [5, 10], [2, 3, 7], [33, 1], [1, 40], [7, 8], [4, 9]]) {
          const n = size(shape), C = shape[shape.length - 1], R = n / C;
          const arena = new WasmArena(16 * n * 8 + 4096);
          const place = (src: NdArray) => {
            const d = arena.alloc(dtype, src.size);
            d.set(values(src));
            return ndarray(d, src.shape.slice());
          };
          const x = place(makeArray(rng, T, shape, 'contiguous', 0.5, 2));
          const row = place(makeArray(rng, T, [C], 'contiguous', 0.5, 2));
          const column = place(makeArray(rng, T, [...shape.slice(0, -1), 1], 'contiguous', 0.5, 2));
          const cases: [NdArray, NdArray][] = [
            [x, broadcast(row, shape)], [broadcast(row, shape), x], [x, broadcast(column, shape)], [broadcast(column, shape), x],
          ];
          for (const [a, b] of cases) {
            const out = ndarray(arena.alloc(dtype, n), shape.slice());
            const want = ndarray(new T(n), shape.slice());
            refMap(want, [a, b], f);
            const before = wasmCalls.elementwise;
            kernel(out, a, b);
            // a single line (R = 1 or C = 1) collapses to a dense or scalar case, which runs in SIMD too
            expect(wasmCalls.elementwise, `${shape} ${R}x${C}`).toBe(before + (n >= WASM_ELEMENTWISE_MIN ? 1 : 0));
            expect(values(out)).toEqual(values(want));
          }
          // in place over the dense input
          const want = ndarray(new T(n), shape.slice());
          refMap(want, [x, broadcast(row, shape)], f);
          kernel(x, x, broadcast(row, shape));
          expect(values(x)).toEqual(values(want));
        }
      }
    });
  }

  it('a broadcast line that is strided, outside the arena or overlapping the output falls back to JavaScript, with the same result', () => {
    const arena = new WasmArena(1 << 16);
    const rng = new Rng(10);
    const x = ndarray(arena.alloc('float32', 64), [8, 8]);
    x.data.set(random(rng, Float32Array, 64));
    const wide = ndarray(arena.alloc('float32', 16), [16]);
    wide.data.set(random(rng, Float32Array, 16));
    const strided = broadcast(wide.step(2), [8, 8]); // every other element: not contiguous
    const outside = broadcast(ndarray(random(rng, Float32Array, 8), [8]), [8, 8]);
    const out = ndarray(arena.alloc('float32', 64), [8, 8]);
    for (const row of [strided, outside]) {
      const want = ndarray(new Float32Array(64), [8, 8]);
      refMap(want, [x, row], (p, q) => p + q);
      const before = wasmCalls.elementwise;
      addInto(out, x, row);
      expect(wasmCalls.elementwise).toBe(before);
      expect(values(out)).toEqual(values(want));
    }
    // the row is out's own first line: JavaScript's element order decides what later lines read
    const own = ndarray(arena.alloc('float32', 64), [8, 8]);
    own.data.set(random(rng, Float32Array, 64));
    const want = ndarray(Float32Array.from(own.data as Float32Array), [8, 8]);
    refMap(want, [x, broadcast(want.pick(0, null), [8, 8])], (p, q) => p * q);
    const before = wasmCalls.elementwise;
    mulInto(own, x, broadcast(own.pick(0, null), [8, 8]));
    expect(wasmCalls.elementwise).toBe(before);
    expect(values(own)).toEqual(values(want));
  });

  it('negInto runs in SIMD on arena arrays and matches the reference', () => {
    const arena = new WasmArena(1 << 16);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = ndarray(arena.alloc(dtype, 101), [101]);
      for (let i = 0; i < 101; i++) x.data[i] = i - 50.5;
      const out = ndarray(arena.alloc(dtype, 101), [101]);
      const before = wasmCalls.elementwise;
      negInto(out, x);
      expect(wasmCalls.elementwise).toBe(before + 1);
      expect(values(out)).toEqual(values(x).map((v) => -v));
    }
  });

  it('sqrt runs in SIMD on arena arrays with the same bits as JavaScript (IEEE sqrt is correctly rounded), NaN, zeros and infinities included', () => {
    const arena = new WasmArena(1 << 16);
    const rng = new Rng(12);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const n of [32, 33, 35, 101]) {
        const x = ndarray(arena.alloc(dtype, n), [n]);
        for (let i = 0; i < n; i++) x.data[i] = rng.uniform() * 10 ** (rng.int(20) - 10);
        [-1, 0, -0, Infinity, -Infinity, NaN, 1e-40].forEach((v, i) => (x.data[i] = v));
        const out = ndarray(arena.alloc(dtype, n), [n]);
        const before = wasmCalls.elementwise;
        sqrtInto(out, x);
        expect(wasmCalls.elementwise).toBe(before + 1);
        const round = dtype === 'float32' ? Math.fround : (v: number) => v;
        expect(values(out)).toEqual(values(x).map((v) => round(Math.sqrt(v))));
      }
    }
  });

  it('falls back to JavaScript for strided arena arrays, mixed memories, and when switched off', () => {
    const arena = new WasmArena(1 << 16);
    const a = ndarray(arena.alloc('float32', 64), [8, 8]);
    const b = ndarray(arena.alloc('float32', 64), [8, 8]);
    a.data.fill(3); b.data.fill(2);
    const out = ndarray(arena.alloc('float32', 64), [8, 8]);
    const before = wasmCalls.elementwise;
    addInto(out, a.transpose(1, 0), b);
    addInto(out, a, ndarray(new Float32Array(64).fill(2), [8, 8]));
    setWasmEnabled(false);
    addInto(out, a, b);
    expect(wasmCalls.elementwise).toBe(before);
    expect(Array.from(out.data)).toEqual(new Array(64).fill(5));
  });

  it('an arena refuses an allocation that does not fit and reset frees it all', () => {
    const arena = new WasmArena(65536);
    arena.alloc('float64', 8000);
    expect(() => arena.alloc('float64', 200)).toThrow(/does not fit/);
    arena.reset();
    expect(arena.used).toBe(0);
    expect(arena.alloc('float64', 8192).length).toBe(8192);
  });

  it('binaryCopying (the copy-in, copy-out variant used by the benchmark) computes the same result', () => {
    const rng = new Rng(7);
    const a = makeArray(rng, Float32Array, [1000], 'contiguous'), b = makeArray(rng, Float32Array, [1000], 'contiguous');
    const out = new Float32Array(1000);
    expect(binaryCopying('mul', out, a.data as Float32Array, b.data as Float32Array)).toBe(true);
    const want = ndarray(new Float32Array(1000), [1000]);
    refMap(want, [a, b], (x, y) => x * y);
    expect(Array.from(out)).toEqual(Array.from(want.data));
  });
});

describe('loops bound to arrays met again (large arrays, as a plan calls its steps)', () => {
  it(`binary and unary kernels give the reference result on the first, second and third call, every layout, arrays of ${BIND_MIN}+ elements`, () => {
    const rng = new Rng(8);
    setWasmEnabled(false);
    const shapes = [[BIND_MIN + 5], [64, 40], [3, 50, 17]];
    for (const T of TYPES) {
      for (const shape of shapes) {
        for (const la of LAYOUTS) {
          for (const lb of LAYOUTS) {
            const a = makeArray(rng, T, shape, la), b = makeArray(rng, T, shape, lb, 0.5, 2);
            const out = makeArray(rng, T, shape, la);
            const want = ndarray(new T(size(shape)), shape.slice());
            for (let run = 0; run < 3; run++) {
              // New values each run: a bound loop must read the arrays, not remember them.
              (a.data as Float64Array).set(random(rng, T, a.data.length));
              refMap(want, [a, b], (x, y) => x / y);
              divInto(out, a, b);
              expect(values(out)).toEqual(values(want));
              refMap(want, [a], Math.exp);
              expInto(out, a);
              expect(values(out)).toEqual(values(want));
            }
          }
        }
      }
    }
  });

  it('bound loops handle broadcast inputs, in-place outputs, and outputs shared by different inputs', () => {
    const rng = new Rng(9);
    setWasmEnabled(false);
    const shape = [100, 50];
    const a = makeArray(rng, Float32Array, shape, 'contiguous');
    const row = broadcast(makeArray(rng, Float32Array, [50], 'contiguous'), shape);
    const col = broadcast(makeArray(rng, Float32Array, [100, 1], 'strided'), shape);
    const scalar = broadcast(makeArray(rng, Float32Array, [], 'contiguous'), shape);
    const out = ndarray(new Float32Array(5000), shape);
    const want = ndarray(new Float32Array(5000), shape);
    for (let run = 0; run < 3; run++) {
      for (const b of [row, col, scalar]) {
        refMap(want, [a, b], (x, y) => x + y);
        addInto(out, a, b);
        expect(values(out)).toEqual(values(want));
        refMap(want, [b, a], (x, y) => x - y);
        subInto(out, b, a);
        expect(values(out)).toEqual(values(want));
      }
      const inplace = makeArray(rng, Float32Array, shape, 'transposed');
      refMap(want, [inplace, a], (x, y) => x * y);
      mulInto(inplace, inplace, a);
      expect(values(inplace)).toEqual(values(want));
    }
  });
});
