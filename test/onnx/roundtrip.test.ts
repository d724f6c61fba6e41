/**
 * fromOnnx(toOnnx(g)) for every op of OPS: the same outputs and the same gradients (of the imported
 * graph, differentiated again), and state updates that update the same way.
 */
import type { NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  Adam, add, apply, defineOp, gradients, init, jvp, matmul, mean, mul, onesLike, placeholder, Rng, Session, square, sub, sum,
  topoSort, variable, type Node,
} from '../../src/index.js';
import { fromOnnx, toOnnx } from '../../src/onnx/index.js';
import { onnx } from '../../src/onnx/proto.js';
import { CASES, type OnnxCase } from './cases.js';
import { fromNd, runOrt, toInput, type Value } from './harness.js';

let uid = 0;
function build(c: OnnxCase, dynamic: boolean): { y: Node; xs: Node[]; feeds: Value[] } {
  const rng = new Rng(11);
  const dtypes = c.dtypes ?? c.shapes.map(() => 'float32' as const);
  const xs = c.shapes.map((s, i) => placeholder(`rt${uid++}`, dynamic && s.length > 0 && !(c.keepStatic ?? []).includes(i) ? [null, ...s.slice(1)] : s.slice(), { dtype: dtypes[i] }));
  const feeds = c.shapes.map((shape, i): Value => {
    const given = c.values?.[i];
    const [lo, hi] = c.range ?? [-2, 2];
    const n = shape.reduce((p, d) => p * d, 1);
    const data = given !== undefined ? ([given].flat(Infinity as 1) as number[]) : Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
    return { data, shape, dtype: dtypes[i] };
  });
  return { y: c.build(xs), xs, feeds };
}

/** The outputs, and for a float output the gradient of sum(y * y) and the tangent along ones, for each float input. */
function derived(y: Node, xs: Node[]): Node[] {
  if (y.op.kind !== 'op' || y.dtype !== 'float32') return [];
  const floats = xs.filter((x) => x.dtype === 'float32');
  if (floats.length === 0) return [];
  return [...gradients(sum(mul(y, y)), floats), ...jvp(y, floats, floats.map((x) => onesLike(x)))];
}

const flat = (a: NdArray): number[] => Array.from(fromNd(a, 'float32').data);

describe('fromOnnx(toOnnx(g)) for every op of OPS', () => {
  for (const c of CASES) {
    for (const dynamic of [false, true]) {
      it(`${c.op.name} (${c.name})${dynamic ? ', unknown leading dims' : ''}: same ops, outputs, gradients and tangents`, () => {
        const { y, xs, feeds } = build(c, dynamic);
        const imported = fromOnnx(toOnnx({ y }));
        const y2 = (imported.fetches as Record<string, Node>).y;
        expect(topoSort([y2]).map((n) => n.op)).toEqual(topoSort([y]).map((n) => n.op));
        const xs2 = xs.map((x) => imported.inputs[x.name] ?? placeholder(`unused${uid++}`, x.shape, { dtype: x.dtype }));
        const run = (root: Node, inputs: Node[]) => {
          const session = new Session();
          const out = session.run([root, ...derived(root, inputs)], inputs.map((x, i) => [x, toInput(feeds[i])] as const));
          const state = topoSort([root]).filter((n) => n.op.kind === 'variable').map((v) => flat(session.getValue(v)));
          return { values: out.map(flat), state };
        };
        expect(run(y2, xs2)).toEqual(run(y, xs));
      });
    }
  }
});

