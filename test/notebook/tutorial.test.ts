// The tutorial helpers the notebooks call: per-class picks, the submission file, report paths, labels of rows.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DESCRIPTORS } from '../../lib/features';
import { DESCRIPTOR_CATEGORIES, labelsForIds, loadClipPerClass, randomClipPerClass, reportPath, writeSubmission } from '../../lib/notebook';

const items: { id: string; path: string; label?: string }[] = [
  ...['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, path: `/d/${id}.wav`, label: 'air' })),
  ...['d1', 'd2', 'd3'].map((id) => ({ id, path: `/d/${id}.wav`, label: 'dog' })),
  { id: 's1', path: '/d/s1.wav', label: 'siren' },
  { id: 'u1', path: '/d/u1.wav' },
];

describe('randomClipPerClass', () => {
  it('picks one item of each class, in class order, the same for the same seed', () => {
    const picks = randomClipPerClass(items, { seed: 3 });
    expect(picks.map((p) => p.label)).toEqual(['air', 'dog', 'siren']);
    expect(picks[2].id).toBe('s1');
    expect(randomClipPerClass(items, { seed: 3 })).toEqual(picks);
  });

  it('varies with the seed (over several seeds, more than one item of a class is picked)', () => {
    const seen = new Set(Array.from({ length: 20 }, (_, s) => randomClipPerClass(items, { seed: s })[0].id));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('names a requested class with no items', () => {
    expect(() => randomClipPerClass(items, { classes: ['jackhammer'] })).toThrow(/jackhammer/);
  });
});

describe('loadClipPerClass', () => {
  it('skips unreadable clips with their reason and takes the next of the class; first pick = randomClipPerClass', async () => {
    const first = randomClipPerClass(items, { seed: 1 });
    const bad = new Set([first[1].id]); // the dog pick fails to load
    const load = async (path: string) => {
      const id = path.replace(/^.*\/|\.wav$/g, '');
      if (bad.has(id)) throw new Error(`${path}: truncated header`);
      return { samples: new Float32Array([id.length]), sampleRate: 8000 };
    };
    const got = await loadClipPerClass(items, load, { seed: 1 });
    expect(got.clips.map((c) => c.label)).toEqual(['air', 'dog', 'siren']);
    expect(got.clips[0].id).toBe(first[0].id);
    expect(got.clips[1].id).not.toBe(first[1].id);
    expect(got.unreadable).toEqual([{ id: first[1].id, path: `/d/${first[1].id}.wav`, reason: `/d/${first[1].id}.wav: truncated header` }]);
  });
});

describe('writeSubmission and reportPath', () => {
  it('writes ID,Class rows in order, quoting where CSV needs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-sub-'));
    const path = writeSubmission(join(dir, 'sub', 'sub01.csv'), ['5', '8'], ['jackhammer', 'a,b']);
    expect(readFileSync(path, 'utf8')).toBe('ID,Class\n5,jackhammer\n8,"a,b"\n');
    expect(() => writeSubmission(join(dir, 'x.csv'), ['1'], [])).toThrow(RangeError);
  });

  it('puts files in the runner’s reports folder, else reports/ of the project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-rep-'));
    expect(reportPath('sub01.csv', { SOUNDLAB_REPORTS_DIR: dir })).toBe(join(dir, 'sub01.csv'));
    expect(reportPath('/abs/x.csv', {})).toBe('/abs/x.csv');
    expect(reportPath('x.csv', {})).toMatch(/reports\/x\.csv$/);
  });
});

describe('DESCRIPTOR_CATEGORIES', () => {
  it('names only registered descriptors and covers all but meyda’s own MFCC', () => {
    const listed = Object.values(DESCRIPTOR_CATEGORIES).flat() as string[];
    for (const name of listed) expect(Object.keys(DESCRIPTORS)).toContain(name);
    expect(Object.keys(DESCRIPTORS).filter((n) => !listed.includes(n))).toEqual(['meydaMfcc']);
  });
});

describe('labelsForIds', () => {
  it('maps row ids to labels and names an unknown or unlabelled id', () => {
    expect(labelsForIds(['d2', 'a1'], items)).toEqual(['dog', 'air']);
    expect(() => labelsForIds(['zz'], items)).toThrow(/'zz' is not among the items/);
    expect(() => labelsForIds(['u1'], items)).toThrow(/'u1' is unlabelled/);
  });
});
