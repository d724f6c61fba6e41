import { describe, expect, it } from 'vitest';
import { gradients } from '../../src/autodiff/gradients.js';
import { Session } from '../../src/session/session.js';
import { toFlat } from '../../src/graph/tensor.js';
import * as init from '../../src/init/initializers.js';
import { add } from '../../src/ops/add.js';
import { assign, assignAdd, assignSub } from '../../src/ops/assign.js';
import { broadcastTo } from '../../src/ops/broadcast.js';
import { softmaxCrossEntropyWithLogits } from '../../src/ops/crossEntropy.js';
import { div } from '../../src/ops/div.js';
import { exp } from '../../src/ops/exp.js';
import { group } from '../../src/ops/group.js';
import { log } from '../../src/ops/log.js';
import { matmul } from '../../src/ops/matmul.js';
import { mean } from '../../src/ops/mean.js';
import { mul } from '../../src/ops/mul.js';
import { neg } from '../../src/ops/neg.js';
import { placeholder } from '../../src/ops/placeholder.js';
import { relu } from '../../src/ops/relu.js';
import { reshape } from '../../src/ops/reshape.js';
import { sigmoid } from '../../src/ops/sigmoid.js';
import { sub } from '../../src/ops/sub.js';
import { sum } from '../../src/ops/sum.js';
import { tanh } from '../../src/ops/tanh.js';
import { transpose } from '../../src/ops/transpose.js';
import { variable } from '../../src/ops/variable.js';
import { draw, expectSameAsUnplanned } from './helpers.js';

describe('a planned run gives the unplanned values bit for bit', () => {
  it('on an MLP, forward and backward', () => {
    const x = placeholder('mlp_x', [null, 5]);
    const labels = placeholder('mlp_labels', [null, 3]);
    const w1 = variable('mlp_w1', init.glorotUniform([5, 16]));
    const b1 = variable('mlp_b1', init.uniform([16], { min: -0.1, max: 0.1 }));
    const w2 = variable('mlp_w2', init.glorotUniform([16, 3]));
    const b2 = variable('mlp_b2', init.zeros([3]));
    const h = relu(add(matmul(x, w1), b1));
    const loss = mean(softmaxCrossEntropyWithLogits({ labels, logits: add(matmul(h, w2), b2) }));
    const grads = gradients(loss, [w1, b1, w2, b2]);
    const oneHot = Array.from({ length: 8 }, (_, i) => [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
    const feeds = { mlp_x: { data: new Float32Array(draw(40, 1)), shape: [8, 5] }, mlp_labels: oneHot };
    const plan = expectSameAsUnplanned([loss, ...grads], feeds);
    expect(plan.memory.peakBytes).toBeLessThan(plan.memory.unplannedBytes);
    expect(plan.memory.inPlace).toBeGreaterThan(0);
  });

  it('on a diamond: two paths from one input meet again', () => {
    const a = placeholder('dia_a', [3, 4], { dtype: 'float64' });
    const top = exp(a);
    const bottom = log(add(a, 3));
    const joined = mul(top, bottom);
    const [g] = gradients(sum(joined), [a]);
    expectSameAsUnplanned([joined, g], { dia_a: { data: new Float64Array(draw(12, 2)), shape: [3, 4] } });
  });

  it('on fan-out: one value read by many steps, the last of which may overwrite it', () => {
    const a = placeholder('fan_a', [6]);
    const t = tanh(a);
    const outs = [exp(t), neg(t), mul(t, t), sub(1, t), div(t, 2)];
    const total = outs.reduce((acc, o) => add(acc, o));
    const [g] = gradients(total, [a]);
    expectSameAsUnplanned([total, g], { fan_a: draw(6, 3) });
  });

  it('on views of a feed and of a variable, which are never overwritten', () => {
    const x = placeholder('view_x', [2, 3]);
    const v = variable('view_v', init.uniform([3, 2], { min: -1, max: 1 }));
    const xt = transpose(x);
    const flat = reshape(x, [6]);
    const r = add(neg(exp(xt)), v);
    const s = add(mul(reshape(r, [6]), flat), broadcastTo(reshape(v, [6]), [2, 6]));
    const [gx] = gradients(sum(s), [x]);
    const plan = expectSameAsUnplanned([x, v, s, gx], { view_x: { data: new Float32Array(draw(6, 4)), shape: [2, 3] } });
    expect(plan.memory.inPlace).toBeGreaterThan(0);
  });

  it('on an in-place chain, with a node fetched in its middle', () => {
    const x = placeholder('chain_x', [5], { dtype: 'float64' });
    let y = x;
    const middle: typeof x[] = [];
    for (let i = 0; i < 30; i++) {
      y = i % 3 === 0 ? sigmoid(y) : i % 3 === 1 ? add(mul(y, 1.5), 0.25) : neg(y);
      if (i === 10 || i === 20) middle.push(y);
    }
    const [g] = gradients(sum(y), [x]);
    const plan = expectSameAsUnplanned([middle[0], y, middle[1], g], { chain_x: draw(5, 5) });
    expect(plan.memory.inPlace).toBeGreaterThan(20);
  });

  it('on assigns: new values and the variables after two runs', () => {
    const v = variable('asg_v', [1, 2, 3], { dtype: 'float64' });
    const w = variable('asg_w', [0.5, -0.5, 2], { dtype: 'float64' });
    const x = placeholder('asg_x', [3], { dtype: 'float64' });
    const step = mul(exp(mul(v, x)), 0.1);
    const update = group([assignSub(v, step), assignAdd(w, neg(step)), assign(v, add(v, w))]);
    const feeds = { asg_x: [0.3, -0.2, 0.1] };
    const sessions = [new Session({ planMemory: false }), new Session()];
    const seen = sessions.map((s) => {
      const values = [0, 1].map(() => s.run([step, update], feeds)[0]).map(toFlat);
      return [...values, toFlat(s.getValue(v)), toFlat(s.getValue(w))];
    });
    expect(seen[1]).toEqual(seen[0]);
  });
});
