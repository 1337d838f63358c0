// A small recurrent network (GRU or LSTM) over MFCC frames: the tutorial's "RNN" next step.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/random';
import { RNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { compileClassifier } from './mlp';

export interface RnnOptions {
  /** Classes (softmax units). */
  classCount: number;
  /** Time steps: MFCC frames per clip (default 128). */
  frames?: number;
  /** Features per step: MFCCs per frame (default 40). */
  nMfcc?: number;
  /** 'gru' (default) or 'lstm'. */
  cell?: 'gru' | 'lstm';
  /** Units of the recurrent layer (default 64). */
  units?: number;
  /**
   * Average-pool this many frames into one step before the recurrent layer (default 2): halves the
   * sequence, which halves the sequential work of backpropagation through time in tfjs.
   */
  poolFrames?: number;
  /** Dropout on the recurrent layer's output (default 0.3). */
  dropout?: number;
  /** Adam learning rate (default TRAIN_DEFAULTS.learningRate = 0.001). */
  learningRate?: number;
  /** Seed of the initialisers and dropout (default 0). */
  seed?: number;
}

/** Raised for an impossible RNN configuration (names the parameter). */
export class RnnConfigError extends Error {
  constructor(reason: string) {
    super(`RNN: ${reason}`);
    this.name = 'RnnConfigError';
  }
}

/**
 * Input [frames, nMfcc] (MFCC frames in time order, one row per frame — the transpose of
 * lib/features' nMfcc × frames matrix) → average-pool poolFrames → GRU/LSTM (units, last state) →
 * dropout → dense (classCount, softmax). Compiled like buildMlp; train it with lib/model's `train`.
 */
export function buildRnn(opts: RnnOptions): tf.Sequential {
  const frames = opts.frames ?? RNN_DEFAULTS.frames;
  const nMfcc = opts.nMfcc ?? RNN_DEFAULTS.nMfcc;
  const units = opts.units ?? RNN_DEFAULTS.units;
  const poolFrames = opts.poolFrames ?? 2;
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  if (!Number.isInteger(opts.classCount) || opts.classCount < 2) throw new RnnConfigError(`classCount must be an integer ≥ 2, got ${opts.classCount}`);
  if (!Number.isInteger(poolFrames) || poolFrames < 1 || poolFrames > frames) throw new RnnConfigError(`poolFrames must be an integer in [1, frames=${frames}], got ${poolFrames}`);
  const model = tf.sequential();
  model.add(tf.layers.averagePooling1d({ inputShape: [frames, nMfcc], poolSize: poolFrames, strides: poolFrames, name: 'pool' }));
  const recurrentArgs = {
    units,
    returnSequences: false,
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'kernel') }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: deriveSeed(seed, 'recurrent') }),
    name: 'recurrent',
  };
  model.add((opts.cell ?? RNN_DEFAULTS.cell) === 'lstm' ? tf.layers.lstm(recurrentArgs) : tf.layers.gru(recurrentArgs));
  model.add(tf.layers.dropout({ rate: opts.dropout ?? RNN_DEFAULTS.dropout, seed: deriveSeed(seed, 'dropout'), name: 'dropout' }));
  model.add(
    tf.layers.dense({
      units: opts.classCount,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'output') }),
      name: 'output',
    }),
  );
  compileClassifier(model, opts.learningRate);
  return model;
}

/**
 * An nMfcc × n MFCC matrix (row-major, lib/features' layout) as a sequence of exactly `frames`
 * frames × nMfcc (row t = frame t's coefficients): longer clips keep their first frames, shorter
 * ones are pre-padded (Keras pad_sequences' default) with `padValue` so the recurrent layer's last
 * state comes from real sound.
 */
export function mfccSequence(data: Float32Array, nMfcc: number, nFrames: number, frames: number, padValue = 0): Float32Array {
  if (data.length !== nMfcc * nFrames) throw new RnnConfigError(`an MFCC row of ${data.length} values is not ${nMfcc} × ${nFrames}`);
  const out = new Float32Array(frames * nMfcc).fill(padValue);
  const kept = Math.min(frames, nFrames);
  const offset = frames - kept;
  for (let t = 0; t < kept; t++) for (let c = 0; c < nMfcc; c++) out[(offset + t) * nMfcc + c] = data[c * nFrames + t];
  return out;
}
