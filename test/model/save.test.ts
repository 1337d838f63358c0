import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/data/random';
import {
  buildMlp,
  fitStandardizer,
  LabelEncoder,
  loadModelDir,
  ModelDirError,
  predictLabels,
  predictProbabilities,
  saveModelDir,
  selectBackend,
  standardize,
  toCategorical,
  train,
} from '../../lib/model';

const dir = mkdtempSync(join(tmpdir(), 'soundlab-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend({ quiet: true });
});

describe('saveModelDir / loadModelDir', () => {
  it('round-trips the network, classes and feature parameters: same probabilities after loading', async () => {
    const rng = mulberry32(4);
    const X = [...Array(64)].map(() => Float32Array.from({ length: 10 }, () => rng()));
    const labels = X.map((r) => (r[0] > 0.5 ? 'loud' : 'quiet'));
    const enc = new LabelEncoder().fit(labels);
    const model = buildMlp({ inputSize: 10, classCount: 2, hiddenUnits: [16, 16], seed: 1 });
    await train(model, X, toCategorical(enc.transform(labels)), { epochs: 3, verbose: 0 });
    const features = { kind: 'mfccMean', sampleRate: 22050, nMfcc: 40 };
    const standardizer = fitStandardizer(X);
    await saveModelDir(dir, { model, encoder: enc, features, standardizer, training: { epochs: 3 } });

    const loaded = await loadModelDir(dir);
    expect(loaded.encoder.classes).toEqual(['loud', 'quiet']);
    expect(loaded.features).toEqual(features);
    expect(loaded.training).toEqual({ epochs: 3 });
    expect(loaded.standardizer).toEqual(standardizer);
    const before = predictProbabilities(model, X);
    const after = predictProbabilities(loaded.model, X);
    after.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(before[i])));
    expect(predictLabels(loaded.model, X, loaded.encoder).map((p) => p.label)).toEqual(
      predictLabels(model, X, enc).map((p) => p.label),
    );
    // The files are TensorFlow.js's layers-model format.
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
  });

  it('names the missing or broken file', async () => {
    await expect(loadModelDir(join(dir, 'nope'))).rejects.toThrow(/nope\/soundlab\.json: not found/);
    writeFileSync(join(dir, 'soundlab.json'), '{ broken');
    await expect(loadModelDir(dir)).rejects.toThrow(ModelDirError);
    await expect(loadModelDir(dir)).rejects.toThrow(/soundlab\.json: not valid JSON/);
  });

  it('refuses to save an encoder that does not match the output units', async () => {
    const model = buildMlp({ inputSize: 3, classCount: 3, hiddenUnits: [4] });
    await expect(
      saveModelDir(join(dir, 'bad'), { model, encoder: new LabelEncoder().fit(['a', 'b']), features: { kind: 'x', sampleRate: 1 } }),
    ).rejects.toThrow(
      /3 outputs but the encoder 2 classes/,
    );
  });
});

describe('standardizer', () => {
  it('centres and scales each column by the training rows; a constant column maps to 0', () => {
    const s = fitStandardizer([
      [1, 5],
      [3, 5],
    ]);
    expect(s).toEqual({ mean: [2, 5], std: [1, 1] });
    expect(standardize([[4, 5]], s).map((r) => Array.from(r))).toEqual([[2, 0]]);
    expect(() => standardize([[1]], s)).toThrow(/1 values, the standardizer 2/);
  });
});
