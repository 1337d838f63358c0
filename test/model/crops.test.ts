// SB-CNN training crops: whole clip matrices rebuilt from the featurizer's cached patches, and the
// per-epoch random windows cut from them.
import { describe, expect, it } from 'vitest';
import { loadAudioSync } from '../../lib/audio';
import { featureFromLogMel } from '../../lib/features/extract-job';
import { logMelSpectrogram } from '../../lib/features/mfcc';
import { assembleShard, createSharedStore, splitBatch } from '../../lib/model/cnn-shards';
import { applyCropMask, clipMatrixFromPatches, copyWindow, CropError, randomCropMasks, randomCropStarts } from '../../lib/model/crops';
import { describeWithFixtures, fixture } from '../fixtures';

const patched = (data: Float32Array, nRows: number, nCols: number, frames: number, patchHop: number) =>
  featureFromLogMel({ data, nRows, nCols }, { kind: 'logmel', nMfcc: 40, frames, patchHop });

describe('clipMatrixFromPatches', () => {
  it('rebuilds every frame of matrices of many widths from their overlapping patches', () => {
    const nRows = 5;
    for (const [frames, hop] of [[16, 8], [16, 5], [16, 16], [7, 3]]) {
      for (let nCols = frames + 1; nCols < 4 * frames + 3; nCols++) {
        // Distinct values everywhere, so a wrongly placed column cannot match by accident.
        const data = Float32Array.from({ length: nRows * nCols }, (_, k) => Math.sin(k * 0.731 + nCols));
        const { data: row, shape } = patched(data, nRows, nCols, frames, hop);
        const m = clipMatrixFromPatches(row, shape, hop);
        expect(m.nFrames, `${nCols} columns, patches ${frames}/${hop}`).toBe(nCols);
        expect(m.nMels).toBe(nRows);
        expect(Array.from(m.data)).toEqual(Array.from(data));
      }
    }
  });
  it('keeps a clip of at most one patch as its (padded) single patch', () => {
    const data = Float32Array.from({ length: 3 * 10 }, (_, k) => k);
    const { data: row, shape } = patched(data, 3, 10, 16, 8);
    expect(shape).toEqual([1, 3, 16]);
    const m = clipMatrixFromPatches(row, shape, 8);
    expect(m.nFrames).toBe(16);
    expect(Array.from(m.data)).toEqual(Array.from(row));
  });
  it('refuses patches that are not one clip cut with this hop', () => {
    const data = Float32Array.from({ length: 2 * 40 }, (_, k) => Math.cos(k));
    const { data: row, shape } = patched(data, 2, 40, 16, 8);
    // Told a hop of 4 instead of 8: the regular starts are wrong, so no offset makes the last two patches overlap.
    expect(() => clipMatrixFromPatches(row, shape, 4)).toThrow(CropError);
    expect(() => clipMatrixFromPatches(row.subarray(1), shape, 8)).toThrow(/not \[/);
  });
});

describeWithFixtures('clipMatrixFromPatches on a real clip', () => {
  it('gives back the whole log-mel spectrogram of a fold-1 clip from its 128-frame patches (hop 64)', () => {
    const { samples, sampleRate } = loadAudioSync(fixture('urbansound8k-fold1/audio/127873-0-0-0.wav'));
    const full = logMelSpectrogram(samples, sampleRate);
    const { data, shape } = featureFromLogMel(full, { kind: 'logmel', nMfcc: 40, frames: 128, patchHop: 64 });
    expect(shape[0]).toBeGreaterThan(1);
    const m = clipMatrixFromPatches(data, shape, 64);
    expect([m.nMels, m.nFrames]).toEqual([full.nRows, full.nCols]);
    expect(Array.from(m.data)).toEqual(Array.from(full.data));
  });
});

describe('copyWindow and randomCropStarts', () => {
  it('copies the frames [start, start + frames) of every band', () => {
    const m = { data: Float32Array.from({ length: 3 * 10 }, (_, k) => k), nMels: 3, nFrames: 10 };
    const out = new Float32Array(2 + 3 * 4);
    copyWindow(m, 5, 4, out, 2);
    expect(Array.from(out)).toEqual([0, 0, 5, 6, 7, 8, 15, 16, 17, 18, 25, 26, 27, 28]);
    expect(() => copyWindow(m, 7, 4, out)).toThrow(CropError);
  });
  it('draws starts over the whole range, the same for the same seed and epoch, fresh for the next epoch', () => {
    const nFrames = Array.from({ length: 4000 }, (_, k) => 128 + (k % 46)); // 0–45 possible offsets
    const a = randomCropStarts(nFrames, 128, 7, 0);
    expect(Array.from(a)).toEqual(Array.from(randomCropStarts(nFrames, 128, 7, 0)));
    const b = randomCropStarts(nFrames, 128, 7, 1);
    expect(Array.from(b)).not.toEqual(Array.from(a));
    a.forEach((s, k) => {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(nFrames[k] - 128);
    });
    // The widest clips reach both ends of their range.
    const widest = Array.from(a).filter((_, k) => nFrames[k] === 173);
    expect(Math.min(...widest)).toBe(0);
    expect(Math.max(...widest)).toBe(45);
    expect(Array.from(a).filter((_, k) => nFrames[k] === 128).every((s) => s === 0)).toBe(true);
    expect(() => randomCropStarts([100], 128, 0, 0)).toThrow(CropError);
  });
});

describe('SpecAugment masks on training crops', () => {
  it('draws masks inside the crop, no wider than asked, the same for the same seed and epoch, fresh for the next', () => {
    const opts = { timeMaskFrames: 20, freqMaskBands: 15 };
    const a = randomCropMasks(500, 128, 128, opts, 3, 0);
    expect(randomCropMasks(500, 128, 128, opts, 3, 0)).toEqual(a);
    expect(randomCropMasks(500, 128, 128, opts, 3, 1)).not.toEqual(a);
    const widths = new Set<number>();
    for (let k = 0; k < 500; k++) {
      const [t0, tw, f0, fh] = a.subarray(4 * k, 4 * k + 4);
      expect(tw).toBeLessThanOrEqual(20);
      expect(fh).toBeLessThanOrEqual(15);
      expect(t0 + tw).toBeLessThanOrEqual(128);
      expect(f0 + fh).toBeLessThanOrEqual(128);
      widths.add(tw);
    }
    expect(widths.size).toBe(21); // every width 0…20 occurs
  });

  it('sets the masked frames of every band and every frame of the masked bands to 0, nothing else', () => {
    const nMels = 6, frames = 10;
    const out = Float32Array.from({ length: 2 + nMels * frames }, () => 1);
    applyCropMask(out, 2, nMels, frames, Int32Array.from([3, 2, 4, 1]), 0);
    for (let i = 0; i < nMels; i++) {
      for (let t = 0; t < frames; t++) expect(out[2 + i * frames + t]).toBe((t === 3 || t === 4 || i === 4) ? 0 : 1);
    }
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(1);
  });

  it('splitBatch hands each shard its crops’ masks, and assembleShard applies them', () => {
    const nMels = 4, frames = 8;
    const clip = { data: Float32Array.from({ length: nMels * 12 }, (_, k) => k + 1), nMels, nFrames: 12 };
    const store = createSharedStore([clip, clip, clip], Int32Array.from([0, 1, 2]), { nMels, frames, classCount: 3, parameterCount: 1, replicas: 2 }, null, 0);
    const masks = Int32Array.from([0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 1]);
    const shards = splitBatch(Int32Array.from([0, 1, 2]), Int32Array.from([0, 2, 4]), 2, masks);
    expect(Array.from(shards[0].masks!)).toEqual([0, 0, 0, 0, 1, 2, 0, 0]);
    expect(Array.from(shards[1].masks!)).toEqual([0, 0, 3, 1]);
    const x = new Float32Array(2 * nMels * frames);
    assembleShard(store, shards[0], x);
    // Crop 1 (start 2): frames 1 and 2 of the crop are masked in every band.
    const second = x.subarray(nMels * frames);
    for (let i = 0; i < nMels; i++) {
      for (let t = 0; t < frames; t++) expect(second[i * frames + t]).toBe(t === 1 || t === 2 ? 0 : i * 12 + 2 + t + 1);
    }
    // Crop 0 is unmasked.
    expect(x[0]).toBe(1);
  });
});
