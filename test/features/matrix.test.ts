import { describe, expect, it } from 'vitest';
import { column, meanOverFrames, row, toRows } from '../../lib/features';

describe('FeatureMatrix helpers (rows = bands, cols = frames, row-major)', () => {
  const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), nRows: 2, nCols: 3 };

  it('reads a frame as a column and a band as a row', () => {
    expect(Array.from(column(m, 1))).toEqual([2, 5]);
    expect(Array.from(row(m, 1))).toEqual([4, 5, 6]);
    expect(() => column(m, 3)).toThrow(RangeError);
    expect(() => row(m, -1)).toThrow(RangeError);
  });

  it('averages each band over frames', () => {
    expect(Array.from(meanOverFrames(m))).toEqual([2, 5]);
  });

  it('converts to nested [band][frame] arrays', () => {
    expect(toRows(m)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});
