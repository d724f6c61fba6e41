/**
 * Training progress: a cli-progress bar with the running loss in a terminal; one plain line per epoch
 * otherwise (cli-progress prints nothing when stdout is not a terminal, and logs want lines anyway).
 */
import cliProgress from 'cli-progress';

export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  /** Mean loss over the epoch's batches (weighted by batch size), before each batch's update. */
  readonly loss: number;
  /** Accuracy on the epoch's batches, each measured before its update (as Keras reports). */
  readonly trainAccuracy: number;
}

export interface Progress {
  start(epochs: number, stepsPerEpoch: number): void;
  step(runningLoss: number): void;
  epoch(report: EpochReport): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, step() {}, epoch() {}, stop() {} };

/** A bar when `out` is a terminal, plain lines when it is not. */
export function consoleProgress(out: NodeJS.WriteStream = process.stdout): Progress {
  return out.isTTY ? barProgress(out) : lineProgress((s) => out.write(s + '\n'));
}

export function lineProgress(write: (line: string) => void): Progress {
  return {
    start() {},
    step() {},
    epoch: (r) => write(formatEpoch(r)),
    stop() {},
  };
}

export const formatEpoch = (r: EpochReport): string =>
  `epoch ${r.epoch}/${r.epochs}  loss ${r.loss.toFixed(4)}  train acc ${r.trainAccuracy.toFixed(2)}`;

function barProgress(out: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: out,
      format: 'training [{bar}] {percentage}% | epoch {epoch}/{epochs} | loss {loss} | train acc {acc} | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let epochs = 0;
  let epoch = 1;
  let acc = '-';
  // The bar hides the cursor: give it back when the user interrupts training.
  const interrupted = () => {
    bar.stop();
    process.exit(130);
  };
  return {
    start(e, stepsPerEpoch) {
      epochs = e;
      process.once('SIGINT', interrupted);
      bar.start(e * stepsPerEpoch, 0, { epoch, epochs, loss: '-', acc });
    },
    step: (loss) => bar.increment(1, { epoch, epochs, loss: loss.toFixed(4), acc }),
    epoch(r) {
      acc = r.trainAccuracy.toFixed(2);
      epoch = Math.min(r.epoch + 1, epochs);
      bar.update({ epoch: r.epoch, epochs, loss: r.loss.toFixed(4), acc });
    },
    stop() {
      process.removeListener('SIGINT', interrupted);
      bar.stop();
    },
  };
}
