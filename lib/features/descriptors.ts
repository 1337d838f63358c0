// Per-frame audio descriptors from meyda's extractors, framed and windowed like librosa, plus the feature vector.
//
// How this uses meyda: `Meyda.extract` frames nothing (one buffer in, one value out), applies its own
// symmetric Hann window to the time-domain features too (so its `rms` is of the windowed buffer),
// drops the Nyquist bin and keeps its filterbanks in module-global state that goes stale when the
// sample rate changes. So we call meyda's extractor functions (`Meyda.featureExtractors`, its
// registry) directly: time-domain descriptors get the raw frame, spectral ones get |X_k| of the
// periodic-Hann-windowed frame for bins 0..nFft/2 — the same frames and spectrum as our stft, so a
// descriptor's frame t lines up with MFCC frame t.
//
// meyda's own MFCC (`meydaMfcc` here) is NOT librosa's, and the default path never uses it:
// - mel scale: HTK-style 1125·ln(1 + f/700), filters with peak 1 placed on floor((nFft+1)·f/sr) bins,
//   26 bands by default — librosa uses the Slaney scale (linear below 1 kHz) with area-normalised
//   filters, 128 bands;
// - log: natural log of (mel energy + 1) — librosa uses 10·log10 (dB) with a floor and an 80 dB range;
// - DCT: unnormalised, 2·Σ x_n·cos(πk(n + ½)/N) — librosa uses the orthonormal DCT-II;
// - at most 40 coefficients, 13 by default; one frame at a time, no centring.
// The numbers therefore differ in scale and shape; use `mfcc` (this folder's librosa port) for the
// tutorial's features.
import Meyda from 'meyda';
import { FEATURE_DEFAULTS } from '../defaults';
import { FeatureError } from './errors';
import { createMatrix, FeatureMatrix, meanOverFrames } from './matrix';
import { mfccMean, MfccOptions } from './mfcc';
import { copyFrame, FramingOptions, frameCount, PowerFrames, resolveFraming } from './stft';

// meyda builds its chroma / mel / bark tables with these helpers; they are not in its typed public
// surface, so we load them from its CommonJS build (the same code `Meyda.extract` calls).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const meydaUtilities = require('meyda/dist/node/utilities') as {
  createChromaFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
  createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
  createBarkScale(length: number, sampleRate: number, bufferSize: number): Float32Array;
};

/** meyda's extractor functions, keyed by meyda's feature names. */
type MeydaExtractor = (args: Record<string, unknown>) => unknown;
const meydaExtractors = (Meyda as unknown as { featureExtractors: Record<string, MeydaExtractor> }).featureExtractors;

/** What a descriptor sees for one frame. Arrays are reused between frames: do not keep them. */
export interface DescriptorFrame {
  /** The raw (unwindowed) frame, nFft samples, centred and zero-padded like librosa. */
  signal: Float32Array;
  /** |X_k| of the periodic-Hann-windowed frame for bins k = 0..nFft/2 (k·sampleRate/nFft Hz). */
  ampSpectrum: Float32Array;
  sampleRate: number;
  nFft: number;
  /** meyda's name for nFft. */
  bufferSize: number;
  /** meyda's lookup tables for this (sampleRate, nFft), built on first read (getters). */
  readonly chromaFilterBank: number[][];
  readonly melFilterBank: number[][];
  readonly barkScale: Float32Array;
}

/** meyda's chroma / mel filterbanks and bark scale for one (sampleRate, nFft). */
export interface MeydaTables {
  readonly chromaFilterBank: number[][];
  readonly melFilterBank: number[][];
  readonly barkScale: Float32Array;
}

/** One registered descriptor: how many values per frame, in what unit, and how to compute them. */
export interface Descriptor {
  /** Values per frame (1 for scalars, 12 for chroma, 13 for meydaMfcc). */
  size: number;
  /** Unit of the values, for axis labels. */
  unit: string;
  /** One line: what it measures and how it relates to librosa's feature of the same idea. */
  description: string;
  /** Whether it reads the raw frame or the spectrum (spectrum-free descriptors skip the FFT). */
  domain: 'time' | 'spectrum';
  /** Write the frame's `size` values into `out`. */
  compute(frame: DescriptorFrame, out: Float32Array): void;
}

