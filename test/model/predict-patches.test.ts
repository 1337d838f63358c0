// Clip-level CNN prediction: the mean of the class probabilities of the clip's patches.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCnn } from '../../lib/model/cnn';
import { predictClipProbabilities } from '../../lib/model/predict';

describe('predictClipProbabilities', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it('equals the mean of the per-patch predictions of a small CNN, clip by clip', () => {
    const model = buildCnn({ classCount: 3, nMels: 8, frames: 6, filters: [3], denseUnits: 5, padding: 'same', seed: 4 });
    const size = 8 * 6;
    const patches = Array.from({ length: 6 }, (_, p) => Float32Array.from({ length: size }, (_, k) => Math.sin(0.7 * k * (p + 1)) * (p + 1)));
    const rowsPerClip = [3, 1, 2];
    const x = tf.tensor4d(patches.flatMap((p) => Array.from(p)), [6, 8, 6, 1]);
    // Each patch alone, one forward pass each.
    const single = patches.map((p) => tf.tidy(() => Array.from((model.predict(tf.tensor4d(p, [1, 8, 6, 1])) as tf.Tensor).dataSync())));
    // The patches really disagree, so a first-patch-only answer could not pass.
    expect(Math.max(...single[0].map((v, j) => Math.abs(v - single[1][j])))).toBeGreaterThan(1e-3);
    const clips = predictClipProbabilities(model, x, rowsPerClip, 2); // batches that straddle clips
    expect(clips).toHaveLength(3);
    let row = 0;
    rowsPerClip.forEach((count, c) => {
      for (let j = 0; j < 3; j++) {
        let mean = 0;
        for (let r = row; r < row + count; r++) mean += single[r][j] / count;
        expect(clips[c][j]).toBeCloseTo(mean, 6);
      }
      expect(clips[c].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      row += count;
    });
    expect(() => predictClipProbabilities(model, x, [3, 2])).toThrow(/rowsPerClip/);
    expect(() => predictClipProbabilities(model, x, [6, 0])).toThrow(/rowsPerClip/);
    x.dispose();
    model.dispose();
  });
});
