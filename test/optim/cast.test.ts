// cast lives in src/ops; its tests sit here because mixed-dtype training (int32 step counts and
// labels, float32 models checked in float64) is what it is for.
import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import { argmax } from '../../src/ops/argmax.js';
import { cast } from '../../src/ops/cast.js';
import { equal } from '../../src/ops/compare.js';
import { constant } from '../../src/graph/constant.js';
import { mean } from '../../src/ops/mean.js';
import { mul } from '../../src/ops/mul.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { sum } from '../../src/ops/sum.js';

const sess = new Session();

describe('cast', () => {
  it('float to int32 truncates toward zero; NaN becomes 0', () => {
    const x = constant([-2.9, -1.5, -0.5, 0.5, 1.5, 2.9, NaN], { dtype: 'float64' });
    expect(toFlat(sess.run(cast(x, 'int32')))).toEqual([-2, -1, 0, 0, 1, 2, 0]);
  });

  it('float64 to float32 rounds to nearest; int32 to float is exact', () => {
    expect(toFlat(sess.run(cast(constant([0.1, 1 / 3], { dtype: 'float64' }), 'float32')))).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(toFlat(sess.run(cast(constant([16777217, -3], { dtype: 'int32' }), 'float64')))).toEqual([16777217, -3]);
  });

  it('to the dtype a value already has is a view: no kernel runs', () => {
    const x = placeholder('cast_view_x', [3], { dtype: 'float64' });
    const y = cast(x, 'float64');
    expect(y.dtype).toBe('float64');
    expect(sess.plan(y, [[x, [1, 2, 3]]]).kernels).toBe(0);
  });

  it('passes gradients between float dtypes, cast back to the input dtype', () => {
    const x = placeholder('cast_grad_x', [2], { dtype: 'float32' });
    const y = sum(mul(cast(x, 'float64'), constant([0.1, 3], { dtype: 'float64' })));
    const [g] = gradients(y, [x]);
    expect(g.dtype).toBe('float32');
    expect(toFlat(sess.run(g, [[x, { data: Float32Array.of(1, 2), shape: [2] }]]))).toEqual([Math.fround(0.1), 3]);
  });

  it('passes no gradient to or from int32: zeros, not an error', () => {
    const x = placeholder('cast_int_x', [2], { dtype: 'float64' });
    const [g] = gradients(sum(cast(cast(x, 'int32'), 'float64')), [x]);
    expect(toFlat(sess.run(g, [[x, [1.5, -2]]]))).toEqual([0, 0]);
  });

  it('makes accuracy from int32 predictions and labels', () => {
    const logits = constant([[0.1, 2, -1], [3, 0, 1], [0, 0.5, 0.4], [1, 2, 3]], { dtype: 'float32' });
    const labels = constant([1, 0, 2, 2], { dtype: 'int32' });
    const accuracy = mean(cast(equal(argmax(logits, { axis: 1 }), labels), 'float32'));
    expect(toFlat(sess.run(accuracy))).toEqual([0.75]);
  });

  it('refuses an unknown dtype', () => {
    expect(() => cast(constant([1]), 'int64' as never)).toThrow('cast: unknown dtype int64 (expected float32, float64 or int32)');
  });
});
