// librosa.feature.mfcc and the mel spectrograms under it, composed from stft → mel → dB → DCT.
import { FEATURE_DEFAULTS } from '../defaults';
import { DbOptions, powerToDbInto } from './db';
import { dct, dctFrames } from './dct';
import { FeatureError } from './errors';
import { createMatrix, FeatureMatrix, meanOverFrames } from './matrix';
import { applyFilterbank, MelOptions, melFilterbank } from './mel';
import { defaultFftEngine, frameCount, PowerFrames, PowerFramesOptions, resolveFraming } from './stft';
import { wasmMelFrames } from './stft-wasm';

/**
 * Options of melSpectrogram: framing (nFft 2048, hopLength 512, center, power 2) + mel bands (128, 0 Hz,
 * sr/2), and the FFT engine (default: the WebAssembly one where it loads).
 */
export interface MelSpectrogramOptions extends PowerFramesOptions, MelOptions {}

/** Options of logMelSpectrogram: melSpectrogram's + powerToDb's (ref 1, amin 1e-10, topDb 80). */
export interface LogMelOptions extends MelSpectrogramOptions, DbOptions {}

/** Options of mfcc: logMelSpectrogram's + the number of coefficients kept. */
export interface MfccOptions extends LogMelOptions {
  /** Cepstral coefficients kept [n_mfcc]. Default FEATURE_DEFAULTS.nMfcc (40, the tutorial's). */
  nMfcc?: number;
}

function checkSampleRate(sampleRate: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new FeatureError(`sampleRate must be a positive number of Hz, got ${sampleRate}`);
}

/**
 * Mel power per frame, frame-major (`data[t * nMels + i]`): contiguous writes per frame, and the
 * layout the DCT wants; the public functions transpose it to the FeatureMatrix layout.
 */
function melFrames(samples: Float32Array, sampleRate: number, opts: MelSpectrogramOptions): { data: Float32Array; nMels: number; nFrames: number } {
  checkSampleRate(sampleRate);
  const framing = resolveFraming(opts);
  const { nFft } = framing;
  const fb = melFilterbank({ sampleRate, nFft, nMels: opts.nMels, fmin: opts.fmin, fmax: opts.fmax });
  const nMels = fb.nMels;
  const nFrames = frameCount(samples.length, opts);
  const power = opts.power ?? 2;
  // The hot path: power spectrum and mel projection fused in the WebAssembly kernel, one call per clip.
  if (power === 2 && (opts.engine ?? defaultFftEngine(nFft)) === 'wasm') {
    return { data: wasmMelFrames(samples, framing, nFrames, fb), nMels, nFrames };
  }
  const data = new Float32Array(nMels * nFrames);
  const mel = new Float64Array(nMels);
  const frames = new PowerFrames(samples, opts);
  for (let t = 0; t < nFrames; t++) {
    applyFilterbank(fb, frames.frame(t), mel);
    data.set(mel, t * nMels);
  }
  return { data, nMels, nFrames };
}

function toBandMajor(data: Float32Array, nMels: number, nFrames: number): FeatureMatrix {
  const m = createMatrix(nMels, nFrames);
  for (let t = 0; t < nFrames; t++) for (let i = 0; i < nMels; i++) m.data[i * nFrames + t] = data[t * nMels + i];
  return m;
}

/**
 * Mel power spectrogram, librosa `feature.melspectrogram(y=samples, sr=sampleRate)`.
 * Input: mono samples at `sampleRate` Hz (default 22050). Output: nMels × frames of power (not dB),
 * frame t centred on sample t·hopLength. Defaults: nFft 2048, hopLength 512, center true, power 2,
 * nMels 128, fmin 0, fmax sampleRate/2 (Slaney mel scale and norm).
 */
export function melSpectrogram(
  samples: Float32Array,
  sampleRate: number = FEATURE_DEFAULTS.sampleRate,
  opts: MelSpectrogramOptions = {},
): FeatureMatrix {
  const { data, nMels, nFrames } = melFrames(samples, sampleRate, opts);
  return toBandMajor(data, nMels, nFrames);
}

