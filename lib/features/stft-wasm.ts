// The WebAssembly STFT: PFFFT's SIMD real FFT driven by our kernel (source: kernels/stft.wat), a clip per call.
import { stftKernelBytes } from './wasm-bytes';
import { FeatureError } from './errors';
import type { MelFilterbank } from './mel';
import { loadPffft, Pffft, pffftSupportsSize, pffftUnavailableReason } from './pffft';
import type { Framing } from './stft';
import { hannWindow } from './window';

interface KernelExports {
  power_frames(padded: number, nFrames: number, hop: number, nFft: number, window: number, setup: number, input: number, output: number, work: number, dest: number): void;
  mel_frames(
    padded: number, nFrames: number, hop: number, nFft: number, window: number, setup: number, input: number, output: number, work: number,
    power: number, nMels: number, start: number, end: number, offset: number, weights: number, dest: number,
  ): void;
}

/** Buffers of one FFT size that live as long as the process: PFFFT's setup and scratch, the f32 window. */
interface SizeBuffers {
  setup: number;
  input: number;
  output: number;
  work: number;
  power: number;
  window: number;
}

interface Engine {
  pffft: Pffft;
  kernel: KernelExports;
  sizes: Map<number, SizeBuffers>;
  filterbanks: WeakMap<MelFilterbank, { start: number; end: number; offset: number; weights: number }>;
}

let engine: Engine | null | undefined;
let engineError = '';

function instantiateKernel(pffft: Pffft): KernelExports {
  const bytes = stftKernelBytes();
  // validate() is false where the runtime lacks SIMD: then the STFT runs on fft.js.
  if (!WebAssembly.validate(bytes)) throw new Error('kernels/stft.wasm does not validate here (no WebAssembly SIMD?)');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: pffft.memory },
    pffft: { transform: pffft.exports.pffft_transform_ordered },
  });
  return instance.exports as unknown as KernelExports;
}

function loadEngine(): Engine | null {
  if (engine !== undefined) return engine;
  const pffft = loadPffft();
  if (!pffft) {
    engine = null;
    return engine;
  }
  try {
    engine = { pffft, kernel: instantiateKernel(pffft), sizes: new Map(), filterbanks: new WeakMap() };
  } catch (err) {
    engineError = err instanceof Error ? err.message : String(err);
    engine = null;
  }
  return engine;
}

/** True when the WebAssembly STFT can compute frames of `nFft` samples here. */
export function wasmStftAvailable(nFft: number): boolean {
  return pffftSupportsSize(nFft) && loadEngine() !== null;
}

/** Why the WebAssembly STFT is unavailable ('' when it is available). */
export function wasmStftUnavailableReason(): string {
  const e = loadEngine();
  return e ? '' : engineError || pffftUnavailableReason() || 'PFFFT (WebAssembly SIMD) could not be loaded';
}

function malloc(e: Engine, bytes: number): number {
  const ptr = e.pffft.exports.pffft_aligned_malloc(Math.max(16, bytes));
  if (!ptr) throw new FeatureError(`WebAssembly STFT: out of memory allocating ${bytes} bytes`);
  return ptr;
}

function buffersFor(e: Engine, nFft: number): SizeBuffers {
  let b = e.sizes.get(nFft);
  if (!b) {
    const bytes = 4 * nFft;
    b = {
      setup: e.pffft.realSetup(nFft), input: malloc(e, bytes), output: malloc(e, bytes), work: malloc(e, bytes),
      power: malloc(e, bytes + 16), window: malloc(e, bytes),
    };
    // The window rounded to float32 once: the kernel multiplies in float32 (PFFFT's precision anyway).
    new Float32Array(e.pffft.memory.buffer, b.window, nFft).set(hannWindow(nFft));
    e.sizes.set(nFft, b);
  }
  return b;
}

/**
 * Copies the clip into wasm memory laid out so frame t starts at sample t·hop: with `center`, nFft/2
 * zeros first (librosa's constant padding); zeros after the end up to the last frame's end.
 */
