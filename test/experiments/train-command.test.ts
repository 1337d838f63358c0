// Training a CNN / RNN through the train command's path: saved, reloaded, and predicting as it evaluated.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from '../../lib/features/extract';
import { loadDataset } from '../../lib/data/dataset';
import { labelledItems, runExperimentTrain, savedModelProbabilities } from '../../lib/experiments';
import { loadModelDir } from '../../lib/model/save';
import { argMax } from '../../lib/model/predict';
import { makeTinyFoldDataset } from './tiny-folds';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-train-cmd-'));
let data: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = makeTinyFoldDataset(join(tmp, 'us8k'), 2, 3);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const quiet = { out: () => undefined, err: () => undefined };

describe('runExperimentTrain', () => {
  it.each(['cnn', 'rnn'] as const)('%s: saves a model whose reloaded predictions match the evaluation', async (model) => {
    const out = join(tmp, `model-${model}`);
    const evaluation = (await runExperimentTrain(
      { data, out, model, valSplit: 0.2, testFold: 2, cache: false, workers: 0, epochs: 2, nMels: 32, frames: 16, cnnFilters: [4], denseUnits: 8, cnnPadding: 'same', rnnUnits: 8, nMfcc: 13 },
      quiet,
    )) as { evaluation: { accuracy: number }; features: { kind: string } };
    for (const f of ['model.json', 'weights.bin', 'soundlab.json', 'evaluation.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(evaluation.features.kind).toBe(model === 'cnn' ? 'logmel' : 'mfcc');
    const saved = await loadModelDir(out);
    const test = labelledItems(loadDataset(data)).filter((it) => it.fold === 2);
    const f = saved.features;
    const feats = await extractFeatures(test, { kind: f.kind as 'logmel' | 'mfcc', sampleRate: f.sampleRate, nMfcc: f.nMfcc, nMels: f.nMels as number, frames: f.frames as number, patchHop: f.patchHop as number, cache: false, workers: 0, progress: false });
    // The CNN's 0.5-s clips (22 frames) hold two 16-frame patches, averaged; the RNN's rows are one each.
    expect(feats.shapes[0]).toEqual(model === 'cnn' ? [2, 32, 16] : [13, 22]);
    const probs = savedModelProbabilities(saved.model, f, feats.X, feats.shapes);
    expect(probs).not.toBeNull();
    expect(probs).toHaveLength(test.length);
    const acc = (probs as Float32Array[]).filter((p, k) => saved.encoder.classes[argMax(p)] === test[k].label).length / test.length;
    expect(acc).toBeCloseTo(evaluation.evaluation.accuracy, 10);
    saved.model.dispose();
  });
  it('sends --folds to the evaluate command', async () => {
    await expect(runExperimentTrain({ data, out: join(tmp, 'x'), model: 'cnn', valSplit: 0.2, folds: true, cache: false }, quiet)).rejects.toThrow(/soundlab evaluate --data .* --folds --models cnn/);
  });
});
