// Cutting a clip's log-mel matrix into the overlapping patches a CNN's prediction averages over.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../lib/audio/encode';
import { extractFeatures } from '../../lib/features/extract';
import { cutPatches, fitFrames, patchStarts } from '../../lib/features/extract-job';
import type { FeatureMatrix } from '../../lib/features/matrix';

/** A bands × frames matrix whose cell (i, t) is 1000·i + t, so every copied cell names its origin. */
function ramp(nRows: number, nCols: number): FeatureMatrix {
  return { data: Float32Array.from({ length: nRows * nCols }, (_, k) => 1000 * Math.floor(k / nCols) + (k % nCols)), nRows, nCols };
}

describe('patchStarts', () => {
  it('starts every hop from 0 and aligns the last patch to the end', () => {
    expect(patchStarts(173, 128, 64)).toEqual([0, 45]); // a 4-s UrbanSound8K clip
    expect(patchStarts(22, 16, 8)).toEqual([0, 6]);
    expect(patchStarts(40, 10, 5)).toEqual([0, 5, 10, 15, 20, 25, 30]); // hop lands on the end exactly: no duplicate
    expect(patchStarts(41, 10, 5)).toEqual([0, 5, 10, 15, 20, 25, 30, 31]);
    expect(patchStarts(11, 10, 3)).toEqual([0, 1]);
  });
  it('gives a clip no longer than one patch its single patch', () => {
    expect(patchStarts(128, 128, 64)).toEqual([0]);
    expect(patchStarts(14, 128, 64)).toEqual([0]);
    expect(patchStarts(0, 128, 64)).toEqual([0]);
  });
  it('rejects a hop that is not a positive integer', () => {
    expect(() => patchStarts(100, 10, 0)).toThrow(RangeError);
    expect(() => patchStarts(100, 10, 2.5)).toThrow(RangeError);
  });
});

describe('cutPatches', () => {
  it('copies each patch from its start frame, every band, and covers the last frame', () => {
    const m = ramp(3, 41);
    const { data, count } = cutPatches(m, 10, 5);
    expect(count).toBe(8);
    expect(data.length).toBe(8 * 3 * 10);
    const starts = patchStarts(41, 10, 5);
    starts.forEach((start, p) => {
      for (let i = 0; i < 3; i++) for (let t = 0; t < 10; t++) expect(data[p * 30 + i * 10 + t]).toBe(1000 * i + start + t);
    });
    expect(data[7 * 30 + 2 * 10 + 9]).toBe(2000 + 40); // last band, last frame of the clip
  });
  it('first patch equals fitFrames (the single patch a CNN trains on)', () => {
    const m = ramp(4, 30);
    expect(Array.from(cutPatches(m, 12, 6).data.subarray(0, 48))).toEqual(Array.from(fitFrames(m, 12)));
  });
  it('pads a clip shorter than a patch with its floor, as one patch', () => {
    const m = ramp(2, 3);
    const { data, count } = cutPatches(m, 5, 2);
    expect(count).toBe(1);
    expect(Array.from(data)).toEqual([0, 1, 2, 0, 0, 1000, 1001, 1002, 0, 0]);
  });
});

describe("extractFeatures 'logmel' with patchHop", () => {
  const tmp = mkdtempSync(join(tmpdir(), 'soundlab-patches-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it('returns [patches, nMels, frames] rows whose first patch is the plain patch, and keys the cache on the hop', async () => {
    const sampleRate = 22050;
    // 1 s → 1 + 22050 / 512 = 44 frames; 0.2 s → 9 frames.
    const long = join(tmp, 'long.wav');
    const short = join(tmp, 'short.wav');
    const tone = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (300 + i / 50) * i) / sampleRate));
    writeFileSync(long, encodeWav([tone(sampleRate)], sampleRate));
    writeFileSync(short, encodeWav([tone(sampleRate / 5)], sampleRate));
    const cacheDir = join(tmp, 'cache');
    const base = { kind: 'logmel' as const, nMels: 16, frames: 20, workers: 0, progress: false as const, cacheDir };
    const plain = await extractFeatures([long, short], base);
    const all = await extractFeatures([long, short], { ...base, patchHop: 10 });
    expect(plain.shapes).toEqual([[16, 20], [16, 20]]);
    expect(all.shapes).toEqual([[4, 16, 20], [1, 16, 20]]); // starts 0, 10, 20, 24
    expect(all.stats.computed).toBe(2); // another hop is another cache entry, not the plain patch's
    expect(Array.from(all.X[0].subarray(0, 320))).toEqual(Array.from(plain.X[0]));
    expect(Array.from(all.X[1])).toEqual(Array.from(plain.X[1]));
    const again = await extractFeatures([long, short], { ...base, patchHop: 10 });
    expect(again.stats.cached).toBe(2);
    expect(again.shapes).toEqual(all.shapes);
    await expect(extractFeatures([long], { ...base, patchHop: -1 })).rejects.toThrow(/patchHop/);
  });
});
