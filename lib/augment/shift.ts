// Time shift: move a clip earlier or later by a random amount, so a model cannot rely on where the event starts.
import { AugmentError } from './errors';
import { mulberry32 } from '../util/random';

export interface TimeShiftOptions {
  /** Largest shift in seconds, either way; the shift is drawn uniformly from [−max, +max]. */
  maxShiftSeconds: number;
  /** Sample rate of `samples` in Hz (turns seconds into samples). */
  sampleRate: number;
  /** Seed of the random draw; same seed → same shift. Default 0. */
  seed?: number;
  /**
   * `'roll'` (default) wraps what falls off one end around to the other, like `np.roll`, which keeps
   * the clip's energy; `'zero'` fills the vacated part with silence.
   */
  mode?: 'roll' | 'zero';
}

/**
 * Shift `samples` (mono Float32Array, any length) in time by a seeded random number of samples in
 * [−maxShiftSeconds·sampleRate, +maxShiftSeconds·sampleRate]; a positive shift delays the sound.
 * Returns a new array of the same length; the input is not modified.
 */
export function timeShift(samples: Float32Array, opts: TimeShiftOptions): Float32Array {
  const { maxShiftSeconds, sampleRate, seed = 0, mode = 'roll' } = opts;
  if (!(maxShiftSeconds >= 0)) throw new AugmentError('timeShift', `maxShiftSeconds must be ≥ 0, got ${maxShiftSeconds}`);
  if (!(sampleRate > 0)) throw new AugmentError('timeShift', `sampleRate must be > 0, got ${sampleRate}`);
  const rng = mulberry32(seed);
  const maxShift = Math.min(Math.round(maxShiftSeconds * sampleRate), samples.length);
  const shift = Math.round((rng() * 2 - 1) * maxShift);
  return shiftBy(samples, shift, mode);
}

/** Shift by exactly `shift` samples (positive = later); `'roll'` wraps around, `'zero'` pads with silence. */
export function shiftBy(samples: Float32Array, shift: number, mode: 'roll' | 'zero' = 'roll'): Float32Array {
  const n = samples.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  if (mode === 'roll') {
    const s = ((shift % n) + n) % n;
    out.set(samples.subarray(0, n - s), s);
    out.set(samples.subarray(n - s), 0);
  } else if (shift >= 0) {
    if (shift < n) out.set(samples.subarray(0, n - shift), shift);
  } else if (-shift < n) {
    out.set(samples.subarray(-shift), 0);
  }
  return out;
}
