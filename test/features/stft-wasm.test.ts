// The WebAssembly STFT (PFFFT + kernels/stft.wat) against its plain-JS twin (fft.js); the .wat ↔ .wasm check is test/scripts/build-kernels.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAudioSync } from '../../lib/audio';
import { defaultFftEngine, FeatureMatrix, logMelSpectrogram, melSpectrogram, mfcc, powerSpectrogram, PowerFrames } from '../../lib/features';
import { parseGlue, pffftSupportsSize } from '../../lib/features/pffft';
import { describeWithFixtures, fixture, HAVE_FIXTURES } from '../fixtures';

/** Largest |a − b| in each frame (column) divided by that frame's largest |b|: float32 FFT error is relative to the frame's peak. */
function worstFrameRelative(a: FeatureMatrix, b: FeatureMatrix): number {
  expect([a.nRows, a.nCols]).toEqual([b.nRows, b.nCols]);
  let worst = 0;
  for (let t = 0; t < a.nCols; t++) {
    let peak = 0;
    for (let k = 0; k < a.nRows; k++) peak = Math.max(peak, Math.abs(b.data[k * b.nCols + t]));
    for (let k = 0; k < a.nRows; k++) {
      const d = Math.abs(a.data[k * a.nCols + t] - b.data[k * b.nCols + t]);
      worst = Math.max(worst, peak > 0 ? d / peak : d);
    }
  }
  return worst;
}

const maxAbs = (a: FeatureMatrix, b: FeatureMatrix) => a.data.reduce((w, v, i) => Math.max(w, Math.abs(v - b.data[i])), 0);

describe('the WebAssembly STFT (PFFFT + kernels/stft.wat)', () => {
  it('finds every PFFFT function it calls in the installed package glue', () => {
    const glue = parseGlue(readFileSync(require.resolve('@echogarden/pffft-wasm/simd'), 'utf8'));
    for (const name of ['pffft_new_setup', 'pffft_transform_ordered', 'pffft_aligned_malloc', 'pffft_aligned_free', 'pffft_simd_size']) {
      expect(glue.exports[name], name).toMatch(/^\w+$/);
    }
    expect(Object.keys(glue.imports).sort()).toEqual(['___assert_fail', '__emscripten_memcpy_js', '_emscripten_resize_heap']);
    expect(glue.memory).not.toBe('');
    expect(glue.ctors).not.toBe('');
  });

  it('is the default engine for PFFFT sizes, fft.js for the others', () => {
    expect(defaultFftEngine(2048)).toBe('wasm');
    expect(defaultFftEngine(512)).toBe('wasm');
    expect(pffftSupportsSize(16)).toBe(false);
    expect(defaultFftEngine(16)).toBe('js');
    expect(new PowerFrames(new Float32Array(100), { nFft: 16, hopLength: 4 }).engine).toBe('js');
  });

  it('falls back to fft.js when WebAssembly is unavailable (SOUNDLAB_FFT=js), with the same numbers as the js engine', () => {
    const script = "const f = require('./lib/features'); const x = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i * 0.1));" +
      "console.log(JSON.stringify([f.defaultFftEngine(2048), Array.from(f.melSpectrogram(x, 22050).data.slice(0, 5))]))";
    const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(__dirname, '../..'), env: { ...process.env, SOUNDLAB_FFT: 'js' }, encoding: 'utf8',
    });
    expect(out.stderr).toBe('');
    const [engine, head] = JSON.parse(out.stdout) as [string, number[]];
    expect(engine).toBe('js');
    const x = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i * 0.1));
    expect(head).toEqual(Array.from(melSpectrogram(x, 22050, { engine: 'js' }).data.slice(0, 5)));
  });

  it.each([
    ['centred, defaults', 5000, { nFft: 2048, hopLength: 512, center: true }],
    ['not centred', 5000, { nFft: 2048, hopLength: 512, center: false }],
    ['shorter than a frame', 700, { nFft: 2048, hopLength: 512, center: true }],
    ['empty signal (one all-zero frame)', 0, { nFft: 2048, hopLength: 512, center: true }],
    ['nFft 512, hop 100 (hop not a multiple of 4)', 3001, { nFft: 512, hopLength: 100, center: true }],
  ] as const)('agrees with fft.js frame by frame: %s', (_, n, framing) => {
    let seed = 7;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.013) + 0.3 * (((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5));
    const a = powerSpectrogram(x, { ...framing, engine: 'wasm' });
    const b = powerSpectrogram(x, { ...framing, engine: 'js' });
    expect(worstFrameRelative(a, b)).toBeLessThan(2e-6);
    const m1 = powerSpectrogram(x, { ...framing, power: 1, engine: 'wasm' });
    const m2 = powerSpectrogram(x, { ...framing, power: 1, engine: 'js' });
    expect(worstFrameRelative(m1, m2)).toBeLessThan(2e-6);
  });
});

describeWithFixtures('WebAssembly STFT against fft.js on real clips', () => {
  const clips = HAVE_FIXTURES
    ? [
        ...readdirSync(fixture('urbansound8k', 'audio')).filter((f) => f.endsWith('.wav')).map((f) => fixture('urbansound8k', 'audio', f)),
        ...readdirSync(fixture('urbansound8k-fold1', 'audio')).sort().slice(0, 20).map((f) => fixture('urbansound8k-fold1', 'audio', f)),
      ]
    : [];

  it('power and mel spectra within 2e-6 of each frame\'s peak, log-mel within 0.005 dB, MFCC within 0.001', () => {
    // Measured: 4.7e-7, 3.5e-7, 0.0004 dB, 0.00011 — float32 rounding; an indexing or window bug is O(1).
    let power = 0;
    let mel = 0;
    let db = 0;
    let cep = 0;
    for (const path of clips) {
      const { samples, sampleRate } = loadAudioSync(path);
      power = Math.max(power, worstFrameRelative(powerSpectrogram(samples, { engine: 'wasm' }), powerSpectrogram(samples, { engine: 'js' })));
      mel = Math.max(mel, worstFrameRelative(melSpectrogram(samples, sampleRate, { engine: 'wasm' }), melSpectrogram(samples, sampleRate, { engine: 'js' })));
      db = Math.max(db, maxAbs(logMelSpectrogram(samples, sampleRate, { engine: 'wasm' }), logMelSpectrogram(samples, sampleRate, { engine: 'js' })));
      cep = Math.max(cep, maxAbs(mfcc(samples, sampleRate, { engine: 'wasm' }), mfcc(samples, sampleRate, { engine: 'js' })));
    }
    expect(clips.length).toBe(30);
    expect(power).toBeLessThan(2e-6);
    expect(mel).toBeLessThan(2e-6);
    expect(db).toBeLessThan(0.005);
    expect(cep).toBeLessThan(0.001);
  });
});
