/** The end-of-training report: accuracies, test loss, the confusion matrix and the loss curve. */
import type { TrainConfig } from './config.js';
import type { Dataset } from './data.js';
import type { Experiment } from './experiment.js';
import { formatConfusion } from './metrics.js';
import { terminalChart, type Series } from './plot.js';

/** What is learnt from what: 'softmax regression (3 classes) on iris'. */
export function runTitle(c: TrainConfig, data: Dataset): string {
  const what = c.kind === 'binary' ? `binary logistic regression (${data.classes[1]} vs ${data.classes[0]})` : `softmax regression (${data.classes.length} classes)`;
  return `${what} on ${'csv' in c.source ? c.source.csv : c.source.data}`;
}

/** Two lines: what is learnt from what, and how. */
export function describeRun(c: TrainConfig, e: { data: Dataset; train: Dataset; test: Dataset }): string {
  return (
    `${runTitle(c, e.data)}: ${e.train.rows} train / ${e.test.rows} test rows, ${e.data.features} features\n` +
    `${c.optimizer} lr ${c.lr}, batch ${c.batchSize}, ${c.epochs} epochs, l2 ${c.l2}, ${c.dtype}, seed ${c.seed}`
  );
}

export function lossSeries(e: Experiment): Series[] {
  const series: Series[] = [{ name: 'train loss', values: e.history.loss }];
  if (e.history.testLoss.length > 0) series.push({ name: 'test loss', values: e.history.testLoss });
  return series;
}

export function formatReport(e: Experiment, opts: { color?: boolean } = {}): string {
  const lines = [`train accuracy  ${e.trainAccuracy.toFixed(4)}`];
  if (e.test.rows > 0) {
    lines.push(`test accuracy   ${e.testAccuracy.toFixed(4)}`, `test loss       ${e.testLoss.toFixed(4)}`, '');
    lines.push(`confusion matrix (test rows)`, formatConfusion(e.confusion, e.data.classes));
  } else lines.push('(no test rows: --test-fraction is 0)');
  lines.push('', 'loss per epoch', terminalChart(lossSeries(e), { color: opts.color }));
  return lines.join('\n');
}
