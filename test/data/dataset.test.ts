// loadDataset on every layout (tiny ones built here with the WAV encoder, and the real fixtures), its problems and errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../lib/audio/encode';
import { classCounts, detectLayout, loadDataset, valueCounts } from '../../lib/data/dataset';
import { describeWithFixtures, fixture } from '../fixtures';
import { errorOf } from './error-of';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'soundlab-dataset-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WAV = encodeWav([new Float32Array(64).fill(0.25)], 8000);

/** Create files under a fresh folder: paths ending in .wav get a tiny WAV, others the given text. */
function build(name: string, files: Record<string, string | null>): string {
  const root = join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, text ?? WAV);
  }
  return root;
}


describe('tutorial layout', () => {
  it('reads train.csv + Train/, reporting a missing file, a missing label and a repeated ID', () => {
    const root = build('tutorial', {
      'train.csv': 'ID,Class\n3,siren\n7,dog_bark\n8,\n9,siren\n3,siren\n4,drilling\n',
      'test.csv': 'ID\n10\n11\n',
      'Train/3.wav': null,
      'Train/7.wav': null,
      'Train/8.wav': null,
      'Train/4.wav': null,
      'Test/10.wav': null,
      'Test/11.wav': null,
    });
    expect(detectLayout(root)).toBe('tutorial');
    const ds = loadDataset(root);
    expect(ds.layout).toBe('tutorial');
    expect(ds.split).toBe('train');
    expect(ds.items.map((it) => [it.id, it.label])).toEqual([['3', 'siren'], ['7', 'dog_bark'], ['4', 'drilling']]);
    expect(ds.items[0].path).toBe(join(root, 'Train', '3.wav'));
    expect(ds.classes).toEqual(['dog_bark', 'drilling', 'siren']);
    expect(ds.problems).toEqual([
      { file: join(root, 'Train', '8.wav'), reason: 'train.csv line 4: no label (Class is empty)' },
      { file: join(root, 'Train', '9.wav'), reason: 'train.csv line 5: file not found' },
      { file: join(root, 'Train', '3.wav'), reason: 'train.csv line 6: ID 3 listed twice' },
    ]);
    const test = loadDataset(root, { split: 'test' });
    expect(test.items).toEqual([{ id: '10', path: join(root, 'Test', '10.wav') }, { id: '11', path: join(root, 'Test', '11.wav') }]);
    // Unlabelled, so the classes come from train.csv (the empty label is not a class).
    expect(test.classes).toEqual(['dog_bark', 'drilling', 'siren']);
  });

  it('throws DatasetError for a wrong header or a ragged row, naming file and line', () => {
    const bad = build('tutorial-bad-header', { 'train.csv': 'ID,Label\n1,siren\n', 'Train/1.wav': null });
    expect(errorOf(() => loadDataset(bad)).message).toBe(`${join(bad, 'train.csv')}:1: missing column 'Class' (header: ID,Label)`);
    const ragged = build('tutorial-ragged', { 'train.csv': 'ID,Class\n1,siren\n2,siren,extra\n', 'Train/1.wav': null });
    const e = errorOf(() => loadDataset(ragged));
    expect([e.file, e.line]).toEqual([join(ragged, 'train.csv'), 3]);
    expect(e.reason).toMatch(/row has 3 fields, the header has 2/);
  });

  it('accepts a lower-case train/ folder and rejects an unknown split', () => {
    const root = build('tutorial-lower', { 'train.csv': 'ID,Class\n1,siren\n', 'train/1.wav': null });
    expect(loadDataset(root).items.map((it) => it.path)).toEqual([join(root, 'train', '1.wav')]);
    expect(errorOf(() => loadDataset(root, { split: 'valid' as 'test' })).reason).toMatch(/unknown split 'valid'/);
  });
});