const hzPerBin = (f: DescriptorFrame) => f.sampleRate / f.nFft;
const scalar = (name: string, scale: (f: DescriptorFrame) => number = () => 1) =>
  (f: DescriptorFrame, out: Float32Array) => {
    // Passed as is (not spread): extractors destructure only what they read, so tables stay lazy.
    out[0] = (meydaExtractors[name](f as unknown as Record<string, unknown>) as number) * scale(f);
  };

/**
 * The registry (meyda's featureExtractors, framed like librosa). Adding a descriptor = one entry.
 * Silent frames, where meyda divides 0 by 0, give 0 (see `descriptors`).
 */
export const DESCRIPTORS = {
  rms: {
    size: 1, unit: 'amplitude', domain: 'time',
    description: 'root mean square of the frame; equals librosa.feature.rms (same framing and zero padding)',
    compute: scalar('rms'),
  },
  zcr: {
    size: 1, unit: 'crossings per sample', domain: 'time',
    description: "zero crossings in the frame / nFft (meyda's count rescaled to librosa zero_crossing_rate's unit)",
    compute: scalar('zcr', (f) => 1 / f.nFft),
  },
  energy: {
    size: 1, unit: 'amplitude²', domain: 'time',
    description: 'sum of squared samples in the frame',
    compute: scalar('energy'),
  },
  spectralCentroid: {
    size: 1, unit: 'Hz', domain: 'spectrum',
    description: "magnitude-weighted mean frequency (meyda's bin index × sr/nFft); librosa spectral_centroid",
    compute: scalar('spectralCentroid', hzPerBin),
  },
  spectralBandwidth: {
    size: 1, unit: 'Hz', domain: 'spectrum',
    description: "magnitude-weighted standard deviation of frequency, meyda's spectralSpread in Hz; librosa spectral_bandwidth",
    compute: scalar('spectralSpread', hzPerBin),
  },
  spectralRolloff: {
    size: 1, unit: 'Hz', domain: 'spectrum',
    description: 'frequency below which 99% of the magnitude lies (meyda; librosa spectral_rolloff defaults to 85% of power)',
    compute: scalar('spectralRolloff'),
  },
  spectralFlatness: {
    size: 1, unit: 'ratio 0..1', domain: 'spectrum',
    description: 'geometric / arithmetic mean of the magnitude spectrum (librosa spectral_flatness uses power)',
    compute: scalar('spectralFlatness'),
  },
  spectralSlope: {
    size: 1, unit: '1/Hz', domain: 'spectrum',
    description: 'slope of the linear regression of magnitude on frequency, normalised by total magnitude',
    compute: scalar('spectralSlope'),
  },
  spectralCrest: {
    size: 1, unit: 'ratio', domain: 'spectrum',
    description: 'peak / RMS of the magnitude spectrum',
    compute: scalar('spectralCrest'),
  },
  spectralSkewness: {
    size: 1, unit: '', domain: 'spectrum',
    description: 'skewness of the magnitude spectrum seen as a distribution over bins',
    compute: scalar('spectralSkewness'),
  },
  spectralKurtosis: {
    size: 1, unit: '', domain: 'spectrum',
    description: 'kurtosis (not excess) of the magnitude spectrum seen as a distribution over bins',
    // Our own code, not meyda's: meyda 5.6.3's spectralKurtosis writes 6·μ1·μ2 where the central
    // fourth moment needs 6·μ1²·μ2, which gives large negative values for ordinary spectra.
    compute: (f: DescriptorFrame, out: Float32Array) => {
      const a = f.ampSpectrum;
      let total = 0;
      let m1 = 0;
      for (let k = 0; k < a.length; k++) {
        total += a[k];
        m1 += k * a[k];
      }
      m1 /= total;
      let c2 = 0;
      let c4 = 0;
      for (let k = 0; k < a.length; k++) {
        const d2 = (k - m1) * (k - m1);
        c2 += d2 * a[k];
        c4 += d2 * d2 * a[k];
      }
      c2 /= total;
      c4 /= total;
      out[0] = c4 / (c2 * c2);
    },
  },
  loudness: {
    size: 1, unit: 'sone-like', domain: 'spectrum',
    description: "total of meyda's 24 bark-band specific loudnesses (sum^0.23 per band)",
    compute: (f: DescriptorFrame, out: Float32Array) => {
      const l = meydaExtractors.loudness(f as unknown as Record<string, unknown>) as { total: number };
      out[0] = l.total;
    },
  },
  perceptualSpread: {
    size: 1, unit: 'ratio 0..1', domain: 'spectrum',
    description: 'how far the loudest bark band is from the total loudness',
    compute: scalar('perceptualSpread'),
  },
  perceptualSharpness: {
    size: 1, unit: 'acum-like', domain: 'spectrum',
    description: 'loudness-weighted high-frequency emphasis (Zwicker-style)',
    compute: scalar('perceptualSharpness'),
  },
  chroma: {
    size: 12, unit: 'relative energy 0..1', domain: 'spectrum',
    description: "energy per pitch class C, C#, …, B (meyda's chroma filterbank), scaled so the frame's maximum is 1",
    // meyda's chroma extractor is this projection written with Array.reduce and closures (~40 ms per
    // 4-s clip); the same sum over the same meyda filterbank, in a typed loop, is ~10× faster.
    compute: (f: DescriptorFrame, out: Float32Array) => {
      const bank = f.chromaFilterBank;
      const a = f.ampSpectrum;
      let max = 0;
      for (let i = 0; i < 12; i++) {
        const w = bank[i];
        let acc = 0;
        for (let k = 0; k < a.length; k++) acc += a[k] * w[k];
        out[i] = acc;
        if (acc > max) max = acc;
      }
      if (max) for (let i = 0; i < 12; i++) out[i] /= max;
    },
  },
  meydaMfcc: {
    size: 13, unit: 'meyda cepstral units', domain: 'spectrum',
    description: "meyda's own 13 MFCCs (HTK mel, ln(x+1), unnormalised DCT) — NOT librosa's; for comparison only",
    compute: (f: DescriptorFrame, out: Float32Array) => {
      out.set(meydaExtractors.mfcc({ ampSpectrum: f.ampSpectrum, melFilterBank: f.melFilterBank, bufferSize: f.nFft, numberOfMFCCCoefficients: 13 }) as number[]);
    },
  },
} satisfies Record<string, Descriptor>;

