/**
 * fromOnnx on a small CNN built here by hand with onnx-proto in NCHW, as PyTorch and Keras exporters
 * write one (Conv with bias and groups, MaxPool, AveragePool with and without counting the padding,
 * ConvTranspose with output_padding and with output_shape, BatchNormalization, GlobalAveragePool,
 * Flatten, Dropout, Gemm; explicit pads, SAME_UPPER and SAME_LOWER): its outputs equal ONNX Runtime's
 * on the same bytes, its gradients equal central differences, and it exports again.
 */
import { describe, expect, it } from 'vitest';
import { avgPool2d, conv2d, conv2dTranspose, gradients, gradcheck, init, maxPool2d, mean, mul, placeholder, relu, Rng, Session, square, sum, topoSort, variable } from '../../src/index.js';
import { fromOnnx, OnnxImportError, toOnnx } from '../../src/onnx/index.js';
import { attribute, onnx, tensor, valueInfo, type NodeProto } from '../../src/onnx/proto.js';
import type { OnnxAttr } from '../../src/graph/op.js';
import type { Node } from '../../src/index.js';
import { expectClose, fromNd, runOrt, toInput, type Value } from './harness.js';

const n = (opType: string, input: string[], output: string[], attrs: Record<string, OnnxAttr> = {}): NodeProto => ({
  opType, input, output, name: output[0], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
});

