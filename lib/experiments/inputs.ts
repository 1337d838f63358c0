// Model inputs from feature rows: log-mel patches for the CNN, MFCC sequences for the RNN, and
// standardisation fitted on the training part only (so no statistic leaks from the test fold).
import * as tf from '@tensorflow/tfjs';

/** The models the experiments compare; 'baseline' predicts the most frequent training class. */
export type ModelKind = 'baseline' | 'mlp' | 'cnn' | 'rnn';
export const MODEL_KINDS: readonly ModelKind[] = ['baseline', 'mlp', 'cnn', 'rnn'];

/** Raised for inputs of the wrong shape or unknown model kinds (names the reason). */
export class ExperimentError extends Error {
  constructor(reason: string) {
    super(`lib/experiments: ${reason}`);
    this.name = 'ExperimentError';
  }
}

/**
 * Mean and standard deviation per feature channel, fitted on training rows only: for the CNN one
 * channel (every cell of every patch), for the RNN one per MFCC coefficient. (lib/model's
 * Standardizer scales each column of flat rows — right for the MLP's vectors, not for patches or
 * sequences whose columns are time steps.)
 */
export interface ChannelStandardizer {
  mean: number[];
  std: number[];
}

/**
 * Fit a standardizer on `rows` (flat Float32Arrays) whose element k belongs to channel
 * `channelOf(k)` ∈ [0, channels). std floors at 1e-6 so constant channels do not divide by zero.
 */
export function fitChannelStandardizer(rows: readonly Float32Array[], channels: number, channelOf: (k: number) => number): ChannelStandardizer {
  return fitRowsStandardizer(rows, channels, () => channelOf);
}

/** fitChannelStandardizer for rows of different layouts (e.g. MFCC matrices with their own frame counts): `channelOfRow(r)` maps row r's elements to channels. */
export function fitRowsStandardizer(rows: readonly Float32Array[], channels: number, channelOfRow: (row: number) => (k: number) => number): ChannelStandardizer {
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const count = new Float64Array(channels);
  rows.forEach((r, row) => {
    const channelOf = channelOfRow(row);
    for (let k = 0; k < r.length; k++) {
      const c = channelOf(k);
      sum[c] += r[k];
      sumSq[c] += r[k] * r[k];
      count[c]++;
    }
  });
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    const m = count[c] ? sum[c] / count[c] : 0;
    mean.push(m);
    std.push(Math.max(1e-6, Math.sqrt(Math.max(0, (count[c] ? sumSq[c] / count[c] : 0) - m * m))));
  }
  return { mean, std };
}

/** (x − mean) / std channel-wise; returns new rows. */
export function applyChannelStandardizer(rows: readonly Float32Array[], s: ChannelStandardizer, channelOf: (k: number) => number): Float32Array[] {
  return rows.map((r) => {
    const out = new Float32Array(r.length);
    for (let k = 0; k < r.length; k++) {
      const c = channelOf(k);
      out[k] = (r[k] - s.mean[c]) / s.std[c];
    }
    return out;
  });
}

/**
 * An nMfcc × n MFCC matrix (row-major, lib/features' layout) as a sequence of exactly `frames`
 * frames × nMfcc (row t = frame t's coefficients): longer clips keep their first frames, shorter
 * ones are pre-padded (Keras pad_sequences' default) with `padValue` so the recurrent layer's last
 * state comes from real sound.
 */
export function mfccSequence(data: Float32Array, nMfcc: number, nFrames: number, frames: number, padValue = 0): Float32Array {
  if (data.length !== nMfcc * nFrames) throw new ExperimentError(`an MFCC row of ${data.length} values is not ${nMfcc} × ${nFrames}`);
  const out = new Float32Array(frames * nMfcc).fill(padValue);
  const kept = Math.min(frames, nFrames);
  const offset = frames - kept;
  for (let t = 0; t < kept; t++) for (let c = 0; c < nMfcc; c++) out[(offset + t) * nMfcc + c] = data[c * nFrames + t];
  return out;
}

/** Rows stacked into one tensor of shape [rows.length, ...shape] (one copy). */
export function stack(rows: readonly Float32Array[], shape: readonly number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(rows.length * size);
  rows.forEach((r, i) => {
    if (r.length !== size) throw new ExperimentError(`row ${i} has ${r.length} values, expected ${size} (shape ${shape.join('×')})`);
    flat.set(r, i * size);
  });
  return tf.tensor(flat, [rows.length, ...shape]);
}
