// Augmentation: determinism with a seed, measured SNR, stretch length and pitch preservation,
// pitch-shift frequency ratio measured with an FFT, masks on exactly the drawn bands.
import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import {
  addNoise,
  freqMask,
  meanPower,
  pitchShift,
  shiftBy,
  timeMask,
  timeShift,
  timeStretch,
} from '../../lib/augment';
import type { FeatureMatrix } from '../../lib/features/matrix';

const SR = 22050;

function sine(freqHz: number, seconds: number, sampleRate = SR, amplitude = 0.5): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return out;
}

/** Frequency (Hz) of the strongest FFT peak of a Hann-windowed segment, refined by parabolic interpolation of log magnitudes. */
function peakFrequency(samples: Float32Array, sampleRate: number, start: number, size = 8192): number {
  const fft = new FFT(size);
  const input = new Array<number>(size).fill(0);
  for (let i = 0; i < size; i++) input[i] = samples[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const mag = (k: number) => Math.log(Math.hypot(out[2 * k], out[2 * k + 1]) + 1e-12);
  let best = 1;
  for (let k = 1; k < size / 2 - 1; k++) if (mag(k) > mag(best)) best = k;
  const [a, b, c] = [mag(best - 1), mag(best), mag(best + 1)];
  const offset = (0.5 * (a - c)) / (a - 2 * b + c);
  return ((best + offset) * sampleRate) / size;
}

function noiseSignal(n: number, seed: number): Float32Array {
  return addNoise(new Float32Array(n).fill(0).map((_, i) => Math.sin(i * 0.01 * seed)), 'white', -40, seed);
}

describe('timeShift', () => {
  const x = sine(300, 1);
  it('is deterministic for a seed and differs across seeds', () => {
    const a = timeShift(x, { maxShiftSeconds: 0.2, sampleRate: SR, seed: 3 });
    const b = timeShift(x, { maxShiftSeconds: 0.2, sampleRate: SR, seed: 3 });
    const c = timeShift(x, { maxShiftSeconds: 0.2, sampleRate: SR, seed: 4 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('rolls by a whole number of samples within the bound and keeps the samples', () => {
    const ramp = Float32Array.from({ length: 1000 }, (_, i) => i);
    for (let seed = 0; seed < 20; seed++) {
      const y = timeShift(ramp, { maxShiftSeconds: 0.01, sampleRate: 10000, seed });
      const shift = (((Math.round(ramp[0]) - y.indexOf(0)) % 1000) + 1000) % 1000;
      const signed = shift > 500 ? shift - 1000 : shift;
      expect(Math.abs(signed)).toBeLessThanOrEqual(100);
      expect(Array.from(y).sort((p, q) => p - q)).toEqual(Array.from(ramp));
    }
  });
  it("'zero' mode fills with silence", () => {
    const y = shiftBy(Float32Array.of(1, 2, 3, 4), 2, 'zero');
    expect(Array.from(y)).toEqual([0, 0, 1, 2]);
    expect(Array.from(shiftBy(Float32Array.of(1, 2, 3, 4), -1, 'roll'))).toEqual([2, 3, 4, 1]);
  });
});

describe('timeStretch (WSOLA)', () => {
  it.each([0.5, 0.81, 1.23, 2])('rate %f gives round(length / rate) samples and keeps the pitch', (rate) => {
    const x = sine(440, 2);
    const y = timeStretch(x, rate, { sampleRate: SR });
    expect(y.length).toBe(Math.round(x.length / rate));
    const f = peakFrequency(y, SR, Math.floor(y.length / 2) - 4096);
    expect(Math.abs(f - 440) / 440).toBeLessThan(0.005);
  });
  it('keeps the level of a steady tone (no dips at frame joins)', () => {
    const x = sine(440, 2);
    const y = timeStretch(x, 0.81, { sampleRate: SR });
    const inner = y.subarray(2048, y.length - 2048);
    const ratio = meanPower(inner) / meanPower(x);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });
  it('rejects a non-positive rate', () => {
    expect(() => timeStretch(sine(440, 0.1), 0)).toThrow(/timeStretch: rate must be a positive number/);
  });
});

describe('pitchShift', () => {
  it.each([
    [3, 440],
    [-2, 440],
    [7, 300],
    [-12, 1000],
  ])('%f semitones moves a %f Hz sine by 2^(n/12) and keeps the length', (semitones, freq) => {
    const x = sine(freq, 2);
    const y = pitchShift(x, SR, semitones);
    expect(y.length).toBe(x.length);
    const measured = peakFrequency(y, SR, 8192);
    const expected = freq * Math.pow(2, semitones / 12);
    expect(Math.abs(measured - expected) / expected).toBeLessThan(0.005);
  });
  it('works at 8 kHz (FSDD rate)', () => {
    const x = sine(500, 1, 8000);
    const y = pitchShift(x, 8000, 4);
    expect(y.length).toBe(x.length);
    const measured = peakFrequency(y, 8000, 1024, 4096);
    expect(Math.abs(measured - 500 * Math.pow(2, 4 / 12)) / (500 * Math.pow(2, 4 / 12))).toBeLessThan(0.01);
  });
});

describe('addNoise', () => {
  const x = sine(440, 1);
  function measuredSnr(clean: Float32Array, noisy: Float32Array): number {
    const residual = noisy.map((v, i) => v - clean[i]);
    return 10 * Math.log10(meanPower(clean) / meanPower(residual));
  }
  it.each([0, 10, 20, 35])('white noise lands at %f dB SNR (±0.5 dB)', (snr) => {
    expect(Math.abs(measuredSnr(x, addNoise(x, 'white', snr, 7)) - snr)).toBeLessThan(0.5);
  });
  it('a background recording, looped when shorter, lands at the SNR too', () => {
    const background = noiseSignal(5000, 2);
    const y = addNoise(x, background, 5, 11);
    expect(Math.abs(measuredSnr(x, y) - 5)).toBeLessThan(0.5);
  });
  it('is deterministic for a seed and differs across seeds', () => {
    expect(Array.from(addNoise(x, 'white', 10, 1))).toEqual(Array.from(addNoise(x, 'white', 10, 1)));
    expect(Array.from(addNoise(x, 'white', 10, 1))).not.toEqual(Array.from(addNoise(x, 'white', 10, 2)));
  });
  it('white noise is roughly Gaussian with unit variance before scaling (spread check)', () => {
    const silent = new Float32Array(20000).fill(1);
    const y = addNoise(silent, 'white', 0, 5); // noise power = signal power = 1
    const residual = y.map((v) => v - 1);
    const within1 = residual.filter((v) => Math.abs(v) < 1).length / residual.length;
    expect(within1).toBeGreaterThan(0.66);
    expect(within1).toBeLessThan(0.70);
  });
});

describe('SpecAugment masks', () => {
  const nRows = 32;
  const nCols = 50;
  const m: FeatureMatrix = { data: Float32Array.from({ length: nRows * nCols }, (_, i) => 1 + (i % 97)), nRows, nCols };

  it('timeMask sets exactly the drawn columns to the value and leaves the rest', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { matrix, ranges } = timeMask(m, { maxWidth: 10, count: 2, seed, value: 0 });
      const masked = new Set<number>();
      for (const r of ranges) {
        expect(r.width).toBeLessThanOrEqual(10);
        expect(r.start + r.width).toBeLessThanOrEqual(nCols);
        for (let t = r.start; t < r.start + r.width; t++) masked.add(t);
      }
      for (let i = 0; i < nRows; i++) {
        for (let t = 0; t < nCols; t++) {
          expect(matrix.data[i * nCols + t]).toBe(masked.has(t) ? 0 : m.data[i * nCols + t]);
        }
      }
    }
  });
  it('freqMask sets exactly the drawn rows to the value and leaves the rest', () => {
    for (let seed = 0; seed < 10; seed++) {
      const { matrix, ranges } = freqMask(m, { maxWidth: 8, seed, value: 0 });
      const [r] = ranges;
      for (let i = 0; i < nRows; i++) {
        const inMask = i >= r.start && i < r.start + r.width;
        for (let t = 0; t < nCols; t++) expect(matrix.data[i * nCols + t]).toBe(inMask ? 0 : m.data[i * nCols + t]);
      }
    }
  });
  it('default value is the matrix mean; input untouched; same seed same mask', () => {
    const before = m.data.slice();
    const a = timeMask(m, { maxWidth: 10, seed: 1 });
    const b = timeMask(m, { maxWidth: 10, seed: 1 });
    expect(Array.from(m.data)).toEqual(Array.from(before));
    expect(a.ranges).toEqual(b.ranges);
    const mean = before.reduce((s, v) => s + v, 0) / before.length;
    const r = a.ranges.find((x) => x.width > 0);
    if (r) expect(a.matrix.data[r.start]).toBeCloseTo(mean, 3);
    const widths = new Set(Array.from({ length: 30 }, (_, s) => timeMask(m, { maxWidth: 10, seed: s }).ranges[0].width));
    expect(widths.size).toBeGreaterThan(3);
  });
});
