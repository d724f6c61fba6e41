import { Session, gradients, init, matmul, mean, placeholder, sigmoid, sub, square, toNested, variable } from '../../src/index.js';

// A graph: a one-layer model and its squared error.
const x = placeholder('x', [null, 2]);
const y = placeholder('y', [null, 1]);
const w = variable('w', init.zeros([2, 1]));
const pred = sigmoid(matmul(x, w));
const loss = mean(square(sub(pred, y)));
const [dw] = gradients(loss, [w]); // a graph node, like any other

const sess = new Session({ seed: 0 });
const feeds = { x: [[1, 2], [3, 4]], y: [[0], [1]] };
const { l, g } = sess.run({ l: loss, g: dw }, feeds);
console.log('loss', toNested(l), 'dloss/dw', toNested(g));
