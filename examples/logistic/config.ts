/** From parsed flags to a complete training configuration, with the documented defaults filled in. */
import { UsageError } from './errors.js';
import { OPTIMIZERS, type Flags } from './cli.js';

export type Optimizer = (typeof OPTIMIZERS)[number];
export type Kind = 'softmax' | 'binary';

export interface TrainConfig {
  /** Built-in data set, or a CSV file (with its label column; default: the last one). */
  readonly source: { readonly data: 'iris' | 'mnist' } | { readonly csv: string; readonly label?: string };
  readonly kind: Kind;
  /** Binary: the class to detect, and optionally the only other class kept (a pair) instead of the rest. */
  readonly positive?: string;
  readonly negative?: string;
  readonly testFraction: number;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly lr: number;
  readonly l2: number;
  readonly dtype: 'float32' | 'float64';
  readonly standardize: boolean;
  readonly plot?: string;
  readonly save?: string;
}

const ADAPTIVE: readonly Optimizer[] = ['adam', 'adamw', 'rmsprop'];

/**
 * Adaptive optimizers take smaller rates than SGD's. MNIST has ~125 batches per epoch and 784 noisy
 * features, so it wants a rate ten times smaller than Iris or a small CSV, which have a few batches.
 */
export const defaultLearningRate = (o: Optimizer, mnist: boolean): number =>
  ADAPTIVE.includes(o) ? (mnist ? 0.001 : 0.05) : mnist ? 0.05 : 0.1;

export function trainConfig(f: Flags): TrainConfig {
  const str = (k: string) => f[k] as string | undefined;
  const num = (k: string) => f[k] as number | undefined;
  if (str('label') !== undefined && str('csv') === undefined) throw new UsageError('train: --label needs --csv');
  if (str('negative') !== undefined && str('positive') === undefined) throw new UsageError('train: --negative needs --positive');
  const kind = (str('kind') ?? (str('positive') !== undefined ? 'binary' : 'softmax')) as Kind;
  if (kind === 'softmax' && str('positive') !== undefined) throw new UsageError('train: --positive is for --kind binary');
  const csv = str('csv');
  const mnist = csv === undefined && str('data') === 'mnist';
  const optimizer = (str('optimizer') ?? 'adam') as Optimizer;
  return {
    source: csv !== undefined ? { csv, label: str('label') } : { data: mnist ? 'mnist' : 'iris' },
    kind,
    positive: str('positive'),
    negative: str('negative'),
    testFraction: num('test-fraction') ?? 0.2,
    seed: num('seed') ?? 1,
    epochs: num('epochs') ?? (mnist ? 10 : 50),
    batchSize: num('batch-size') ?? (mnist ? 64 : 32),
    optimizer,
    lr: num('lr') ?? defaultLearningRate(optimizer, mnist),
    l2: num('l2') ?? 0,
    dtype: (str('dtype') ?? 'float32') as 'float32' | 'float64',
    standardize: (f.standardize as boolean | undefined) ?? true,
    plot: str('plot'),
    save: str('save'),
  };
}