/** Names of the registered descriptors. */
export type DescriptorName = keyof typeof DESCRIPTORS;

/** The registered descriptor names, in registry order. */
export function listDescriptors(): DescriptorName[] {
  return Object.keys(DESCRIPTORS) as DescriptorName[];
}

const tablesCache = new Map<string, MeydaTables>();
function meydaTables(sampleRate: number, nFft: number): MeydaTables {
  const key = `${sampleRate}/${nFft}`;
  let t = tablesCache.get(key);
  if (!t) {
    // Lazily: the chroma bank is nFft × 12 exponentials, worth skipping when nobody asks for chroma.
    let chroma: number[][] | undefined;
    let mel: number[][] | undefined;
    let bark: Float32Array | undefined;
    t = {
      get chromaFilterBank() {
        return (chroma ??= meydaUtilities.createChromaFilterBank(12, sampleRate, nFft));
      },
      get melFilterBank() {
        return (mel ??= meydaUtilities.createMelFilterBank(26, sampleRate, nFft));
      },
      get barkScale() {
        return (bark ??= meydaUtilities.createBarkScale((nFft >> 1) + 1, sampleRate, nFft));
      },
    };
    tablesCache.set(key, t);
  }
  return t;
}

function checkNames(names: readonly string[]): DescriptorName[] {
  for (const n of names) {
    if (!(n in DESCRIPTORS)) throw new FeatureError(`unknown descriptor '${n}' (known: ${listDescriptors().join(', ')})`);
  }
  return names as DescriptorName[];
}

/**
 * Per-frame descriptors of a mono signal. Input: samples at `sampleRate` Hz.
 * Output: for each requested name, a FeatureMatrix of `DESCRIPTORS[name].size` rows × frames, with
 * the same frames as `mfcc` (nFft 2048, hopLength 512, centred with zero padding by default).
 * Spectral descriptors of a silent frame, and any value meyda cannot define (0/0), are 0, so means
 * stay finite.
 */
