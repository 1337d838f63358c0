// The one 2-D layout every spectral feature uses: row-major Float32Array, rows = bands, cols = frames.

/**
 * A feature matrix in librosa's orientation: `nRows` bands (frequency bins, mel bands or
 * coefficients) × `nCols` frames, stored row-major, so `data[i * nCols + t]` is band `i` at frame `t`.
 * This is the shape of `librosa.feature.mfcc(...)` (n_mfcc, t) and `melspectrogram` (n_mels, t).
 */
export interface FeatureMatrix {
  data: Float32Array;
  /** Bands: frequency bins, mel bands or coefficients. */
  nRows: number;
  /** Frames (time). */
  nCols: number;
}

/** A zero-filled nRows × nCols matrix. */
export function createMatrix(nRows: number, nCols: number): FeatureMatrix {
  return { data: new Float32Array(nRows * nCols), nRows, nCols };
}

/** Frame `t` of the matrix: a copy of column t, length nRows (e.g. one log-mel spectrum). */
export function column(m: FeatureMatrix, t: number): Float32Array {
  if (t < 0 || t >= m.nCols) throw new RangeError(`column ${t} out of range [0, ${m.nCols})`);
  const out = new Float32Array(m.nRows);
  for (let i = 0; i < m.nRows; i++) out[i] = m.data[i * m.nCols + t];
  return out;
}

/** Band `i` of the matrix over time: a view (no copy) of row i, length nCols. */
export function row(m: FeatureMatrix, i: number): Float32Array {
  if (i < 0 || i >= m.nRows) throw new RangeError(`row ${i} out of range [0, ${m.nRows})`);
  return m.data.subarray(i * m.nCols, (i + 1) * m.nCols);
}

/**
 * Mean of each band over frames, length nRows — numpy's `M.mean(axis=1)`, i.e. the tutorial's
 * `np.mean(mfcc.T, axis=0)`. Accumulates in float64. A matrix with no frames gives NaNs, as numpy does.
 */
export function meanOverFrames(m: FeatureMatrix): Float32Array {
  const out = new Float32Array(m.nRows);
  for (let i = 0; i < m.nRows; i++) {
    let sum = 0;
    const base = i * m.nCols;
    for (let t = 0; t < m.nCols; t++) sum += m.data[base + t];
    out[i] = sum / m.nCols;
  }
  return out;
}

/** The matrix as nested arrays, `[row][frame]` (for JSON output and plotting). */
export function toRows(m: FeatureMatrix): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < m.nRows; i++) rows.push(Array.from(row(m, i)));
  return rows;
}
