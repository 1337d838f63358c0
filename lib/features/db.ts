// Power to decibels, librosa.power_to_db: the log compression MFCCs and log-mel spectrograms use.
import { FEATURE_DEFAULTS } from '../defaults';
import { FeatureError } from './errors';
import { FeatureMatrix } from './matrix';

const DB_PER_NEPER = 10 / Math.LN10;

/** Parameters of powerToDb (librosa's names in brackets). */
export interface DbOptions {
  /** Power that maps to 0 dB [ref]. Default 1. */
  refPower?: number;
  /** Floor applied to powers before the log, avoids log(0) [amin]. Default 1e-10 (= −100 dB). */
  aminPower?: number;
  /**
   * Clip everything more than topDb below the loudest value of the WHOLE input [top_db];
   * null disables. Default 80.
   */
  topDb?: number | null;
}

/**
 * 10·log10(max(amin, S) / max(amin, ref)), then floored at max − topDb over the whole input —
 * librosa `power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`. Works on a FeatureMatrix (returns a new
 * matrix of the same shape) or a plain Float32Array (returns a new array). Input: powers (not
 * magnitudes); output: dB. Computed in float64, stored as float32.
 */
export function powerToDb(S: FeatureMatrix, opts?: DbOptions): FeatureMatrix;
export function powerToDb(S: Float32Array, opts?: DbOptions): Float32Array;
export function powerToDb(S: FeatureMatrix | Float32Array, opts: DbOptions = {}): FeatureMatrix | Float32Array {
  if (S instanceof Float32Array) {
    const out = new Float32Array(S.length);
    powerToDbInto(S, out, opts);
    return out;
  }
  const out = new Float32Array(S.data.length);
  powerToDbInto(S.data, out, opts);
  return { data: out, nRows: S.nRows, nCols: S.nCols };
}

/** powerToDb from `power` into `out` (same length; may be the same array). For hot paths. */
export function powerToDbInto(power: ArrayLike<number>, out: Float32Array | Float64Array, opts: DbOptions = {}): void {
  const ref = opts.refPower ?? FEATURE_DEFAULTS.refPower;
  const amin = opts.aminPower ?? FEATURE_DEFAULTS.aminPower;
  const topDb = opts.topDb === undefined ? FEATURE_DEFAULTS.topDb : opts.topDb;
  if (!(amin > 0)) throw new FeatureError(`aminPower must be positive, got ${amin}`);
  if (topDb !== null && !(topDb >= 0)) throw new FeatureError(`topDb must be non-negative, got ${topDb}`);
  const refDb = DB_PER_NEPER * Math.log(Math.max(amin, Math.abs(ref)));
  let maxDb = -Infinity;
  for (let i = 0; i < power.length; i++) {
    const p = power[i];
    // 10·log10(x) as (10/ln 10)·ln(x): Math.log is markedly faster than Math.log10 in V8.
    const db = DB_PER_NEPER * Math.log(p > amin ? p : amin) - refDb;
    out[i] = db;
    if (db > maxDb) maxDb = db;
  }
  if (topDb !== null) {
    const floor = maxDb - topDb;
    for (let i = 0; i < power.length; i++) if (out[i] < floor) out[i] = floor;
  }
}
