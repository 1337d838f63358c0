// The tutorial's first submission: predict the most frequent training class for every clip.
import { accuracy } from './metrics';

/** Raised when there is nothing to count. */
export class BaselineError extends Error {
  constructor(reason: string) {
    super(`baseline: ${reason}`);
    this.name = 'BaselineError';
  }
}

/**
 * The most frequent label (the tutorial's `train.Class.value_counts()` top entry). Ties go to the label
 * that sorts first, so the answer does not depend on the order of the data.
 */
export function mostFrequentClass(labels: readonly string[]): string {
  if (labels.length === 0) throw new BaselineError('no labels to count');
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best = '';
  let bestCount = -1;
  for (const [label, count] of counts) {
    if (count > bestCount || (count === bestCount && label < best)) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}

/** Accuracy on `testLabels` of always predicting the most frequent class of `trainLabels` (0…1). */
export function baselineAccuracy(trainLabels: readonly string[], testLabels: readonly string[]): number {
  const guess = mostFrequentClass(trainLabels);
  return accuracy(testLabels, testLabels.map(() => guess));
}
