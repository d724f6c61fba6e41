/**
 * Trains the small CNN of cnn.ts on MNIST digits and reports held-out accuracy and the confusion
 * matrix; saves the weights as a dagrad checkpoint. See docs/cnn.md.
 *   npm run example:cnn -- [--epochs N] [--batch-size N] [--lr X] [--seed N] [--batchnorm] [--dropout RATE] [--conv-dropout RATE] [--filters A,B] [--units N] [--save FILE]
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '../../src/node/index.js';
import { DEFAULTS, formatConfusion, trainCnn, type CnnConfig } from './cnn.js';

function parse(argv: string[]): { config: CnnConfig; save: string } {
  const config = { ...DEFAULTS };
  let save = join(tmpdir(), 'dagrad-cnn.ckpt');
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i], value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} needs an integer >= 1`);
      return v;
    };
    if (flag === '--epochs') config.epochs = int();
    else if (flag === '--batch-size') config.batchSize = int();
    else if (flag === '--seed') config.seed = int();
    else if (flag === '--limit') config.limit = int();
    else if (flag === '--lr') config.learningRate = Number(value());
    else if (flag === '--batchnorm') config.batchNorm = true;
    else if (flag === '--dropout') config.dropout = Number(value());
    else if (flag === '--conv-dropout') config.convDropout = Number(value());
    else if (flag === '--save') save = value();
    else if (flag === '--filters') {
      const fs = value().split(',').map(Number);
      if (fs.length !== 2 || !fs.every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`${flag} needs two integers >= 1, as 32,64`);
      config.filters = [fs[0], fs[1]];
    } else if (flag === '--units') config.units = int();
    else throw new Error(`unknown flag ${flag} (flags: --epochs --batch-size --lr --seed --limit --batchnorm --dropout --conv-dropout --filters --units --save)`);
  }
  return { config, save };
}

try {
  const { config, save } = parse(process.argv.slice(2));
  const r = trainCnn(config, undefined, (line) => console.log(line));
  console.log(`\ntrained in ${r.trainSeconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s of CPU time)`);
  console.log(`held-out accuracy: ${(100 * r.accuracy).toFixed(2)}% of ${r.confusion.flat().reduce((a, b) => a + b)} digits\n`);
  console.log(formatConfusion(r.confusion));
  saveCheckpoint(r.session, save, r.model.variables);
  console.log(`\nmodel saved to ${save}`);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}
