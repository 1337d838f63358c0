// Standardising model inputs (scikit-learn's StandardScaler): fitted on training rows only, saved with the model.
// One type for every model kind; only the axis the statistics are taken over differs.

/**
 * Which values share one mean/std:
 * - 'column': each position of a flat row (the MLP's MFCC-mean vectors; scikit-learn's StandardScaler);
 * - 'channel': rows are [channels, …] matrices (row-major) and every value of one channel shares its
 *   statistics: the CNN's log-mel patch is one channel, the RNN's MFCC matrix one channel per coefficient.
 */
export type StandardizeAxis = 'column' | 'channel';

/** Mean and standard deviation per column or channel of the training rows. */
export interface Standardizer {
  axis: StandardizeAxis;
  mean: number[];
  std: number[];
}

/** How to fit: per column (default), or per channel with the number of channels of each row. */
export type StandardizeOptions = { axis?: 'column' } | { axis: 'channel'; channels: number };

/** Raised for rows a standardizer cannot fit or scale (says what does not match). */
export class StandardizerError extends Error {
  constructor(reason: string) {
    super(`standardizer: ${reason}`);
    this.name = 'StandardizerError';
  }
}

// scikit-learn's rule for a constant column (`_handle_zeros_in_scale`): a std below 10·ε counts as 0 and
// becomes 1, so the column maps to 0 instead of dividing by zero (or blowing up rounding noise).
const CONSTANT_STD = 10 * Number.EPSILON;

/** Channel of element k of a row of `length` values holding `channels` equal, contiguous channels. */
function channelLength(length: number, channels: number, row: number): number {
  if (length % channels !== 0) throw new StandardizerError(`row ${row} has ${length} values, not a multiple of ${channels} channels`);
  return length / channels;
}

/**
 * Means and (population) standard deviations of `rows` per column or channel, two-pass (mean, then
 * squared deviations) in float64; a constant column/channel gets std 1 (scikit-learn's rule).
 */
export function fitStandardizer(rows: ReadonlyArray<ArrayLike<number>>, opts: StandardizeOptions = {}): Standardizer {
  if (rows.length === 0) throw new StandardizerError('no rows to fit on');
  const axis = opts.axis ?? 'column';
  const width = opts.axis === 'channel' ? opts.channels : rows[0].length;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  const count = new Array<number>(width).fill(0);
  const span = (row: ArrayLike<number>, r: number) => {
    if (axis === 'column') {
      if (row.length !== width) throw new StandardizerError(`row ${r} has ${row.length} values, row 0 has ${width}`);
      return 1;
    }
    return channelLength(row.length, width, r);
  };
  rows.forEach((row, r) => {
    const n = span(row, r);
    for (let k = 0; k < row.length; k++) {
      const c = n === 1 ? k : Math.floor(k / n);
      mean[c] += row[k];
      count[c]++;
    }
  });
  for (let c = 0; c < width; c++) mean[c] /= count[c];
  rows.forEach((row, r) => {
    const n = span(row, r);
    for (let k = 0; k < row.length; k++) {
      const c = n === 1 ? k : Math.floor(k / n);
      std[c] += (row[k] - mean[c]) ** 2;
    }
  });
  for (let c = 0; c < width; c++) {
    const s = Math.sqrt(std[c] / count[c]);
    std[c] = s < CONSTANT_STD ? 1 : s;
  }
  return { axis, mean, std };
}

/** (x − mean) / std per column or channel; returns new rows. */
export function standardize(rows: ReadonlyArray<ArrayLike<number>>, s: Standardizer): Float32Array[] {
  const width = s.mean.length;
  return rows.map((row, r) => {
    let n = 1;
    if (s.axis === 'channel') n = channelLength(row.length, width, r);
    else if (row.length !== width) throw new StandardizerError(`a row has ${row.length} values, the standardizer ${width}`);
    const out = new Float32Array(row.length);
    for (let k = 0; k < row.length; k++) {
      const c = n === 1 ? k : Math.floor(k / n);
      out[k] = (row[k] - s.mean[c]) / s.std[c];
    }
    return out;
  });
}
