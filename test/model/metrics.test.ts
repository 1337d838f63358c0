import { describe, expect, it } from 'vitest';
import { baselineAccuracy, mostFrequentClass } from '../../lib/model/baseline';
import {
  accuracy,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  formatConfusionMatrix,
} from '../../lib/model/metrics';

// Hand-computed case: 7 items, 3 classes.
const yTrue = ['cat', 'cat', 'cat', 'dog', 'dog', 'owl', 'owl'];
const yPred = ['cat', 'dog', 'cat', 'dog', 'cat', 'owl', 'dog'];

describe('metrics', () => {
  it('accuracy counts exact matches', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(4 / 7, 12);
    expect(() => accuracy(['a'], [])).toThrow(/1 true labels but 0 predictions/);
  });

  it('confusion matrix: rows are truth, columns predictions (scikit-learn order)', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    expect(confusionMatrix(yTrue, yPred, ['owl', 'dog', 'cat'])[0]).toEqual([1, 1, 0]);
  });

  it('per-class precision, recall, F1 and support match the hand computation', () => {
    const r = classificationReport(yTrue, yPred);
    const cat = r.classes[0];
    // cat: tp 2, predicted 3 (2 cats + 1 dog), support 3.
    expect(cat.precision).toBeCloseTo(2 / 3, 12);
    expect(cat.recall).toBeCloseTo(2 / 3, 12);
    expect(cat.f1).toBeCloseTo(2 / 3, 12);
    // dog: tp 1, predicted 3, support 2 → p 1/3, r 1/2, f1 0.4.
    expect(r.classes[1]).toMatchObject({ label: 'dog', support: 2 });
    expect(r.classes[1].precision).toBeCloseTo(1 / 3, 12);
    expect(r.classes[1].recall).toBeCloseTo(1 / 2, 12);
    expect(r.classes[1].f1).toBeCloseTo(0.4, 12);
    // owl: tp 1, predicted 1, support 2 → p 1, r 0.5, f1 2/3.
    expect(r.classes[2].precision).toBe(1);
    expect(r.classes[2].f1).toBeCloseTo(2 / 3, 12);
    expect(r.macroAvg.f1).toBeCloseTo((2 / 3 + 0.4 + 2 / 3) / 3, 12);
    expect(r.weightedAvg.recall).toBeCloseTo(4 / 7, 12);
    expect(r.accuracy).toBeCloseTo(4 / 7, 12);
  });

  it('a class never predicted gets precision 0, not NaN', () => {
    const r = classificationReport(['a', 'b'], ['a', 'a']);
    expect(r.classes[1]).toMatchObject({ label: 'b', precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('formats a report and a matrix with every class and count', () => {
    const r = classificationReport(yTrue, yPred);
    const text = formatClassificationReport(r);
    expect(text).toMatch(/dog\s+0\.33\s+0\.50\s+0\.40\s+2/);
    expect(text).toMatch(/accuracy\s+0\.57\s+7/);
    const cm = formatConfusionMatrix(r.confusion, ['cat', 'dog', 'owl']);
    expect(cm.split('\n')[1]).toMatch(/^0 cat\s+2\s+1\s+0$/);
  });
});

describe('baseline', () => {
  it('predicts the most frequent training class; ties go to the first in sort order', () => {
    expect(mostFrequentClass(['b', 'a', 'b', 'c'])).toBe('b');
    expect(mostFrequentClass(['b', 'a'])).toBe('a');
    expect(() => mostFrequentClass([])).toThrow(/no labels/);
    expect(baselineAccuracy(['b', 'b', 'a'], ['b', 'a', 'a', 'b'])).toBe(0.5);
  });
});
