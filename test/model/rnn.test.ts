// GRU/LSTM over MFCC frames: shapes, seeding, and learning spoken digits from real recordings.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../lib/features/extract';
import { buildRnn, mfccSequence, RnnConfigError } from '../../lib/model/rnn';
import { stratifiedSplit } from '../../lib/model/splits';
import { fitStandardizer, standardize } from '../../lib/model/scaler';
import { stack, train } from '../../lib/model/train';
import { describeWithFixtures, fixture } from '../fixtures';

describe('buildRnn', () => {
  it('GRU and LSTM map [frames, nMfcc] to class probabilities', async () => {
    await tf.setBackend('cpu');
    for (const cell of ['gru', 'lstm'] as const) {
      const m = buildRnn({ classCount: 5, frames: 20, nMfcc: 13, units: 8, cell, poolFrames: 2 });
      expect(m.layers.map((l) => l.getClassName())).toEqual(['AveragePooling1D', cell === 'gru' ? 'GRU' : 'LSTM', 'Dropout', 'Dense']);
      expect(m.layers[0].outputShape).toEqual([null, 10, 13]);
      const y = m.predict(tf.ones([3, 20, 13])) as tf.Tensor;
      expect(y.shape).toEqual([3, 5]);
      const sums = tf.sum(y, 1).dataSync();
      for (const s of sums) expect(s).toBeCloseTo(1, 5);
      m.dispose();
    }
  });
  it('rejects a pool longer than the sequence', () => {
    expect(() => buildRnn({ classCount: 2, frames: 4, poolFrames: 8 })).toThrow(RnnConfigError);
  });
  it('mfccSequence transposes to frames × coefficients and pre-pads', () => {
    // 2 coefficients × 3 frames: c0 = [1,2,3], c1 = [4,5,6]
    const seq = mfccSequence(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3, 5, -1);
    expect(Array.from(seq)).toEqual([-1, -1, -1, -1, 1, 4, 2, 5, 3, 6]);
    expect(Array.from(mfccSequence(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3, 2))).toEqual([1, 4, 2, 5]);
  });
});

describeWithFixtures('GRU learns spoken digits (FSDD fixture, stratified split)', () => {
  it('recognises held-out takes of digits 0–3 far above chance', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const dir = fixture('fsdd');
    const files = readdirSync(dir).filter((f) => /^[0-3]_\w+_\d+\.wav$/.test(f) && Number(f.split('_')[2].slice(0, -4)) < 25).sort();
    const labels = files.map((f) => f.split('_')[0]);
    const frames = 32;
    const nMfcc = 20;
    const feats = await extractFeatures(files.map((f) => `${dir}/${f}`), { kind: 'mfcc', nMfcc, sampleRate: 8000, progress: false });
    expect(feats.skipped).toEqual([]);
    const split = stratifiedSplit(labels, { validationSplit: 0.25, seed: 0 });
    // One mean/std per MFCC coefficient (a row of each clip's nMfcc × frames matrix, whatever its length).
    const s = fitStandardizer(split.train.map((i) => feats.X[i]), { axis: 'channel', channels: nMfcc });
    const seqs = feats.X.map((x, k) => mfccSequence(standardize([x], s)[0], nMfcc, feats.shapes[k][1], frames));
    const classes = ['0', '1', '2', '3'];
    const oneHot = (idx: number[]) => tf.oneHot(tf.tensor1d(idx.map((i) => classes.indexOf(labels[i])), 'int32'), 4);
    const model = buildRnn({ classCount: 4, frames, nMfcc, units: 32, poolFrames: 2, seed: 0, learningRate: 0.005 });
    await train(model, stack(split.train.map((i) => seqs[i]), [frames, nMfcc]), oneHot(split.train), { epochs: 12, batchSize: 16, seed: 0, verbose: 0 });
    const pred = (model.predict(stack(split.test.map((i) => seqs[i]), [frames, nMfcc])) as tf.Tensor).argMax(-1).dataSync();
    const acc = split.test.filter((i, k) => pred[k] === classes.indexOf(labels[i])).length / split.test.length;
    console.log(`[rnn test] digits 0-3, held-out takes: accuracy ${(100 * acc).toFixed(1)}% (chance 25%)`);
    expect(acc).toBeGreaterThanOrEqual(0.85);
    model.dispose();
  });
});
