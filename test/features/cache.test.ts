import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheKey, cacheKeyer, contentHash, decodeEntry, encodeEntry, FeatureCache, FileIndex, indexEntryFor } from '../../lib/features/cache';

const dir = mkdtempSync(join(tmpdir(), 'soundlab-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const value = { data: Float32Array.from([1.5, -2.25, 3e-7, 40, 5, 6]), shape: [2, 3] };

describe('cache keys', () => {
  it('depend on content and on every parameter, not on parameter order', () => {
    const h = contentHash(Buffer.from('RIFF....WAVE'));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(h, { nMfcc: 40, sampleRate: 22050 })).toBe(cacheKey(h, { sampleRate: 22050, nMfcc: 40 }));
    expect(cacheKey(h, { nMfcc: 40 })).not.toBe(cacheKey(h, { nMfcc: 20 }));
    expect(cacheKey(h, { features: ['mfcc', 'rms'] })).not.toBe(cacheKey(h, { features: ['rms', 'mfcc'] }));
    expect(cacheKey(h, { nMfcc: 40 })).not.toBe(cacheKey(contentHash(Buffer.from('RIFF....WAVF')), { nMfcc: 40 }));
  });
});

describe('cache entries', () => {
  it('round-trip data and shape exactly', () => {
    const decoded = decodeEntry('k', encodeEntry('k', value));
    expect('value' in decoded && decoded.value).toEqual(value);
  });

  it('detect every kind of damage', () => {
    const good = encodeEntry('k', value);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0x10;
    expect(decodeEntry('k', flipped)).toEqual({ reason: 'payload checksum mismatch' });
    expect(decodeEntry('k', good.subarray(0, good.length - 4))).toHaveProperty('reason', expect.stringMatching(/payload is 20 bytes, header says 24/));
    expect(decodeEntry('k', good.subarray(0, 10))).toHaveProperty('reason', expect.stringMatching(/truncated/));
    expect(decodeEntry('other key', good)).toEqual({ reason: 'entry belongs to another key' });
    const badMagic = Buffer.from(good);
    badMagic[0] ^= 1;
    expect(decodeEntry('k', badMagic)).toEqual({ reason: 'bad magic' });
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeEntry('k', { data: new Float32Array(5), shape: [2, 3] })).toThrow(/does not match/);
  });
});

describe('FeatureCache', () => {
  it('misses, stores, hits, and reports a corrupted file as corrupt', () => {
    const cache = new FeatureCache(dir);
    expect(cache.get('a')).toEqual({ status: 'miss' });
    expect(cache.set('a', value)).toBeNull();
    expect(cache.get('a')).toEqual({ status: 'hit', value });
    const path = cache.pathFor('a');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    expect(cache.get('a')).toEqual({ status: 'corrupt', reason: 'payload checksum mismatch' });
    writeFileSync(path, bytes.subarray(0, 30));
    expect(cache.get('a').status).toBe('corrupt');
  });

  it('returns a payload that is aligned and independent of the file buffer', () => {
    const cache = new FeatureCache(dir);
    const odd = { data: Float32Array.from([1, 2, 3]), shape: [3] };
    cache.set('odd', odd);
    const hit = cache.get('odd');
    expect(hit.status === 'hit' && hit.value.data.byteOffset).toBe(0);
    expect(hit.status === 'hit' && Array.from(hit.value.data)).toEqual([1, 2, 3]);
  });
});

describe('FileIndex', () => {
  const hourAgo = new Date(Date.now() - 3600_000);
  const make = (name: string, content: string, when: Date | null = hourAgo) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    if (when) utimesSync(p, when, when);
    return p;
  };
  const entryOf = (p: string) => indexEntryFor(p, statSync(p, { bigint: true }), contentHash(readFileSync(p)));

  it('gives back the recorded hash while the file keeps its signature, from memory and after save()', () => {
    const cacheDir = join(dir, 'idx1');
    const index = new FileIndex(cacheDir);
    const p = make('a.wav', 'first');
    const hash = contentHash(readFileSync(p));
    expect(index.lookup(p)).toBeNull();
    index.note(entryOf(p)!);
    expect(index.lookup(p)).toBe(hash);
    expect(new FileIndex(cacheDir).lookup(p)).toBeNull(); // not on disk yet
    expect(index.save()).toBeNull();
    expect(new FileIndex(cacheDir).lookup(p)).toBe(hash);
    // A relative path names the same file.
    expect(new FileIndex(cacheDir).lookup(join(dir, '.', 'a.wav'))).toBe(hash);
  });

  it('forgets a file whose size, modification time or inode changed', () => {
    const index = new FileIndex(join(dir, 'idx2'));
    const p = make('b.wav', 'same length!');
    index.note(entryOf(p)!);
    expect(index.lookup(p)).not.toBeNull();
    utimesSync(p, new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000));
    expect(index.lookup(p)).toBeNull();
    index.note(entryOf(p)!);
    // Same length, same timestamps put back, other content: the change time still differs.
    const before = statSync(p);
    writeFileSync(p, 'SAME LENGTH!');
    utimesSync(p, before.atime, before.mtime);
    expect(index.lookup(p)).toBeNull();
  });

  it('does not remember a file modified within the last two seconds', () => {
    const p = make('c.wav', 'just written', null);
    expect(entryOf(p)).toBeNull();
  });

  it('merges with what another process saved meanwhile, and ignores a damaged file', () => {
    const cacheDir = join(dir, 'idx4');
    const one = new FileIndex(cacheDir);
    const two = new FileIndex(cacheDir);
    const p = make('d.wav', 'content d');
    const q = make('e.wav', 'content e');
    expect(one.lookup(p)).toBeNull();
    expect(two.lookup(q)).toBeNull();
    one.note(entryOf(p)!);
    two.note(entryOf(q)!);
    one.save();
    two.save();
    const fresh = new FileIndex(cacheDir);
    expect(fresh.lookup(p)).toBe(contentHash(readFileSync(p)));
    expect(fresh.lookup(q)).toBe(contentHash(readFileSync(q)));
    writeFileSync(fresh.file, readFileSync(fresh.file, 'utf8').slice(0, 40));
    expect(new FileIndex(cacheDir).lookup(p)).toBeNull();
  });
});

describe('cacheKeyer', () => {
  it('gives the same keys as cacheKey', () => {
    const params = { sampleRate: 22050, kind: 'mfccMean', features: ['mfcc', 'rms'] };
    const h = contentHash(Buffer.from('abc'));
    expect(cacheKeyer(params)(h)).toBe(cacheKey(h, params));
    expect(cacheKeyer({ ...params, nMfcc: 20 })(h)).not.toBe(cacheKey(h, params));
  });
});
