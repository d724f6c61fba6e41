/**
 * fromOnnx on models dagrad did not write: built here by hand with onnx-proto in the styles of
 * common exporters (Gemm with transB, opset-11 attributes, PyTorch's dynamic flatten), checked
 * against ONNX Runtime running the same bytes; then differentiated and exported again.
 */
import { describe, expect, it } from 'vitest';
import { add, gradients, hessian, init, matmul, placeholder, relu, Rng, Session, softmax, sum, variable, type Node } from '../../src/index.js';
import { fromOnnx, OnnxImportError, toOnnx } from '../../src/onnx/index.js';
import { onnx, tensor, valueInfo, attribute, type NodeProto } from '../../src/onnx/proto.js';
import type { OnnxAttr } from '../../src/graph/op.js';
import { expectClose, fromNd, runOrt, toInput, type Value } from './harness.js';

const n = (opType: string, input: string[], output: string[], attrs: Record<string, OnnxAttr> = {}): NodeProto => ({
  opType, input, output, name: output[0], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
});

function model(nodes: NodeProto[], inits: ReturnType<typeof tensor>[], inputs: ReturnType<typeof valueInfo>[], outputs: string[], opset: number): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: opset >= 18 ? 8 : 6,
    producerName: 'by hand',
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer: inits, input: inputs, output: outputs.map((o) => ({ name: o, type: { tensorType: { elemType: 1 } } })) },
  }).finish();
}

const rng = new Rng(5);
const rand = (k: number): number[] => Array.from({ length: k }, () => Math.fround(rng.uniform(-1, 1)));

/** An inference MLP as PyTorch writes one (opset 18), with a tail of shape ops. */
function mlpModel(): Uint8Array {
  return model(
    [
      n('Gemm', ['x', 'W1', 'b1'], ['h'], { transB: 1 }),
      n('Relu', ['h'], ['r']),
      n('MatMul', ['r', 'W2'], ['m']),
      n('Add', ['m', 'b2'], ['logits']),
      n('Softmax', ['logits'], ['probs'], { axis: -1 }),
      n('Sigmoid', ['logits'], ['sig']),
      n('Tanh', ['logits'], ['th']),
      n('Concat', ['sig', 'th'], ['cat'], { axis: 1 }),
      n('Shape', ['cat'], ['shape']),
      n('Gather', ['shape', 'zero'], ['batch']),
      n('Unsqueeze', ['batch', 'axes0'], ['batch1']),
      n('Concat', ['batch1', 'minus1'], ['target'], { axis: 0 }),
      n('Reshape', ['cat', 'target'], ['flat']),
      n('Constant', [], ['two'], { value_float: { float: 2 } } as never),
      n('Mul', ['flat', 'two'], ['scaled']),
      n('Transpose', ['scaled'], ['tr'], { perm: [1, 0] }),
      n('Gather', ['tr', 'rows'], ['picked'], { axis: 0 }),
      n('ReduceMean', ['picked', 'axes1'], ['out'], { keepdims: 0 }),
    ],
    [
      tensor('W1', rand(32), 'float32', [8, 4]), tensor('b1', rand(8), 'float32', [8]),
      tensor('W2', rand(24), 'float32', [8, 3]), tensor('b2', rand(3), 'float32', [3]),
      tensor('zero', [0], 'int64', []), tensor('axes0', [0], 'int64', [1]), tensor('minus1', [-1], 'int64', [1]),
      tensor('rows', [5, 0, 2], 'int64', [3]), tensor('axes1', [1], 'int64', [1]),
    ],
    [valueInfo('x', 'float32', [null, 4], () => 'N')],
    ['probs', 'out'],
    18,
  );
}

/** An older exporter's style (opset 11): axes as attributes, BatchNormalization, Dropout, Clip, Flatten. */
function oldModel(): Uint8Array {
  return model(
    [
      n('BatchNormalization', ['x', 'scale', 'bias', 'mean', 'var'], ['bn'], { epsilon: { float: 1e-3 } }),
      n('Dropout', ['bn'], ['d']),
      n('LeakyRelu', ['d'], ['lr'], { alpha: { float: 0.1 } }),
      n('Clip', ['lr', 'lo', 'hi'], ['clipped']),
      n('Flatten', ['clipped'], ['flat'], { axis: 1 }),
      n('ReduceSum', ['flat'], ['s'], { axes: [1], keepdims: 1 }),
      n('Unsqueeze', ['s'], ['u'], { axes: [2] }),
      n('Squeeze', ['u'], ['sq'], { axes: [2] }),
      n('Softmax', ['flat'], ['sm'], { axis: 1 }),
      n('LogSoftmax', ['flat'], ['lsm'], { axis: 1 }),
      n('Sub', ['lsm', 'sq'], ['out']),
      n('ArgMax', ['sm'], ['am'], { axis: 1, keepdims: 0 }),
      n('Cast', ['am'], ['amf'], { to: 1 }),
    ],
    [
      tensor('scale', [1.5, 0.5], 'float32', [2]), tensor('bias', [0.1, -0.2], 'float32', [2]),
      tensor('mean', [0.2, -0.1], 'float32', [2]), tensor('var', [0.9, 1.2], 'float32', [2]),
      tensor('lo', [-0.5], 'float32', []), tensor('hi', [0.8], 'float32', []),
    ],
    [valueInfo('x', 'float32', [null, 2, 3], () => 'N')],
    ['out', 'amf'],
    11,
  );
}

