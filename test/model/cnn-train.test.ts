// Data-parallel SB-CNN training on random crops: the summed shard gradients are the batch gradient,
// runs are reproducible per worker count, early stopping restores the best epoch, an abort keeps it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../lib/model/backend';
import { buildCnn, type CnnOptions } from '../../lib/model/cnn';
import { CnnReplica, flatWeights } from '../../lib/model/cnn-replica';
import { clipLevelScores, fitCnnOnCrops, formatCnnEpochLine, movingAverage, type CropTrainingSet, type PatchValidationSet } from '../../lib/model/cnn-train';
import type { ClipMatrix } from '../../lib/model/crops';

const options: CnnOptions = { classCount: 3, nMels: 12, frames: 10, filters: [4, 6], denseUnits: 8, padding: 'same', seed: 3 };

/** Clips whose class is visible (a band that is loud), of varying widths, plus noise. */
function clips(count: number, seed: number): CropTrainingSet {
  const out: ClipMatrix[] = [];
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const nFrames = 10 + ((k * 7) % 9);
    const label = k % 3;
    const data = Float32Array.from({ length: 12 * nFrames }, (_, i) => Math.sin(i * 1.7 + k * 3.1 + seed) * 0.3 + (Math.floor(i / nFrames) % 3 === label ? 2 : -1));
    out.push({ data, nMels: 12, nFrames });
    labels[k] = label;
  }
  return { clips: out, labels };
}

function validation(count: number): PatchValidationSet {
  const c = clips(count, 11);
  const patches = new Float32Array(count * 120);
  c.clips.forEach((m, k) => {
    for (let i = 0; i < 12; i++) patches.set(m.data.subarray(i * m.nFrames, i * m.nFrames + 10), k * 120 + i * 10);
  });
  return { patches, rowsPerClip: Array(count).fill(1), labels: c.labels };
}

