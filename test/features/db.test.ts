import { describe, expect, it } from 'vitest';
import { FeatureError, powerToDb } from '../../lib/features';

describe('powerToDb', () => {
  it('is 10·log10(power) with ref 1 and no clipping when topDb is null', () => {
    const db = powerToDb(Float32Array.from([1, 0.1, 100, 1e-12, 0]), { topDb: null });
    expect(Array.from(db).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, -10, 20, -100, -100]);
  });

  it('floors everything more than topDb below the maximum (default 80)', () => {
    const db = powerToDb(Float32Array.from([100, 1, 1e-7, 1e-9]));
    expect(db[0]).toBeCloseTo(20, 5);
    expect(db[1]).toBeCloseTo(0, 5);
    expect(db[2]).toBeCloseTo(-60, 5);
    expect(db[3]).toBeCloseTo(-60, 5); // -70 floored at 20 - 80
  });

  it('applies top_db over the whole matrix, not per frame', () => {
    const S = { data: Float32Array.from([1, 1e-10, 1e-3, 1e-10]), nRows: 2, nCols: 2 };
    const db = powerToDb(S, { topDb: 50 });
    expect(db.nRows).toBe(2);
    expect(db.nCols).toBe(2);
    expect(Array.from(db.data).map((v) => Math.round(v))).toEqual([0, -50, -30, -50]);
  });

  it('divides by the reference power', () => {
    const db = powerToDb(Float32Array.from([4, 2]), { refPower: 2, topDb: null });
    expect(db[0]).toBeCloseTo(10 * Math.log10(2), 5);
    expect(db[1]).toBeCloseTo(0, 6);
  });

  it('gives finite values for an all-zero input', () => {
    const db = powerToDb(new Float32Array(10));
    for (const v of db) expect(v).toBe(-100);
  });

  it('rejects a non-positive amin', () => {
    expect(() => powerToDb(new Float32Array(2), { aminPower: 0 })).toThrow(FeatureError);
  });
});
