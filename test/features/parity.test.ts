// Parity with librosa 0.10 on real recordings: the reference numbers in ../shared/fixtures/reference.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadAudioSync } from '../../lib/audio';
import { column, logMelSpectrogram, meanOverFrames, mfcc } from '../../lib/features';
import { describeWithFixtures, fixture, HAVE_FIXTURES } from '../fixtures';

interface FullRef {
  length: number;
  mfcc: number[][];
  mfcc_mean: number[];
  logmel_first_frame: number[];
  logmel_mid_frame: number[];
  [key: string]: unknown;
}
interface MeanRef {
  sr: number;
  n: number;
  mfcc_mean: number[];
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(fixture('reference', name), 'utf8')) as T;

/** Largest |a − b| over paired entries, with where it happened. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// Tolerances are about 10× the largest error measured on 2026-11-30 (the same comparisons over every
// clip, maxima printed by a throwaway script), so that a real regression — a symmetric Hann window, a mel band edge off by one bin — fails while float rounding passes:
//   every MFCC frame value  9.7e-5 → 1e-3        MFCC means (10 clips)          6.1e-5 → 6e-4
//   log-mel columns, dB     4.5e-4 → 5e-3 dB     fold-1 means (4-decimal ref)   9.9e-5 → 1e-3
//   FSDD means              1.6e-4 → 1.5e-3      (the old tolerances were 0.1, 0.05 and 0.05 dB)
const TOL = { mfccFrame: 1e-3, mfccMean: 6e-4, logMelDb: 5e-3, fold1Mean: 1e-3, fsddMean: 1.5e-3 };

describeWithFixtures('MFCC parity with librosa on the 10 original UrbanSound8K clips (resampled)', () => {
  const ref = HAVE_FIXTURES ? readJson<{ files: Record<string, FullRef> }>('urbansound8k.json').files : {};
  const names = Object.keys(ref);

  it('covers every clip in the folder', () => {
    const wavs = readdirSync(fixture('urbansound8k', 'audio')).filter((f) => f.endsWith('.wav'));
    expect(names.sort()).toEqual(wavs.sort());
  });

  it.each(names)(`%s: every MFCC within ${TOL.mfccFrame}, means within ${TOL.mfccMean}, log-mel columns within ${TOL.logMelDb} dB`, (name) => {
    const r = ref[name];
    const { samples, sampleRate } = loadAudioSync(fixture('urbansound8k', 'audio', name));
    expect(sampleRate).toBe(22050);
    expect(samples.length).toBe(r.length);
    const M = mfcc(samples, sampleRate);
    expect([M.nRows, M.nCols]).toEqual([40, r.mfcc[0].length]);
    let worstFrame = 0;
    for (let k = 0; k < 40; k++) worstFrame = Math.max(worstFrame, maxAbsDiff(M.data.subarray(k * M.nCols, (k + 1) * M.nCols), r.mfcc[k]));
    expect(worstFrame).toBeLessThan(TOL.mfccFrame);
    expect(maxAbsDiff(meanOverFrames(M), r.mfcc_mean)).toBeLessThan(TOL.mfccMean);
    const L = logMelSpectrogram(samples, sampleRate);
    expect(maxAbsDiff(column(L, 0), r.logmel_first_frame)).toBeLessThan(TOL.logMelDb);
    // The reference's "mid frame" is frame ⌊frames / 2⌋.
    expect(maxAbsDiff(column(L, Math.floor(L.nCols / 2)), r.logmel_mid_frame)).toBeLessThan(TOL.logMelDb);
  });
});

/** Check every clip of a mean-only reference; one failure message lists all clips off by ≥ `tolerance`. */
function checkMeans(refName: string, folder: string[], tolerance: number): void {
  it(`every clip's 40 MFCC means within ${tolerance} of librosa (${refName})`, () => {
    const ref = readJson<{ files: Record<string, MeanRef> }>(refName).files;
    const names = Object.keys(ref);
    expect(names.length).toBeGreaterThan(0);
    const off: string[] = [];
    let worst = 0;
    for (const name of names) {
      const { samples, sampleRate } = loadAudioSync(fixture(...folder, name));
      if (samples.length !== ref[name].n) {
        off.push(`${name}: ${samples.length} samples, librosa has ${ref[name].n}`);
        continue;
      }
      const err = maxAbsDiff(meanOverFrames(mfcc(samples, sampleRate)), ref[name].mfcc_mean);
      worst = Math.max(worst, err);
      if (err >= tolerance) off.push(`${name}: ${err.toExponential(2)}`);
    }
    expect(off).toEqual([]);
    expect(worst).toBeLessThan(tolerance);
  });
}

describeWithFixtures('MFCC-mean parity with librosa on 300 fold-1 clips (22050 Hz, no resampling)', () => {
  checkMeans('urbansound8k-fold1.json', ['urbansound8k-fold1', 'audio'], TOL.fold1Mean);
});

describeWithFixtures('MFCC-mean parity with librosa on 1500 spoken digits (8 kHz upsampled to 22050 Hz)', () => {
  checkMeans('fsdd.json', ['fsdd'], TOL.fsddMean);
});
