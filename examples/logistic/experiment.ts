/**
 * One training run from a configuration: load, pick the classes, shuffle and split, standardise on
 * the training split, train, evaluate. The CLI prints the result; tests read it.
 */
import { Session } from '../../src/index.js';
import type { TrainConfig } from './config.js';
import { classIndex, loadCsv, loadIris, loadMnist, oneVsRest, selectClasses, type Dataset } from './data.js';
import { UsageError } from './errors.js';
import { accuracy, confusionMatrix } from './metrics.js';
import { buildModel, type Model } from './model.js';
import { makeOptimizer } from './optimizers.js';
import { fitStandardizer, identityStandardizer, shuffleSplit, standardize, type Standardizer } from './prep.js';
import type { Progress } from './progress.js';
import { evaluate, fit, type History } from './train.js';

export interface Experiment {
  readonly config: TrainConfig;
  /** The rows and classes the model learns (after choosing the binary classes), not yet standardised. */
  readonly data: Dataset;
  /** Standardised train and test splits. */
  readonly train: Dataset;
  readonly test: Dataset;
  readonly standardizer: Standardizer;
  readonly model: Model;
  readonly session: Session;
  readonly history: History;
  readonly trainAccuracy: number;
  /** NaN when there are no test rows (--test-fraction 0). */
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** counts[true][predicted] on the test rows. */
  readonly confusion: number[][];
}

export function loadData(source: TrainConfig['source']): Dataset {
  if ('csv' in source) return loadCsv(source.csv, source.label);
  return source.data === 'mnist' ? loadMnist() : loadIris();
}

/**
 * The classes a model of this kind learns. Binary: class 1 is --positive (default: the second class);
 * class 0 is --negative alone when given, else every other class.
 */
export function chooseClasses(data: Dataset, config: Pick<TrainConfig, 'kind' | 'positive' | 'negative'>): Dataset {
  if (config.kind === 'softmax') return data;
  const pos = config.positive === undefined ? 1 : classIndex(data, config.positive, '--positive');
  if (config.negative !== undefined) {
    const neg = classIndex(data, config.negative, '--negative');
    if (neg === pos) throw new UsageError(`--negative: '${data.classes[neg]}' is also the positive class`);
    return selectClasses(data, [neg, pos], [data.classes[neg], data.classes[pos]]);
  }
  if (data.classes.length === 2) return selectClasses(data, [1 - pos, pos], [data.classes[1 - pos], data.classes[pos]]);
  return oneVsRest(data, pos);
}

export interface RunOptions {
  readonly progress?: Progress;
  /** Data already loaded (tests reuse one load); default: load config.source. */
  readonly data?: Dataset;
  /** Called once the data are split, before training starts. */
  readonly onStart?: (what: { data: Dataset; train: Dataset; test: Dataset }) => void;
}

export function runExperiment(config: TrainConfig, opts: RunOptions = {}): Experiment {
  const data = chooseClasses(opts.data ?? loadData(config.source), config);
  const split = shuffleSplit(data, config.testFraction, config.seed);
  const standardizer = config.standardize ? fitStandardizer(split.train) : identityStandardizer(data.features);
  const train = standardize(split.train, standardizer);
  const test = standardize(split.test, standardizer);
  opts.onStart?.({ data, train, test });
  const model = buildModel({ kind: config.kind, features: data.features, classes: data.classes.length, l2: config.l2, dtype: config.dtype });
  const session = new Session({ seed: config.seed });
  const optimizer = makeOptimizer(config.optimizer, config.lr);
  const history = fit(model, session, train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed + 1,
    optimizer,
    progress: opts.progress,
    test,
  });
  const onTrain = evaluate(model, session, train);
  const onTest = test.rows > 0 ? evaluate(model, session, test) : undefined;
  return {
    config,
    data,
    train,
    test,
    standardizer,
    model,
    session,
    history,
    trainAccuracy: accuracy(train.y, onTrain.predicted),
    testAccuracy: onTest ? accuracy(test.y, onTest.predicted) : NaN,
    testLoss: onTest ? onTest.crossEntropy : NaN,
    confusion: confusionMatrix(onTest ? test.y : [], onTest ? onTest.predicted : [], data.classes.length),
  };
}
