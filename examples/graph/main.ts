/**
 * Draws a logistic-regression model and its gradient graph: docs/graph.svg (and docs/graph.png).
 * `npm run example:graph`
 */
import { Resvg } from '@resvg/resvg-js';
import { instance } from '@viz-js/viz';
import { writeFileSync } from 'node:fs';
import { add, gradients, init, matmul, mean, placeholder, sigmoidCrossEntropyWithLogits, toDot, variable } from '../../src/index.js';

const x = placeholder('x', [null, 4]);
const y = placeholder('y', [null, 1]);
const w = variable('w', init.zeros([4, 1]));
const b = variable('b', init.zeros([1]));
const logits = add(matmul(x, w, { name: 'xw' }), b, { name: 'logits' });
const loss = mean(sigmoidCrossEntropyWithLogits({ labels: y, logits, name: 'xent' }), { name: 'loss' });
const [dw, db] = gradients(loss, [w, b]);

const dot = toDot([dw, db], { forward: loss, title: 'logistic regression: loss (white) and its gradients dw, db (shaded)' });
const svg = (await instance()).renderString(dot, { format: 'svg', engine: 'dot' });
const png = new Resvg(svg, { font: { defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
writeFileSync(new URL('../../docs/graph.svg', import.meta.url), svg);
writeFileSync(new URL('../../docs/graph.png', import.meta.url), png);
console.log(`drew ${dot.split('\n').filter((l) => l.includes('[label=')).length} nodes: docs/graph.svg, docs/graph.png`);
