// Analysis windows for framing, as scipy.signal.get_window builds them for librosa.

const hannCache = new Map<number, Float64Array>();

/**
 * Periodic ("DFT-even") Hann window of `length` samples: w[n] = 0.5 − 0.5·cos(2πn / length),
 * i.e. `scipy.signal.get_window('hann', length, fftbins=True)`, librosa's stft window.
 * float64 like scipy's; cached per length — treat the returned array as read-only.
 */
export function hannWindow(length: number): Float64Array {
  let w = hannCache.get(length);
  if (!w) {
    w = new Float64Array(length);
    for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
    hannCache.set(length, w);
  }
  return w;
}