describe('a training step and a custom op', () => {
  it('a training step read back has the same variables (slots not trainable) and trains bit for bit the same', () => {
    const x = placeholder('rt/x', [null, 3]);
    const w = variable('rt/w', init.glorotUniform([3, 2]));
    const b = variable('rt/b', init.zeros([2]));
    const loss = mean(square(sub(add(matmul(x, w), b), 1)));
    const step = new Adam({ learningRate: 0.05, name: 'rtAdam' }).minimize(loss);
    const session = new Session();
    const imported = fromOnnx(toOnnx({ loss, step }, { session }));
    const { loss: loss2, step: step2 } = imported.fetches as Record<string, Node>;
    expect(step2).toBe(imported.step);
    expect(Object.keys(imported.variables).sort()).toEqual(['rt/b', 'rt/w', 'rtAdam/rt/b/m', 'rtAdam/rt/b/v', 'rtAdam/rt/w/m', 'rtAdam/rt/w/v', 'rtAdam/step']);
    expect(Object.values(imported.variables).filter((v) => (v.attrs as { trainable: boolean }).trainable).map((v) => v.name).sort()).toEqual(['rt/b', 'rt/w']);
    const other = new Session();
    const rng = new Rng(3);
    for (let i = 0; i < 5; i++) {
      const batch = { data: Array.from({ length: 12 }, () => rng.uniform(-1, 1)), shape: [4, 3] };
      const a = session.run({ loss, step }, [[x, batch]]);
      const c = other.run({ loss: loss2, step: step2 }, [[imported.inputs['rt/x'], batch]]);
      expect(flat(c.loss)).toEqual(flat(a.loss));
    }
    expect(flat(other.getValue(imported.variables['rt/w']))).toEqual(flat(session.getValue(w)));
    expect(flat(other.getValue(imported.variables['rtAdam/step']))).toEqual([5]);
  });

  it('a custom op without a lowering is named in the error; with target dagrad it round-trips; with a lowering it runs in ONNX Runtime', async () => {
    const Swish = defineOp<{ beta: number }>({
      name: 'swishRt',
      infer: ([a]) => a,
      forward: ([a], out, { beta }) => {
        for (let i = 0; i < out.size; i++) (out.data as Float32Array)[i] = a.get(i) / (1 + Math.exp(-beta * a.get(i)));
      },
    });
    const x = placeholder('rt/swish/x', [2]);
    const y = apply(Swish, [x], { beta: 1.5 }, 'swish');
    expect(() => toOnnx(y)).toThrow(/custom op 'swishRt' \(node 'swish'\) has no ONNX form/);
    const bytes = toOnnx(y, { target: 'dagrad' });
    const node = onnx.ModelProto.decode(bytes).graph!.node!.find((n) => n.opType === 'swishRt')!;
    expect(node.domain).toBe('dagrad');
    expect(node.attribute!.map((a) => [a.name, a.f])).toEqual([['beta', 1.5]]);
    expect(() => fromOnnx(bytes)).toThrow(/custom op 'swishRt'; pass their definitions as \{ ops: \[\.\.\.\] \}/);
    const back = fromOnnx(bytes, { ops: [Swish] });
    const want = new Session().run(y, [[x, [-1, 2]]]);
    const got = new Session().run(back.fetches as Node, [[back.inputs['rt/swish/x'], [-1, 2]]]);
    expect(flat(got)).toEqual(flat(want));
    // Read op by op (no record), the dagrad-domain node finds its definition by name too.
    const again = fromOnnx(bytes, { ops: [Swish], ignoreRecord: true });
    expect(flat(new Session().run(again.outputs.swish, [[again.inputs['rt/swish/x'], [-1, 2]]]))).toEqual(flat(want));

    const Lowered = defineOp<{ beta: number }>({
      ...Swish,
      name: 'swishLowered',
      onnx: (emit, [a], n) => emit.node('Mul', [a, emit.node('Sigmoid', [emit.node('Mul', [a, emit.constant([(n.attrs as { beta: number }).beta], 'float32', [])])])]),
    });
    const z = apply(Lowered, [x], { beta: 1.5 }, 'swish2');
    const ort = await runOrt(toOnnx({ z }), { 'rt/swish/x': { data: [-1, 2], shape: [2], dtype: 'float32' } });
    const expected = [-1, 2].map((v) => v / (1 + Math.exp(-1.5 * v)));
    ort.z.data.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
  });
});
