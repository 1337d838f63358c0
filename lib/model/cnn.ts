// SB-CNN (Salamon & Bello 2017): a small convolutional network on fixed-size log-mel patches.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/random';
import { CNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { compileClassifier } from './mlp';

export interface CnnOptions {
  /** Classes (softmax units). */
  classCount: number;
  /** Patch height: mel bands (default 128). */
  nMels?: number;
  /** Patch width: frames (default 128 ≈ 3 s at 22050 Hz, hop 512). */
  frames?: number;
  /** Filters of each conv layer (default [24, 48, 48]); a max-pool follows every conv layer but the last. */
  filters?: readonly number[];
  /** Units of the dense layer before the softmax (default 64). */
  denseUnits?: number;
  /** Square conv kernel side (default 5). */
  kernelSize?: number;
  /** Max-pool size [mel bands, frames] (default [4, 2]). */
  poolSize?: readonly [number, number];
  /** Dropout rate before the dense layer and before the softmax (default 0.5). */
  dropout?: number;
  /** L2 weight penalty on the dense layers (default 0.001). */
  l2?: number;
  /**
   * Conv padding: `'valid'` (default, as SB-CNN) shrinks each map by kernelSize − 1; `'same'` keeps
   * the size, for patches too small for three valid 5×5 convolutions.
   */
  padding?: 'valid' | 'same';
  /** Adam learning rate (default TRAIN_DEFAULTS.learningRate = 0.001). */
  learningRate?: number;
  /** Seed of the weight initialisers and dropout masks (default 0): same seed → same initial model. */
  seed?: number;
}

/** Raised when the patch is too small for the layer stack (names the layer and the map size). */
export class CnnConfigError extends Error {
  constructor(reason: string) {
    super(`CNN: ${reason}`);
    this.name = 'CnnConfigError';
  }
}

/**
 * The SB-CNN: input [nMels, frames, 1] (a log-mel patch, mel band × frame,
 * as lib/features' FeatureMatrix rows × cols) → conv k×k (filters[0], ReLU) → max-pool → conv
 * (filters[1], ReLU) → max-pool → conv (filters[2], ReLU) → flatten → dropout → dense (denseUnits,
 * ReLU, L2) → dropout → dense (classCount, softmax, L2). Output: class probabilities [classCount].
 * Compiled like buildMlp (categorical crossentropy, accuracy, Adam with Keras's defaults); fit it
 * with lib/model's `train`, like the MLP (which also gives each batch a fresh dropout mask).
 */
export function buildCnn(opts: CnnOptions): tf.Sequential {
  const nMels = opts.nMels ?? CNN_DEFAULTS.nMels;
  const frames = opts.frames ?? CNN_DEFAULTS.frames;
  const filters = opts.filters ?? CNN_DEFAULTS.filters;
  const kernelSize = opts.kernelSize ?? CNN_DEFAULTS.kernelSize;
  const poolSize = opts.poolSize ?? CNN_DEFAULTS.poolSize;
  const dropout = opts.dropout ?? CNN_DEFAULTS.dropout;
  const l2 = opts.l2 ?? CNN_DEFAULTS.l2;
  const padding = opts.padding ?? 'valid';
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  if (!Number.isInteger(opts.classCount) || opts.classCount < 2) throw new CnnConfigError(`classCount must be an integer ≥ 2, got ${opts.classCount}`);
  if (filters.length === 0) throw new CnnConfigError('filters must list at least one conv layer');

  const model = tf.sequential({ name: 'sb_cnn' });
  let h = nMels;
  let w = frames;
  filters.forEach((count, i) => {
    if (padding === 'valid') {
      h -= kernelSize - 1;
      w -= kernelSize - 1;
    }
    if (h < 1 || w < 1) {
      throw new CnnConfigError(
        `a ${nMels}×${frames} patch is too small for conv layer ${i + 1} (${kernelSize}×${kernelSize}, padding '${padding}'): use a larger patch, fewer layers or padding 'same'`,
      );
    }
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [nMels, frames, 1] } : {}),
        filters: count,
        kernelSize,
        padding,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, `conv${i}`) }),
        name: `conv${i + 1}`,
      }),
    );
    if (i < filters.length - 1) {
      const ph = Math.min(poolSize[0], h);
      const pw = Math.min(poolSize[1], w);
      model.add(tf.layers.maxPooling2d({ poolSize: [ph, pw], strides: [ph, pw], name: `pool${i + 1}` }));
      h = Math.floor(h / ph);
      w = Math.floor(w / pw);
    }
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dropout({ rate: dropout, seed: deriveSeed(seed, 'dropout1'), name: 'dropout1' }));
  model.add(
    tf.layers.dense({
      units: opts.denseUnits ?? CNN_DEFAULTS.denseUnits,
      activation: 'relu',
      kernelRegularizer: tf.regularizers.l2({ l2 }),
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'dense1') }),
      name: 'dense1',
    }),
  );
  model.add(tf.layers.dropout({ rate: dropout, seed: deriveSeed(seed, 'dropout2'), name: 'dropout2' }));
  model.add(
    tf.layers.dense({
      units: opts.classCount,
      activation: 'softmax',
      kernelRegularizer: tf.regularizers.l2({ l2 }),
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'output') }),
      name: 'output',
    }),
  );
  compileClassifier(model, opts.learningRate);
  return model;
}
