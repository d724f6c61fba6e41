import type { NdArray } from 'ndarray';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes, formatShape, ShapeError } from '../graph/shape.js';
import { bindMatmul, matmulInto } from '../kernels/matmul.js';
import { addTangents, sumTo } from './broadcast.js';

export interface MatmulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Swaps the last two axes of a view (no copy). */
const swapLast = (x: NdArray): NdArray => {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return x.transpose(...perm);
};

/**
 * Matrix product of the last two axes, batched (with broadcasting) over the leading ones.
 * C = op(A) op(B), op = transpose when asked.  dA = G op(B)^T, dB = op(A)^T G (then transposed back).
 */
export const Matmul = defineOp<MatmulAttrs>({
  name: 'matmul',
  infer: ([a, b], { transposeA, transposeB }) => {
    const pair = `${formatShape(a.shape)}${transposeA ? 'T' : ''} x ${formatShape(b.shape)}${transposeB ? 'T' : ''}`;
    if (a.shape.length < 2 || b.shape.length < 2) throw new ShapeError(`operands need rank >= 2: ${pair}`);
    const dtype = sameDType([a, b], FLOATS);
    const [m, ka] = transposeA ? [a.shape.at(-1)!, a.shape.at(-2)!] : [a.shape.at(-2)!, a.shape.at(-1)!];
    const [kb, n] = transposeB ? [b.shape.at(-1)!, b.shape.at(-2)!] : [b.shape.at(-2)!, b.shape.at(-1)!];
    if (ka !== null && kb !== null && ka !== kb) throw new ShapeError(`inner dimensions differ: ${pair}`);
    let batch;
    try {
      batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      throw new ShapeError(`batch dimensions do not broadcast: ${pair}`);
    }
    return { shape: [...batch, m, n], dtype };
  },
  forward: ([a, b], out, { transposeA, transposeB }) =>
    matmulInto(out, transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b),
  bind: ([a, b], out, { transposeA, transposeB }) => bindMatmul(out, transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b),
  backward: (g, { inputs: [a, b], attrs: { transposeA: ta, transposeB: tb } }) => {
    const da = !ta
      ? matmul(g, b, { transposeB: !tb })
      : matmul(b, g, { transposeA: tb, transposeB: true });
    const db = !tb
      ? matmul(a, g, { transposeA: !ta })
      : matmul(g, a, { transposeA: true, transposeB: ta });
    return [sumTo(da, a), sumTo(db, b)];
  },
  jvp: ([da, db], { inputs: [a, b], attrs }) =>
    addTangents(da && matmul(da, b, attrs), db && matmul(a, db, attrs)),
});

export const matmul = (a: Node, b: Node, opts: Partial<MatmulAttrs> & { name?: string } = {}): Node =>
  apply(Matmul, [a, b], { transposeA: opts.transposeA ?? false, transposeB: opts.transposeB ?? false }, opts.name);
