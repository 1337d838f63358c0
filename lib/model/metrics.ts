// How good a classifier is, per class and overall: accuracy, precision / recall / F1, confusion matrix.

/** Raised when true and predicted labels do not line up. */
export class MetricsError extends Error {
  constructor(reason: string) {
    super(`metrics: ${reason}`);
    this.name = 'MetricsError';
  }
}

type Label = string | number;

function checkLengths(yTrue: readonly Label[], yPred: readonly Label[]): void {
  if (yTrue.length !== yPred.length) {
    throw new MetricsError(`${yTrue.length} true labels but ${yPred.length} predictions`);
  }
}

/** Fraction of predictions equal to the truth (0…1); NaN for no items. */
export function accuracy(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkLengths(yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** The sorted distinct labels of both arrays (scikit-learn's `unique_labels`). */
export function labelsOf(yTrue: readonly Label[], yPred: readonly Label[]): string[] {
  return [...new Set([...yTrue, ...yPred].map(String))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Confusion matrix like scikit-learn's: `matrix[i][j]` counts items whose true class is `classes[i]`
 * and predicted class is `classes[j]` (rows = truth, columns = prediction).
 * @param classes row/column order (default: sorted labels of both arrays).
 */
export function confusionMatrix(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  classes: readonly string[] = labelsOf(yTrue, yPred),
): number[][] {
  checkLengths(yTrue, yPred);
  const index = new Map(classes.map((c, i) => [c, i]));
  const m = classes.map(() => classes.map(() => 0));
  for (let k = 0; k < yTrue.length; k++) {
    const i = index.get(String(yTrue[k]));
    const j = index.get(String(yPred[k]));
    if (i === undefined || j === undefined) {
      throw new MetricsError(`item ${k}: label '${i === undefined ? yTrue[k] : yPred[k]}' is not among the classes`);
    }
    m[i][j]++;
  }
  return m;
}

/** One class's row of the report. */
export interface ClassScores {
  label: string;
  /** Of the items predicted as this class, the fraction that are (0 when none predicted, as scikit-learn's zero_division=0). */
  precision: number;
  /** Of the items of this class, the fraction predicted as it (0 when the class is absent). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** Items of this class in the truth. */
  support: number;
}

/** scikit-learn's `classification_report` as data. */
export interface ClassificationReport {
  classes: ClassScores[];
  accuracy: number;
  /** Unweighted mean over classes. */
  macroAvg: Omit<ClassScores, 'label'>;
  /** Mean over classes weighted by support. */
  weightedAvg: Omit<ClassScores, 'label'>;
  /** The confusion matrix in the order of `classes`. */
  confusion: number[][];
}

/**
 * Per-class precision, recall, F1 and support, their macro and weighted averages, the accuracy and the
 * confusion matrix. @param classes order of the rows (default: sorted labels of both arrays).
 */
export function classificationReport(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  classes: readonly string[] = labelsOf(yTrue, yPred),
): ClassificationReport {
  const confusion = confusionMatrix(yTrue, yPred, classes);
  const rows: ClassScores[] = classes.map((label, i) => {
    const tp = confusion[i][i];
    const support = confusion[i].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[i], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const total = rows.reduce((a, r) => a + r.support, 0);
  const avg = (weight: (r: ClassScores) => number, norm: number) => ({
    precision: rows.reduce((a, r) => a + weight(r) * r.precision, 0) / norm,
    recall: rows.reduce((a, r) => a + weight(r) * r.recall, 0) / norm,
    f1: rows.reduce((a, r) => a + weight(r) * r.f1, 0) / norm,
    support: total,
  });
  return {
    classes: rows,
    accuracy: accuracy(yTrue, yPred),
    macroAvg: avg(() => 1, rows.length || 1),
    weightedAvg: avg((r) => r.support, total || 1),
    confusion,
  };
}

/** The report as scikit-learn prints it: one line per class, then accuracy, macro avg, weighted avg. */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const width = Math.max(12, ...report.classes.map((c) => c.label.length));
  const num = (x: number) => x.toFixed(digits).padStart(9);
  const head = `${''.padStart(width)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1-score'.padStart(9)} ${'support'.padStart(9)}`;
  const line = (name: string, s: Omit<ClassScores, 'label'>) =>
    `${name.padStart(width)} ${num(s.precision)} ${num(s.recall)} ${num(s.f1)} ${String(s.support).padStart(9)}`;
  const total = report.weightedAvg.support;
  return [
    head,
    '',
    ...report.classes.map((c) => line(c.label, c)),
    '',
    `${'accuracy'.padStart(width)} ${''.padStart(9)} ${''.padStart(9)} ${num(report.accuracy)} ${String(total).padStart(9)}`,
    line('macro avg', report.macroAvg),
    line('weighted avg', report.weightedAvg),
  ].join('\n');
}

/**
 * The confusion matrix as a text table: one row per true class (labelled), one column per predicted
 * class (numbered, with a key below), so long class names do not widen every column.
 */
export function formatConfusionMatrix(matrix: readonly (readonly number[])[], classes: readonly string[]): string {
  const labelWidth = Math.max(4, ...classes.map((c, i) => `${i} ${c}`.length));
  const cell = Math.max(3, ...matrix.flat().map((x) => String(x).length)) + 1;
  const header = `${'true \\ pred'.padEnd(labelWidth)}${classes.map((_, j) => String(j).padStart(cell)).join('')}`;
  const rows = matrix.map((row, i) => `${`${i} ${classes[i]}`.padEnd(labelWidth)}${row.map((x) => String(x).padStart(cell)).join('')}`);
  return [header, ...rows].join('\n');
}
