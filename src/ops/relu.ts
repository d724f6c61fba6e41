import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { greater } from './compare.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';

/**
 * Elementwise max(a, 0).  d relu(a) = [a > 0] da
 * NOTE: relu'(0) = 0 (the mask is a strict `greater`), as in PyTorch, TensorFlow and JAX. NaN stays NaN.
 */
export const Relu = elementwise({ name: 'relu', arity: 1, expr: 'Math.max(a, 0)', ...bySlope(({ inputs: [a] }) => greater(a, 0)) });
export const relu = (a: Operand, opts: { name?: string } = {}): Node => apply(Relu, [a], {}, opts.name);