describe('UrbanSound8K layouts', () => {
  it('reads metadata/UrbanSound8K.csv + audio/foldN/, with fold and fsID group; absent files are skipped and counted', () => {
    const root = build('us8k', {
      'metadata/UrbanSound8K.csv':
        'slice_file_name,fsID,start,end,salience,fold,classID,class\n' +
        '100032-3-0-0.wav,100032,0.0,0.3,1,5,3,dog_bark\n' +
        '100263-2-0-117.wav,100263,58.5,62.5,1,5,2,children_playing\n' +
        '102305-6-0-0.wav,102305,0,2.6,1,1,6,gun_shot\n' +
        '999-1-0-0.wav,999,0,1,1,x,1,car_horn\n',
      'audio/fold5/100032-3-0-0.wav': null,
      'audio/fold1/102305-6-0-0.wav': null,
      'audio/fold1/999-1-0-0.wav': null,
    });
    expect(detectLayout(root)).toBe('urbansound8k');
    const ds = loadDataset(root);
    expect(ds.items).toEqual([
      { id: '100032-3-0-0', path: join(root, 'audio/fold5/100032-3-0-0.wav'), label: 'dog_bark', fold: 5, group: '100032' },
      { id: '102305-6-0-0', path: join(root, 'audio/fold1/102305-6-0-0.wav'), label: 'gun_shot', fold: 1, group: '102305' },
    ]);
    expect(ds.skippedMissing).toBe(1);
    expect(ds.problems).toEqual([
      { file: join(root, 'audio/999-1-0-0.wav'), reason: "metadata/UrbanSound8K.csv line 5: fold 'x' is not a positive integer" },
    ]);
    expect(errorOf(() => loadDataset(root, { split: 'test' })).reason).toMatch(/has no test split/);
  });

  it('reads a flat labels.csv + audio/, taking the group from the file name; a listed file that is absent is a problem', () => {
    const root = build('us8k-labels', {
      'labels.csv': 'slice_file_name,fold,classID,class,official_duration_s\n7061-6-0-0.wav,1,6,gun_shot,1.5\n7061-6-0-1.wav,1,6,gun_shot,1.2\n',
      'audio/7061-6-0-0.wav': null,
    });
    const ds = loadDataset(root);
    expect(ds.items).toEqual([{ id: '7061-6-0-0', path: join(root, 'audio/7061-6-0-0.wav'), label: 'gun_shot', fold: 1, group: '7061' }]);
    expect(ds.problems).toEqual([{ file: join(root, 'audio/7061-6-0-1.wav'), reason: 'labels.csv line 3: file not found' }]);
    expect(ds.skippedMissing).toBe(0);
  });

  it('says so when none of the listed files is there', () => {
    const root = build('us8k-empty', { 'UrbanSound8K.csv': 'slice_file_name,fold,class\na-1-0-0.wav,1,siren\n', 'audio/readme.txt': 'x' });
    const ds = loadDataset(root);
    expect(ds.items).toEqual([]);
    expect(ds.problems).toEqual([{ file: join(root, 'audio'), reason: 'none of the 1 files listed in UrbanSound8K.csv was found' }]);
  });
});

describe('folder-per-class and FSDD layouts', () => {
  it('takes each sub-folder as a class, ignoring non-audio and hidden files', () => {
    const root = build('folders', {
      'siren/b.wav': null,
      'siren/a.WAV': null,
      'siren/notes.txt': 'x',
      'dog_bark/x.flac': 'not really flac: only the name matters here',
      'dog_bark/.hidden.wav': null,
      'empty/readme.md': 'x',
    });
    expect(detectLayout(root)).toBe('folders');
    const ds = loadDataset(root);
    expect(ds.items.map((it) => [it.id, it.label])).toEqual([['dog_bark/x', 'dog_bark'], ['siren/a', 'siren'], ['siren/b', 'siren']]);
    expect(ds.classes).toEqual(['dog_bark', 'siren']);
  });

  it('reads FSDD names as label = digit, group = speaker', () => {
    const root = build('fsdd', { '3_theo_12.wav': null, '0_george_1.wav': null, '3_george_0.wav': null });
    const ds = loadDataset(root);
    expect(ds.layout).toBe('fsdd');
    expect(ds.items.map((it) => [it.id, it.label, it.group])).toEqual([
      ['0_george_1', '0', 'george'],
      ['3_george_0', '3', 'george'],
      ['3_theo_12', '3', 'theo'],
    ]);
  });

  it('throws DatasetError for an unrecognised or absent folder', () => {
    const flat = build('flat', { 'a.wav': null, '1_jackson_0.wav': null });
    expect(errorOf(() => loadDataset(flat)).reason).toMatch(/unrecognised layout: 2 audio files directly in the folder/);
    const empty = build('empty', { 'notes.txt': 'x' });
    expect(errorOf(() => loadDataset(empty)).reason).toMatch(/^unrecognised layout: expected train\.csv/);
    expect(errorOf(() => loadDataset(join(tmp, 'nowhere'))).reason).toBe('folder not found');
  });
});

