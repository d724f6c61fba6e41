/**
 * The browser check of dagrad/onnx (scripts/onnx-browser.ts opens this page in Chromium): in the
 * page, train the logistic example's model a little, export it, read it back, and run the exported
 * bytes in onnxruntime-web's wasm backend; report the largest differences from dagrad's own run.
 */
import * as ort from 'onnxruntime-web/wasm';
import { Adam, Rng, Session } from '../../../src/index.js';
import { fromOnnx, toOnnx } from '../../../src/onnx/index.js';
import { buildModel } from '../../../examples/logistic/model.js';

async function main(): Promise<Record<string, unknown>> {
  const m = buildModel({ kind: 'softmax', features: 4, classes: 3, l2: 0, dtype: 'float32' });
  const session = new Session();
  const step = new Adam({ learningRate: 0.1, name: 'pageAdam' }).minimize(m.loss);
  const rng = new Rng(4);
  const rows = 60;
  const labels = Array.from({ length: rows }, (_, i) => i % 3);
  const xs = labels.flatMap((c) => Array.from({ length: 4 }, (_, j) => (j === c ? 1.5 : 0) + rng.normal(0, 1)));
  const feeds = [[m.x, { data: xs, shape: [rows, 4] }], [m.y, { data: labels, shape: [rows] }]] as const;
  for (let i = 0; i < 30; i++) session.run(step, feeds);
  const want = session.run({ p: m.probabilities, k: m.predicted }, [feeds[0]]);
  const bytes = toOnnx({ p: m.probabilities, k: m.predicted }, { session });

  ort.env.wasm.numThreads = 1;
  const ortSession = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const got = await ortSession.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [rows, 4]) });
  const back = fromOnnx(bytes);
  const again = new Session().run({ p: back.outputs.p, k: back.outputs.k }, [[back.inputs.x, { data: xs, shape: [rows, 4] }]]);

  const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
  const wantP = want.p.data as Float32Array, wantK = want.k.data as Int32Array;
  return {
    bytes: bytes.length,
    ortMaxDiff: diff(got.p.data as Float32Array, wantP),
    ortClassesEqual: Array.from(got.k.data as Int32Array).every((k, i) => k === wantK[i]),
    roundTripMaxDiff: diff(again.p.data as Float32Array, wantP),
    accuracy: Array.from(wantK).filter((k, i) => k === labels[i]).length / rows,
  };
}

const status = document.getElementById('status')!;
main().then(
  (r) => {
    document.getElementById('report')!.textContent = JSON.stringify(r);
    status.textContent = 'done';
  },
  (e: unknown) => {
    document.getElementById('report')!.textContent = String(e instanceof Error ? e.stack ?? e.message : e);
    status.textContent = 'error';
  },
);
