// Standardising feature columns (scikit-learn's StandardScaler): fitted on training rows only, saved with the model.

/** Per-column mean and standard deviation of the training rows. */
export interface Standardizer {
  mean: number[];
  std: number[];
}

/**
 * Column means and (population) standard deviations of `rows`; a constant column gets std 1 so it maps
 * to 0 instead of dividing by zero (as scikit-learn does).
 */
export function fitStandardizer(rows: ReadonlyArray<ArrayLike<number>>): Standardizer {
  if (rows.length === 0) throw new Error('lib/model/scaler.ts: no rows to fit the standardizer on');
  const width = rows[0].length;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j] += row[j];
  for (let j = 0; j < width; j++) mean[j] /= rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) std[j] += (row[j] - mean[j]) ** 2;
  for (let j = 0; j < width; j++) std[j] = Math.sqrt(std[j] / rows.length) || 1;
  return { mean, std };
}

/** (x − mean) / std per column; returns new rows. */
export function standardize(rows: ReadonlyArray<ArrayLike<number>>, s: Standardizer): Float32Array[] {
  return rows.map((row) => {
    if (row.length !== s.mean.length) {
      throw new Error(`lib/model/scaler.ts: a row has ${row.length} values, the standardizer ${s.mean.length}`);
    }
    const out = new Float32Array(row.length);
    for (let j = 0; j < row.length; j++) out[j] = (row[j] - s.mean[j]) / s.std[j];
    return out;
  });
}
