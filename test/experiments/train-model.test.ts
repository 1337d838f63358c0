// Training a CNN / RNN through the one training path (trainModel): saved, reloaded, and predicting as it evaluated.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../lib/data/dataset';
import { labelledItems, predictClips, trainModel } from '../../lib/experiments';
import { loadModelDir } from '../../lib/model/save';
import { makeTinyFoldDataset } from './tiny-folds';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-train-model-'));
let data: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = makeTinyFoldDataset(join(tmp, 'us8k'), 2, 3);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = { cache: false, workers: 0, epochs: 2, nMels: 32, frames: 16, cnnFilters: [4], denseUnits: 8, cnnPadding: 'same' as const, rnnUnits: 8, nMfcc: 13 };

describe('trainModel', () => {
  it.each(['cnn', 'rnn'] as const)('%s: saves a model whose reloaded predictions match the evaluation', async (model) => {
    const out = join(tmp, `model-${model}`);
    const epochLines: string[] = [];
    const result = await trainModel({ data, out, model, validationSplit: 0.2, testFold: 2, ...small, log: (l) => epochLines.push(l) });
    for (const f of ['model.json', 'weights.bin', 'soundlab.json', 'evaluation.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(result.features.kind).toBe(model === 'cnn' ? 'logmel' : 'mfcc');
    expect(result.split).toEqual({ kind: 'fold', testFold: 2 });
    // The RNN: the held-out fold is measured after every epoch (val_loss / val_acc), as Keras's validation_data.
    // The CNN (its own trainer) is validated only on what it holds out for early stopping, off by default.
    expect(epochLines).toHaveLength(2);
    for (const l of epochLines) {
      if (model === 'rnn') expect(l).toMatch(/ - val_loss: \d+\.\d{4} - val_acc: [01]\.\d{4}$/);
      else {
        expect(l).toMatch(/ patches\/s - .*acc: [01]\.\d{4}$/);
        expect(l).not.toMatch(/val_/);
      }
    }
    expect(JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    const saved = await loadModelDir(out);
    expect(saved.info.inputShape).toEqual(model === 'cnn' ? [32, 16, 1] : [16, 13]);
    expect(saved.standardizer?.axis).toBe('channel');
    expect(saved.standardizer?.mean).toHaveLength(model === 'cnn' ? 1 : 13);
    const test = labelledItems(loadDataset(data)).filter((it) => it.fold === 2);
    // The CNN's 0.5-s clips (22 frames) hold two 16-frame patches, averaged; the RNN's rows are one each.
    const { predictions, skipped } = await predictClips(saved, test, { workers: 0, cache: false });
    expect(skipped).toEqual([]);
    expect(predictions).toHaveLength(test.length);
    const acc = predictions.filter((p, k) => p.label === test[k].label).length / test.length;
    expect(acc).toBeCloseTo(result.evaluation!.accuracy, 10);
    saved.model.dispose();
  });

  it('cross-validates any kind over the folds (--folds), then saves a model trained on all of them', async () => {
    const out = join(tmp, 'cnn-folds');
    const result = await trainModel({ data, out, model: 'cnn', validationSplit: 0.2, folds: true, ...small, epochs: 1 });
    const cv = result.crossValidation!;
    expect(cv.folds.map((f) => f.fold)).toEqual(['1', '2']);
    expect(cv.folds.reduce((a, f) => a + f.items, 0)).toBe(18);
    expect(cv.accuracy.mean).toBeCloseTo((cv.folds[0].accuracy + cv.folds[1].accuracy) / 2, 12);
    expect(result.evaluation).toBeUndefined();
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });

  it('names the dataset when it has no folds to hold out, and refuses a validation split outside [0, 1)', async () => {
    const sample = join(__dirname, '../../data.sample');
    await expect(trainModel({ data: sample, out: join(tmp, 'x'), model: 'rnn', validationSplit: 0.2, testFold: 1, ...small })).rejects.toThrow(
      /data\.sample: --folds \/ --test-fold need a fold per clip/,
    );
    await expect(trainModel({ data, out: join(tmp, 'x'), model: 'mlp', validationSplit: 1, ...small })).rejects.toThrow(/validationSplit must be in \[0, 1\), got 1/);
  });
});
