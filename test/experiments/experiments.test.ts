// Experiments: fold-correct cross-validation, comparisons on one split, augmentation on the training side only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../lib/data/dataset';
import {
  compareModels,
  crossValidateModels,
  FoldError,
  featureTable,
  formatCrossValidation,
  labelledItems,
  paramsHash,
  resolveExperimentParams,
  runSplit,
  type LabelledItem,
} from '../../lib/experiments';
import { makeTinyFoldDataset, TINY_CLASSES } from './tiny-folds';
import { validationSplitOf } from '../../lib/model/cnn-recipe';
import { LabelEncoder } from '../../lib/model/labels';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-experiments-'));
const cacheDir = join(tmp, 'cache');
let items: LabelledItem[];
beforeAll(async () => {
  await tf.setBackend('cpu');
  items = labelledItems(loadDataset(makeTinyFoldDataset(join(tmp, 'us8k'))));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('crossValidateModels', () => {
  it('holds out each fold once, trains on the others, reports mean ± std', async () => {
    const results = await crossValidateModels(items, { models: ['baseline', 'mlp'], params: { epochs: 40, batchSize: 8, hiddenUnits: [32] }, cacheDir, workers: 0 });
    expect(results.map((r) => r.model)).toEqual(['baseline', 'mlp']);
    for (const r of results) {
      expect(r.folds.map((f) => f.fold)).toEqual(['1', '2', '3']);
      // Each held-out fold has its own clips: 3 classes × 4.
      expect(r.folds.map((f) => f.testCount)).toEqual([12, 12, 12]);
      const accs = r.folds.map((f) => f.accuracy);
      const mean = accs.reduce((a, b) => a + b, 0) / 3;
      expect(r.accuracy.mean).toBeCloseTo(mean, 10);
      expect(r.accuracy.std).toBeCloseTo(Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 10);
    }
    // Balanced classes: the majority baseline gets exactly one class right.
    expect(results[0].accuracy.mean).toBeCloseTo(1 / 3, 10);
    console.log(`[experiments test] tiny synthetic 3-fold MLP accuracy ${(100 * results[1].accuracy.mean).toFixed(1)}%`);
    expect(results[1].accuracy.mean).toBeGreaterThan(0.6);
    const text = formatCrossValidation(results);
    expect(text).toContain('| mlp | 3 |');
    expect(text).toContain('73.0%');
    expect(text).toContain('79.0%');
  });
  it('refuses data without folds or with a single fold', async () => {
    await expect(crossValidateModels(items.map((it) => ({ ...it, fold: undefined })), { models: ['baseline'] })).rejects.toThrow(FoldError);
    await expect(crossValidateModels(items.filter((it) => it.fold === 1), { models: ['baseline'] })).rejects.toThrow(/1 fold/);
  });
});

describe('runSplit', () => {
  it('standardises and trains on the training side; predictions cover exactly the test clips', async () => {
    const params = resolveExperimentParams({ model: 'mlp', epochs: 5, hiddenUnits: [16] });
    const table = await featureTable(items, params, { cacheDir, workers: 0 });
    const split = { train: items.map((_, i) => i).filter((i) => items[i].fold !== 2), test: items.map((_, i) => i).filter((i) => items[i].fold === 2) };
    const r = await runSplit(items, table, split, params);
    expect(r.predictions.map((p) => p.id)).toEqual(split.test.map((i) => items[i].id));
    expect(r.trainCount).toBe(24);
    expect(r.classes).toEqual([...TINY_CLASSES].sort());
  });
  it('augmentation adds copies to the training side only, and the test predictions are unchanged in number', async () => {
    const params = resolveExperimentParams({ model: 'cnn', epochs: 1, nMels: 32, frames: 24, cnnFilters: [4], denseUnits: 8, cnnPadding: 'same', augment: 'noise:20,specaugment', augmentCopies: 2 });
    const table = await featureTable(items, params, { cacheDir, workers: 0 });
    const split = { train: [0, 1, 2, 12, 13, 14, 24, 25, 26], test: [3, 15, 27] };
    const r = await runSplit(items, table, split, params);
    // No early stopping by default: every training clip is trained on and copied.
    expect(r.augmentedCount).toBe(2 * 9);
    expect(r.trainCount).toBe(9);
    expect(r.testCount).toBe(3);
    expect(r.predictions.map((p) => p.id)).toEqual([items[3].id, items[15].id, items[27].id]);
    expect(r.stopped).toBe('completed');
    expect(r.bestEpoch).toBeNull();
  });
  it('with early stopping the CNN holds whole recordings out of the training side before copying the rest', async () => {
    const params = resolveExperimentParams({ model: 'cnn', epochs: 2, nMels: 32, frames: 24, cnnFilters: [4], denseUnits: 8, cnnPadding: 'same', augment: 'noise:20', augmentCopies: 2, earlyStoppingSplit: 0.3 });
    const table = await featureTable(items, params, { cacheDir, workers: 0 });
    const split = { train: [0, 1, 2, 12, 13, 14, 24, 25, 26], test: [3, 15, 27] };
    const r = await runSplit(items, table, split, params);
    const trainItems = split.train.map((i) => items[i]);
    const encoder = new LabelEncoder().fit(items.map((it) => it.label));
    const held = validationSplitOf({ labels: Int32Array.from(encoder.transform(trainItems.map((it) => it.label))), groups: trainItems.map((it) => it.group) }, 0.3, params.seed).test;
    expect(held.length).toBeGreaterThan(0);
    expect(r.augmentedCount).toBe(2 * (9 - held.length));
    expect(r.trainCount).toBe(9);
    // The epoch kept is one that was validated.
    expect(r.bestEpoch).not.toBeNull();
    expect(r.bestEpoch!).toBeLessThan(2);
  });
  it('params hash ignores what a model does not use, and changes with what it does', () => {
    const a = resolveExperimentParams({ model: 'cnn', hiddenUnits: [8] });
    const b = resolveExperimentParams({ model: 'cnn', hiddenUnits: [64] });
    const c = resolveExperimentParams({ model: 'cnn', cnnFilters: [8, 8, 8] });
    expect(paramsHash(a)).toBe(paramsHash(b));
    expect(paramsHash(a)).not.toBe(paramsHash(c));
    expect(paramsHash(a, { split: 'x' })).not.toBe(paramsHash(a, { split: 'y' }));
  });
});

describe('compareModels', () => {
  it('runs every model on the same split, one row each', async () => {
    const split = { train: items.map((_, i) => i).filter((i) => items[i].fold !== 3), test: items.map((_, i) => i).filter((i) => items[i].fold === 3) };
    const rows = await compareModels(items, split, {
      models: ['baseline', 'mlp', 'rnn'], cacheDir, workers: 0,
      params: { epochs: 3, hiddenUnits: [16] }, perModel: { rnn: { frames: 12, rnnUnits: 8, nMfcc: 13 } },
    });
    expect(rows.map((r) => r.model)).toEqual(['baseline', 'mlp', 'rnn']);
    for (const r of rows) {
      expect(r.result.testCount).toBe(12);
      expect(r.baselineAccuracy).toBeCloseTo(1 / 3, 10);
      // The reported accuracy is the share of this model's own test predictions that are right.
      const right = r.result.predictions.filter((p) => p.predicted === p.label).length;
      expect(r.accuracy).toBeCloseTo(right / 12, 10);
    }
    // The baseline predicts one class for every clip: right on exactly the 4 clips of that class.
    expect(new Set(rows[0].result.predictions.map((p) => p.predicted)).size).toBe(1);
    expect(rows[0].accuracy).toBeCloseTo(1 / 3, 10);
    expect(rows[0].trainSeconds).toBe(0);
    expect(rows[1].trainSeconds).toBeGreaterThan(0);
  });
});
