/**
 * Random draws in standard ONNX (opset 18). No ONNX op reproduces dagrad's counter-based generator,
 * so, as PyTorch's exporter does for dropout in training mode, the draws are ONNX Runtime's own:
 * RandomUniform(Like) and RandomNormal(Like), seeded from the op's exported state so that a model file
 * draws the same sequence in every fresh ONNX Runtime session (but not dagrad's numbers). What stays
 * equal is the distribution, the shape, dropout's scale 1 / (1 - rate), and, because a draw is one ONNX
 * value read by every node that needs it, the same mask in the forward pass and in the gradient.
 */
import type { DType, Node } from '../index.js';
import type { Builder, Lowering, OnnxAttr } from './lowerings.js';
import { ELEM } from './proto.js';

interface RandomAttrs {
  readonly dist: 'uniform' | 'normal';
  readonly a: number;
  readonly b: number;
  readonly shape: readonly number[] | null;
  readonly dtype: DType;
}

/**
 * ONNX's seed is a float attribute: the state's seed folded into 24 bits stays an exact float32.
 * (The counter is left out: ONNX Runtime keeps its own generator's position within a session.)
 */
const seedOf = (b: Builder, n: Node): { float: number } => ({ float: (Number(b.valueOf(n.inputs[0])[0]) >>> 0) % 2 ** 24 });

export const RANDOM_LOWERINGS: Readonly<Record<string, Lowering>> = {
  random: (b, [, like], n) => {
    const a = n.attrs as RandomAttrs;
    const params: Record<string, OnnxAttr> = a.dist === 'uniform' ? { low: { float: a.a }, high: { float: a.b } } : { mean: { float: a.a }, scale: { float: a.b } };
    const attrs: Record<string, OnnxAttr> = { dtype: ELEM[a.dtype], seed: seedOf(b, n), ...params };
    const op = a.dist === 'uniform' ? 'RandomUniform' : 'RandomNormal';
    return a.shape ? b.node(op, [], { ...attrs, shape: [...a.shape] }) : b.node(`${op}Like`, [like], attrs);
  },
  // 0 with probability rate, else 1 / (1 - rate); all ones where the training flag is 0.
  dropoutMask: (b, [, like, training], n) => {
    const { rate } = n.attrs as { rate: number };
    const u = b.node('RandomUniformLike', [like], { dtype: ELEM[n.dtype], low: { float: 0 }, high: { float: 1 }, seed: seedOf(b, n) });
    const mask = b.node('Where', [b.node('Less', [u, b.scalar(rate, n.dtype)]), b.scalar(0, n.dtype), b.scalar(1 / (1 - rate), n.dtype)]);
    return training === undefined ? mask : b.node('Where', [b.node('Cast', [training], { to: ELEM.bool }), mask, b.scalar(1, n.dtype)]);
  },
};
