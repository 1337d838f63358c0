// Time stretch without changing pitch: WSOLA (waveform-similarity overlap-add), the time-domain counterpart of librosa's phase vocoder.
//
// Why WSOLA and not librosa's phase vocoder: `librosa.effects.time_stretch` runs stft → phase_vocoder →
// istft. lib/features computes magnitudes/power for features and has no inverse STFT, and a phase
// vocoder's phase smearing ("phasiness") on transients — the dog barks and gun shots of UrbanSound8K —
// is audible, while WSOLA keeps transients and harmonics intact by choosing, for each output frame,
// the input frame that best continues the previous one (Verhelst & Roelands 1993; the algorithm as in
// Driedger & Müller's TSM toolbox, `wsolaTSM.m`). It follows librosa's contract: `rate` > 1 speeds
// up, the output has round(length / rate) samples, the pitch is unchanged.
import { hannWindow } from '../features/window';
import { AugmentError } from './errors';

export interface TimeStretchOptions {
  /**
   * Sample rate in Hz, used only to pick the frame length (≈46 ms: 1024 samples at 22050 Hz) when
   * `frameLength` is not given. Default 22050.
   */
  sampleRate?: number;
  /** Analysis/synthesis frame length in samples (even); default ≈46 ms at `sampleRate`. */
  frameLength?: number;
  /** Largest shift (samples) searched either way for the best-matching frame; default frameLength / 4. */
  tolerance?: number;
}

/**
 * Stretch `samples` (mono, any length) in time by `rate` without changing pitch: `rate` = 2 plays twice
 * as fast (half the length), 0.5 half as fast. Output length is `Math.round(samples.length / rate)`,
 * as `librosa.effects.time_stretch`. Frames of `frameLength` samples (periodic Hann) overlap by half on
 * the output side; each input frame is moved by up to `tolerance` samples to maximise its
 * cross-correlation with the natural continuation of the previous frame.
 */
export function timeStretch(samples: Float32Array, rate: number, opts: TimeStretchOptions = {}): Float32Array {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new AugmentError('timeStretch', `rate must be a positive number, got ${rate}`);
  const sampleRate = opts.sampleRate ?? 22050;
  const frameLength = opts.frameLength ?? 2 * Math.max(16, Math.round(0.0232 * sampleRate));
  if (frameLength % 2 !== 0 || frameLength < 4) throw new AugmentError('timeStretch', `frameLength must be even and ≥ 4, got ${frameLength}`);
  const tol = opts.tolerance ?? frameLength / 4;
  const length = samples.length;
  const outLength = Math.round(length / rate);
  if (rate === 1) return samples.slice();
  if (length === 0 || outLength === 0) return new Float32Array(outLength);

  const half = frameLength / 2;
  const synHop = half;
  const window = hannWindow(frameLength);
  // Synthesis frames start every synHop in an output buffer that has `half` extra samples in front,
  // so frame k is centred on output sample k·synHop and, through the linear time map, on input sample
  // round(k·synHop·rate).
  const frameCount = Math.floor((outLength + half - 1) / synHop) + 1;
  const anaStart = new Int32Array(frameCount);
  for (let k = 0; k < frameCount; k++) anaStart[k] = Math.round(k * synHop * rate);
  // Input padded with half + tol zeros in front, enough behind for the last search window.
  const front = half + tol;
  const padded = new Float32Array(anaStart[frameCount - 1] + 2 * tol + frameLength + synHop + front + 1);
  padded.set(samples, front);

  const out = new Float64Array((frameCount - 1) * synHop + frameLength);
  const weight = new Float64Array(out.length);
  let delta = 0;
  for (let k = 0; k < frameCount; k++) {
    const src = anaStart[k] + tol + delta;
    const dst = k * synHop;
    for (let j = 0; j < frameLength; j++) {
      out[dst + j] += padded[src + j] * window[j];
      weight[dst + j] += window[j];
    }
    if (k === frameCount - 1) break;
    // Natural progression of this frame: what would have followed it in the input.
    const natural = src + synHop;
    const searchFrom = anaStart[k + 1]; // = anaStart[k+1] + tol − tol
    // Coarse-to-fine search: cross-correlation on every 4th sample at every 4th shift, then every
    // shift within ±4 of the best at full resolution — ~12× fewer multiply-adds than the full search
    // and the same optimum for the band-limited signals we stretch (checked by the pitch tests).
    const coarse = tol >= 8 ? 4 : 1;
    let best = -Infinity;
    let bestShift = 0;
    for (let d = 0; d <= 2 * tol; d += coarse) {
      const c = correlation(padded, searchFrom + d, natural, frameLength, coarse);
      if (c > best) {
        best = c;
        bestShift = d - tol;
      }
    }
    if (coarse > 1) {
      const centre = bestShift;
      best = -Infinity;
      for (let d = Math.max(-tol, centre - coarse + 1); d <= Math.min(tol, centre + coarse - 1); d++) {
        const c = correlation(padded, searchFrom + tol + d, natural, frameLength, 1);
        if (c > best) {
          best = c;
          bestShift = d;
        }
      }
    }
    delta = bestShift;
  }
  const result = new Float32Array(outLength);
  for (let t = 0; t < outLength; t++) {
    const w = weight[t + half];
    result[t] = out[t + half] / (w < 1e-3 ? 1 : w);
  }
  return result;
}

/** Σ x[a + j]·x[b + j] over j = 0, step, 2·step, … < length. */
function correlation(x: Float32Array, a: number, b: number, length: number, step: number): number {
  let c = 0;
  for (let j = 0; j < length; j += step) c += x[a + j] * x[b + j];
  return c;
}
