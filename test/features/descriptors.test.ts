import Meyda from 'meyda';
import { describe, expect, it } from 'vitest';
import {
  column,
  descriptors,
  DESCRIPTORS,
  FeatureError,
  featureVector,
  featureVectorNames,
  frameSignal,
  hannWindow,
  listDescriptors,
  meanOverFrames,
  mfcc,
  mfccMean,
  rfft,
  row,
} from '../../lib/features';

const sr = 22050;
const tone = (hz: number, seconds = 1, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sr));
let seed = 7;
const noise = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);

describe('descriptor registry', () => {
  it('lists every descriptor with a size, unit and description', () => {
    const names = listDescriptors();
    expect(names).toEqual(expect.arrayContaining(['rms', 'zcr', 'spectralCentroid', 'spectralRolloff', 'spectralFlatness', 'spectralBandwidth', 'chroma', 'energy']));
    for (const n of names) {
      expect(DESCRIPTORS[n].size).toBeGreaterThan(0);
      expect(DESCRIPTORS[n].description.length).toBeGreaterThan(10);
    }
    expect(DESCRIPTORS.chroma.size).toBe(12);
  });
});

describe('descriptors', () => {
  it('uses the MFCC framing: same frame count, one row per value', () => {
    const x = tone(440, 1.3);
    const d = descriptors(x, sr, ['rms', 'chroma']);
    expect(d.rms.nCols).toBe(mfcc(x, sr).nCols);
    expect(d.rms.nRows).toBe(1);
    expect(d.chroma.nRows).toBe(12);
  });

  it('rms is sqrt(mean(frame²)) of the raw, librosa-framed signal (librosa.feature.rms)', () => {
    const x = noise(5000);
    const d = descriptors(x, sr, ['rms', 'energy']);
    const frames = frameSignal(x);
    frames.forEach((f, t) => {
      const energy = f.reduce((a, v) => a + v * v, 0);
      expect(d.energy.data[t]).toBeCloseTo(energy, 2);
      expect(d.rms.data[t]).toBeCloseTo(Math.sqrt(energy / 2048), 6);
    });
    // A 0.5-amplitude sine: rms 0.5/√2 away from the edges.
    expect(descriptors(tone(300), sr, ['rms']).rms.data[20]).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('zcr is crossings per sample: ≈ 2f/sr for a sine', () => {
    const z = descriptors(tone(1000), sr, ['zcr']).zcr.data[20];
    expect(z).toBeCloseTo((2 * 1000) / sr, 3);
  });

  it('spectral centroid, bandwidth and rolloff are in Hz', () => {
    const bin = 93; // a frequency exactly on an FFT bin
    const f = (bin * sr) / 2048;
    const d = descriptors(tone(f), sr, ['spectralCentroid', 'spectralBandwidth', 'spectralRolloff']);
    expect(Math.abs(d.spectralCentroid.data[20] - f)).toBeLessThan(sr / 2048);
    expect(d.spectralBandwidth.data[20]).toBeLessThan(3 * (sr / 2048));
    expect(d.spectralRolloff.data[20]).toBeGreaterThanOrEqual(f);
    expect(d.spectralRolloff.data[20]).toBeLessThan(f + 10 * (sr / 2048));
    // White noise spreads over the whole band.
    const n = descriptors(noise(sr), sr, ['spectralCentroid', 'spectralBandwidth', 'spectralFlatness']);
    expect(n.spectralCentroid.data[20]).toBeGreaterThan(4000);
    expect(n.spectralCentroid.data[20]).toBeLessThan(7000);
    expect(n.spectralBandwidth.data[20]).toBeGreaterThan(2000);
    expect(n.spectralFlatness.data[20]).toBeGreaterThan(0.5);
    expect(descriptors(tone(f), sr, ['spectralFlatness']).spectralFlatness.data[20]).toBeLessThan(0.01);
  });

  it('chroma of an A4 tone peaks at pitch class A (index 9)', () => {
    const c = column(descriptors(tone(440), sr, ['chroma']).chroma, 20);
    let peak = 0;
    for (let i = 0; i < 12; i++) if (c[i] > c[peak]) peak = i;
    expect(peak).toBe(9);
    expect(c[9]).toBeCloseTo(1, 6);
  });

  it('chroma and the meyda-computed descriptors equal meyda\'s own extractors on the same frame', () => {
    const x = Float32Array.from({ length: sr }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.2 * Math.sin((2 * Math.PI * 659 * i) / sr));
    const d = descriptors(x, sr, ['chroma', 'spectralCentroid', 'spectralFlatness']);
    const w = hannWindow(2048);
    const X = rfft(Array.from(frameSignal(x)[20], (v, i) => v * w[i]));
    const ampSpectrum = Float32Array.from({ length: 1025 }, (_, k) => Math.hypot(X[2 * k], X[2 * k + 1]));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const chromaFilterBank = require('meyda/dist/node/utilities').createChromaFilterBank(12, sr, 2048);
    const extractors = (Meyda as unknown as { featureExtractors: Record<string, (a: object) => unknown> }).featureExtractors;
    const chroma = extractors.chroma({ ampSpectrum, chromaFilterBank }) as number[];
    const ours = column(d.chroma, 20);
    for (let i = 0; i < 12; i++) expect(ours[i]).toBeCloseTo(chroma[i], 5);
    expect(d.spectralCentroid.data[20]).toBeCloseTo((extractors.spectralCentroid({ ampSpectrum }) as number) * (sr / 2048), 1);
    expect(d.spectralFlatness.data[20]).toBeCloseTo(extractors.spectralFlatness({ ampSpectrum }) as number, 5);
  });

  it('spectral kurtosis is positive and higher for a tone than for noise', () => {
    const t = descriptors(tone(440), sr, ['spectralKurtosis']).spectralKurtosis.data[20];
    const n = descriptors(noise(sr), sr, ['spectralKurtosis']).spectralKurtosis.data[20];
    expect(n).toBeGreaterThan(1);
    expect(t).toBeGreaterThan(n);
  });

  it('gives 0, not NaN, for every descriptor of a silent clip', () => {
    const d = descriptors(new Float32Array(sr), sr, listDescriptors());
    for (const n of listDescriptors()) for (const v of d[n].data) expect(v).toBe(0);
  });

  it('meydaMfcc is meyda\'s 13 coefficients, on a different scale from librosa\'s', () => {
    const x = tone(440);
    const meyda = meanOverFrames(descriptors(x, sr, ['meydaMfcc']).meydaMfcc);
    const ours = mfccMean(x);
    expect(meyda.length).toBe(13);
    expect(Math.abs(meyda[0] - ours[0])).toBeGreaterThan(50);
  });

  it('rejects unknown names', () => {
    expect(() => descriptors(tone(440), sr, ['nope' as 'rms'])).toThrow(FeatureError);
  });
});

describe('featureVector', () => {
  const x = tone(440, 1.5);

  it('defaults to the tutorial\'s 40 MFCC means', () => {
    expect(Array.from(featureVector(x, sr))).toEqual(Array.from(mfccMean(x, sr)));
  });

  it('concatenates MFCC means and descriptor means in the order asked', () => {
    const opts = { features: ['rms', 'mfcc', 'chroma'] as const, nMfcc: 13 };
    const v = featureVector(x, sr, opts);
    const names = featureVectorNames(opts);
    expect(v.length).toBe(1 + 13 + 12);
    expect(names.length).toBe(v.length);
    expect(names.slice(0, 3)).toEqual(['rms', 'mfcc_0', 'mfcc_1']);
    expect(names[names.length - 1]).toBe('chroma_11');
    const d = descriptors(x, sr, ['rms', 'chroma']);
    expect(v[0]).toBeCloseTo(meanOverFrames(d.rms)[0], 6);
    expect(Array.from(v.subarray(1, 14))).toEqual(Array.from(mfccMean(x, sr, { nMfcc: 13 })));
    expect(v[14 + 9]).toBeCloseTo(meanOverFrames(d.chroma)[9], 6);
    expect(row(d.chroma, 9).length).toBe(d.chroma.nCols);
  });

  it('rejects unknown and empty feature lists', () => {
    expect(() => featureVector(x, sr, { features: ['mfcc', 'bogus' as 'rms'] })).toThrow(FeatureError);
    expect(() => featureVector(x, sr, { features: [] })).toThrow(FeatureError);
  });
});
