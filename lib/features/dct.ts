// The orthonormal type-II DCT that turns log-mel spectra into cepstral coefficients.
import { FeatureError } from './errors';
import { createMatrix, FeatureMatrix } from './matrix';

const dctCache = new Map<string, Float64Array>();

/**
 * The nOut × nIn orthonormal DCT-II basis (row-major, float64): D[k, n] = s_k·cos(π·k·(2n + 1) / (2·nIn)),
 * s_0 = √(1/nIn), s_k = √(2/nIn) — scipy `dct(x, type=2, norm='ortho')` keeps the first nOut outputs.
 * Cached per size; treat as read-only.
 */
export function dctMatrix(nIn: number, nOut: number = nIn): Float64Array {
  if (!Number.isInteger(nIn) || nIn < 1) throw new FeatureError(`DCT input size must be a positive integer, got ${nIn}`);
  if (!Number.isInteger(nOut) || nOut < 1 || nOut > nIn) {
    throw new FeatureError(`DCT output size must be an integer in [1, ${nIn}], got ${nOut}`);
  }
  const key = `${nIn}x${nOut}`;
  let d = dctCache.get(key);
  if (!d) {
    d = new Float64Array(nOut * nIn);
    for (let k = 0; k < nOut; k++) {
      const scale = Math.sqrt((k === 0 ? 1 : 2) / nIn);
      for (let n = 0; n < nIn; n++) d[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
    }
    dctCache.set(key, d);
  }
  return d;
}

/** Orthonormal DCT-II of one vector, first nOut coefficients (default all). */
export function dct(x: ArrayLike<number>, nOut: number = x.length): Float32Array {
  const nIn = x.length;
  const d = dctMatrix(nIn, nOut);
  const out = new Float32Array(nOut);
  for (let k = 0; k < nOut; k++) {
    let acc = 0;
    for (let n = 0; n < nIn; n++) acc += d[k * nIn + n] * x[n];
    out[k] = acc;
  }
  return out;
}

/**
 * Orthonormal DCT-II of each frame of a frame-major block — `data[t * nIn + n]` is value n of frame t,
 * the layout the MFCC pipeline produces — keeping the first nOut coefficients. Output in the usual
 * FeatureMatrix layout, nOut × nFrames. Accumulates in float64.
 */
export function dctFrames(data: Float32Array, nIn: number, nFrames: number, nOut: number = nIn): FeatureMatrix {
  if (data.length !== nIn * nFrames) throw new FeatureError(`expected ${nIn} × ${nFrames} values, got ${data.length}`);
  const d = dctMatrix(nIn, nOut);
  const out = createMatrix(nOut, nFrames);
  const dst = out.data;
  // The basis is symmetric about its middle: D[k, nIn−1−n] = (−1)^k·D[k, n]. Folding each frame into
  // sums (even k) and differences (odd k) halves the multiply-adds.
  const half = nIn >> 1;
  const odd = nIn & 1;
  const sum = new Float64Array(half + odd);
  const diff = new Float64Array(half);
  for (let t = 0; t < nFrames; t++) {
    const base = t * nIn;
    for (let n = 0; n < half; n++) {
      const a = data[base + n];
      const b = data[base + nIn - 1 - n];
      sum[n] = a + b;
      diff[n] = a - b;
    }
    if (odd) sum[half] = data[base + half];
    for (let k = 0; k < nOut; k++) {
      const row = k * nIn;
      let acc = 0;
      if ((k & 1) === 0) {
        for (let n = 0; n < half + odd; n++) acc += d[row + n] * sum[n];
      } else {
        for (let n = 0; n < half; n++) acc += d[row + n] * diff[n];
      }
      dst[k * nFrames + t] = acc;
    }
  }
  return out;
}

/**
 * Orthonormal DCT-II down each column of `m` (over its rows, i.e. the band axis), keeping the first
 * nOut rows: `scipy.fft.dct(M, type=2, norm='ortho', axis=-2)[:nOut]`. Shape nRows × frames →
 * nOut × frames. Accumulates in float64.
 */
export function dctRows(m: FeatureMatrix, nOut: number = m.nRows): FeatureMatrix {
  const { nRows, nCols } = m;
  const frameMajor = new Float32Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) for (let t = 0; t < nCols; t++) frameMajor[t * nRows + i] = m.data[i * nCols + t];
  return dctFrames(frameMajor, nRows, nCols, nOut);
}
