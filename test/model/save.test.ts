import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/util/random';
import { predictClips } from '../../lib/experiments/predict';
import {
  buildMlp,
  fitStandardizer,
  LabelEncoder,
  loadModelDir,
  MODEL_FORMAT_VERSION,
  MODEL_REGISTRY,
  resolveModelParams,
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
const TINY = join(__dirname, 'tiny-model');
const SAMPLE = join(__dirname, '../../data.sample');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend({ quiet: true });
});

describe('saveModelDir / loadModelDir', () => {
  it('round-trips the network, classes, parameters and standardizer: same probabilities after loading', async () => {
    const rng = mulberry32(4);
    const X = [...Array(64)].map(() => Float32Array.from({ length: 10 }, () => rng()));
    const labels = X.map((r) => (r[0] > 0.5 ? 'loud' : 'quiet'));
    const enc = new LabelEncoder().fit(labels);
    const params = resolveModelParams({ model: 'mlp', nMfcc: 10, hiddenUnits: [16, 16], seed: 1, epochs: 3 });
    const model = MODEL_REGISTRY.mlp.build(params, 2);
    await train(model, X, toCategorical(enc.transform(labels)), { epochs: 3, verbose: 0 });
    const standardizer = fitStandardizer(X);
    await saveModelDir(dir, { model, encoder: enc, params, standardizer });

    const loaded = await loadModelDir(dir);
    expect(loaded.encoder.classes).toEqual(['loud', 'quiet']);
    expect(loaded.params).toEqual(params);
    expect(loaded.standardizer).toEqual(standardizer);
    expect(loaded.info.formatVersion).toBe(MODEL_FORMAT_VERSION);
    expect(loaded.info.features).toEqual({ kind: 'mfccMean', sampleRate: 22050, nMfcc: 10, nMels: 128, frames: 128, patchHop: 0 });
    expect(loaded.info.inputShape).toEqual([10]);
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

  it('loads the committed tiny model (written by scripts/make-tiny-model.ts) and predicts what it predicted when written', async () => {
    const saved = await loadModelDir(TINY);
    expect(saved.params.model).toBe('mlp');
    expect(saved.params.hiddenUnits).toEqual([8]);
    const clips = ['5', '8', '12'].map((id) => ({ id, path: join(SAMPLE, 'Test', `${id}.wav`) }));
    const { predictions, skipped } = await predictClips(saved, clips, { workers: 0, cache: false });
    expect(skipped).toEqual([]);
    // Probabilities printed when the model was written (class order: the 10 UrbanSound8K classes, sorted).
    const expected = [
      [0.0044, 0.4567, 0.0188, 0.0012, 0.1475, 0.1466, 0.0074, 0.1412, 0.0405, 0.0358],
      [0.0086, 0.3409, 0.0184, 0.0044, 0.1581, 0.1325, 0.0161, 0.1557, 0.0515, 0.1138],
      [0.0684, 0.1486, 0.0896, 0.0409, 0.1422, 0.1392, 0.0613, 0.1197, 0.0882, 0.1019],
    ];
    predictions.forEach((p, k) => {
      expect(p.id).toBe(clips[k].id);
      Array.from(p.probabilities).forEach((v, c) => expect(v).toBeCloseTo(expected[k][c], 4));
      expect(p.label).toBe('car_horn');
    });
    saved.model.dispose();
  });

  it('refuses a model in an older or unknown format, naming the directory and saying how to retrain', async () => {
    const old = join(dir, 'old');
    mkdirSync(old, { recursive: true });
    for (const f of ['model.json', 'weights.bin']) copyFileSync(join(TINY, f), join(old, f));
    // soundlab.json as the code before format versions wrote it.
    const v1 = { format: 'soundlab-model', version: 1, classes: ['a', 'b'], features: { kind: 'mfccMean', sampleRate: 22050, nMfcc: 40 } };
    writeFileSync(join(old, 'soundlab.json'), JSON.stringify(v1));
    await expect(loadModelDir(old)).rejects.toThrow(ModelDirError);
    await expect(loadModelDir(old)).rejects.toThrow(
      new RegExp(`${old}/soundlab\\.json: written by an older soundlab \\(model format version 1\\).*retrain it with \`soundlab train --data DATA_DIR --out ${old}\``),
    );
    const info = JSON.parse(readFileSync(join(TINY, 'soundlab.json'), 'utf8'));
    writeFileSync(join(old, 'soundlab.json'), JSON.stringify({ ...info, formatVersion: 3 }));
    await expect(loadModelDir(old)).rejects.toThrow(/soundlab\.json: unknown model format version 3; this soundlab reads version 2: retrain it/);
    writeFileSync(join(old, 'soundlab.json'), JSON.stringify({ hello: 1 }));
    await expect(loadModelDir(old)).rejects.toThrow(/not a soundlab model description/);
    const { standardizer: _s, ...incomplete } = info;
    writeFileSync(join(old, 'soundlab.json'), JSON.stringify(incomplete));
    await expect(loadModelDir(old)).rejects.toThrow(/incomplete model description/);
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
      saveModelDir(join(dir, 'bad'), { model, encoder: new LabelEncoder().fit(['a', 'b']), params: resolveModelParams({ model: 'mlp', nMfcc: 3 }), standardizer: null }),
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
    expect(s).toEqual({ axis: 'column', mean: [2, 5], std: [1, 1] });
    expect(standardize([[4, 5]], s).map((r) => Array.from(r))).toEqual([[2, 0]]);
    expect(() => standardize([[1]], s)).toThrow(/1 values, the standardizer 2/);
    expect(() => fitStandardizer([[1, 2], [3]])).toThrow(/row 1 has 1 values, row 0 has 2/);
  });

  it("a constant column whose mean is not exact in binary (0.1 × 3) still maps to 0 (scikit-learn's rule)", () => {
    const s = fitStandardizer([[0.1], [0.1], [0.1]]);
    expect(s.std).toEqual([1]);
    expect(Array.from(standardize([[0.1]], s)[0])[0]).toBeCloseTo(0, 12);
  });

  it('per channel: rows are [channels, …] matrices of any length, each channel has one mean/std over all its values', () => {
    // Two clips of 2 channels × 2 and × 3 frames (the RNN's MFCC matrices have a length per clip).
    const rows = [Float32Array.of(1, 3, 10, 10), Float32Array.of(5, 1, 3, 30, 50, 40)];
    const s = fitStandardizer(rows, { axis: 'channel', channels: 2 });
    expect(s.axis).toBe('channel');
    // Channel 0: 1, 3, 5, 1, 3 → mean 2.6; channel 1: 10, 10, 30, 50, 40 → mean 28.
    expect(s.mean[0]).toBeCloseTo(2.6, 12);
    expect(s.mean[1]).toBeCloseTo(28, 12);
    const var0 = [1, 3, 5, 1, 3].reduce((a, v) => a + (v - 2.6) ** 2, 0) / 5;
    expect(s.std[0]).toBeCloseTo(Math.sqrt(var0), 12);
    const out = standardize([Float32Array.of(2.6, 2.6, 28, 28 + s.std[1])], s)[0];
    [0, 0, 0, 1].forEach((v, k) => expect(out[k]).toBeCloseTo(v, 5));
    // One channel (a CNN patch): every value shares the statistics.
    const one = fitStandardizer([Float32Array.of(0, 2), Float32Array.of(4, 6)], { axis: 'channel', channels: 1 });
    expect(one.mean).toEqual([3]);
    expect(one.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(() => fitStandardizer([Float32Array.of(1, 2, 3)], { axis: 'channel', channels: 2 })).toThrow(/3 values, not a multiple of 2 channels/);
  });
});
