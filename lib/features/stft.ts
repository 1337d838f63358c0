// Short-time Fourier analysis framed exactly like librosa.stft: centred, zero-padded, periodic Hann.
import FFT from 'fft.js';
import { FEATURE_DEFAULTS } from '../defaults';
import { FeatureError } from './errors';
import { createMatrix, FeatureMatrix } from './matrix';
import { wasmPowerFrames, wasmStftAvailable } from './stft-wasm';
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

/**
 * Real FFT of size n computed as one complex FFT of size n/2 (fft.js) plus an O(n) split step: the
 * float64 plain-JS twin of the WebAssembly STFT (stft-wasm.ts), its reference in the tests and its
 * fallback. Why not fft.js's own realTransform: on this machine kind it takes ~43 µs for n = 2048
 * while its complex transform of n/2 takes ~20 µs. The packing is the
 * textbook one: z[m] = x[2m] + i·x[2m+1], Z = FFT(z), then
 * X[k] = (Z[k] + conj Z[n/2−k])/2 − i·e^(−2πik/n)·(Z[k] − conj Z[n/2−k])/2 for k = 0..n/2.
 */
class RealFft {
  readonly size: number;
  private readonly half: FFT;
  private readonly z: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    this.size = size;
    const h = size >> 1;
    this.half = new FFT(h);
    this.z = new Float64Array(size);
    this.cos = new Float64Array(h + 1);
    this.sin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Spectrum of the real frame `x` (length size) into `out` as interleaved (re, im) for bins
   * 0..size/2 (length size + 2). `x` read as fft.js's interleaved complex input of size/2 points.
   */
  transform(x: Float64Array, out: Float64Array): void {
    const h = this.size >> 1;
    const z = this.z;
    const cos = this.cos;
    const sin = this.sin;
    this.half.transform(z, x);
    // Bins 0 and n/2 both come from Z[0] alone; the loop below pairs Z[k] with Z[n/2 − k].
    out[0] = z[0] + z[1];
    out[1] = 0;
    out[2 * h] = z[0] - z[1];
    out[2 * h + 1] = 0;
    for (let k = 1; k < h; k++) {
      const a = z[2 * k];
      const b = z[2 * k + 1];
      const c = z[2 * (h - k)];
      const d = z[2 * (h - k) + 1];
      const er = 0.5 * (a + c);
      const ei = 0.5 * (b - d);
      const or = 0.5 * (b + d);
      const oi = 0.5 * (c - a);
      out[2 * k] = er + cos[k] * or + sin[k] * oi;
      out[2 * k + 1] = ei + cos[k] * oi - sin[k] * or;
    }
  }

  /**
   * |X_k|² for bins 0..size/2 into `power` (length size/2 + 1), fusing the split step with the
   * squaring: bins k and size/2 − k come from the same pair Z[k], Z[size/2 − k], so each iteration
   * yields two bins and the complex spectrum is never stored. The hot path of every mel feature.
   */
  powerSpectrum(x: Float64Array, power: Float64Array): void {
    const h = this.size >> 1;
    const z = this.z;
    const cos = this.cos;
    const sin = this.sin;
    this.half.transform(z, x);
    const dc = z[0] + z[1];
    const nyquist = z[0] - z[1];
    power[0] = dc * dc;
    power[h] = nyquist * nyquist;
    for (let k = 1; k <= h >> 1; k++) {
      const a = z[2 * k];
      const b = z[2 * k + 1];
      const c = z[2 * (h - k)];
      const d = z[2 * (h - k) + 1];
      const er = 0.5 * (a + c);
      const ei = 0.5 * (b - d);
      const or = 0.5 * (b + d);
      const oi = 0.5 * (c - a);
      const p = cos[k] * or + sin[k] * oi;
      const q = cos[k] * oi - sin[k] * or;
      // X[k] = (er + p, ei + q); X[h − k] = (er − p, q − ei) since cos[h−k] = −cos[k], sin[h−k] = sin[k].
      const re1 = er + p;
      const im1 = ei + q;
      const re2 = er - p;
      const im2 = q - ei;
      power[k] = re1 * re1 + im1 * im1;
      power[h - k] = re2 * re2 + im2 * im2;
    }
  }
}

/** Frame t of the padded signal times the window, into `out` (the hot-path twin of copyFrame). */
function windowedFrame(samples: Float32Array, t: number, framing: Framing, window: Float64Array, out: Float64Array): void {
  const { nFft, hopLength, center } = framing;
  const start = t * hopLength - (center ? nFft >> 1 : 0);
  const lo = Math.max(0, -start);
  const hi = Math.max(lo, Math.min(nFft, samples.length - start));
  out.fill(0, 0, lo);
  for (let i = lo; i < hi; i++) out[i] = samples[start + i] * window[i];
  out.fill(0, hi, nFft);
}

const fftCache = new Map<number, RealFft>();
function realFftOfSize(nFft: number): RealFft {
  let f = fftCache.get(nFft);
  if (!f) {
    f = new RealFft(nFft);
    fftCache.set(nFft, f);
  }
  return f;
}

/**
 * Spectrum of one real frame of nFft samples (power of 2 ≥ 4): interleaved (re, im) for bins
 * 0..nFft/2, length nFft + 2, in float64. Forward transform, no scaling (numpy.fft.rfft's convention).
 */
export function rfft(frame: ArrayLike<number>): Float64Array {
  const n = frame.length;
  resolveFraming({ nFft: n, hopLength: 1 });
  const x = Float64Array.from(frame);
  const out = new Float64Array(n + 2);
  realFftOfSize(n).transform(x, out);
  return out;
}

/** Which FFT computes the spectra: PFFFT's WebAssembly SIMD build, or fft.js (the plain-JS twin). */
export type FftEngine = 'wasm' | 'js';