function placeSignal(e: Engine, samples: Float32Array, framing: Framing, nFrames: number): number {
  const { nFft, hopLength, center } = framing;
  const lead = center ? nFft >> 1 : 0;
  const length = Math.max((nFrames - 1) * hopLength + nFft, lead + samples.length);
  const ptr = malloc(e, 4 * length);
  const view = new Float32Array(e.pffft.memory.buffer, ptr, length);
  view.fill(0, 0, lead);
  view.set(samples, lead);
  view.fill(0, lead + samples.length);
  return ptr;
}

function checkFrames(framing: Framing, nFrames: number): void {
  if (!pffftSupportsSize(framing.nFft)) throw new FeatureError(`the WebAssembly STFT does not support nFft=${framing.nFft}`);
  if (!Number.isInteger(nFrames) || nFrames < 0) throw new FeatureError(`bad frame count ${nFrames}`);
}

/** Every frame's |X_k|², frame-major (nFrames × (nFft/2 + 1)), float32. */
export function wasmPowerFrames(samples: Float32Array, framing: Framing, nFrames: number): Float32Array {
  const e = loadEngine();
  if (!e) throw new FeatureError(`the WebAssembly STFT is unavailable: ${wasmStftUnavailableReason()}`);
  checkFrames(framing, nFrames);
  const { nFft, hopLength } = framing;
  const nBins = (nFft >> 1) + 1;
  const b = buffersFor(e, nFft);
  const padded = placeSignal(e, samples, framing, nFrames);
  const dest = malloc(e, 4 * nBins * nFrames);
  try {
    e.kernel.power_frames(padded, nFrames, hopLength, nFft, b.window, b.setup, b.input, b.output, b.work, dest);
    return new Float32Array(e.pffft.memory.buffer, dest, nBins * nFrames).slice();
  } finally {
    e.pffft.exports.pffft_aligned_free(dest);
    e.pffft.exports.pffft_aligned_free(padded);
  }
}

function filterbankIn(e: Engine, fb: MelFilterbank): { start: number; end: number; offset: number; weights: number } {
  let f = e.filterbanks.get(fb);
  if (!f) {
    f = { start: malloc(e, 4 * fb.nMels), end: malloc(e, 4 * fb.nMels), offset: malloc(e, 4 * fb.nMels), weights: malloc(e, 4 * fb.weights.length) };
    const buf = e.pffft.memory.buffer;
    new Int32Array(buf, f.start, fb.nMels).set(fb.start);
    new Int32Array(buf, f.end, fb.nMels).set(fb.end);
    new Int32Array(buf, f.offset, fb.nMels).set(fb.offset);
    new Float32Array(buf, f.weights, fb.weights.length).set(fb.weights);
    e.filterbanks.set(fb, f);
  }
  return f;
}

/**
 * Every frame's mel band powers, frame-major (nFrames × nMels), float32: power spectrum and sparse
 * mel projection (float64 sums) in the same pass, the spectrogram never leaving the kernel.
 */
export function wasmMelFrames(samples: Float32Array, framing: Framing, nFrames: number, fb: MelFilterbank): Float32Array {
  const e = loadEngine();
  if (!e) throw new FeatureError(`the WebAssembly STFT is unavailable: ${wasmStftUnavailableReason()}`);
  checkFrames(framing, nFrames);
  if (fb.nFft !== framing.nFft) throw new FeatureError(`mel filterbank is for nFft=${fb.nFft}, frames have ${framing.nFft}`);
  const { nFft, hopLength } = framing;
  const b = buffersFor(e, nFft);
  const f = filterbankIn(e, fb);
  const padded = placeSignal(e, samples, framing, nFrames);
  const dest = malloc(e, 4 * fb.nMels * nFrames);
  try {
    e.kernel.mel_frames(padded, nFrames, hopLength, nFft, b.window, b.setup, b.input, b.output, b.work, b.power, fb.nMels, f.start, f.end, f.offset, f.weights, dest);
    return new Float32Array(e.pffft.memory.buffer, dest, fb.nMels * nFrames).slice();
  } finally {
    e.pffft.exports.pffft_aligned_free(dest);
    e.pffft.exports.pffft_aligned_free(padded);
  }
}
