import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { featureVectorNames } from '../../lib/features/descriptors';
import { contentHash, FileIndex } from '../../lib/features/cache';
import { closeFeatureWorkers, extractFeatures, ExtractOptions } from '../../lib/features/extract';
import { describeWithFixtures, fixture } from '../fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-extract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * librosa 0.10's MFCC means for the fixture clips, by path. Keyed by folder too: the fold-1 set holds
 * re-encoded (looped to 4 s) versions of some originals under the same file names.
 */
function referenceMeans(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const set of ['urbansound8k', 'urbansound8k-fold1']) {
    const ref = JSON.parse(readFileSync(fixture('reference', `${set}.json`), 'utf8')) as { files: Record<string, { mfcc_mean: number[] }> };
    for (const [file, v] of Object.entries(ref.files)) out.set(fixture(set, 'audio', file), v.mfcc_mean);
  }
  return out;
}

// Small real clips: three originals (44.1 kHz stereo, short) and three fold-1 clips (22050 Hz mono, 4 s).
const CLIPS = [
  fixture('urbansound8k/audio/100032-3-0-0.wav'),
  fixture('urbansound8k-fold1/audio/101415-3-0-2.wav'),
  fixture('urbansound8k/audio/100648-1-0-0.wav'),
  fixture('urbansound8k-fold1/audio/101415-3-0-3.wav'),
  fixture('urbansound8k/audio/102305-6-0-0.wav'),
  fixture('urbansound8k-fold1/audio/101415-3-0-8.wav'),
];
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const quiet: ExtractOptions = { progress: false, cache: false };
const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describeWithFixtures('extractFeatures', () => {
  it('gives the same rows, in input order, whatever the worker count (0, 1, 2)', async () => {
    const inline = await extractFeatures(CLIPS, { ...quiet, workers: 0 });
    const one = await extractFeatures(CLIPS, { ...quiet, workers: 1 });
    const two = await extractFeatures(CLIPS, { ...quiet, workers: 2 });
    expect(inline.ids).toEqual(CLIPS.map(base));
    expect(inline.paths).toEqual(CLIPS);
    for (const r of [one, two]) {
      expect(r.ids).toEqual(inline.ids);
      expect(r.X).toHaveLength(CLIPS.length);
      r.X.forEach((row, i) => expect(bytesOf(row).equals(bytesOf(inline.X[i]))).toBe(true));
    }
    // Row i is clip i: each matches librosa's mean for that clip (parity itself is tested at 0.05 in
    // mfcc's tests; clips differ from each other by far more than this).
    const ref = referenceMeans();
    inline.X.forEach((row, i) => {
      expect(row).toHaveLength(40);
      const want = ref.get(inline.paths[i])!;
      for (let c = 0; c < 40; c++) expect(Math.abs(row[c] - want[c])).toBeLessThan(0.5);
    });
    expect(inline.shapes.every((s) => s.length === 1 && s[0] === 40)).toBe(true);
    expect(two.stats.computed).toBe(CLIPS.length);
  });

  it('skips unreadable files with their reason and completes the rest', async () => {
    const truncated = join(tmp, 'truncated.wav');
    writeFileSync(truncated, readFileSync(CLIPS[0]).subarray(0, 30)); // cut inside the header
    const notAudio = join(tmp, 'notes.wav');
    writeFileSync(notAudio, 'these are not the samples you are looking for');
    const missing = join(tmp, 'missing.wav');
    const inputs = [CLIPS[0], truncated, CLIPS[1], notAudio, missing];
    const progress: number[] = [];
    const r = await extractFeatures(inputs, { ...quiet, workers: 2, onProgress: (p) => progress.push(p.done) });
    expect(r.ids).toEqual([base(CLIPS[0]), base(CLIPS[1])]);
    expect(r.skipped.map((s) => s.file)).toEqual([truncated, notAudio, missing]);
    for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(5);
    expect(r.skipped[2].reason).toMatch(/no such file/);
    expect(r.skipped.map((s) => s.reason).join('\n')).not.toMatch(/worker crashed/);
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    // The good clips are unaffected by their bad neighbours.
    const alone = await extractFeatures([CLIPS[0], CLIPS[1]], { ...quiet, workers: 0 });
    expect(bytesOf(r.X[1]).equals(bytesOf(alone.X[1]))).toBe(true);
  });

  it('keeps its worker threads for the next call: a second batch starts none, after closeFeatureWorkers it starts them again', async () => {
    await closeFeatureWorkers();
    const first = await extractFeatures(CLIPS.slice(0, 4), { ...quiet, workers: 2 });
    expect(first.stats.workersStarted).toBe(2);
    const second = await extractFeatures(CLIPS.slice(2), { ...quiet, workers: 2 });
    expect(second.stats.workersStarted).toBe(0);
    expect(second.stats.computed).toBe(4);
    // Same rows from reused threads as from fresh ones (clips 2 and 3 are in both batches).
    expect(bytesOf(second.X[0]).equals(bytesOf(first.X[2]))).toBe(true);
    expect(bytesOf(second.X[1]).equals(bytesOf(first.X[3]))).toBe(true);
    // Different parameters on the same threads: they travel with each batch, not with the thread.
    const twenty = await extractFeatures(CLIPS.slice(0, 2), { ...quiet, workers: 2, nMfcc: 20 });
    expect(twenty.stats.workersStarted).toBe(0);
    expect(twenty.shapes).toEqual([[20], [20]]);
    await closeFeatureWorkers();
    expect((await extractFeatures(CLIPS.slice(0, 1), { ...quiet, workers: 1 })).stats.workersStarted).toBe(1);
  });

  it('survives a worker crash: the culprit is reported, the rest of the batch completes', async () => {
    const r = await extractFeatures(CLIPS, { ...quiet, workers: 2 }, { crashWorkerOn: base(CLIPS[2]) });
    expect(r.skipped).toEqual([{ file: CLIPS[2], id: base(CLIPS[2]), reason: expect.stringMatching(/worker crashed twice.*exit code 70/) }]);
    expect(r.ids).toEqual(CLIPS.filter((_, i) => i !== 2).map(base));
    expect(r.stats.workerCrashes).toBe(2);
    const inline = await extractFeatures(CLIPS.filter((_, i) => i !== 2), { ...quiet, workers: 0 });
    r.X.forEach((row, i) => expect(bytesOf(row).equals(bytesOf(inline.X[i]))).toBe(true));
  });

  it('caches: a re-run reads every row from disk, a parameter change recomputes, a damaged entry is recomputed', async () => {
    const cacheDir = join(tmp, 'cache');
    const clips = CLIPS.slice(0, 3);
    const opts: ExtractOptions = { progress: false, workers: 0, cacheDir };
    const first = await extractFeatures(clips, opts);
    expect(first.stats).toMatchObject({ computed: 3, cached: 0 });
    const second = await extractFeatures(clips, { ...opts, workers: 2 });
    expect(second.stats).toMatchObject({ computed: 0, cached: 3, corruptCacheEntries: 0 });
    second.X.forEach((row, i) => expect(bytesOf(row).equals(bytesOf(first.X[i]))).toBe(true));

    // The key is the content, not the name: a renamed copy is a hit.
    const copy = join(tmp, 'renamed.wav');
    copyFileSync(clips[0], copy);
    const renamed = await extractFeatures([copy], opts);
    expect(renamed.stats).toMatchObject({ computed: 0, cached: 1 });

    const twenty = await extractFeatures(clips, { ...opts, nMfcc: 20 });
    expect(twenty.stats).toMatchObject({ computed: 3, cached: 0 });
    expect(twenty.X[0]).toHaveLength(20);
    // The first 20 of 40 coefficients are the 20 (the DCT is truncated, not recomputed differently).
    for (let c = 0; c < 20; c++) expect(twenty.X[0][c]).toBeCloseTo(first.X[0][c], 3);

    // Damage one entry of the 40-MFCC run: flip payload bits in one, truncate another.
    const entries = listFiles(join(cacheDir, 'features')).filter((f) => statSync(f).size === first.X[0].byteLength + 4 + 4 + 20 + 4 + 4 + 4 + 20);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const damaged = entries.slice(0, 2);
    const b0 = readFileSync(damaged[0]);
    b0[b0.length - 7] ^= 0x40;
    writeFileSync(damaged[0], b0);
    writeFileSync(damaged[1], readFileSync(damaged[1]).subarray(0, 50));
    const third = await extractFeatures(clips, opts);
    expect(third.stats).toMatchObject({ computed: 2, cached: 1, corruptCacheEntries: 2 });
    third.X.forEach((row, i) => expect(bytesOf(row).equals(bytesOf(first.X[i]))).toBe(true));
    // …and the entries were rewritten: the next run is all hits.
    expect((await extractFeatures(clips, opts)).stats).toMatchObject({ computed: 0, cached: 3, corruptCacheEntries: 0 });
  });

  it('hashes in the workers and recognises unchanged files from a stat; a changed file is hashed again, never served stale', async () => {
    const cacheDir = join(tmp, 'cache-index');
    const opts: ExtractOptions = { progress: false, workers: 1, cacheDir };
    const clip = join(tmp, 'changing.wav');
    const hourAgo = new Date(Date.now() - 3600_000);
    copyFileSync(CLIPS[0], clip);
    utimesSync(clip, hourAgo, hourAgo);
    // What the cache index on disk says about a file (a fresh instance reads the file again).
    const indexed = (p: string) => new FileIndex(cacheDir).lookup(p);
    expect(indexed(clip)).toBeNull();
    const a = await extractFeatures([clip], opts);
    expect(a.stats).toMatchObject({ computed: 1, cached: 0 });
    // The worker's content hash was saved: the next lookup needs no read of the file.
    expect(indexed(clip)).toBe(contentHash(readFileSync(CLIPS[0])));
    const again = await extractFeatures([clip], { ...opts, workers: 0 });
    expect(again.stats).toMatchObject({ computed: 0, cached: 1 });

    // Other audio under the same name, with the old timestamps put back: still recomputed (the size,
    // inode change time and content differ), and the row is the new clip's.
    copyFileSync(CLIPS[1], clip);
    utimesSync(clip, hourAgo, hourAgo);
    const b = await extractFeatures([clip], opts);
    expect(b.stats).toMatchObject({ computed: 1, cached: 0 });
    const direct = await extractFeatures([CLIPS[1]], { ...quiet, workers: 0 });
    expect(bytesOf(b.X[0]).equals(bytesOf(direct.X[0]))).toBe(true);
    expect(indexed(clip)).toBe(contentHash(readFileSync(CLIPS[1])));

    // A file written just now is not remembered (its timestamp could hide a second write), yet its
    // re-run is still a cache hit, found by hashing it in the worker.
    const fresh = join(tmp, 'fresh.wav');
    copyFileSync(CLIPS[0], fresh);
    const c = await extractFeatures([fresh], opts);
    expect(c.stats).toMatchObject({ computed: 0, cached: 1 });
    expect(indexed(fresh)).toBeNull();
  });

  it("'mfcc' gives the full matrix whose frame mean is the 'mfccMean' row", async () => {
    const clips = [CLIPS[0], CLIPS[1]];
    const means = await extractFeatures(clips, { ...quiet, workers: 0 });
    const full = await extractFeatures(clips, { ...quiet, workers: 0, kind: 'mfcc' });
    expect(full.shapes).toEqual([[40, 14], [40, 173]]); // librosa's frame counts for 7002 and 88200 samples
    full.X.forEach((m, k) => {
      const frames = full.shapes[k][1];
      for (let c = 0; c < 40; c++) {
        let sum = 0;
        for (let t = 0; t < frames; t++) sum += m[c * frames + t];
        expect(sum / frames).toBeCloseTo(means.X[k][c], 3);
      }
    });
  });

  it("'logmel' gives fixed-size patches: long clips cropped, short ones padded with their floor", async () => {
    const clips = [CLIPS[0], CLIPS[1]]; // 14 and 173 frames
    const r = await extractFeatures(clips, { ...quiet, workers: 0, kind: 'logmel', nMels: 64, frames: 100 });
    expect(r.shapes).toEqual([[64, 100], [64, 100]]);
    const short = r.X[0];
    let min = Infinity;
    for (let i = 0; i < 64; i++) for (let t = 0; t < 14; t++) min = Math.min(min, short[i * 100 + t]);
    for (let i = 0; i < 64; i++) for (let t = 14; t < 100; t++) expect(short[i * 100 + t]).toBe(min);
    // Cropping keeps the first frames: same values as a wider patch's first 100.
    const wide = await extractFeatures([clips[1]], { ...quiet, workers: 0, kind: 'logmel', nMels: 64, frames: 173 });
    for (let i = 0; i < 64; i++) {
      for (let t = 0; t < 100; t++) expect(r.X[1][i * 100 + t]).toBe(wide.X[0][i * 173 + t]);
    }
  });

  it('keeps the ids it is given, from a list or a dataset', async () => {
    const items = [{ id: 'dog', path: CLIPS[0] }, { id: 'gone', path: join(tmp, 'gone.wav') }, { id: 'siren', path: CLIPS[2] }];
    const r = await extractFeatures(items, { ...quiet, workers: 0 });
    expect(r.ids).toEqual(['dog', 'siren']);
    expect(r.paths).toEqual([CLIPS[0], CLIPS[2]]);
    expect(r.skipped).toEqual([{ file: join(tmp, 'gone.wav'), id: 'gone', reason: 'no such file' }]);
    const fromDataset = await extractFeatures({ items }, { ...quiet, workers: 0 });
    expect(fromDataset.ids).toEqual(['dog', 'siren']);
  });

  it("'vector' concatenates featureVector's components, named by featureVectorNames", async () => {
    const features = ['mfcc', 'rms', 'chroma'] as const;
    const r = await extractFeatures([CLIPS[0], CLIPS[1]], { ...quiet, workers: 2, kind: 'vector', features: [...features], nMfcc: 20 });
    const names = featureVectorNames({ features: [...features], nMfcc: 20 });
    expect(r.shapes).toEqual([[names.length], [names.length]]);
    expect(names[20]).toBe('rms');
    const means = await extractFeatures([CLIPS[0], CLIPS[1]], { ...quiet, workers: 0, nMfcc: 20 });
    r.X.forEach((row, k) => {
      expect(bytesOf(row.subarray(0, 20)).equals(bytesOf(means.X[k]))).toBe(true); // the MFCC part is mfccMean's
      expect(row[20]).toBeGreaterThan(0); // rms of a real clip
    });
    await expect(extractFeatures(CLIPS, { ...quiet, kind: 'vector', features: ['mfcc', 'loudnessish' as never] })).rejects.toThrow(/unknown descriptor/);
  });

  it('loads compressed containers (FLAC) through the asynchronous decoders, in workers too', async () => {
    // The committed tone as FLAC and as WAV (lossless: the same samples).
    const tone = (ext: string) => join(__dirname, '../audio/data', `tone.${ext}`);
    const r = await extractFeatures([tone('flac'), tone('wav')], { ...quiet, workers: 1 });
    expect(r.skipped).toEqual([]);
    // Same audio, different decoder: the MFCC means agree well within librosa parity (0.05).
    for (let c = 0; c < 40; c++) expect(Math.abs(r.X[0][c] - r.X[1][c])).toBeLessThan(0.05);
  });

  it('rejects options that cannot work', async () => {
    await expect(extractFeatures(CLIPS, { ...quiet, nMfcc: 0 })).rejects.toThrow(/nMfcc/);
    await expect(extractFeatures(CLIPS, { ...quiet, workers: -1 })).rejects.toThrow(/workers/);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}
