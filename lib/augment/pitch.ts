// Pitch shift without changing duration: time-stretch then resample, as librosa.effects.pitch_shift does.
import { resample } from '../audio';
import { AugmentError } from './errors';
import { timeStretch } from './stretch';

export interface PitchShiftOptions {
  /** Steps per octave (librosa `bins_per_octave`); default 12, so `steps` are semitones. */
  binsPerOctave?: number;
  /** Passed to timeStretch: frame length in samples. */
  frameLength?: number;
}

/**
 * Shift the pitch of `samples` (mono, `sampleRate` Hz) by `semitones` (may be fractional or negative)
 * keeping the length: every frequency is multiplied by 2^(semitones/12). Like
 * `librosa.effects.pitch_shift`: stretch by rate = 2^(−semitones/12) (WSOLA here, see stretch.ts),
 * resample from sampleRate/rate to sampleRate, then pad or trim to the input length.
 */
export function pitchShift(samples: Float32Array, sampleRate: number, semitones: number, opts: PitchShiftOptions = {}): Float32Array {
  if (!(sampleRate > 0)) throw new AugmentError('pitchShift', `sampleRate must be > 0, got ${sampleRate}`);
  if (!Number.isFinite(semitones)) throw new AugmentError('pitchShift', `semitones must be finite, got ${semitones}`);
  if (semitones === 0) return samples.slice();
  const rate = Math.pow(2, -semitones / (opts.binsPerOctave ?? 12));
  const stretched = timeStretch(samples, rate, { sampleRate, frameLength: opts.frameLength });
  const shifted = resample(stretched, sampleRate / rate, sampleRate);
  return fixLength(shifted, samples.length);
}

/** Pad with zeros or trim the end to exactly `length` samples (librosa.util.fix_length). */
export function fixLength(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.length > length ? samples.subarray(0, length) : samples);
  return out;
}
