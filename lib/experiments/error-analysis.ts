// Error analysis: which classes a model mixes up, and which clips it got wrong (to look at and listen to).
import type { ClassificationReport } from '../model/metrics';
import type { RunResult } from './run';

/** Two classes the model confuses, both ways counted. */
export interface ConfusedPair {
  /** The pair, in class order. */
  a: string;
  b: string;
  /** Clips of a predicted as b, and of b predicted as a. */
  aAsB: number;
  bAsA: number;
  total: number;
}

/**
 * The `top` most confused class pairs (e.g. jackhammer ↔ drilling) from a confusion matrix
 * (rows = true class, columns = prediction, in `classes` order): off-diagonal counts summed both ways,
 * largest first; pairs never confused are left out.
 */
export function confusedPairs(confusion: readonly (readonly number[])[], classes: readonly string[], top = 5): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  for (let i = 0; i < classes.length; i++) {
    for (let j = i + 1; j < classes.length; j++) {
      const total = confusion[i][j] + confusion[j][i];
      if (total > 0) pairs.push({ a: classes[i], b: classes[j], aAsB: confusion[i][j], bAsA: confusion[j][i], total });
    }
  }
  pairs.sort((p, q) => q.total - p.total || (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : 1));
  return pairs.slice(0, top);
}

/** The test clips a run got wrong, most confident mistakes first. */
export function misclassified(result: Pick<RunResult, 'predictions'>): RunResult['predictions'] {
  return result.predictions.filter((p) => p.predicted !== p.label).sort((p, q) => q.probability - p.probability);
}

/** Per-class rows for a table: class, precision, recall, F1, support (from lib/model's classificationReport). */
export function perClassRows(report: ClassificationReport): { class: string; precision: number; recall: number; f1: number; support: number }[] {
  return report.classes.map((c) => ({ class: c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }));
}
