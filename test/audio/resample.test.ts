import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAudio, KAISER_FAST, resample, sincWindow, toMono } from '../../lib/audio';
import { resampleWith } from '../../lib/audio/resample';
import { simdKernel } from '../../lib/audio/simd';
import { describeWithFixtures, fixture } from '../fixtures';
import { seededRandom } from './wav-builder';

/**
 * resampy 0.4's resample_f loop, transcribed line by line (one output at a time, both wings read from
 * the table with linear interpolation) and its length rule, plus librosa's zero padding to ceil:
 * the slow, obviously-faithful reference for the fast polyphase implementation.
 */
function resampyReference(x: Float32Array, srOrig: number, srNew: number): Float64Array {
  const sampleRatio = srNew / srOrig;
  const nOut = Math.floor((x.length * srNew) / srOrig);
  const y = new Float64Array(Math.ceil(x.length * sampleRatio));
  let interpWin = sincWindow();
  if (sampleRatio < 1) interpWin = interpWin.map((v) => v * sampleRatio);
  const interpDelta = new Float64Array(interpWin.length);
  for (let i = 0; i < interpWin.length - 1; i++) interpDelta[i] = interpWin[i + 1] - interpWin[i];
  const numTable = 2 ** KAISER_FAST.precision;
  const scale = Math.min(1, sampleRatio);
  const timeIncrement = 1 / sampleRatio;
  const indexStep = Math.trunc(scale * numTable);
  const nwin = interpWin.length;
  for (let t = 0; t < nOut; t++) {
    const timeRegister = t * timeIncrement;
    const n = Math.trunc(timeRegister);
    let frac = scale * (timeRegister - n);
    let indexFrac = frac * numTable;
    let offset = Math.trunc(indexFrac);
    let eta = indexFrac - offset;
    const iMax = Math.min(n + 1, Math.floor((nwin - offset) / indexStep));
    for (let i = 0; i < iMax; i++) {
      y[t] += (interpWin[offset + i * indexStep] + eta * interpDelta[offset + i * indexStep]) * x[n - i];
    }
    frac = scale - frac;
    indexFrac = frac * numTable;
    offset = Math.trunc(indexFrac);
    eta = indexFrac - offset;
    const kMax = Math.min(x.length - n - 1, Math.floor((nwin - offset) / indexStep));
    for (let k = 0; k < kMax; k++) {
      y[t] += (interpWin[offset + k * indexStep] + eta * interpDelta[offset + k * indexStep]) * x[n + k + 1];
    }
  }
  return y;
}

const noise = (length: number, seed: number) => {
  const rand = seededRandom(seed);
  return Float32Array.from({ length }, () => rand() * 2 - 1);
};

const tone = (frequencyHz: number, sampleRate: number, length: number) =>
  Float32Array.from({ length }, (_, i) => Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate));

const rms = (x: ArrayLike<number>, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
};

describe('sincWindow (kaiser_fast table)', () => {
  const win = sincWindow();
  it('has numZeros · 2^precision + 1 entries, starts at the roll-off and decays to the window edge', () => {
    expect(win).toHaveLength(24 * 512 + 1);
    expect(win[0]).toBeCloseTo(KAISER_FAST.rolloff, 12);
    // The roll-off sinc crosses zero at x = 1 / rolloff zero crossings, i.e. table index 512 / rolloff.
    const firstZero = 512 / KAISER_FAST.rolloff;
    expect(win[Math.floor(firstZero)]).toBeGreaterThan(0);
    expect(win[Math.ceil(firstZero)]).toBeLessThan(0);
    expect(Math.abs(win[win.length - 1])).toBeLessThan(1e-5);
  });
  it('sums (over one sample spacing) to unity DC gain', () => {
    // Σ_k win[k·512] over both wings ≈ 1 for an interpolating low-pass with gain rolloff · (1/rolloff).
    let s = win[0];
    for (let k = 512; k < win.length; k += 512) s += 2 * win[k];
    expect(s).toBeCloseTo(1, 3);
  });
});