describe('fitCnnOnCrops', () => {
  beforeAll(async () => {
    await selectBackend({ quiet: true });
  });

  it('two shards\' gradients, summed, are the gradient of the whole batch', () => {
    const noDropout = { ...options, dropout: 0 };
    const whole = new CnnReplica(noDropout, 0, 0);
    const halves = [new CnnReplica(noDropout, 0, 0), new CnnReplica(noDropout, 0, 1)];
    const w = flatWeights(whole.model);
    halves.forEach((h) => h.setWeights(w));
    const x = Float32Array.from({ length: 5 * 120 }, (_, i) => Math.sin(i * 0.37));
    const labels = Int32Array.from([0, 2, 1, 1, 0]);
    const g = new Float32Array(w.length);
    const g0 = new Float32Array(w.length);
    const g1 = new Float32Array(w.length);
    const r = whole.gradient(x, labels, 5, true, g);
    const r0 = halves[0].gradient(x.subarray(0, 3 * 120), labels.subarray(0, 3), 5, true, g0);
    const r1 = halves[1].gradient(x.subarray(3 * 120), labels.subarray(3), 5, false, g1);
    expect(r1.penalty).toBe(0);
    expect(r0.penalty).toBeGreaterThan(0);
    expect(r0.crossEntropySum + r1.crossEntropySum).toBeCloseTo(r.crossEntropySum, 4);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < g.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(g0[i] + g1[i] - g[i]));
      maxAbs = Math.max(maxAbs, Math.abs(g[i]));
    }
    expect(maxAbs).toBeGreaterThan(1e-3);
    expect(maxDiff).toBeLessThan(1e-5 * Math.max(1, maxAbs));
    [whole, ...halves].forEach((m) => m.dispose());
  });

  it('same seed and worker count → bit-identical weights; one worker = the inline replica', async () => {
    const data = clips(20, 0);
    const run = async (workers: number) => {
      const model = buildCnn(options);
      const r = await fitCnnOnCrops(model, options, data, { epochs: 2, batchSize: 6, seed: 5, workers, verbose: 0 });
      const w = flatWeights(model);
      model.dispose();
      return { w, loss: r.history.loss };
    };
    const a = await run(2);
    const b = await run(2);
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(a.loss).toEqual(b.loss);
    const inline = await run(0);
    const one = await run(1);
    expect(Array.from(one.w)).toEqual(Array.from(inline.w));
    // Training moved the weights (and two replicas draw other dropout masks than one).
    const initial = flatWeights(buildCnn(options));
    expect(Array.from(inline.w)).not.toEqual(Array.from(initial));
    expect(Array.from(a.w)).not.toEqual(Array.from(inline.w));
  }, 60_000);

  it('with augmented versions, trains on one version of each clip per epoch', async () => {
    const base = clips(12, 0);
    const copies = clips(12, 5); // other noise, same classes: "augmented copies" of clips 0..11
    const data = { clips: [...base.clips, ...copies.clips], labels: Int32Array.from([...base.labels, ...copies.labels]), variantOf: Int32Array.from([...Array(12).keys(), ...Array(12).keys()]) };
    const run = async () => {
      const model = buildCnn(options);
      const r = await fitCnnOnCrops(model, options, data, { epochs: 3, batchSize: 5, seed: 2, workers: 0, verbose: 0 });
      const w = flatWeights(model);
      model.dispose();
      return { r, w };
    };
    const a = await run();
    expect(Math.round(a.r.patchesPerSecond * a.r.stepSeconds)).toBe(3 * 12);
    expect(Array.from((await run()).w)).toEqual(Array.from(a.w));
    const model = buildCnn(options);
    await expect(fitCnnOnCrops(model, options, { ...data, variantOf: new Int32Array(3) }, { epochs: 1, workers: 0, verbose: 0 })).rejects.toThrow(/variantOf has 3 entries/);
    model.dispose();
  }, 60_000);

  it('learns, stops early and restores the best validation epoch\'s weights', async () => {
    const model = buildCnn(options);
    const perEpoch: Float32Array[] = [];
    const lines: string[] = [];
    const r = await fitCnnOnCrops(model, options, clips(30, 0), {
      epochs: 40, batchSize: 8, seed: 1, workers: 0, patience: 3, monitor: 'val_loss', validation: validation(12), specAugment: false, emaMomentum: 0, startFromEpoch: 0,
      log: (l) => lines.push(l),
      onEpochEnd: () => void perEpoch.push(flatWeights(model)),
    });
    const best = r.history.valLoss.indexOf(Math.min(...r.history.valLoss));
    expect(r.bestEpoch).toBe(best);
    expect(Array.from(flatWeights(model))).toEqual(Array.from(perEpoch[best]));
    if (r.stopped === 'early') expect(r.history.epoch.length).toBe(best + 1 + 3);
    else expect(r.history.epoch.length).toBe(40);
    expect(Math.max(...r.history.valAcc)).toBeGreaterThan(0.8); // the loud band is easy to find
    expect(lines[0]).toMatch(/^Epoch 1\/40 - [\d.]+s - [\d.]+ patches\/s - ETA \S+ - loss: [\d.]+ - acc: [\d.]+ - val_loss: [\d.]+ - val_acc: [\d.]+$/);
    model.dispose();
  }, 60_000);

  it('movingAverage: starts at the weights, then m·ema + (1 − m)·w', () => {
    const first = movingAverage(null, Float32Array.from([1, 2]), 0.9);
    expect(Array.from(first)).toEqual([1, 2]);
    const next = movingAverage(first, Float32Array.from([11, 2]), 0.9);
    expect(next).toBe(first);
    expect(next[0]).toBeCloseTo(2, 5);
    expect(next[1]).toBeCloseTo(2, 5);
  });

  it('with the weights\' moving average, validation and the restored model are the average\'s (what onEpochEnd sees)', async () => {
    const model = buildCnn(options);
    const seen: Float32Array[] = [];
    const raw: Float32Array[] = [];
    const r = await fitCnnOnCrops(model, options, clips(30, 0), {
      epochs: 6, batchSize: 8, seed: 1, workers: 0, patience: 0, validation: validation(6), verbose: 0, emaMomentum: 0.9, startFromEpoch: 0,
      onEpochEnd: () => void seen.push(flatWeights(model)),
    });
    expect(Array.from(flatWeights(model))).toEqual(Array.from(seen[r.bestEpoch!]));
    // The average differs from the raw weights of the same epoch (read from a run without the average).
    const plain = buildCnn(options);
    await fitCnnOnCrops(plain, options, clips(30, 0), {
      epochs: 6, batchSize: 8, seed: 1, workers: 0, patience: 0, validation: validation(6), verbose: 0, emaMomentum: 0,
      onEpochEnd: () => void raw.push(flatWeights(plain)),
    });
    expect(Array.from(seen[5])).not.toEqual(Array.from(raw[5]));
    model.dispose();
    plain.dispose();
  }, 60_000);

  it('start_from_epoch: the epochs before it can be neither the best nor count against patience', async () => {
    const model = buildCnn(options);
    const r = await fitCnnOnCrops(model, options, clips(30, 0), {
      epochs: 8, batchSize: 8, seed: 1, workers: 0, patience: 2, validation: validation(6), verbose: 0, startFromEpoch: 4,
    });
    expect(r.bestEpoch).toBeGreaterThanOrEqual(4);
    expect(r.history.epoch.length).toBeGreaterThanOrEqual(Math.min(8, 4 + 1));
    model.dispose();
  }, 60_000);

  it('an abort ends training after the current step with the best weights so far', async () => {
    const model = buildCnn(options);
    const controller = new AbortController();
    const perEpoch: Float32Array[] = [];
    const r = await fitCnnOnCrops(model, options, clips(30, 0), {
      epochs: 10, batchSize: 8, seed: 1, workers: 2, patience: 0, validation: validation(6), verbose: 0, startFromEpoch: 0,
      onEpochEnd: (epoch) => {
        perEpoch.push(flatWeights(model));
        if (epoch === 1) controller.abort();
      },
      signal: controller.signal,
    });
    expect(r.stopped).toBe('interrupted');
    expect(r.history.epoch).toEqual([0, 1]);
    // The default monitor (CNN_DEFAULTS.monitor): the higher val_acc wins, the earlier epoch on a tie.
    const best = r.history.valAcc[1] > r.history.valAcc[0] ? 1 : 0;
    expect(r.bestEpoch).toBe(best);
    expect(Array.from(flatWeights(model))).toEqual(Array.from(perEpoch[best]));
    model.dispose();
  }, 60_000);
});