/** The engine PowerFrames uses for `nFft` unless told otherwise: 'wasm' when PFFFT loads and supports the size. */
export function defaultFftEngine(nFft: number = FEATURE_DEFAULTS.nFft): FftEngine {
  return wasmStftAvailable(nFft) ? 'wasm' : 'js';
}

/** PowerFrames' options: the STFT's, plus which FFT to use (for tests comparing the two). */
export interface PowerFramesOptions extends StftOptions {
  /** Default defaultFftEngine(nFft); 'wasm' throws when PFFFT is unavailable for this size. */
  engine?: FftEngine;
}

/**
 * The power spectra of a signal's frames: `frame(t)` returns |X_k|^power for bins k = 0..nFft/2
 * (k·sampleRate/nFft Hz) of frame t, in float64, into a reused buffer: copy it if you keep it. With
 * PFFFT (the default where it loads) every frame's power is computed in one batched WebAssembly call
 * when the object is built; with fft.js (the plain-JS twin, and the fallback) one frame per call. Callers loop over t themselves (mel
 * projection, descriptors), which keeps each caller's loop separately optimised by the JIT.
 */
export class PowerFrames {
  readonly nFrames: number;
  readonly nBins: number;
  readonly engine: FftEngine;
  private readonly samples: Float32Array;
  private readonly framing: Framing;
  private readonly power: number;
  private readonly window: Float64Array;
  private readonly fft: RealFft | null;
  private readonly frameBuffer: Float64Array | null;
  private readonly complex: Float64Array | null;
  private readonly spectrum: Float64Array;
  /** Wasm engine: every frame's |X_k|², frame-major (nFrames × nBins), computed up front in one call. */
  private readonly all: Float32Array | null;

  constructor(samples: Float32Array, opts: PowerFramesOptions = {}) {
    this.framing = resolveFraming(opts);
    this.power = opts.power ?? 2;
    const { nFft } = this.framing;
    this.samples = samples;
    this.nBins = (nFft >> 1) + 1;
    this.nFrames = frameCount(samples.length, this.framing);
    this.window = hannWindow(nFft);
    this.engine = opts.engine ?? defaultFftEngine(nFft);
    this.spectrum = new Float64Array(this.nBins);
    if (this.engine === 'wasm') {
      if (!wasmStftAvailable(nFft)) throw new FeatureError(`the WebAssembly FFT is unavailable for nFft=${nFft}`);
      this.fft = null;
      this.frameBuffer = null;
      this.complex = null;
      this.all = wasmPowerFrames(samples, this.framing, this.nFrames);
    } else {
      this.fft = realFftOfSize(nFft);
      this.frameBuffer = new Float64Array(nFft);
      this.complex = new Float64Array(nFft + 2);
      this.all = null;
    }
  }

  /** |X_k|^power of frame t (0 ≤ t < nFrames), length nBins; overwritten by the next call. */
  frame(t: number): Float64Array {
    const spectrum = this.spectrum;
    if (this.all) {
      const { all, nBins, power } = this;
      const o = t * nBins;
      if (power === 2) for (let k = 0; k < nBins; k++) spectrum[k] = all[o + k];
      else if (power === 1) for (let k = 0; k < nBins; k++) spectrum[k] = Math.sqrt(all[o + k]);
      else for (let k = 0; k < nBins; k++) spectrum[k] = Math.pow(all[o + k], power / 2);
      return spectrum;
    }
    const complex = this.complex!;
    const power = this.power;
    windowedFrame(this.samples, t, this.framing, this.window, this.frameBuffer!);
    if (power === 2) {
      this.fft!.powerSpectrum(this.frameBuffer!, spectrum);
    } else {
      // |X|^p = (|X|²)^(p/2); Math.hypot is several times slower than the plain square root.
      this.fft!.transform(this.frameBuffer!, complex);
      const half = power / 2;
      for (let k = 0; k < this.nBins; k++) {
        const re = complex[2 * k];
        const im = complex[2 * k + 1];
        const p2 = re * re + im * im;
        spectrum[k] = power === 1 ? Math.sqrt(p2) : Math.pow(p2, half);
      }
    }
    return spectrum;
  }
}

/**
 * Call `visit(t, spectrum)` with each frame's power spectrum in turn (see PowerFrames, which this
 * wraps; prefer it in hot code). Returns the number of frames.
 */
export function forEachPowerFrame(
  samples: Float32Array,
  opts: StftOptions,
  visit: (t: number, spectrum: Float64Array) => void,
): number {
  const frames = new PowerFrames(samples, opts);
  for (let t = 0; t < frames.nFrames; t++) visit(t, frames.frame(t));
  return frames.nFrames;
}

/**
 * Power spectrogram |STFT|^power of a mono signal, librosa's `np.abs(librosa.stft(y))**2`.
 * Input: samples (any rate; the rate only names the bins). Output: (1 + nFft/2) bins × frames,
 * bin k at k·sampleRate/nFft Hz, frame t centred on sample t·hopLength.
 * Defaults: nFft 2048, hopLength 512, center true (zero padding), power 2.
 */
export function powerSpectrogram(samples: Float32Array, opts: PowerFramesOptions = {}): FeatureMatrix {
  const { nFft } = resolveFraming(opts);
  const nBins = (nFft >> 1) + 1;
  const nFrames = frameCount(samples.length, opts);
  const m = createMatrix(nBins, nFrames);
  const frames = new PowerFrames(samples, opts);
  for (let t = 0; t < nFrames; t++) {
    const spectrum = frames.frame(t);
    for (let k = 0; k < nBins; k++) m.data[k * nFrames + t] = spectrum[k];
  }
  return m;
}