describe('resample (kaiser_fast)', () => {
  const pairs: Array<[number, number]> = [
    [44100, 22050],
    [48000, 22050],
    [8000, 22050],
    [11025, 22050],
    [22050, 16000],
    [96000, 22050],
    [44100, 22051], // 22051 phases: the no-cache path
    [12000, 7350], // float time t · (12000/7350) falls just below the exact sample at t = 49, 98, …: resampy's drift, reproduced
  ];

  it('runs on WebAssembly SIMD here (the JS loops are the fallback)', () => {
    expect(simdKernel()).not.toBeNull();
  });

  // Float32 accumulation (SIMD) vs float64 (reference): a few ulps of float32 on unit-amplitude noise.
  it.each(pairs)('matches the line-by-line resampy loop, %i → %i Hz, edges included, both engines', (from, to) => {
    for (const length of [1000, 4411, 37]) {
      const x = noise(length, from + length);
      const slow = resampyReference(x, from, to);
      for (const engine of ['simd', 'js'] as const) {
        const fast = resampleWith(x, from, to, engine);
        expect(fast.length).toBe(slow.length);
        let maxErr = 0;
        for (let i = 0; i < slow.length; i++) maxErr = Math.max(maxErr, Math.abs(fast[i] - slow[i]));
        expect(maxErr).toBeLessThan(engine === 'js' ? 2e-7 : 2e-6);
      }
    }
  });

  it('resamples a long signal (several SIMD windows) exactly as the JS loops do', () => {
    for (const [from, to] of [[44100, 22050], [48000, 22050]]) {
      const x = noise(2_300_000, from);
      const simd = resampleWith(x, from, to, 'simd');
      const js = resampleWith(x, from, to, 'js');
      expect(simd.length).toBe(js.length);
      let maxErr = 0;
      for (let i = 0; i < js.length; i++) maxErr = Math.max(maxErr, Math.abs(simd[i] - js[i]));
      expect(maxErr).toBeLessThan(2e-6);
    }
  });

  it('gives length ceil(n · target / source), zero-padding past resampy’s floor like librosa', () => {
    expect(resample(new Float32Array(115101), 44100, 22050)).toHaveLength(57551);
    expect(resample(new Float32Array(192000), 48000, 22050)).toHaveLength(88200);
    expect(resample(new Float32Array(5000), 8000, 22050)).toHaveLength(13782);
    const y = resample(new Float32Array(101).fill(0.5), 44100, 22050);
    expect(y).toHaveLength(51);
    expect(y[50]).toBe(0);
    expect(y[25]).toBeCloseTo(0.5, 2);
  });

  it('returns a copy when the rates match', () => {
    const x = noise(100, 1);
    const y = resample(x, 22050, 22050);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it('keeps a passband tone and removes one above the new Nyquist frequency', () => {
    for (const [from, to] of [[44100, 22050], [48000, 22050]]) {
      const pass = resample(tone(1000, from, from), from, to);
      expect(rms(pass, 1000, to - 1000)).toBeCloseTo(Math.SQRT1_2, 3);
      const stop = resample(tone(15000, from, from), from, to);
      expect(rms(stop, 1000, to - 1000)).toBeLessThan(1e-3 * Math.SQRT1_2);
    }
    const up = resample(tone(1000, 8000, 8000), 8000, 22050);
    expect(rms(up, 1000, 21000)).toBeCloseTo(Math.SQRT1_2, 3);
  });

  it('rejects non-positive rates', () => {
    expect(() => resample(new Float32Array(10), 0, 22050)).toThrow(RangeError);
  });
});

// The kernel (kernels/resample.wat), its JS twin and librosa on real clips: each engine against librosa's
// samples, and the two engines against each other (much closer than either is to librosa).
describeWithFixtures('resample: SIMD kernel vs JS twin vs librosa 0.10 on the UrbanSound8K clips', () => {
  const ref = JSON.parse(readFileSync(fixture('reference/urbansound8k.json'), 'utf8')) as {
    files: Record<string, { sr: number; length: number; sample_index: number[]; sample_value: number[] }>;
  };

  it.each(Object.keys(ref.files))('%s', (name) => {
    const r = ref.files[name];
    const path = fixture('urbansound8k/audio', name);
    const decoded = decodeAudio(readFileSync(path), path);
    const mono = toMono(decoded.channels);
    const simd = resampleWith(mono, decoded.sampleRate, r.sr, 'simd');
    const js = resampleWith(mono, decoded.sampleRate, r.sr, 'js');
    for (const y of [simd, js]) {
      expect(y).toHaveLength(r.length);
      r.sample_index.forEach((idx, i) => expect(Math.abs(y[idx] - r.sample_value[i])).toBeLessThanOrEqual(1e-4));
    }
    let maxErr = 0;
    for (let i = 0; i < js.length; i++) maxErr = Math.max(maxErr, Math.abs(simd[i] - js[i]));
    expect(maxErr).toBeLessThan(2e-6);
  });
});

describe('toMono', () => {
  it('is the mean of the channels, rounded to float32 like numpy', () => {
    const a = Float32Array.of(1, 0.5, -1);
    const b = Float32Array.of(0, 0.25, 1);
    const c = Float32Array.of(0.1, 0.2, 0.3);
    expect(Array.from(toMono([a, b]))).toEqual([0.5, 0.375, 0]);
    const three = toMono([a, b, c]);
    for (let i = 0; i < 3; i++) expect(three[i]).toBe(Math.fround(Math.fround(Math.fround(a[i] + b[i]) + c[i]) / 3));
  });
  it('copies a single channel and refuses ragged or missing channels', () => {
    const a = Float32Array.of(1, 2);
    const m = toMono([a]);
    expect(m).not.toBe(a);
    expect(Array.from(m)).toEqual([1, 2]);
    expect(() => toMono([a, Float32Array.of(1)])).toThrow(RangeError);
    expect(() => toMono([])).toThrow(RangeError);
  });
});
