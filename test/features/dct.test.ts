import { describe, expect, it } from 'vitest';
import { createMatrix, dct, dctFrames, dctMatrix, dctRows, FeatureError } from '../../lib/features';

describe('dctMatrix', () => {
  it.each([8, 13, 128])('is orthonormal (D·Dᵀ = I) for n = %i', (n) => {
    const d = dctMatrix(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += d[i * n + k] * d[j * n + k];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('keeps the first nOut basis rows', () => {
    const full = dctMatrix(16);
    const part = dctMatrix(16, 5);
    expect(Array.from(part)).toEqual(Array.from(full.subarray(0, 5 * 16)));
    expect(() => dctMatrix(16, 17)).toThrow(FeatureError);
  });
});

describe('dct', () => {
  it('matches scipy dct(type=2, norm="ortho") on a small vector', () => {
    // scipy.fft.dct([1, 2, 3, 4], norm='ortho') = [5, -2.2304425, 0, -0.15851267]
    const y = dct([1, 2, 3, 4]);
    expect(y[0]).toBeCloseTo(5, 6);
    expect(y[1]).toBeCloseTo(-2.2304425, 6);
    expect(y[2]).toBeCloseTo(0, 6);
    expect(y[3]).toBeCloseTo(-0.15851267, 6);
  });

  it('maps a constant vector onto coefficient 0 only', () => {
    const y = dct(new Array(128).fill(-100), 40);
    expect(y[0]).toBeCloseTo(-100 * Math.sqrt(128), 3);
    for (let k = 1; k < 40; k++) expect(Math.abs(y[k])).toBeLessThan(1e-9);
  });
});

describe('dctRows', () => {
  it.each([7, 128])('transforms every column like dct() of that column (nIn = %i)', (nIn) => {
    const m = createMatrix(nIn, 5);
    for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sin(i * 0.37) * 50;
    const out = dctRows(m, 4);
    expect(out.nRows).toBe(4);
    expect(out.nCols).toBe(5);
    for (let t = 0; t < 5; t++) {
      const col = Array.from({ length: nIn }, (_, i) => m.data[i * 5 + t]);
      const y = dct(col, 4);
      for (let k = 0; k < 4; k++) expect(out.data[k * 5 + t]).toBeCloseTo(y[k], 3);
    }
  });
});

describe('dctFrames', () => {
  it('transforms each frame of a frame-major block into the band-major layout', () => {
    const nIn = 10;
    const nFrames = 3;
    const data = Float32Array.from({ length: nIn * nFrames }, (_, i) => Math.cos(i * 0.9) * 20);
    const out = dctFrames(data, nIn, nFrames, 6);
    expect([out.nRows, out.nCols]).toEqual([6, nFrames]);
    for (let t = 0; t < nFrames; t++) {
      const y = dct(data.subarray(t * nIn, (t + 1) * nIn), 6);
      for (let k = 0; k < 6; k++) expect(out.data[k * nFrames + t]).toBeCloseTo(y[k], 4);
    }
    expect(() => dctFrames(data, nIn, nFrames + 1)).toThrow(FeatureError);
  });
});