describe('valueCounts and classCounts', () => {
  it('count like pandas value_counts, most frequent first, ties in first-appearance order', () => {
    expect(valueCounts(['b', 'a', 'c', 'a', 'c', 'a'])).toEqual([['a', 3], ['c', 2], ['b', 1]]);
    expect(valueCounts(['y', 'x', 'x', 'y', 'z'])).toEqual([['y', 2], ['x', 2], ['z', 1]]);
    expect(valueCounts(['a', 'a', 'b', 'c'], { normalize: true })).toEqual([['a', 0.5], ['b', 0.25], ['c', 0.25]]);
    expect(valueCounts([])).toEqual([]);
  });

  it('classCounts ignores unlabelled items', () => {
    expect(classCounts([{ id: '1', path: 'p', label: 's' }, { id: '2', path: 'q' }, { id: '3', path: 'r', label: 's' }], { normalize: true })).toEqual([['s', 1]]);
  });
});

describe('data.sample', () => {
  it('is a tutorial layout of 160 labelled + 40 unlabelled clips with no problems (its corrupt file is found when decoding)', () => {
    const root = resolve(__dirname, '../../data.sample');
    const train = loadDataset(root);
    expect(train.layout).toBe('tutorial');
    expect(train.items.length).toBe(160);
    expect(train.problems).toEqual([]);
    expect(train.classes.length).toBe(10);
    expect(classCounts(train.items)[0]).toEqual(['jackhammer', 20]);
    const test = loadDataset(root, { split: 'test' });
    expect(test.items.length).toBe(40);
    expect(test.items.every((it) => it.label === undefined)).toBe(true);
    expect(test.classes).toEqual(train.classes);
  });
});

describeWithFixtures('real fixture folders', () => {
  it('urbansound8k-fold1: 300 clips, 30 per class, all fold 1, grouped by fsID', () => {
    const ds = loadDataset(fixture('urbansound8k-fold1'));
    expect(ds.layout).toBe('urbansound8k');
    expect(ds.items.length).toBe(300);
    expect(ds.problems).toEqual([]);
    expect(classCounts(ds.items).every(([, n]) => n === 30)).toBe(true);
    expect(ds.classes.length).toBe(10);
    expect(ds.items.every((it) => it.fold === 1 && it.group === it.id.split('-')[0])).toBe(true);
    // Several slices per recording: fewer groups than clips (what makes a random split leak).
    const groups = new Set(ds.items.map((it) => it.group));
    expect(groups.size).toBeLessThan(300);
  });

  it('urbansound8k: the 10 clips present out of the 8732 listed, one per class, with folds', () => {
    const ds = loadDataset(fixture('urbansound8k'));
    expect(ds.items.length).toBe(10);
    expect(ds.skippedMissing).toBe(8722);
    expect(ds.problems).toEqual([]);
    expect(ds.classes.length).toBe(10);
    const dog = ds.items.find((it) => it.id === '100032-3-0-0');
    expect(dog).toEqual({ id: '100032-3-0-0', path: fixture('urbansound8k/audio/100032-3-0-0.wav'), label: 'dog_bark', fold: 5, group: '100032' });
  });

  it('fsdd: 1500 recordings, digits 0–9, three speakers', () => {
    const ds = loadDataset(fixture('fsdd'));
    expect(ds.layout).toBe('fsdd');
    expect(ds.items.length).toBe(1500);
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([...new Set(ds.items.map((it) => it.group))].sort()).toEqual(['george', 'jackson', 'theo']);
    expect(classCounts(ds.items).every(([, n]) => n === 150)).toBe(true);
  });
});
