// comparisonSplit: a fold split when every clip has a fold, otherwise a split that says it is not fold-correct.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../lib/data/dataset';
import { comparisonSplit, ExperimentError, foldsOf, labelledItems, type LabelledItem } from '../../lib/experiments';
import { sharedGroups, stratifiedSplit } from '../../lib/model/splits';
import { describeWithFixtures, fixture } from '../fixtures';

const labels = ['dog_bark', 'siren', 'engine_idling'];
/** `perFold` clips in each of `folds`, two slices per recording, recordings never cross folds. */
function foldItems(folds: number[], perFold = 12): LabelledItem[] {
  return folds.flatMap((fold) =>
    Array.from({ length: perFold }, (_, k) => ({ id: `f${fold}-${k}`, path: `/x/f${fold}-${k}.wav`, label: labels[k % 3], fold, group: `${fold}-${Math.floor(k / 2)}` })),
  );
}
const opts = { testSize: 0.25, seed: 0, root: '/x' };

describe('comparisonSplit', () => {
  it('holds out the lowest fold by default and trains on the others', () => {
    const items = foldItems([3, 1, 2]);
    const c = comparisonSplit(items, opts);
    expect(c.kind).toBe('fold');
    expect(c.foldCorrect).toBe(true);
    expect(c.testFold).toBe(1);
    expect(c.trainFolds).toEqual([2, 3]);
    expect(c.split.test.map((i) => items[i].fold)).toEqual(Array(12).fill(1));
    expect(new Set(c.split.train.map((i) => items[i].fold))).toEqual(new Set([2, 3]));
    expect(c.split.train.length + c.split.test.length).toBe(items.length);
    expect(c.description).toContain('trained on folds 2, 3 (24 clips), tested on fold 1 (12 clips)');
    expect(c.description).not.toContain('Warning');
  });

  it('holds out the fold asked for, and names the folds there are when it is absent', () => {
    const items = foldItems([1, 2]);
    const c = comparisonSplit(items, { ...opts, testFold: 2 });
    expect(c.testFold).toBe(2);
    expect(c.split.test.every((i) => items[i].fold === 2)).toBe(true);
    expect(() => comparisonSplit(items, { ...opts, testFold: 5 })).toThrow(/\/x: no clip is in fold 5 \(the folds are 1, 2\)/);
  });

  it('warns in its description when a recording has clips in two folds', () => {
    const items = foldItems([1, 2]);
    items[0].group = items[items.length - 1].group;
    expect(comparisonSplit(items, opts).description).toContain('Warning: 1 recording(s) have clips in both');
  });

  it('without folds on every clip: whole groups held out, marked not fold-correct', () => {
    const items = foldItems([1, 2]);
    delete items[5].fold;
    expect(foldsOf(items)).toBeNull();
    const c = comparisonSplit(items, opts);
    expect(c.kind).toBe('group');
    expect(c.foldCorrect).toBe(false);
    expect(sharedGroups(items.map((it) => it.group), c.split)).toEqual([]);
    expect(c.description).toMatch(/NOT a fold split/);
    expect(() => comparisonSplit(items, { ...opts, testFold: 1 })).toThrow(ExperimentError);
  });

  it('a single fold is not a fold split', () => {
    expect(foldsOf(foldItems([4]))).toBeNull();
    expect(comparisonSplit(foldItems([4]), opts).kind).toBe('group');
  });

  it('data.sample (no folds, no recordings): stratified, says it is not fold-correct', () => {
    const items = labelledItems(loadDataset(resolve(__dirname, '../../data.sample')));
    const c = comparisonSplit(items, opts);
    expect(c.kind).toBe('random');
    expect(c.foldCorrect).toBe(false);
    expect(c.description).toMatch(/NOT fold-correct/);
    // The notebook's old split, per class: same clips, same seed.
    expect(c.split).toEqual(stratifiedSplit(items.map((it) => it.label), { validationSplit: 0.25, seed: 0 }));
  });
});

describeWithFixtures('comparisonSplit on the real UrbanSound8K metadata', () => {
  it('the fixture clips carry their official folds: the lowest present is held out, no fsID on both sides', () => {
    const items = labelledItems(loadDataset(fixture('urbansound8k')));
    const folds = foldsOf(items)!;
    const c = comparisonSplit(items, opts);
    expect(c.testFold).toBe(folds[0]);
    expect(c.split.test.every((i) => items[i].fold === folds[0])).toBe(true);
    expect(sharedGroups(items.map((it) => it.group), c.split)).toEqual([]);
  });
});