async function compareWithOrt(bytes: Uint8Array, x: Value): Promise<{ graph: ReturnType<typeof fromOnnx> }> {
  const graph = fromOnnx(bytes);
  const want = await runOrt(bytes, { x });
  const names = Object.keys(graph.outputs);
  const got = new Session().run(graph.outputs, [[graph.inputs.x, toInput(x)]]);
  for (const k of names) expectClose(fromNd(got[k], 'float32'), want[k], 1e-6, k);
  return { graph };
}

describe('fromOnnx reads models from other exporters', () => {
  it('an opset-18 MLP with Gemm, MatMul, Softmax, Sigmoid, Tanh, Concat, Reshape of a run-time batch, Transpose, Gather, ReduceMean equals ONNX Runtime', async () => {
    for (const rows of [3, 5]) await compareWithOrt(mlpModel(), { data: rand(rows * 4), shape: [rows, 4], dtype: 'float32' });
  });

  it('an opset-11 model with BatchNormalization, Dropout, LeakyRelu, Clip, Flatten and attribute axes equals ONNX Runtime', async () => {
    const { graph } = await compareWithOrt(oldModel(), { data: rand(12), shape: [2, 2, 3], dtype: 'float32' });
    // Scale and bias are weights; the running statistics and the clip bounds are not.
    expect(Object.keys(graph.variables).sort()).toEqual(['bias', 'scale']);
  });

  it('an imported model fine-tunes (its weights are trainable variables) and exports again to the same values', async () => {
    const bytes = mlpModel();
    const g = fromOnnx(bytes);
    expect(Object.keys(g.variables).sort()).toEqual(['W1', 'W2', 'b1', 'b2']);
    const x: Value = { data: rand(8), shape: [2, 4], dtype: 'float32' };
    const grads = gradients(sum(g.outputs.out), Object.values(g.variables));
    const fetches: Record<string, Node> = { out: g.outputs.out, ...Object.fromEntries(grads.map((d, i) => [`d${i}`, d])) };
    const want = new Session().run(fetches, [[g.inputs.x, toInput(x)]]);
    expect(Math.max(...Array.from(want.d0.data as Float32Array, Math.abs))).toBeGreaterThan(0);
    const again = await runOrt(toOnnx(fetches), { x });
    for (const k of Object.keys(fetches)) expectClose(again[k], fromNd(want[k], 'float32'), 1e-6, k);
  });

  it('an imported float64 model has Hessians: hessian(f, x) matches central differences of its gradient', () => {
    const bytes = model(
      [n('Gemm', ['x', 'W', 'b'], ['h'], { transB: 1 }), n('Tanh', ['h'], ['t']), n('Mul', ['t', 't'], ['y'])],
      [tensor('W', rand(6), 'float64', [2, 3]), tensor('b', rand(2), 'float64', [2])],
      [valueInfo('x', 'float64', [1, 3])],
      ['y'],
      18,
    );
    const g = fromOnnx(bytes);
    const x = g.inputs.x;
    const f = sum(g.outputs.y);
    const session = new Session();
    const x0 = [0.3, -0.7, 0.5];
    const H = Array.from(session.run(hessian(f, x), [[x, [x0]]]).data as Float64Array);
    const grad = gradients(f, [x])[0];
    const at = (v: number[]) => Array.from(session.run(grad, [[x, [v]]]).data as Float64Array);
    const h = 1e-5;
    for (let j = 0; j < 3; j++) {
      const up = at(x0.map((v, k) => (k === j ? v + h : v))), down = at(x0.map((v, k) => (k === j ? v - h : v)));
      for (let i = 0; i < 3; i++) expect(Math.abs(H[i * 3 + j] - (up[i] - down[i]) / (2 * h))).toBeLessThan(1e-7);
    }
  });

  it("reads dagrad's own inference export op by op too (without its record), to the same probabilities", () => {
    const x = placeholder('imp/x', [null, 4]);
    const w = variable('imp/w', init.glorotUniform([4, 3]));
    const b = variable('imp/b', { data: [0.1, -0.2, 0.3], shape: [3] });
    const p = softmax(add(matmul(relu(x), w), b));
    const session = new Session();
    const g = fromOnnx(toOnnx({ p }, { session }), { ignoreRecord: true });
    const xv = { data: rand(8), shape: [2, 4] };
    const want = session.run(p, [[x, xv]]);
    const got = new Session().run(g.outputs.p, [[g.inputs['imp/x'], xv]]);
    expectClose(fromNd(got, 'float32'), fromNd(want, 'float32'), 1e-7, 'p');
  });

  it('an unsupported-op file fails with one error listing every op dagrad lacks', () => {
    const bytes = model(
      [
        n('LRN', ['x'], ['c1'], { size: 3 }), n('Relu', ['c1'], ['r']), n('LRN', ['r'], ['c2'], { size: 3 }),
        n('MaxRoiPool', ['c2', 'w'], ['p'], { pooled_shape: [2, 2] }), n('Erf', ['p'], ['e']),
      ],
      [tensor('w', rand(9), 'float32', [1, 1, 3, 3])],
      [valueInfo('x', 'float32', [1, 1, 8, 8])],
      ['e'],
      18,
    );
    let error: unknown;
    try {
      fromOnnx(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as OnnxImportError).ops).toEqual(['LRN', 'MaxRoiPool', 'Erf']);
    expect((error as Error).message).toBe("fromOnnx: 3 ONNX ops have no dagrad form: LRN (2 nodes, first 'c1'), MaxRoiPool (1 node, first 'p'), Erf (1 node, first 'e')");
  });

  it('bytes that are not a model fail clearly', () => {
    expect(() => fromOnnx(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/fromOnnx: not an ONNX model|no graph/);
  });
});