/** The CNN's bytes, in float32 (what ONNX Runtime runs) or float64 (for central differences); same weights either way. */
function cnn(dtype: 'float32' | 'float64'): Uint8Array {
  const rng = new Rng(21);
  const w = (name: string, shape: number[], scale = 0.5) => tensor(name, Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => Math.fround(rng.uniform(-scale, scale))), dtype, shape);
  const positive = (name: string, k: number) => tensor(name, Array.from({ length: k }, () => Math.fround(rng.uniform(0.5, 1.5))), dtype, [k]);
  const elem = dtype === 'float32' ? 1 : 11;
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'by hand',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'cnn',
      node: [
        n('Conv', ['x', 'W1', 'B1'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        n('Relu', ['c1'], ['r1']),
        n('MaxPool', ['r1'], ['p1'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        n('Conv', ['p1', 'W2', 'B2'], ['c2'], { group: 2, auto_pad: 'SAME_LOWER', strides: [2, 2] }),
        n('BatchNormalization', ['c2', 'scale', 'bias', 'mean', 'var'], ['bn'], { epsilon: { float: 1e-3 } }),
        n('Relu', ['bn'], ['r2']),
        n('ConvTranspose', ['r2', 'W3'], ['t'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
        n('AveragePool', ['t'], ['a1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }),
        n('AveragePool', ['a1'], ['a2'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
        n('ConvTranspose', ['a2', 'W4', 'B4'], ['t2'], { strides: [2, 2], output_shape: [3, 3] }),
        n('GlobalAveragePool', ['t2'], ['g1']),
        n('GlobalAveragePool', ['p1'], ['g2']),
        n('Concat', ['g1', 'g2'], ['g'], { axis: 1 }),
        n('Flatten', ['g'], ['f'], { axis: 1 }),
        n('Dropout', ['f'], ['d']),
        n('Gemm', ['d', 'W5', 'B5'], ['out'], { transB: 1 }),
      ],
      initializer: [
        w('W1', [4, 3, 3, 3]), w('B1', [4], 0.1), w('W2', [6, 2, 3, 3]), w('B2', [6], 0.1),
        positive('scale', 6), w('bias', [6], 0.2), w('mean', [6], 0.2), positive('var', 6),
        w('W3', [6, 3, 3, 3]), w('W4', [3, 2, 2, 2]), w('B4', [2], 0.1), w('W5', [3, 6]), w('B5', [3], 0.1),
      ],
      input: [valueInfo('x', dtype, [null, 3, 7, 7], () => 'N')],
      output: ['out', 't'].map((o) => ({ name: o, type: { tensorType: { elemType: elem } } })),
    },
  }).finish();
}

const batch = (rows: number, seed: number): Value => {
  const rng = new Rng(seed);
  return { data: Array.from({ length: rows * 3 * 49 }, () => Math.fround(rng.uniform(-1, 1))), shape: [rows, 3, 7, 7], dtype: 'float32' };
};

const batchNhwc = (rows: number): Value => {
  const rng = new Rng(rows);
  return { data: Array.from({ length: rows * 72 }, () => Math.fround(rng.uniform(-1, 1))), shape: [rows, 6, 6, 2], dtype: 'float32' };
};

describe('a CNN written by another exporter (NCHW), read by fromOnnx', () => {
  it('runs as ONNX Runtime runs the same bytes (unknown batch, fed 2 and 5 rows), to 1e-5', async () => {
    const bytes = cnn('float32');
    const g = fromOnnx(bytes);
    expect(g.outputs.t.shape).toEqual([null, 3, 4, 4]);
    expect(g.outputs.out.shape).toEqual([null, 3]);
    const session = new Session();
    for (const rows of [2, 5]) {
      const x = batch(rows, rows);
      const want = await runOrt(bytes, { x });
      const got = session.run(g.outputs, [[g.inputs.x, toInput(x)]]);
      for (const k of ['out', 't']) expectClose(fromNd(got[k], 'float32'), want[k], 1e-5, k);
    }
  });

  it('transposes to NHWC once per chain: MaxPool after Conv and Relu reads the convolution\'s NHWC value', () => {
    const g = fromOnnx(cnn('float32'));
    const pool = topoSort([g.outputs.out]).find((k) => k.op.name === 'maxPool2d')!;
    // relu of the NCHW Conv output; its input is the transpose back from NHWC (one pair, not two).
    expect(pool.inputs[0].op.name).toBe('transpose');
    expect(pool.inputs[0].inputs[0].op.name).toBe('relu');
  });

  it('differentiates: gradients in the input and the weights equal central differences (float64 file)', () => {
    const g = fromOnnx(cnn('float64'));
    const x = batch(2, 9);
    const { out, t } = g.outputs;
    const y = mul(sum(square(out)), mean(t));
    const xs = [g.inputs.x, g.variables.W1, g.variables.W2, g.variables.W3, g.variables.W4, g.variables.scale];
    const report = gradcheck(y, xs, [[g.inputs.x, toInput(x)]], { mode: 'reverse', tol: 1e-6 });
    expect(report.ok, report.summary).toBe(true);
    // BatchNormalization's running statistics are constants, not variables.
    expect(Object.keys(g.variables).sort()).toEqual(['B1', 'B2', 'B4', 'B5', 'W1', 'W2', 'W3', 'W4', 'W5', 'bias', 'scale']);
  });

  it('exports again: toOnnx(fromOnnx(bytes)) runs in ONNX Runtime with the same outputs', async () => {
    const bytes = cnn('float32');
    const g = fromOnnx(bytes);
    const again = toOnnx({ out: g.outputs.out, t: g.outputs.t });
    const x = batch(3, 4);
    const want = await runOrt(bytes, { x });
    const got = await runOrt(again, { x });
    for (const k of ['out', 't']) expectClose(got[k], want[k], 1e-5, k);
  });

  it("reads dagrad's own export op by op (ignoreRecord): the same outputs and gradients as the graph that wrote it", () => {
    const x = placeholder('own/x', [null, 6, 6, 2]);
    const f = variable('own/f', init.glorotUniform([3, 3, 2, 4]));
    const t = variable('own/t', init.glorotUniform([2, 2, 3, 4]));
    const h = maxPool2d(relu(conv2d(x, f, { strides: 2, padding: 'same' })), 2, { strides: 1, padding: 'same' });
    const y = avgPool2d(conv2dTranspose(h, t, { strides: 2 }), 3, { strides: 2, padding: [[1, 0], [0, 1]] });
    const session = new Session();
    const g = fromOnnx(toOnnx({ y }, { session }), { ignoreRecord: true });
    expect(topoSort([g.outputs.y]).map((k) => k.op.name)).toContain('conv2dTranspose');
    const xv = toInput(batchNhwc(3));
    const loss = (out: Node, vs: Node[]) => gradients(sum(square(out)), vs);
    const want = session.run([y, ...loss(y, [x, f, t])], [[x, xv]]);
    const gx = g.inputs['own/x'];
    const got = new Session().run([g.outputs.y, ...loss(g.outputs.y, [gx, g.variables['own/f'], g.variables['own/t']])], [[gx, xv]]);
    want.forEach((w, i) => expectClose(fromNd(got[i], 'float32'), fromNd(w, 'float32'), 1e-6, `output ${i}`));
  });

  it('names what it cannot read: ceil_mode, dilated pools, a rank-3 Conv, MaxPool\'s Indices, Dropout in training mode', () => {
    const one = (node: NodeProto, shape: number[]) => onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', node: [node],
        initializer: [tensor('w', new Array(9).fill(0.1), 'float32', [1, 1, 9]), tensor('ratio', [0.5], 'float32', []), tensor('train', [1], 'bool', [])],
        input: [valueInfo('x', 'float32', shape)], output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    }).finish();
    expect(() => fromOnnx(one(n('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], ceil_mode: 1 }), [1, 1, 5, 5]))).toThrow(/^fromOnnx: MaxPool 'y': MaxPool with ceil_mode 1 is not supported/);
    expect(() => fromOnnx(one(n('AveragePool', ['x'], ['y'], { kernel_shape: [2, 2], dilations: [2, 2] }), [1, 1, 5, 5]))).toThrow(/AveragePool with dilations \[2,2\] is not supported/);
    expect(() => fromOnnx(one(n('Conv', ['x', 'w'], ['y']), [1, 1, 20]))).toThrow(OnnxImportError);
    const withIndices = onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', node: [n('MaxPool', ['x'], ['p', 'i'], { kernel_shape: [2, 2] }), n('Cast', ['i'], ['y'], { to: 1 })],
        input: [valueInfo('x', 'float32', [1, 1, 4, 4])], output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    }).finish();
    expect(() => fromOnnx(withIndices)).toThrow(/^fromOnnx: Cast 'y': MaxPool 'p': its Indices output is not supported/);
    expect(() => fromOnnx(one(n('Dropout', ['x', 'ratio', 'train'], ['y']), [1, 4]))).toThrow(/Dropout with training_mode 1 is not supported/);
    expect(() => fromOnnx(one(n('Conv', ['x', 'w'], ['y']), [1, 1, 20]))).toThrow(/Conv weight 'w' \[1,1,9\] must be rank 4/);
  });
});