/**
 * Log-mel spectrogram in dB, librosa `power_to_db(melspectrogram(y, sr))` (top_db over the whole
 * clip). Shape nMels × frames. Defaults as melSpectrogram plus refPower 1, aminPower 1e-10, topDb 80.
 */
export function logMelSpectrogram(
  samples: Float32Array,
  sampleRate: number = FEATURE_DEFAULTS.sampleRate,
  opts: LogMelOptions = {},
): FeatureMatrix {
  const { data, nMels, nFrames } = melFrames(samples, sampleRate, opts);
  powerToDbInto(data, data, opts);
  return toBandMajor(data, nMels, nFrames);
}

/**
 * MFCCs, librosa `feature.mfcc(y=samples, sr=sampleRate, n_mfcc=nMfcc)`: the orthonormal DCT-II of
 * the log-mel spectrogram over the band axis, first nMfcc rows. Shape nMfcc × frames (librosa's
 * (n_mfcc, t)), frame t centred on sample t·hopLength. Defaults: nMfcc 40 (the tutorial's), and
 * logMelSpectrogram's (nFft 2048, hopLength 512, 128 Slaney mels, topDb 80).
 */
export function mfcc(samples: Float32Array, sampleRate: number = FEATURE_DEFAULTS.sampleRate, opts: MfccOptions = {}): FeatureMatrix {
  const nMfcc = resolveNMfcc(opts);
  const { data, nMels: nBands, nFrames } = melFrames(samples, sampleRate, opts);
  powerToDbInto(data, data, opts);
  return dctFrames(data, nBands, nFrames, nMfcc);
}

/**
 * The tutorial's feature vector: the MFCC matrix averaged over frames,
 * `np.mean(librosa.feature.mfcc(y=X, sr=sample_rate, n_mfcc=40).T, axis=0)`. Length nMfcc (default 40).
 * Computed as the DCT of the mean log-mel frame (the DCT is linear; see mfccMeanFromLogMel), which
 * equals the mean of mfcc()'s frames up to float rounding (~1e-6).
 */
export function mfccMean(samples: Float32Array, sampleRate: number = FEATURE_DEFAULTS.sampleRate, opts: MfccOptions = {}): Float32Array {
  const nMfcc = resolveNMfcc(opts);
  const { data, nMels, nFrames } = melFrames(samples, sampleRate, opts);
  powerToDbInto(data, data, opts);
  // The per-band mean over frames, accumulated in the same order and precision as meanOverFrames.
  const sums = new Float64Array(nMels);
  for (let t = 0; t < nFrames; t++) for (let i = 0; i < nMels; i++) sums[i] += data[t * nMels + i];
  const meanDb = new Float32Array(nMels);
  for (let i = 0; i < nMels; i++) meanDb[i] = sums[i] / nFrames;
  return dct(meanDb, nMfcc);
}

/**
 * mfccMean from a log-mel spectrogram already computed (nMels × frames, dB): the DCT is linear, so
 * the mean of the MFCC frames is the DCT of the mean log-mel frame — one DCT instead of one per frame
 * (about 1 ms of a 4-s clip's 10). Same numbers as mfccMean on the clip the spectrogram came from.
 */
export function mfccMeanFromLogMel(logMel: FeatureMatrix, nMfcc: number = FEATURE_DEFAULTS.nMfcc): Float32Array {
  return dct(meanOverFrames(logMel), resolveNMfcc({ nMfcc, nMels: logMel.nRows }));
}

function resolveNMfcc(opts: { nMfcc?: number; nMels?: number }): number {
  const nMfcc = opts.nMfcc ?? FEATURE_DEFAULTS.nMfcc;
  const nMels = opts.nMels ?? FEATURE_DEFAULTS.nMels;
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels) {
    throw new FeatureError(`nMfcc must be an integer in [1, nMels=${nMels}], got ${nMfcc}`);
  }
  return nMfcc;
}
