/**
 * The model as one ONNX file (`export --model FILE --onnx OUT.onnx`), and `predict` from it.
 * The file holds the inference graph and its weights: input `x` takes standardised features
 * [rows, features]; outputs `predicted` (int32 class per row) and `probabilities`. What prediction
 * needs besides (feature names, their means and stds, class names) is in its metadata under
 * `dagrad-logistic`, so predict needs nothing but the file: not model.ts, not the checkpoint.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from '../../src/index.js';
import { fromOnnx, toOnnx, OPSET } from '../../src/onnx/index.js';
import { UsageError } from './errors.js';
import { loadModel, FORMAT, VERSION } from './persist.js';
import type { Standardizer } from './prep.js';

const KEY = 'dagrad-logistic';

export interface OnnxInfo {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly features: string[];
  readonly classes: string[];
  readonly standardizer: Standardizer;
}

/** Writes the model saved at `modelPath` (train --save) as an ONNX file; returns its size in bytes. */
export function exportOnnx(modelPath: string, outPath: string): number {
  const { info, model, session } = loadModel(modelPath);
  const notes: OnnxInfo = { format: FORMAT, version: VERSION, features: info.features, classes: info.classes, standardizer: info.standardizer };
  const bytes = toOnnx({ predicted: model.predicted, probabilities: model.probabilities }, {
    session, name: 'logistic', metadata: { [KEY]: JSON.stringify(notes) },
  });
  const tmp = `${outPath}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, outPath);
  } catch (e) {
    throw new UsageError(`cannot write ${outPath}: ${(e as Error).message}`);
  }
  return bytes.length;
}

export const isOnnxPath = (path: string): boolean => path.toLowerCase().endsWith('.onnx');

export interface OnnxPredictor {
  readonly info: OnnxInfo;
  /** Classes of standardised rows (row-major, rows x features). */
  predict(x: Float64Array, rows: number): Int32Array;
}

/** Reads an ONNX file written by `export`. */
export function loadOnnx(path: string): OnnxPredictor {
  if (!existsSync(path)) throw new UsageError(`no model at ${path} (write one with: export --model FILE --onnx ${path})`);
  let graph;
  try {
    graph = fromOnnx(readFileSync(path));
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
  const text = graph.metadata[KEY];
  if (text === undefined) throw new UsageError(`${path}: no '${KEY}' metadata; was it written by 'export --onnx'?`);
  const info = JSON.parse(text) as OnnxInfo;
  if (info.format !== FORMAT || info.version !== VERSION) throw new UsageError(`${path}: '${KEY}' metadata is not ${FORMAT} version ${VERSION}`);
  const x = graph.inputs.x, predicted = graph.outputs.predicted;
  if (!x || !predicted) throw new UsageError(`${path}: expected an input 'x' and an output 'predicted' (opset ${OPSET} file from 'export --onnx')`);
  const session = new Session();
  return {
    info,
    predict(data, rows) {
      const out = session.run(predicted, [[x, { data: x.dtype === 'float64' ? data : Float32Array.from(data), shape: [rows, info.features.length] }]]);
      return Int32Array.from(out.data as Int32Array);
    },
  };
}
