// Test helper: train the same model twice, on the fast MLP step and on the autodiff step, and compare.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { train, type History, type TrainOptions } from '../../lib/model';

/** Every weight tensor of a model, read back. */
export async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (t) => (await t.data()) as Float32Array));
}

/**
 * Trains a fresh `build()` on (X, y) with the fast path and again with the autodiff step (same options and
 * seed), and checks they computed the same thing: weights within 1e-4, losses to 4 decimals. Returns both
 * histories for further checks.
 */
export async function expectFastPathMatchesAutodiff(
  build: () => tf.LayersModel,
  X: Float32Array[],
  y: Float32Array[],
  opts: Omit<TrainOptions, 'fastPath' | 'verbose'>,
): Promise<{ fast: History; slow: History }> {
  const run = async (fastPath: boolean) => {
    const m = build();
    const h = await train(m, X, y, { ...opts, verbose: 0, fastPath });
    return { h, w: await weightsOf(m) };
  };
  const fast = await run(true);
  const slow = await run(false);
  let maxDiff = 0;
  fast.w.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - slow.w[i][j])))));
  // Same masks, same shuffles, same Adam: only float rounding differs.
  expect(maxDiff).toBeLessThan(1e-4);
  fast.h.loss.forEach((l, i) => expect(l).toBeCloseTo(slow.h.loss[i], 4));
  return { fast: fast.h, slow: slow.h };
}