describe('clipLevelScores and the epoch line', () => {
  it('scores the mean of each clip\'s patch probabilities', () => {
    // Clip 0: patches say [0.6, 0.4] and [0.1, 0.9] → mean [0.35, 0.65] → class 1 (true 1). Clip 1: one patch [0.7, 0.3], true 1.
    const probs = Float32Array.from([0.6, 0.4, 0.1, 0.9, 0.7, 0.3]);
    const s = clipLevelScores(probs, [2, 1], Int32Array.from([1, 1]), 2);
    expect(s.acc).toBe(0.5);
    expect(s.loss).toBeCloseTo(-(Math.log(0.65) + Math.log(0.3)) / 2, 6);
  });
  it('shows throughput and the time left, and no ETA on the last epoch', () => {
    const logs = { loss: 1.23456, acc: 0.5, val_loss: 1.1, val_acc: 0.6 };
    expect(formatCnnEpochLine(2, 30, 31.24, 55.06, 27 * 31.2, logs)).toBe('Epoch 3/30 - 31.2s - 55.1 patches/s - ETA 14m02s - loss: 1.2346 - acc: 0.5000 - val_loss: 1.1000 - val_acc: 0.6000');
    expect(formatCnnEpochLine(29, 30, 31.24, 55.06, 0, logs)).not.toMatch(/ETA/);
  });
});
