/** What a practitioner reads after training: accuracy and a confusion matrix. */

/** counts[t][p]: rows of true class t predicted as class p. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
  return counts;
}

export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return truth.length === 0 ? NaN : right / truth.length;
}

/** The matrix as aligned text: rows are true classes, columns predicted ones. */
export function formatConfusion(counts: number[][], names: readonly string[]): string {
  const rowLabels = names.map((n) => `true ${n}`);
  const left = Math.max(...rowLabels.map((l) => l.length));
  const width = Math.max(...names.map((n) => n.length), ...counts.flat().map((c) => String(c).length));
  const head = `${' '.repeat(left)}  ${names.map((n) => n.padStart(width)).join('  ')}   <- predicted`;
  const rows = counts.map((r, t) => `${rowLabels[t].padEnd(left)}  ${r.map((c) => String(c).padStart(width)).join('  ')}`);
  return [head, ...rows].join('\n');
}
