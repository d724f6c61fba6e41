/**
 * A saved model is two files:
 *   FILE       a dagrad checkpoint (saveCheckpoint) of the training session: the weights
 *              'logistic/W' and 'logistic/b', and the optimizer's slots and step count;
 *   FILE.json  what prediction needs besides the weights: the kind of model, its dtype, the feature
 *              names in column order, the feature means and standard deviations, the class names.
 * Both are written to a temporary file and renamed, so an interrupted save leaves the old files whole.
 * JSON keeps every float64 exactly (JavaScript prints the shortest decimal that reads back the same).
 */
import { existsSync } from 'node:fs';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../../src/node/index.js';
import { Session } from '../../src/index.js';
import { readText } from './data.js';
import { UsageError } from './errors.js';
import type { Experiment } from './experiment.js';
import { buildModel, type Model } from './model.js';
import { writeFileAtomic } from './plot.js';
import type { Standardizer } from './prep.js';

export const FORMAT = 'dagrad-logistic';
export const VERSION = 1;

export interface ModelInfo {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly kind: 'softmax' | 'binary';
  readonly dtype: 'float32' | 'float64';
  /** Feature columns, in the order the weights' rows use them. */
  readonly features: string[];
  /** Class names; binary: [negative, positive]. */
  readonly classes: string[];
  readonly standardizer: Standardizer;
  /** Names of the weight and bias variables in the checkpoint. */
  readonly variables: { readonly weights: string; readonly bias: string };
  /** How the model was trained, for the record. */
  readonly trainedWith: Record<string, unknown>;
}

export const infoPath = (path: string): string => `${path}.json`;

/** Writes FILE and FILE.json; returns their paths. */
export function saveModel(path: string, e: Experiment): string[] {
  const info: ModelInfo = {
    format: FORMAT,
    version: VERSION,
    kind: e.model.kind,
    dtype: e.model.dtype,
    features: e.data.featureNames,
    classes: e.data.classes,
    standardizer: e.standardizer,
    variables: { weights: e.model.weights.name, bias: e.model.bias.name },
    trainedWith: { ...e.config, save: undefined, plot: undefined, testAccuracy: e.testAccuracy },
  };
  try {
    saveCheckpoint(e.session, path);
  } catch (err) {
    throw new UsageError(`cannot save the model to ${path}: ${(err as Error).message}`);
  }
  writeFileAtomic(infoPath(path), JSON.stringify(info, null, 2) + '\n');
  return [path, infoPath(path)];
}

export interface LoadedModel {
  readonly info: ModelInfo;
  readonly model: Model;
  readonly session: Session;
}

/** Reads FILE.json, rebuilds the model and loads its weights from FILE (the optimizer's slots are skipped). */
export function loadModel(path: string): LoadedModel {
  if (!existsSync(path)) throw new UsageError(`no model at ${path} (write one with: train --save ${path})`);
  const info = parseInfo(readText(infoPath(path)), infoPath(path));
  const model = buildModel({ kind: info.kind, features: info.features.length, classes: info.classes.length, l2: 0, dtype: info.dtype });
  if (model.weights.name !== info.variables.weights || model.bias.name !== info.variables.bias) {
    throw new UsageError(`${infoPath(path)}: variables ${JSON.stringify(info.variables)} are not this program's`);
  }
  const session = new Session();
  try {
    loadCheckpoint(session, path, [model.weights, model.bias], { strict: false });
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    throw new UsageError(err.message.replace(/\n\s*/g, ' '));
  }
  return { info, model, session };
}

function parseInfo(text: string, source: string): ModelInfo {
  let info: ModelInfo;
  try {
    info = JSON.parse(text) as ModelInfo;
  } catch (err) {
    throw new UsageError(`${source}: not JSON (${(err as Error).message})`);
  }
  const bad = (what: string) => new UsageError(`${source}: ${what}; was it written by 'train --save'?`);
  if (info?.format !== FORMAT) throw bad(`format is not '${FORMAT}'`);
  if (info.version !== VERSION) throw bad(`version ${info.version} is not ${VERSION}`);
  const strings = (xs: unknown) => Array.isArray(xs) && xs.every((x) => typeof x === 'string');
  const numbers = (xs: unknown, n: number) => Array.isArray(xs) && xs.length === n && xs.every((x) => Number.isFinite(x));
  if (info.kind !== 'softmax' && info.kind !== 'binary') throw bad(`unknown kind '${info.kind}'`);
  if (info.dtype !== 'float32' && info.dtype !== 'float64') throw bad(`unknown dtype '${info.dtype}'`);
  if (!strings(info.features) || info.features.length === 0) throw bad('no feature names');
  if (!strings(info.classes) || info.classes.length < 2) throw bad('fewer than two class names');
  const d = info.features.length;
  if (!numbers(info.standardizer?.mean, d) || !numbers(info.standardizer?.std, d)) throw bad(`means and stds are not ${d} numbers each`);
  return info;
}
