/**
 * Command-line flags: one table gives each flag's kind, default and help line, so the parser and
 * `--help` cannot disagree. `--name value`, `--name=value` and `--no-name` (for switches) are accepted.
 */
import { DECIMAL } from './csv.js';
import { UsageError } from './errors.js';

type Kind = 'string' | 'int' | 'number' | 'switch';

interface FlagSpec {
  readonly kind: Kind;
  readonly help: string;
  /** A value shown in the help; the real default is applied by the command (some depend on the data). */
  readonly shown?: string;
  readonly choices?: readonly string[];
  readonly min?: number;
  /** The value must be greater than `min`, not equal to it. */
  readonly above?: boolean;
  readonly max?: number;
  readonly below?: boolean;
  readonly metavar?: string;
}

export type Flags = Record<string, string | number | boolean | undefined>;

export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { kind: 'string', choices: ['iris', 'mnist'], shown: 'iris', help: 'built-in data set (ignored with --csv)' },
  csv: { kind: 'string', metavar: 'FILE', help: 'train on a CSV file instead: a header row, numeric feature columns' },
  label: { kind: 'string', metavar: 'COLUMN', shown: 'the last column', help: 'the CSV column that holds the class (names or numbers)' },
  kind: {
    kind: 'string',
    choices: ['softmax', 'binary'],
    shown: 'softmax, or binary when --positive is given',
    help: 'multinomial (softmax cross-entropy) or binary (sigmoid cross-entropy) logistic regression',
  },
  positive: { kind: 'string', metavar: 'CLASS', help: 'binary: the class to detect (name or index; default: the second class)' },
  negative: { kind: 'string', metavar: 'CLASS', help: 'binary: keep only this class as the other side (default: all other classes)' },
  'test-fraction': { kind: 'number', min: 0, max: 1, below: true, shown: '0.2', help: 'share of the rows held out for testing' },
  seed: { kind: 'int', shown: '1', help: 'seeds the shuffle before the split and the order of the batches' },
  epochs: { kind: 'int', min: 1, shown: '50; mnist: 10', help: 'passes over the training rows' },
  'batch-size': { kind: 'int', min: 1, shown: '32; mnist: 64', help: 'rows per gradient step' },
  optimizer: { kind: 'string', choices: OPTIMIZERS, metavar: 'NAME', shown: 'adam', help: `${OPTIMIZERS.join(', ')} (momentum and nesterov: 0.9)` },
  lr: { kind: 'number', min: 0, above: true, shown: 'adam/adamw/rmsprop 0.05, others 0.1; mnist: 0.001 and 0.05', help: 'learning rate' },
  l2: { kind: 'number', min: 0, shown: '0', help: 'L2 penalty: the loss adds l2/2 * sum(W^2) (the bias is not penalised)' },
  dtype: { kind: 'string', choices: ['float32', 'float64'], shown: 'float32', help: 'floating-point type of the model' },
  standardize: { kind: 'switch', shown: 'on', help: 'standardise features with the training split\'s mean and std (--no-standardize: off)' },
  plot: { kind: 'string', metavar: 'FILE', help: 'also draw the loss curve: SVG, or PNG when FILE ends in .png' },
  save: { kind: 'string', metavar: 'FILE', help: 'save the trained model (checkpoint FILE plus FILE.json, see docs/logistic.md)' },
  help: { kind: 'switch', help: 'show this help' },
};

export const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: { kind: 'string', metavar: 'FILE', help: 'a model written by `train --save FILE`, or a FILE.onnx written by `export` (required)' },
  csv: { kind: 'string', metavar: 'FILE', shown: 'standard input', help: 'rows to classify: a header row naming the model\'s feature columns' },
  help: { kind: 'switch', help: 'show this help' },
};

export const EXPORT_FLAGS: Record<string, FlagSpec> = {
  model: { kind: 'string', metavar: 'FILE', help: 'a model written by `train --save FILE` (required)' },
  onnx: { kind: 'string', metavar: 'FILE.onnx', help: 'the ONNX file to write: graph, weights and what predict needs (required)' },
  help: { kind: 'switch', help: 'show this help' },
};

/** Parses `args` against `specs`; every mistake is a UsageError naming the flag. */
export function parseFlags(args: readonly string[], specs: Record<string, FlagSpec>, command: string): Flags {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`${command}: unexpected argument '${arg}' (flags start with --; see --help)`);
    const eq = arg.indexOf('=');
    let name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.kind === 'switch') {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`${command}: unknown flag --${name} (see --help)`);
    if (name in flags) throw new UsageError(`${command}: --${name} is given twice`);
    if (spec.kind === 'switch') {
      if (value !== undefined) throw new UsageError(`${command}: --${name} takes no value`);
      flags[name] = !negated;
      continue;
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value`);
    }
    flags[name] = convert(name, spec, value, command);
  }
  return flags;
}

function convert(name: string, spec: FlagSpec, value: string, command: string): string | number {
  const fail = (want: string) => new UsageError(`${command}: --${name} must be ${want}, got '${value}'`);
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(value)) throw fail(`one of ${spec.choices.join(', ')}`);
    if (value === '') throw fail('a non-empty string');
    return value;
  }
  const v = DECIMAL.test(value.trim()) ? Number(value) : NaN;
  if (spec.kind === 'int' && !Number.isInteger(v)) throw fail('an integer');
  if (!Number.isFinite(v)) throw fail('a number');
  if (spec.min !== undefined && (spec.above ? v <= spec.min : v < spec.min)) throw fail(`${spec.above ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined && (spec.below ? v >= spec.max : v > spec.max)) throw fail(`${spec.below ? '<' : '<='} ${spec.max}`);
  return v;
}

/** The help text: usage, then one aligned line per flag with its default. */
export function helpText(command: string, summary: string, specs: Record<string, FlagSpec>): string {
  const left = Object.entries(specs).map(([name, s]) => {
    if (s.kind === 'switch') return name === 'help' ? '--help' : `--[no-]${name}`;
    const meta = s.metavar ?? (s.choices ? s.choices.join('|') : s.kind === 'string' ? 'TEXT' : s.kind === 'int' ? 'N' : 'X');
    return `--${name} ${meta}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = Object.values(specs).map((s, k) => {
    const text = wrap(s.help + (s.shown ? ` (default: ${s.shown})` : ''), 96 - width);
    return `  ${left[k].padEnd(width)}${text.join(`\n  ${' '.repeat(width)}`)}`;
  });
  return `usage: npm run logistic -- ${command} [flags]\n\n${summary}\n\nflags:\n${lines.join('\n')}\n`;
}

/** Greedy word wrap to lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
