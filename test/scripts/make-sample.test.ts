// data.sample/: the committed folder is exactly what the seeded generator makes, with the promised contents.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError } from '../../lib/audio/errors';
import { decodeWav } from '../../lib/audio/wav';
import { CORRUPT_CLASS, makeSample, SAMPLE_COUNTS, SAMPLE_DURATION_SECONDS, type SampleSummary } from '../../scripts/make-sample';

const SAMPLE = resolve(__dirname, '../../data.sample');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('data.sample', () => {
  let fresh: string;
  let summary: SampleSummary;
  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), 'soundlab-sample-'));
    summary = makeSample(fresh);
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('is reproduced byte for byte by `npm run make-sample`', () => {
    const committed = listFiles(SAMPLE);
    expect(listFiles(fresh)).toEqual(committed);
    const differing = committed.filter((f) => !readFileSync(join(SAMPLE, f)).equals(readFileSync(join(fresh, f))));
    expect(differing).toEqual([]);
  });

  it('has the tutorial layout with the promised class counts', () => {
    const train = readFileSync(join(SAMPLE, 'train.csv'), 'utf8').trim().split('\n');
    const test = readFileSync(join(SAMPLE, 'test.csv'), 'utf8').trim().split('\n');
    expect(train[0]).toBe('ID,Class');
    expect(test[0]).toBe('ID');
    const counts: Record<string, number> = {};
    for (const line of train.slice(1)) {
      const [id, cls] = line.split(',');
      counts[cls] = (counts[cls] ?? 0) + 1;
      expect(statSync(join(SAMPLE, 'Train', `${id}.wav`)).isFile()).toBe(true);
    }
    for (const [cls, n] of Object.entries(SAMPLE_COUNTS)) expect(counts[cls]).toBe(n.train);
    for (const id of test.slice(1)) expect(statSync(join(SAMPLE, 'Test', `${id}.wav`)).isFile()).toBe(true);
    // Train and Test IDs never collide.
    const trainIds = new Set(train.slice(1).map((l) => l.split(',')[0]));
    expect(test.slice(1).filter((id) => trainIds.has(id))).toEqual([]);
    // Jackhammer most frequent, gun_shot and car_horn rarest, as in the tutorial.
    const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([c]) => c);
    expect(sorted[0]).toBe('jackhammer');
    expect(sorted.slice(-2).sort()).toEqual(['car_horn', 'gun_shot']);
  });

  it('mixes the real dataset encodings and has exactly one corrupt file', () => {
    const formats = new Set([...summary.train, ...summary.test].map((r) => r.format));
    for (const f of ['pcm_s16le 44100 Hz stereo', 'pcm_s24le (extensible) 48000 Hz stereo', 'pcm_u8 11025 Hz mono', 'float32 22050 Hz mono']) {
      expect(formats.has(f)).toBe(true);
    }
    const corrupt = summary.train.filter((r) => r.format.startsWith('corrupt'));
    expect(corrupt.map((r) => r.id)).toEqual([summary.corruptId]);
    expect(corrupt[0].className).toBe(CORRUPT_CLASS);
    expect(statSync(join(SAMPLE, 'Train', `${summary.corruptId}.wav`)).size).toBe(30);
    // Every other file is a complete RIFF whose size field matches its length.
    for (const split of ['Train', 'Test']) {
      for (const name of readdirSync(join(SAMPLE, split))) {
        if (split === 'Train' && name === `${summary.corruptId}.wav`) continue;
        const b = readFileSync(join(SAMPLE, split, name));
        expect(b.toString('latin1', 0, 4) + b.toString('latin1', 8, 12)).toBe('RIFFWAVE');
        expect(b.readUInt32LE(4)).toBe(b.length - 8);
      }
    }
  });

  it('decodes with lib/audio, all but the corrupt file, which fails with AudioDecodeError', () => {
    const seen = new Map<string, number>();
    let failures = 0;
    for (const split of ['Train', 'Test']) {
      for (const name of readdirSync(join(SAMPLE, split))) {
        const path = join(SAMPLE, split, name);
        let d: ReturnType<typeof decodeWav>;
        try {
          // A Buffer straight from readFileSync, as loadAudio reads files: Buffer.slice is a view, not a
          // copy, and the float32 files' data chunks start at unaligned offsets (58), which once broke decoding.
          d = decodeWav(readFileSync(path), path);
        } catch (err) {
          expect(err).toBeInstanceOf(AudioDecodeError);
          expect(path).toBe(join(SAMPLE, 'Train', `${summary.corruptId}.wav`));
          failures++;
          continue;
        }
        const key = `${d.info.encoding}${d.info.extensible ? ' (extensible)' : ''} ${d.sampleRate} Hz ${d.channels.length === 1 ? 'mono' : 'stereo'}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        expect(d.info.durationSeconds).toBeGreaterThanOrEqual(SAMPLE_DURATION_SECONDS[0] - 1e-3);
        expect(d.info.durationSeconds).toBeLessThanOrEqual(SAMPLE_DURATION_SECONDS[1] + 1e-3);
        let peak = 0;
        let nonFinite = 0;
        for (const ch of d.channels) {
          for (let i = 0; i < ch.length; i++) {
            peak = Math.max(peak, Math.abs(ch[i]));
            if (!Number.isFinite(ch[i])) nonFinite++;
          }
        }
        expect(nonFinite, `${path}: non-finite samples`).toBe(0);
        expect(peak).toBeGreaterThan(0.1);
        expect(peak).toBeLessThanOrEqual(1);
      }
    }
    expect(failures).toBe(1);
    // What the decoder reads is what the generator says it wrote.
    const written = new Map<string, number>();
    for (const r of [...summary.train, ...summary.test]) if (!r.format.startsWith('corrupt')) written.set(r.format, (written.get(r.format) ?? 0) + 1);
    expect(new Map([...seen].sort())).toEqual(new Map([...written].sort()));
  });

  it('stays well under 10 MB', () => {
    const bytes = listFiles(SAMPLE).reduce((s, f) => s + statSync(join(SAMPLE, f)).size, 0);
    expect(bytes).toBeLessThan(8e6);
  });
});
