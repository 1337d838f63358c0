import { describe, expect, it } from 'vitest';
import { column, FeatureError, logMelSpectrogram, meanOverFrames, melSpectrogram, mfcc, mfccMean, mfccMeanFromLogMel, powerSpectrogram, row } from '../../lib/features';

const tone = (hz: number, seconds: number, sr = 22050) =>
  Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sr));

describe('melSpectrogram / logMelSpectrogram', () => {
  it('has nMels rows and the stft frame count', () => {
    const M = melSpectrogram(tone(440, 1));
    expect([M.nRows, M.nCols]).toEqual([128, 1 + Math.floor(22050 / 512)]);
    const L = logMelSpectrogram(tone(440, 1), 22050, { nMels: 64, hopLength: 256 });
    expect([L.nRows, L.nCols]).toEqual([64, 1 + Math.floor(22050 / 256)]);
  });

  it('conserves the power spectrum\'s energy in the mel band of the tone', () => {
    const x = tone(2000, 1);
    const M = melSpectrogram(x);
    const frame = column(M, 20);
    let peak = 0;
    for (let i = 0; i < frame.length; i++) if (frame[i] > frame[peak]) peak = i;
    // 2 kHz is mel 15 + ln(2)/logstep ≈ 25.08; 128 bands over 0..~49.9 mel put it near band 63.
    expect(peak).toBeGreaterThanOrEqual(62);
    expect(peak).toBeLessThanOrEqual(65);
    const S = powerSpectrogram(x);
    let total = 0;
    for (let k = 0; k < S.nRows; k++) total += S.data[k * S.nCols + 20];
    expect(frame[peak]).toBeGreaterThan(0);
    expect(frame[peak]).toBeLessThan(total);
  });

  it('gives log-mel in dB with at most topDb of range', () => {
    const L = logMelSpectrogram(tone(440, 1));
    let max = -Infinity;
    let min = Infinity;
    for (const v of L.data) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(max - min).toBeCloseTo(80, 4);
  });
});

describe('mfcc', () => {
  it('returns nMfcc × frames, librosa\'s (n_mfcc, t) orientation', () => {
    const M = mfcc(tone(440, 2));
    expect(M.nRows).toBe(40);
    expect(M.nCols).toBe(1 + Math.floor(44100 / 512));
    expect(mfcc(tone(440, 2), 22050, { nMfcc: 13 }).nRows).toBe(13);
  });

  it('keeps a silent clip finite: all bands at amin (−100 dB) → c0 = −100·√128, the rest 0', () => {
    const M = mfcc(new Float32Array(22050));
    for (const v of M.data) expect(Number.isFinite(v)).toBe(true);
    for (const v of row(M, 0)) expect(v).toBeCloseTo(-100 * Math.sqrt(128), 3);
    for (let k = 1; k < 40; k++) for (const v of row(M, k)) expect(Math.abs(v)).toBeLessThan(1e-3);
  });

  it('handles clips shorter than one FFT frame (centred, zero-padded)', () => {
    const M = mfcc(tone(1000, 0.01));
    expect(M.nCols).toBe(1 + Math.floor(221 / 512));
    for (const v of M.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('mfccMean is the per-coefficient mean over frames (computed as the DCT of the mean log-mel frame)', () => {
    // A chirp-like mix so every coefficient varies from frame to frame.
    const x = tone(300, 1.5).map((v, i) => v + 0.3 * Math.sin(2 * Math.PI * (200 + i / 20) * (i / 22050)));
    const mean = mfccMean(x);
    const perFrame = meanOverFrames(mfcc(x));
    expect(mean.length).toBe(40);
    for (let k = 0; k < 40; k++) expect(Math.abs(mean[k] - perFrame[k])).toBeLessThan(1e-4);
    // The experiments' path from an already computed log-mel gives the very same numbers.
    expect(Array.from(mfccMeanFromLogMel(logMelSpectrogram(x), 40))).toEqual(Array.from(mean));
  });

  it('rejects nMfcc larger than nMels and a non-positive sample rate', () => {
    expect(() => mfcc(tone(440, 0.5), 22050, { nMfcc: 200 })).toThrow(FeatureError);
    expect(() => mfcc(tone(440, 0.5), 0)).toThrow(FeatureError);
  });
});
