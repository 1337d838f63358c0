// Short-time Fourier analysis framed exactly like librosa.stft: centred, zero-padded, periodic Hann.
import FFT from 'fft.js';
import { FEATURE_DEFAULTS } from '../defaults';
import { FeatureError } from './errors';
import { createMatrix, FeatureMatrix } from './matrix';
import { hannWindow } from './window';

/** Framing parameters shared by every frame-based feature (librosa's names in brackets). */
export interface FramingOptions {
  /** FFT / frame size in samples, a power of 2 [n_fft]. Default FEATURE_DEFAULTS.nFft (2048). */
  nFft?: number;
  /** Samples between frame starts [hop_length]. Default FEATURE_DEFAULTS.hopLength (512). */
  hopLength?: number;
  /**
   * Zero-pad nFft/2 samples on both sides so frame t is centred on sample t·hopLength
   * [center=True, pad_mode='constant', librosa ≥ 0.10's default]. Default true.
   */
  center?: boolean;
}

/** Options of the power spectrogram. */
export interface StftOptions extends FramingOptions {
  /** Exponent of the magnitude: 2 = power, 1 = magnitude [power]. Default 2. */
  power?: number;
}

/** FramingOptions with every default filled in and checked. */
export interface Framing {
  nFft: number;
  hopLength: number;
  center: boolean;
}

/** Fill in FEATURE_DEFAULTS and validate: nFft a power of 2 (fft.js's radix-4 needs it), hop ≥ 1. */
export function resolveFraming(opts: FramingOptions = {}): Framing {
  const nFft = opts.nFft ?? FEATURE_DEFAULTS.nFft;
  const hopLength = opts.hopLength ?? FEATURE_DEFAULTS.hopLength;
  const center = opts.center ?? FEATURE_DEFAULTS.center;
  if (!Number.isInteger(nFft) || nFft < 4 || (nFft & (nFft - 1)) !== 0) {
    throw new FeatureError(`nFft must be a power of 2 ≥ 4, got ${nFft}`);
  }
  if (!Number.isInteger(hopLength) || hopLength < 1) {
    throw new FeatureError(`hopLength must be a positive integer, got ${hopLength}`);
  }
  return { nFft, hopLength, center };
}

/**
 * Number of frames librosa produces for `nSamples` samples: 1 + ⌊nSamples / hop⌋ when centred,
 * 1 + ⌊(nSamples − nFft) / hop⌋ otherwise (which needs nSamples ≥ nFft).
 */
export function frameCount(nSamples: number, opts: FramingOptions = {}): number {
  const { nFft, hopLength, center } = resolveFraming(opts);
  if (center) return 1 + Math.floor(nSamples / hopLength);
  if (nSamples < nFft) {
    throw new FeatureError(`signal of ${nSamples} samples is shorter than nFft=${nFft} and center=false`);
  }
  return 1 + Math.floor((nSamples - nFft) / hopLength);
}

/**
 * Copy frame `t` of the (virtually) padded signal into `out` (length nFft), zero outside the
 * signal, without materialising the padded signal. Returns `out`.
 */
export function copyFrame(samples: ArrayLike<number>, t: number, framing: Framing, out: Float32Array | Float64Array): Float32Array | Float64Array {
  const { nFft, hopLength, center } = framing;
  const start = t * hopLength - (center ? nFft >> 1 : 0);
  const n = samples.length;
  const lo = Math.max(0, -start);
  const hi = Math.min(nFft, n - start);
  for (let i = 0; i < lo; i++) out[i] = 0;
  for (let i = lo; i < hi; i++) out[i] = samples[start + i];
  for (let i = Math.max(hi, lo); i < nFft; i++) out[i] = 0;
  return out;
}

/**
 * The unwindowed frames of `samples` as librosa frames them (centred and zero-padded by default):
 * frameCount(...) arrays of nFft samples. Meant for per-frame extractors such as meyda's.
 */
export function frameSignal(samples: Float32Array, opts: FramingOptions = {}): Float32Array[] {
  const framing = resolveFraming(opts);
  const nFrames = frameCount(samples.length, framing);
  const out: Float32Array[] = [];
  for (let t = 0; t < nFrames; t++) out.push(copyFrame(samples, t, framing, new Float32Array(framing.nFft)) as Float32Array);
  return out;
}

const fftCache = new Map<number, FFT>();
function fftOfSize(nFft: number): FFT {
  let f = fftCache.get(nFft);
  if (!f) {
    f = new FFT(nFft);
    fftCache.set(nFft, f);
  }
  return f;
}

/**
 * Stream the power spectrum of each frame to `visit(t, spectrum)` without building the whole
 * spectrogram (mel and descriptor code project each frame as it comes, which keeps memory flat).
 * `spectrum` has 1 + nFft/2 bins (bin k is k·sampleRate/nFft Hz), holds |X_k|^power in float64, and
 * is reused between calls: copy it if you keep it. Returns the number of frames.
 */
export function forEachPowerFrame(
  samples: Float32Array,
  opts: StftOptions,
  visit: (t: number, spectrum: Float64Array) => void,
): number {
  const framing = resolveFraming(opts);
  const power = opts.power ?? 2;
  const { nFft } = framing;
  const nBins = (nFft >> 1) + 1;
  const nFrames = frameCount(samples.length, framing);
  const window = hannWindow(nFft);
  const fft = fftOfSize(nFft);
  const frame = new Float64Array(nFft);
  const complex = new Float64Array(2 * nFft);
  const spectrum = new Float64Array(nBins);
  for (let t = 0; t < nFrames; t++) {
    copyFrame(samples, t, framing, frame);
    for (let i = 0; i < nFft; i++) frame[i] *= window[i];
    // fft.js's real transform fills bins 0..nFft/2 (interleaved re, im) — all a real signal needs.
    fft.realTransform(complex, frame);
    if (power === 2) {
      for (let k = 0; k < nBins; k++) {
        const re = complex[2 * k];
        const im = complex[2 * k + 1];
        spectrum[k] = re * re + im * im;
      }
    } else {
      for (let k = 0; k < nBins; k++) {
        spectrum[k] = Math.pow(Math.hypot(complex[2 * k], complex[2 * k + 1]), power);
      }
    }
    visit(t, spectrum);
  }
  return nFrames;
}

/**
 * Power spectrogram |STFT|^power of a mono signal, librosa's `np.abs(librosa.stft(y))**2`.
 * Input: samples (any rate; the rate only names the bins). Output: (1 + nFft/2) bins × frames,
 * bin k at k·sampleRate/nFft Hz, frame t centred on sample t·hopLength.
 * Defaults: nFft 2048, hopLength 512, center true (zero padding), power 2.
 */
export function powerSpectrogram(samples: Float32Array, opts: StftOptions = {}): FeatureMatrix {
  const { nFft } = resolveFraming(opts);
  const nBins = (nFft >> 1) + 1;
  const nFrames = frameCount(samples.length, opts);
  const m = createMatrix(nBins, nFrames);
  forEachPowerFrame(samples, opts, (t, spectrum) => {
    for (let k = 0; k < nBins; k++) m.data[k * nFrames + t] = spectrum[k];
  });
  return m;
}
