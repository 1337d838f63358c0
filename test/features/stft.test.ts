import { describe, expect, it } from 'vitest';
import { forEachPowerFrame, FeatureError, frameCount, frameSignal, hannWindow, powerSpectrogram, PowerFrames, rfft } from '../../lib/features';

function naiveDft(x: ArrayLike<number>): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let r = 0;
    let i = 0;
    for (let j = 0; j < n; j++) {
      r += x[j] * Math.cos((2 * Math.PI * k * j) / n);
      i -= x[j] * Math.sin((2 * Math.PI * k * j) / n);
    }
    re.push(r);
    im.push(i);
  }
  return { re, im };
}

describe('rfft', () => {
  it.each([4, 8, 16, 64, 2048])('matches a direct DFT for n = %i', (n) => {
    let seed = n;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const x = Array.from({ length: n }, rand);
    const X = rfft(x);
    const ref = naiveDft(x);
    expect(X.length).toBe(n + 2);
    for (let k = 0; k <= n / 2; k++) {
      expect(Math.abs(X[2 * k] - ref.re[k])).toBeLessThan(1e-9);
      expect(Math.abs(X[2 * k + 1] - ref.im[k])).toBeLessThan(1e-9);
    }
  });

  it('rejects sizes that are not powers of 2', () => {
    expect(() => rfft(new Float32Array(1000))).toThrow(FeatureError);
  });
});

describe('frameCount', () => {
  it('is 1 + floor(n / hop) when centred, as librosa pads nFft/2 each side', () => {
    expect(frameCount(88200)).toBe(173);
    expect(frameCount(7002)).toBe(14);
    expect(frameCount(0)).toBe(1);
    expect(frameCount(511)).toBe(1);
    expect(frameCount(512)).toBe(2);
  });
  it('is 1 + floor((n - nFft) / hop) without centring, and refuses short signals', () => {
    expect(frameCount(88200, { center: false })).toBe(1 + Math.floor((88200 - 2048) / 512));
    expect(frameCount(2048, { center: false })).toBe(1);
    expect(() => frameCount(2047, { center: false })).toThrow(FeatureError);
  });
});

describe('frameSignal', () => {
  it('centres frame t on sample t·hop with zero padding', () => {
    const x = Float32Array.from({ length: 3000 }, (_, i) => i + 1);
    const f = frameSignal(x, { nFft: 8, hopLength: 4 });
    expect(f.length).toBe(1 + Math.floor(3000 / 4));
    expect(Array.from(f[0])).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
    expect(Array.from(f[2])).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(f[750])).toEqual([2997, 2998, 2999, 3000, 0, 0, 0, 0]);
  });
});

describe('powerSpectrogram', () => {
  it('has (1 + nFft/2) rows and one column per frame', () => {
    const S = powerSpectrogram(new Float32Array(22050));
    expect(S.nRows).toBe(1025);
    expect(S.nCols).toBe(1 + Math.floor(22050 / 512));
    expect(S.data.length).toBe(1025 * S.nCols);
  });

  it('puts a unit impulse at sample t·hop in frame t with flat power w[nFft/2]^2 = 1', () => {
    const x = new Float32Array(8192);
    x[5 * 512] = 1;
    const S = powerSpectrogram(x);
    for (let k = 0; k < S.nRows; k++) expect(S.data[k * S.nCols + 5]).toBeCloseTo(1, 12);
    // Neighbouring frames see the impulse at window position nFft/2 ± 512, where w = 0.5.
    const w = hannWindow(2048);
    for (const k of [0, 100, 1024]) {
      expect(S.data[k * S.nCols + 4]).toBeCloseTo(w[1024 + 512] ** 2, 12);
      expect(S.data[k * S.nCols + 6]).toBeCloseTo(w[1024 - 512] ** 2, 12);
    }
  });

  it('places a sinusoid on its FFT bin with the Hann-window amplitude', () => {
    const sr = 22050;
    const bin = 93;
    const f = (bin * sr) / 2048;
    const x = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr));
    const S = powerSpectrogram(x);
    const t = 20;
    let peak = 0;
    for (let k = 0; k < S.nRows; k++) if (S.data[k * S.nCols + t] > S.data[peak * S.nCols + t]) peak = k;
    expect(peak).toBe(bin);
    // |X| = A·Σw/2 = 1024/2 for a unit sine exactly on a bin.
    expect(Math.sqrt(S.data[bin * S.nCols + t])).toBeCloseTo(512, 1);
  });

  it('power 1 gives the magnitude (square root of power 2)', () => {
    const x = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i * 0.3) + 0.1 * Math.cos(i * 1.7));
    const p2 = powerSpectrogram(x);
    const p1 = powerSpectrogram(x, { power: 1 });
    for (let i = 0; i < p2.data.length; i += 97) expect(p1.data[i]).toBeCloseTo(Math.sqrt(p2.data[i]), 3);
  });

  it('streams the same spectra through forEachPowerFrame', () => {
    const x = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i * 0.05));
    const S = powerSpectrogram(x, { nFft: 256, hopLength: 64 });
    let seen = 0;
    const n = forEachPowerFrame(x, { nFft: 256, hopLength: 64 }, (t, spectrum) => {
      seen++;
      expect(spectrum.length).toBe(129);
      expect(Math.fround(spectrum[7])).toBe(S.data[7 * S.nCols + t]);
    });
    expect(n).toBe(S.nCols);
    expect(seen).toBe(S.nCols);
  });

  it.each(['js', 'wasm'] as const)('PowerFrames (%s) computes any frame on demand, equal to |rfft(window · frame)|²', (engine) => {
    const x = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 0.021) * Math.cos(i * 0.0007));
    const frames = new PowerFrames(x, { engine });
    expect(frames.engine).toBe(engine);
    expect(frames.nFrames).toBe(frameCount(5000));
    expect(frames.nBins).toBe(1025);
    const w = hannWindow(2048);
    for (const t of [frames.nFrames - 1, 0, 4]) {
      const X = rfft(Array.from(frameSignal(x)[t], (v, i) => v * w[i]));
      const p = frames.frame(t);
      const exact = Array.from({ length: 1025 }, (_, k) => X[2 * k] ** 2 + X[2 * k + 1] ** 2);
      // fft.js runs in float64; PFFFT in float32, so its error scales with the frame's loudest bin.
      const tol = engine === 'js' ? 5e-7 : 2e-6 * Math.max(...exact);
      for (const k of [0, 1, 17, 512, 1023, 1024]) expect(Math.abs(p[k] - exact[k])).toBeLessThan(tol);
    }
  });
});
