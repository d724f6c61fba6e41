/**
 * dagrad's logistic-regression example, as a command-line program:
 *   npm run logistic -- train [flags]      (the default command)
 *   npm run logistic -- predict --model FILE [--csv FILE]
 *   npm run logistic -- export --model FILE --onnx FILE.onnx
 * A usage mistake prints one line on stderr and exits with 2; see docs/logistic.md.
 */
import { EXPORT_FLAGS, helpText, parseFlags, PREDICT_FLAGS, TRAIN_FLAGS } from './cli.js';
import { trainConfig } from './config.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { runExperiment } from './experiment.js';
import { exportOnnx } from './onnx.js';
import { saveModel } from './persist.js';
import { predictCommand } from './predict.js';
import { chartFile, checkOutputPath, svgChart, writeFileAtomic } from './plot.js';
import { consoleProgress } from './progress.js';
import { describeRun, formatReport, lossSeries, runTitle } from './report.js';

const TRAIN_SUMMARY =
  'Trains logistic regression (softmax: one class of several; binary: one class against another\n' +
  'or the rest) on Iris, MNIST digits or a CSV file; reports accuracy, test loss and a confusion matrix.';
const PREDICT_SUMMARY = 'Classifies the rows of a CSV file (or standard input) with a saved model: one class per line.';
const EXPORT_SUMMARY =
  'Writes a saved model as one ONNX file (opset 18): the graph and weights, for ONNX Runtime or\n' +
  "'predict --model FILE.onnx'. Input 'x': standardised features; outputs 'predicted' and 'probabilities'.";

const USAGE = `usage: npm run logistic -- [train|predict] [flags]

commands:
  train     train a model and report how good it is (the default command)
  predict   classify CSV rows with a saved model, one class per line
  export    write a saved model as an ONNX file (export --model FILE --onnx FILE.onnx)

'npm run logistic -- train --help' and 'npm run logistic -- predict --help' list the flags.
`;

async function train(args: string[]): Promise<void> {
  const flags = parseFlags(args, TRAIN_FLAGS, 'train');
  if (flags.help) return void process.stdout.write(helpText('train', TRAIN_SUMMARY, TRAIN_FLAGS));
  const config = trainConfig(flags);
  // a bad output path is found now, not after the training it would lose
  if (config.plot) checkOutputPath(config.plot, '--plot', ['.svg', '.png']);
  if (config.save) checkOutputPath(config.save, '--save');
  const experiment = runExperiment(config, {
    progress: consoleProgress(process.stdout),
    onStart: (split) => console.log(describeRun(config, split) + '\n'),
  });
  console.log('\n' + formatReport(experiment, { color: process.stdout.isTTY }));
  if (config.plot) {
    writeFileAtomic(config.plot, await chartFile(config.plot, svgChart(lossSeries(experiment), runTitle(config, experiment.data))));
    console.log(`\nloss curve written to ${config.plot}`);
  }
  if (config.save) {
    const files = saveModel(config.save, experiment);
    console.log(`\nmodel saved to ${files.join(' and ')}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === 'predict') {
    const flags = parseFlags(rest, PREDICT_FLAGS, 'predict');
    if (flags.help) return void process.stdout.write(helpText('predict', PREDICT_SUMMARY, PREDICT_FLAGS));
    return predictCommand(flags);
  }
  if (first === 'export') {
    const flags = parseFlags(rest, EXPORT_FLAGS, 'export');
    if (flags.help) return void process.stdout.write(helpText('export', EXPORT_SUMMARY, EXPORT_FLAGS));
    if (flags.model === undefined || flags.onnx === undefined) throw new UsageError('export: --model FILE and --onnx FILE.onnx are both required');
    const size = exportOnnx(flags.model as string, flags.onnx as string);
    return void console.log(`ONNX model written to ${flags.onnx} (${size} bytes)`);
  }
  if (first === 'train') return train(rest);
  if (first === 'help' || first === '--help' || first === '-h') return void process.stdout.write(USAGE);
  if (first !== undefined && !first.startsWith('--')) throw new UsageError(`unknown command '${first}' (commands: train, predict, export; see --help)`);
  return train(argv);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`logistic: ${e.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    // Not the user's mistake: say so in one line; DAGRAD_DEBUG=1 shows where.
    process.stderr.write(`logistic: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.DAGRAD_DEBUG) console.error(e);
    process.exitCode = 1;
  }
}
