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
 * Orthonormal DCT-II down each column of `m` (over its rows, i.e. the band axis), keeping the first
 * nOut rows: `scipy.fft.dct(M, type=2, norm='ortho', axis=-2)[:nOut]`. Shape nRows × frames →
 * nOut × frames. Accumulates in float64.
 */
export function dctRows(m: FeatureMatrix, nOut: number = m.nRows): FeatureMatrix {
  const { nRows: nIn, nCols } = m;
  const d = dctMatrix(nIn, nOut);
  const out = createMatrix(nOut, nCols);
  const src = m.data;
  const dst = out.data;
  // The basis is symmetric about its middle: D[k, nIn−1−n] = (−1)^k·D[k, n]. Folding the column into
  // sums (even k) and differences (odd k) halves the multiply-adds, the bulk of the MFCC after the FFT.
  const half = nIn >> 1;
  const odd = nIn & 1;
  const sum = new Float64Array(half + odd);
  const diff = new Float64Array(half);
  for (let t = 0; t < nCols; t++) {
    for (let n = 0; n < half; n++) {
      const a = src[n * nCols + t];
      const b = src[(nIn - 1 - n) * nCols + t];
      sum[n] = a + b;
      diff[n] = a - b;
    }
    if (odd) sum[half] = src[half * nCols + t];
    for (let k = 0; k < nOut; k++) {
      const base = k * nIn;
      let acc = 0;
      if ((k & 1) === 0) {
        for (let n = 0; n < half + odd; n++) acc += d[base + n] * sum[n];
      } else {
        for (let n = 0; n < half; n++) acc += d[base + n] * diff[n];
      }
      dst[k * nCols + t] = acc;
    }
  }
  return out;
}
