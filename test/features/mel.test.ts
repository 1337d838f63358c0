import { describe, expect, it } from 'vitest';
import { applyFilterbank, denseFilterbank, FeatureError, fftFrequencies, hzToMel, melFilterbank, melFrequencies, melToHz } from '../../lib/features';

describe('Slaney mel scale', () => {
  it('is linear below 1 kHz and logarithmic above, like librosa (htk=False)', () => {
    expect(hzToMel(60)).toBeCloseTo(0.9, 12); // librosa.hz_to_mel(60) = 0.9
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(melToHz(3)).toBeCloseTo(200, 12); // librosa.mel_to_hz(3) = 200
    // 27 mels per factor 6.4 above 1 kHz.
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 10);
    for (const f of [0, 440, 999.9, 1000, 5000, 11025]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8);
  });

  it('spaces librosa.mel_frequencies(n_mels=40) evenly in mel: linear steps below 1 kHz', () => {
    const f = melFrequencies(40, 0, 11025);
    // librosa.mel_frequencies(n_mels=40)[:3] = [0, 85.317, 170.635]
    expect(f[0]).toBe(0);
    expect(f[1]).toBeCloseTo(85.317, 3);
    expect(f[2]).toBeCloseTo(170.635, 3);
    for (let i = 1; f[i] < 1000; i++) expect(f[i]).toBeCloseTo(i * f[1], 9);
    // Above 1 kHz equal mel steps are equal frequency ratios.
    expect(f[30] / f[29]).toBeCloseTo(f[35] / f[34], 9);
    expect(f[39]).toBeCloseTo(11025, 6);
  });

  it('puts FFT bin k at k·sr/nFft Hz', () => {
    const f = fftFrequencies(22050, 2048);
    expect(f.length).toBe(1025);
    expect(f[1]).toBeCloseTo(10.7666015625, 12);
    expect(f[1024]).toBe(11025);
  });
});

describe('melFilterbank', () => {
  const fb = melFilterbank({ sampleRate: 22050, nFft: 2048 });
  const dense = denseFilterbank(fb);
  const nBins = 1025;

  it('has librosa\'s default shape (128 mels × 1025 bins) and first weight', () => {
    expect(fb.nMels).toBe(128);
    expect(dense.length).toBe(128 * nBins);
    // librosa.filters.mel(sr=22050, n_fft=2048)[0, :2] = [0, 0.016...] (librosa docs); exact value:
    // mel_f[1] = 25.7945 Hz, so bin 1 (10.767 Hz) sits at 0.4174 up the ramp × 2/51.589.
    expect(dense[0]).toBe(0);
    expect(dense[1]).toBeCloseTo(0.01618, 4);
  });

  it('stores each filter as a contiguous nonzero range that matches the dense matrix', () => {
    const wrong: string[] = [];
    for (let i = 0; i < fb.nMels; i++) {
      if (fb.end[i] <= fb.start[i]) wrong.push(`filter ${i} empty`);
      for (let k = 0; k < nBins; k++) {
        const inside = k >= fb.start[i] && k < fb.end[i];
        if (inside !== dense[i * nBins + k] > 0) wrong.push(`filter ${i} bin ${k}`);
      }
    }
    expect(wrong).toEqual([]);
    // Sparse storage is the point: ~2 bins per bin of spectrum, not 128.
    expect(fb.weights.length).toBeLessThan(3 * nBins);
  });

  it('normalises every filter to unit area in Hz (Slaney), where it spans enough bins to tell', () => {
    const binHz = 22050 / 2048;
    let checked = 0;
    for (let i = 0; i < fb.nMels; i++) {
      if (fb.end[i] - fb.start[i] < 12) continue;
      let area = 0;
      for (let k = fb.start[i]; k < fb.end[i]; k++) area += dense[i * nBins + k] * binHz;
      expect(Math.abs(area - 1)).toBeLessThan(0.02);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('peaks each triangle at its centre frequency', () => {
    const centres = melFrequencies(130, 0, 11025);
    for (const i of [10, 50, 100, 127]) {
      let peak = fb.start[i];
      for (let k = fb.start[i]; k < fb.end[i]; k++) if (dense[i * nBins + k] > dense[i * nBins + peak]) peak = k;
      expect(Math.abs(peak * (22050 / 2048) - centres[i + 1])).toBeLessThanOrEqual(22050 / 2048);
    }
  });

  it('is cached per parameter set and honours fmin / fmax / nMels', () => {
    expect(melFilterbank({ sampleRate: 22050, nFft: 2048 })).toBe(fb);
    const narrow = melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 40, fmin: 300, fmax: 4000 });
    expect(narrow.nMels).toBe(40);
    expect(narrow.start[0] * (22050 / 2048)).toBeGreaterThanOrEqual(300);
    expect((narrow.end[39] - 1) * (22050 / 2048)).toBeLessThanOrEqual(4000);
    expect(() => melFilterbank({ sampleRate: 22050, nFft: 2048, fmin: 5000, fmax: 4000 })).toThrow(FeatureError);
  });

  it('projects a spectrum exactly like the dense matrix product', () => {
    const spectrum = Float64Array.from({ length: nBins }, (_, k) => 1 + Math.sin(k * 0.01) * 0.5);
    const mel = applyFilterbank(fb, spectrum);
    for (const i of [0, 1, 37, 127]) {
      let ref = 0;
      for (let k = 0; k < nBins; k++) ref += dense[i * nBins + k] * spectrum[k];
      expect(mel[i]).toBeCloseTo(ref, 10);
    }
  });
});
