import { describe, expect, it } from 'vitest';
import { crossValidate, foldSplits, groupSplit, meanStd, sharedGroups, SplitError, stratifiedGroupSplit, stratifiedSplit, warnIfLeaky } from '../../lib/model/splits';

const labels = [...Array(100)].map((_, i) => (i % 10 < 7 ? 'common' : i % 10 < 9 ? 'mid' : 'rare'));

describe('stratifiedSplit', () => {
  it('keeps each class share on both sides and partitions the items', () => {
    const s = stratifiedSplit(labels, { testSize: 0.2, seed: 3 });
    expect(s.train.length + s.test.length).toBe(100);
    expect(new Set([...s.train, ...s.test]).size).toBe(100);
    const count = (idx: number[], l: string) => idx.filter((i) => labels[i] === l).length;
    expect(count(s.test, 'common')).toBe(14);
    expect(count(s.test, 'mid')).toBe(4);
    expect(count(s.test, 'rare')).toBe(2);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    expect(stratifiedSplit(labels, { seed: 1 })).toEqual(stratifiedSplit(labels, { seed: 1 }));
    expect(stratifiedSplit(labels, { seed: 1 }).test).not.toEqual(stratifiedSplit(labels, { seed: 2 }).test);
  });
});

describe('groupSplit and leaks', () => {
  const groups = [...Array(60)].map((_, i) => `rec${Math.floor(i / 5)}`); // 12 recordings × 5 clips

  it('never puts a group on both sides', () => {
    for (const seed of [0, 1, 2]) {
      const s = groupSplit(groups, { testSize: 0.25, seed });
      expect(sharedGroups(groups, s)).toEqual([]);
      expect(s.test.length).toBeGreaterThanOrEqual(15);
      expect(s.train.length + s.test.length).toBe(60);
    }
    const named = groupSplit(groups, { testGroups: ['rec0', 'rec3'] });
    expect(named.test).toEqual([0, 1, 2, 3, 4, 15, 16, 17, 18, 19]);
    expect(() => groupSplit(groups, { testGroups: ['nope'] })).toThrow(/nope/);
  });

  it('warnIfLeaky warns about a random split that shares recordings, and not about a group split', () => {
    const messages: string[] = [];
    const random = stratifiedSplit(groups.map(() => 'x'), { seed: 0 });
    expect(warnIfLeaky(groups, random, (m) => messages.push(m))).toBeGreaterThan(0);
    expect(messages[0]).toMatch(/both sides/);
    expect(warnIfLeaky(groups, groupSplit(groups, { seed: 0 }), (m) => messages.push(m))).toBe(0);
    expect(messages.length).toBe(1);
  });
});

describe('folds and cross-validation', () => {
  it('one split per fold, numeric order, test = that fold', () => {
    const folds = [1, 2, 10, 2, 1, 10];
    const s = foldSplits(folds);
    expect(s.map((f) => f.fold)).toEqual(['1', '2', '10']);
    expect(s[2]).toEqual({ fold: '10', train: [0, 1, 3, 4], test: [2, 5] });
  });

  it('reports mean ± population std of the fold scores', async () => {
    const cv = await crossValidate([1, 1, 2, 2, 3], (split) => ({ score: split.test.length }));
    expect(cv.folds.map((f) => f.score)).toEqual([2, 2, 1]);
    expect(cv.mean).toBeCloseTo(5 / 3, 12);
    expect(cv.std).toBeCloseTo(Math.sqrt(2 / 9), 12);
    expect(meanStd([2, 4])).toEqual({ mean: 3, std: 1 });
  });
});

describe('stratifiedGroupSplit', () => {
  // 3 classes; class "a" has one huge recording (40 items) and five small ones (4 each); "c" has one recording.
  const groups: string[] = [];
  const labels: string[] = [];
  const add = (g: string, label: string, n: number) => {
    for (let i = 0; i < n; i++) {
      groups.push(g);
      labels.push(label);
    }
  };
  add('big', 'a', 40);
  for (let k = 0; k < 5; k++) add(`a${k}`, 'a', 4);
  for (let k = 0; k < 8; k++) add(`b${k}`, 'b', 5);
  add('c0', 'c', 10);

  it('holds out whole groups of every class that has two or more, close to the fraction, never a class\'s last group', () => {
    for (const seed of [0, 1, 2, 3]) {
      const split = stratifiedGroupSplit(groups, labels, { validationSplit: 0.2, seed });
      expect(sharedGroups(groups, split)).toEqual([]);
      const held = (label: string) => split.test.filter((i) => labels[i] === label).length;
      // Class a has 60 items: 12 is the target, and the 40-item recording would overshoot it.
      expect(held('a')).toBeGreaterThan(0);
      expect(held('a')).toBeLessThanOrEqual(16);
      expect(held('b')).toBe(10);
      // Class c is one recording: it stays on the training side.
      expect(held('c')).toBe(0);
      expect(stratifiedGroupSplit(groups, labels, { validationSplit: 0.2, seed })).toEqual(split);
    }
  });

  it('refuses mismatched inputs and a split that leaves nothing out', () => {
    expect(() => stratifiedGroupSplit(['g'], ['a', 'b'])).toThrow(SplitError);
    expect(() => stratifiedGroupSplit(['g', 'h'], ['a', 'b'], { validationSplit: 0.2 })).toThrow(/empty/);
  });
});
