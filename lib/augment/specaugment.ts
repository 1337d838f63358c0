// SpecAugment-style masking (Park et al. 2019): blank random bands of time frames or mel channels of a log-mel matrix.
import { mulberry32 } from '../util/random';
import type { FeatureMatrix } from '../features/matrix';
import { AugmentError } from './errors';

export interface MaskOptions {
  /** Widest mask, in frames (timeMask) or bands (freqMask); each mask's width is uniform in [0, maxWidth]. */
  maxWidth: number;
  /** How many masks; default 1. */
  count?: number;
  /** Seed of the random widths and positions; default 0. */
  seed?: number;
  /**
   * Value written into the masked cells; default the matrix mean, which for a log-mel in dB is the
   * analogue of SpecAugment's zero on mean-normalised features.
   */
  value?: number;
}

/** A masked band: rows or columns [start, start + width). */
export interface MaskedRange {
  start: number;
  width: number;
}

function matrixMean(m: FeatureMatrix): number {
  let sum = 0;
  for (let i = 0; i < m.data.length; i++) sum += m.data[i];
  return m.data.length ? sum / m.data.length : 0;
}

function drawRanges(size: number, opts: MaskOptions, where: string): MaskedRange[] {
  const { maxWidth, count = 1, seed = 0 } = opts;
  if (!(maxWidth >= 0) || !Number.isInteger(maxWidth)) throw new AugmentError(where, `maxWidth must be an integer ≥ 0, got ${maxWidth}`);
  if (!(count >= 0) || !Number.isInteger(count)) throw new AugmentError(where, `count must be an integer ≥ 0, got ${count}`);
  const rng = mulberry32(seed);
  const ranges: MaskedRange[] = [];
  for (let k = 0; k < count; k++) {
    const width = Math.min(Math.floor(rng() * (maxWidth + 1)), size);
    const start = Math.floor(rng() * (size - width + 1));
    ranges.push({ start, width });
  }
  return ranges;
}

/**
 * Time masking: `count` bands of up to `maxWidth` consecutive frames (columns) set to `value`.
 * `logMel` is nMels × frames (lib/features FeatureMatrix, row-major); returns a new matrix and the
 * masked column ranges. The input is not modified.
 */
export function timeMask(logMel: FeatureMatrix, opts: MaskOptions): { matrix: FeatureMatrix; ranges: MaskedRange[] } {
  const ranges = drawRanges(logMel.nCols, opts, 'timeMask');
  const value = opts.value ?? matrixMean(logMel);
  const data = logMel.data.slice();
  for (const { start, width } of ranges) {
    for (let i = 0; i < logMel.nRows; i++) data.fill(value, i * logMel.nCols + start, i * logMel.nCols + start + width);
  }
  return { matrix: { data, nRows: logMel.nRows, nCols: logMel.nCols }, ranges };
}

/**
 * Frequency masking: `count` bands of up to `maxWidth` consecutive mel channels (rows) set to `value`.
 * Same shapes and contract as timeMask.
 */
export function freqMask(logMel: FeatureMatrix, opts: MaskOptions): { matrix: FeatureMatrix; ranges: MaskedRange[] } {
  const ranges = drawRanges(logMel.nRows, opts, 'freqMask');
  const value = opts.value ?? matrixMean(logMel);
  const data = logMel.data.slice();
  for (const { start, width } of ranges) data.fill(value, start * logMel.nCols, (start + width) * logMel.nCols);
  return { matrix: { data, nRows: logMel.nRows, nCols: logMel.nCols }, ranges };
}