export function descriptors<N extends DescriptorName>(
  samples: Float32Array,
  sampleRate: number,
  names: readonly N[],
  opts: FramingOptions = {},
): Record<N, FeatureMatrix> {
  checkNames(names);
  if (!(sampleRate > 0)) throw new FeatureError(`sampleRate must be a positive number of Hz, got ${sampleRate}`);
  const framing = resolveFraming(opts);
  const { nFft } = framing;
  const nFrames = frameCount(samples.length, framing);
  const out = {} as Record<N, FeatureMatrix>;
  for (const n of names) out[n] = createMatrix(DESCRIPTORS[n].size, nFrames);
  const tables = meydaTables(sampleRate, nFft);
  const frame: DescriptorFrame = {
    signal: new Float32Array(nFft),
    ampSpectrum: new Float32Array((nFft >> 1) + 1),
    sampleRate,
    nFft,
    bufferSize: nFft,
    get chromaFilterBank() {
      return tables.chromaFilterBank;
    },
    get melFilterBank() {
      return tables.melFilterBank;
    },
    get barkScale() {
      return tables.barkScale;
    },
  };
  const values = new Float32Array(Math.max(1, ...names.map((n) => DESCRIPTORS[n].size)));
  let silentSpectrum = false;
  const computeAll = (t: number) => {
    copyFrame(samples, t, framing, frame.signal);
    for (const n of names) {
      const d: Descriptor = DESCRIPTORS[n];
      const m = out[n];
      // A silent frame has no centroid, rolloff or flatness (meyda returns NaN or, for rolloff, a
      // frequency past Nyquist): call them 0, as librosa's normalised spectral features do.
      if (d.domain === 'spectrum' && silentSpectrum) values.fill(0);
      else d.compute(frame, values);
      for (let i = 0; i < d.size; i++) m.data[i * nFrames + t] = Number.isFinite(values[i]) ? values[i] : 0;
    }
  };
  if (names.some((n) => DESCRIPTORS[n].domain === 'spectrum')) {
    const frames = new PowerFrames(samples, { ...framing, power: 1 });
    for (let t = 0; t < nFrames; t++) {
      const magnitude = frames.frame(t);
      frame.ampSpectrum.set(magnitude);
      silentSpectrum = true;
      for (let k = 0; k < magnitude.length && silentSpectrum; k++) if (magnitude[k] !== 0) silentSpectrum = false;
      computeAll(t);
    }
  } else {
    for (let t = 0; t < nFrames; t++) computeAll(t);
  }
  return out;
}

/** A feature-vector component: the tutorial's MFCC means or any registered descriptor's means. */
export type FeatureName = 'mfcc' | DescriptorName;

/** Options of featureVector: which components, in order, plus the MFCC / framing options. */
export interface FeatureVectorOptions extends MfccOptions {
  /** Components concatenated in this order. Default ['mfcc'] (the tutorial's 40 MFCC means). */
  features?: readonly FeatureName[];
}

/**
 * Column names of featureVector's output for these options, e.g. mfcc_0…mfcc_39, rms, chroma_0…chroma_11
 * (for DataFrame columns and plots).
 */
export function featureVectorNames(opts: FeatureVectorOptions = {}): string[] {
  const features = opts.features ?? ['mfcc'];
  const names: string[] = [];
  for (const f of features) {
    const size = f === 'mfcc' ? opts.nMfcc ?? FEATURE_DEFAULTS.nMfcc : checkNames([f]) && DESCRIPTORS[f as DescriptorName].size;
    if (size === 1) names.push(f);
    else for (let i = 0; i < size; i++) names.push(`${f}_${i}`);
  }
  return names;
}

/**
 * One clip's feature vector: for each name in `features` (default ['mfcc']), in order, its mean over
 * frames — 'mfcc' contributes the nMfcc (40) librosa-compatible MFCC means (`mfccMean`), a descriptor
 * contributes `DESCRIPTORS[name].size` means. Length = featureVectorNames(opts).length.
 * Example: featureVector(x, 22050, { features: ['mfcc', 'rms', 'spectralCentroid', 'chroma'] }) → 54 values.
 */
export function featureVector(
  samples: Float32Array,
  sampleRate: number = FEATURE_DEFAULTS.sampleRate,
  opts: FeatureVectorOptions = {},
): Float32Array {
  const features = opts.features ?? ['mfcc'];
  if (features.length === 0) throw new FeatureError('featureVector needs at least one feature name');
  const descriptorNames = checkNames(features.filter((f) => f !== 'mfcc'));
  const framing: FramingOptions = { nFft: opts.nFft, hopLength: opts.hopLength, center: opts.center };
  const desc = descriptorNames.length ? descriptors(samples, sampleRate, descriptorNames, framing) : undefined;
  const parts: Float32Array[] = features.map((f) =>
    f === 'mfcc' ? mfccMean(samples, sampleRate, opts) : meanOverFrames((desc as Record<DescriptorName, FeatureMatrix>)[f]),
  );
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
