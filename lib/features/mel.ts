// The mel scale and librosa's mel filterbank (Slaney scale, Slaney area normalisation), stored sparse.
import { FEATURE_DEFAULTS } from '../defaults';
import { FeatureError } from './errors';

// Slaney's Auditory Toolbox scale: linear (200/3 Hz per mel) below 1 kHz, logarithmic above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

/** Hz → mel on the Slaney scale (librosa `hz_to_mel(f, htk=False)`). */
export function hzToMel(frequencyHz: number): number {
  return frequencyHz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(frequencyHz / MIN_LOG_HZ) / LOGSTEP : frequencyHz / F_SP;
}

/** Mel → Hz on the Slaney scale (librosa `mel_to_hz(m, htk=False)`). */
export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** `n` frequencies in Hz evenly spaced in mel from fminHz to fmaxHz (librosa `mel_frequencies`). */
export function melFrequencies(n: number, fminHz: number, fmaxHz: number): Float64Array {
  const lo = hzToMel(fminHz);
  const hi = hzToMel(fmaxHz);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = melToHz(n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1));
  return out;
}

/** Centre frequency in Hz of each of the 1 + nFft/2 FFT bins (librosa `fft_frequencies`). */
export function fftFrequencies(sampleRate: number, nFft: number): Float64Array {
  const out = new Float64Array((nFft >> 1) + 1);
  for (let k = 0; k < out.length; k++) out[k] = (k * sampleRate) / nFft;
  return out;
}

/** Parameters of the mel filterbank (librosa's names in brackets). */
export interface MelOptions {
  /** Number of mel bands [n_mels]. Default FEATURE_DEFAULTS.nMels (128). */
  nMels?: number;
  /** Lowest band edge in Hz [fmin]. Default 0. */
  fmin?: number;
  /** Highest band edge in Hz [fmax]; null/undefined = sampleRate / 2. */
  fmax?: number | null;
}

/**
 * A mel filterbank stored sparse: filter i is nonzero only on FFT bins [start[i], end[i]), with
 * weights `weights[offset[i] .. offset[i] + end[i] − start[i])`. Triangles on 128 bands touch about
 * two bins in 1025 each, so this is ~60× less work than librosa's dense (nMels × bins) product.
 * Weights are float32, as librosa's `mel` returns them.
 */
export interface MelFilterbank {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fmin: number;
  fmax: number;
  /** First nonzero FFT bin of each filter (length nMels). */
  start: Int32Array;
  /** One past the last nonzero FFT bin of each filter (length nMels); start == end for an empty filter. */
  end: Int32Array;
  /** Where each filter's weights begin in `weights` (length nMels). */
  offset: Int32Array;
  /** All filters' nonzero weights, concatenated. */
  weights: Float32Array;
}

const filterbankCache = new Map<string, MelFilterbank>();

/**
 * librosa's `filters.mel(sr=sampleRate, n_fft=nFft, n_mels, fmin, fmax, htk=False, norm='slaney')`:
 * nMels triangular filters over the 1 + nFft/2 FFT bins, band edges evenly spaced on the Slaney mel
 * scale, each divided by its width in Hz / 2 so every filter has the same area ("Slaney" norm).
 * Defaults: nMels 128, fmin 0 Hz, fmax sampleRate/2. Cached per parameter set — treat as read-only.
 */
export function melFilterbank(opts: MelOptions & { sampleRate: number; nFft: number }): MelFilterbank {
  const { sampleRate, nFft } = opts;
  const nMels = opts.nMels ?? FEATURE_DEFAULTS.nMels;
  const fmin = opts.fmin ?? FEATURE_DEFAULTS.fmin;
  const fmax = opts.fmax ?? FEATURE_DEFAULTS.fmax ?? sampleRate / 2;
  if (!(sampleRate > 0)) throw new FeatureError(`sampleRate must be positive, got ${sampleRate}`);
  if (!Number.isInteger(nMels) || nMels < 1) throw new FeatureError(`nMels must be a positive integer, got ${nMels}`);
  if (!(fmin >= 0 && fmax > fmin)) throw new FeatureError(`need 0 ≤ fmin < fmax, got fmin=${fmin}, fmax=${fmax}`);
  const key = `${sampleRate}/${nFft}/${nMels}/${fmin}/${fmax}`;
  const cached = filterbankCache.get(key);
  if (cached) return cached;

  const fftFreqs = fftFrequencies(sampleRate, nFft);
  const melF = melFrequencies(nMels + 2, fmin, fmax);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const weights: number[] = [];
  for (let i = 0; i < nMels; i++) {
    const lowerWidth = melF[i + 1] - melF[i];
    const upperWidth = melF[i + 2] - melF[i + 1];
    const enorm = 2 / (melF[i + 2] - melF[i]);
    offset[i] = weights.length;
    let first = -1;
    let last = -1;
    for (let k = 0; k < fftFreqs.length; k++) {
      // Same arithmetic as librosa: min of the rising and falling ramps, floored at 0, then scaled.
      const lower = -(melF[i] - fftFreqs[k]) / lowerWidth;
      const upper = (melF[i + 2] - fftFreqs[k]) / upperWidth;
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        if (first < 0) first = k;
        // Any zero inside the support (cannot happen for a triangle, but keep it exact) is stored.
        while (last >= 0 && last < k - 1) {
          weights.push(0);
          last++;
        }
        // librosa stores the triangle in float32, then scales it by the (float64) norm.
        weights.push(Math.fround(w) * enorm);
        last = k;
      }
    }
    start[i] = first < 0 ? 0 : first;
    end[i] = first < 0 ? 0 : last + 1;
  }
  const fb: MelFilterbank = { sampleRate, nFft, nMels, fmin, fmax, start, end, offset, weights: Float32Array.from(weights) };
  filterbankCache.set(key, fb);
  return fb;
}

/** The filterbank as librosa's dense nMels × (1 + nFft/2) row-major matrix (for tests and plots). */
export function denseFilterbank(fb: MelFilterbank): Float32Array {
  const nBins = (fb.nFft >> 1) + 1;
  const out = new Float32Array(fb.nMels * nBins);
  for (let i = 0; i < fb.nMels; i++) {
    for (let k = fb.start[i]; k < fb.end[i]; k++) out[i * nBins + k] = fb.weights[fb.offset[i] + k - fb.start[i]];
  }
  return out;
}

/**
 * Project one power spectrum (1 + nFft/2 bins) onto the mel bands: out[i] = Σ_k W[i,k]·spectrum[k],
 * accumulated in float64. `out` has nMels entries and is returned.
 */
export function applyFilterbank(fb: MelFilterbank, spectrum: ArrayLike<number>, out: Float64Array | Float32Array = new Float64Array(fb.nMels)): Float64Array | Float32Array {
  const { start, end, offset, weights } = fb;
  for (let i = 0; i < fb.nMels; i++) {
    let acc = 0;
    const s = start[i];
    const o = offset[i] - s;
    for (let k = s; k < end[i]; k++) acc += weights[o + k] * spectrum[k];
    out[i] = acc;
  }
  return out;
}
