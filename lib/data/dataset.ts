// Datasets on disk: find the layout of a folder (tutorial, UrbanSound8K, folder per class, FSDD) and list its labelled clips.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { type CsvTable, readCsv, requireColumns } from './csv';
import { DatasetError } from './errors';

/**
 * The layouts loadDataset understands:
 * - `tutorial`: `train.csv` (ID,Class) + `Train/<ID>.wav`, `test.csv` (ID) + `Test/<ID>.wav`.
 * - `urbansound8k`: `metadata/UrbanSound8K.csv` + `audio/fold<N>/<slice_file_name>` (the official download),
 *   or a flat `UrbanSound8K.csv` / `labels.csv` (with `slice_file_name`) + `audio/*.wav`.
 * - `folders`: one sub-folder per class, `DIR/<class>/*.wav` (or other audio extensions).
 * - `fsdd`: Free Spoken Digit Dataset, a flat folder of `<digit>_<speaker>_<n>.wav`.
 */
export type DatasetLayout = 'tutorial' | 'urbansound8k' | 'folders' | 'fsdd';

/** One clip of a dataset. */
export interface DatasetItem {
  /** Unique within the dataset: the tutorial's ID, the file name without extension, or `<class>/<name>`. */
  id: string;
  /** Absolute path of the audio file. */
  path: string;
  /** Class name; absent for unlabelled clips (the tutorial's Test/). */
  label?: string;
  /** UrbanSound8K's official fold (1–10). */
  fold?: number;
  /** Clips sharing a group come from one source (UrbanSound8K fsID, FSDD speaker): keep a group on one side of a split. */
  group?: string;
}

/** A clip left out of the dataset, and why (the file, or the CSV line that lists it). */
export interface DatasetProblem {
  file: string;
  reason: string;
}

export interface Dataset {
  layout: DatasetLayout;
  /** Absolute path of the dataset folder. */
  root: string;
  /** Which part was read: the tutorial layout has 'train' and 'test'; other layouts are read whole ('train'). */
  split: 'train' | 'test';
  items: DatasetItem[];
  /** Sorted class names: of the items, or for the unlabelled tutorial test split, of train.csv when present. */
  classes: string[];
  /** Clips left out: missing file, missing label, duplicate ID, bad fold. Corrupt audio is found later, when decoding. */
  problems: DatasetProblem[];
  /**
   * UrbanSound8K.csv rows whose file is absent, skipped without a problem: that metadata lists the whole
   * dataset (8732 clips), so a partial copy (like the shared fixtures) is normal. (A labels.csv lists only
   * what it ships: there a missing file is a problem.)
   */
  skippedMissing: number;
}

export interface LoadDatasetOptions {
  /** Tutorial layout only: 'train' (train.csv + Train/, default) or 'test' (test.csv + Test/, no labels). */
  split?: 'train' | 'test';
}

/** File extensions taken as audio in folder layouts (what loadAudio can decode). */
export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.mp3', '.flac', '.ogg', '.oga', '.opus'];

const FSDD_NAME = /^(\d+)_([A-Za-z0-9-]+)_(\d+)\.wav$/i;
/** UrbanSound8K slice names: `<fsID>-<classID>-<occurrenceID>-<sliceID>.wav`. */
const US8K_NAME = /^(\d+)-(\d+)-(\d+)-(\d+)\.wav$/i;

const isAudioFile = (name: string) => AUDIO_EXTENSIONS.includes(extname(name).toLowerCase()) && !name.startsWith('.');
const stem = (name: string) => basename(name, extname(name));
const uniqueSorted = (xs: Array<string | undefined>) => [...new Set(xs.filter((x): x is string => x !== undefined))].sort();

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The sub-folder named `name` in any letter case (the tutorial's Train/ is sometimes train/), or undefined. */
function findChildDir(root: string, name: string): string | undefined {
  if (isDirectory(join(root, name))) return join(root, name);
  const match = readdirSync(root).find((e) => e.toLowerCase() === name.toLowerCase() && isDirectory(join(root, e)));
  return match === undefined ? undefined : join(root, match);
}

/**
 * Which layout `dir` has, without reading the clips. Throws DatasetError when none fits.
 * Checked in this order: tutorial CSVs, UrbanSound8K metadata, folders per class, FSDD file names.
 */
export function detectLayout(dir: string): DatasetLayout {
  const root = resolve(dir);
  if (!isDirectory(root)) throw new DatasetError(root, existsSync(root) ? 'not a folder' : 'folder not found');
  if (isFile(join(root, 'train.csv')) || isFile(join(root, 'test.csv'))) return 'tutorial';
  if (usMetadataPath(root) !== undefined) return 'urbansound8k';
  const entries = readdirSync(root).filter((e) => !e.startsWith('.'));
  const classDirs = entries.filter((e) => isDirectory(join(root, e)) && readdirSync(join(root, e)).some(isAudioFile));
  if (classDirs.length > 0) return 'folders';
  const audio = entries.filter(isAudioFile);
  if (audio.length > 0 && audio.every((e) => FSDD_NAME.test(e))) return 'fsdd';
  throw new DatasetError(
    root,
    audio.length > 0
      ? `unrecognised layout: ${audio.length} audio files directly in the folder, but no train.csv, no UrbanSound8K metadata and not all named <digit>_<speaker>_<n>.wav`
      : 'unrecognised layout: expected train.csv + Train/, metadata/UrbanSound8K.csv + audio/foldN/, one folder per class, or FSDD <digit>_<speaker>_<n>.wav files',
  );
}

/** UrbanSound8K's metadata CSV in `root`, if any: the official path, a flat UrbanSound8K.csv, or a labels.csv with slice_file_name. */
function usMetadataPath(root: string): string | undefined {
  for (const p of [join(root, 'metadata', 'UrbanSound8K.csv'), join(root, 'UrbanSound8K.csv')]) if (isFile(p)) return p;
  const labels = join(root, 'labels.csv');
  if (isFile(labels) && isDirectory(join(root, 'audio'))) {
    // Only the header is needed to decide; a malformed file is reported properly by loadDataset.
    try {
      if (readCsv(labels).header.includes('slice_file_name')) return labels;
    } catch {
      return labels;
    }
  }
  return undefined;
}

/**
 * Read a dataset folder in any supported layout (see DatasetLayout) and list its clips.
 *
 * Clip-level problems never stop the whole dataset: a row whose file is missing, whose label is empty,
 * whose ID repeats or whose fold is not a number is left out and listed in `problems`. The files are not
 * decoded here (a corrupt WAV is found by whoever loads it). Malformed metadata — a CSV that cannot be
 * parsed, lacks a required column or has ragged rows — throws DatasetError with the file and line.
 *
 * @param dir the dataset folder.
 * @param options `split` for the tutorial layout ('train' default, or 'test'); other layouts have no test
 *   split (their evaluation uses folds or groups) and reject `split: 'test'`.
 * @returns items in metadata order (folders / FSDD: sorted by path), classes sorted, problems.
 */
export function loadDataset(dir: string, options: LoadDatasetOptions = {}): Dataset {
  const root = resolve(dir);
  const layout = detectLayout(root);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new DatasetError(root, `unknown split '${String(split)}' (use 'train' or 'test')`);
  if (layout !== 'tutorial' && split === 'test') {
    throw new DatasetError(root, `the ${layout} layout has no test split (use its folds or a split of the items)`);
  }
  switch (layout) {
    case 'tutorial':
      return loadTutorial(root, split);
    case 'urbansound8k':
      return loadUrbanSound(root);
    case 'folders':
      return loadFolders(root);
    case 'fsdd':
      return loadFsdd(root);
  }
}

function loadTutorial(root: string, split: 'train' | 'test'): Dataset {
  const csvPath = join(root, split === 'train' ? 'train.csv' : 'test.csv');
  const folderName = split === 'train' ? 'Train' : 'Test';
  const table = readCsv(csvPath);
  const [idCol] = requireColumns(table, ['ID']);
  const classCol = split === 'train' ? requireColumns(table, ['Class'])[0] : -1;
  const folder = findChildDir(root, folderName) ?? join(root, folderName);
  const items: DatasetItem[] = [];
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  table.rows.forEach((row, r) => {
    const where = `${relative(root, csvPath)} line ${table.lines[r]}`;
    const id = row[idCol].trim();
    if (id === '') return void problems.push({ file: csvPath, reason: `${where}: empty ID` });
    const path = join(folder, `${id}.wav`);
    if (seen.has(id)) return void problems.push({ file: path, reason: `${where}: ID ${id} listed twice` });
    seen.add(id);
    const label = classCol >= 0 ? row[classCol].trim() : undefined;
    if (classCol >= 0 && !label) return void problems.push({ file: path, reason: `${where}: no label (Class is empty)` });
    if (!isFile(path)) return void problems.push({ file: path, reason: `${where}: file not found` });
    items.push(label === undefined ? { id, path } : { id, path, label });
  });
  let classes = uniqueSorted(items.map((it) => it.label));
  if (split === 'test' && isFile(join(root, 'train.csv'))) {
    // The test split is unlabelled; the classes a model can predict are train.csv's.
    const train = readCsv(join(root, 'train.csv'));
    const [c] = requireColumns(train, ['Class']);
    classes = uniqueSorted(train.rows.map((row) => row[c].trim() || undefined));
  }
  return { layout: 'tutorial', root, split, items, classes, problems, skippedMissing: 0 };
}

function loadUrbanSound(root: string): Dataset {
  const csvPath = usMetadataPath(root)!;
  const table: CsvTable = readCsv(csvPath);
  const [fileCol, classCol] = requireColumns(table, ['slice_file_name', ['class', 'class_name']]);
  const foldCol = table.header.indexOf('fold');
  const fsidCol = table.header.indexOf('fsID');
  const audioDir = findChildDir(root, 'audio') ?? join(root, 'audio');
  // UrbanSound8K.csv lists all 8732 clips, so absent files mean a partial copy; a labels.csv lists what is there.
  const fullMetadata = basename(csvPath) === 'UrbanSound8K.csv';
  const foldered = isDirectory(audioDir) && readdirSync(audioDir).some((e) => /^fold\d+$/.test(e) && isDirectory(join(audioDir, e)));
  // One directory listing per folder instead of a stat per row: the metadata has 8732 rows.
  const listings = new Map<string, Set<string>>();
  const fileExists = (path: string) => {
    const dir = join(path, '..');
    let names = listings.get(dir);
    if (!names) {
      names = new Set(isDirectory(dir) ? readdirSync(dir) : []);
      listings.set(dir, names);
    }
    return names.has(basename(path)) && isFile(path);
  };
  const items: DatasetItem[] = [];
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  let skippedMissing = 0;
  table.rows.forEach((row, r) => {
    const where = `${relative(root, csvPath)} line ${table.lines[r]}`;
    const name = row[fileCol].trim();
    if (name === '') return void problems.push({ file: csvPath, reason: `${where}: empty slice_file_name` });
    let fold: number | undefined;
    if (foldCol >= 0) {
      const text = row[foldCol].trim();
      fold = Number(text);
      if (text === '' || !Number.isInteger(fold) || fold < 1) {
        return void problems.push({ file: join(audioDir, name), reason: `${where}: fold '${text}' is not a positive integer` });
      }
    }
    // The official download has audio/fold<N>/; the fixtures and re-packs are flat.
    const candidates = fold !== undefined ? [join(audioDir, `fold${fold}`, name), join(audioDir, name)] : [join(audioDir, name)];
    const path = candidates.find(fileExists);
    if (path === undefined) {
      if (!fullMetadata) return void problems.push({ file: candidates[foldered ? 0 : candidates.length - 1], reason: `${where}: file not found` });
      skippedMissing++;
      return;
    }
    const id = stem(name);
    if (seen.has(id)) return void problems.push({ file: path, reason: `${where}: ${name} listed twice` });
    seen.add(id);
    const label = row[classCol].trim();
    if (label === '') return void problems.push({ file: path, reason: `${where}: no label (class is empty)` });
    const fsid = fsidCol >= 0 ? row[fsidCol].trim() : US8K_NAME.exec(name)?.[1];
    const item: DatasetItem = { id, path, label };
    if (fold !== undefined) item.fold = fold;
    if (fsid) item.group = fsid;
    items.push(item);
  });
  if (items.length === 0 && skippedMissing > 0) {
    // Every listed file is absent: the audio folder is wrong, not a partial copy.
    problems.push({ file: audioDir, reason: `none of the ${skippedMissing} files listed in ${relative(root, csvPath)} was found` });
  }
  return { layout: 'urbansound8k', root, split: 'train', items, classes: uniqueSorted(items.map((it) => it.label)), problems, skippedMissing };
}

function loadFolders(root: string): Dataset {
  const items: DatasetItem[] = [];
  const classDirs = readdirSync(root)
    .filter((e) => !e.startsWith('.') && isDirectory(join(root, e)))
    .sort();
  for (const label of classDirs) {
    const files = readdirSync(join(root, label)).filter((f) => isAudioFile(f) && isFile(join(root, label, f))).sort();
    for (const f of files) items.push({ id: `${label}/${stem(f)}`, path: join(root, label, f), label });
  }
  return { layout: 'folders', root, split: 'train', items, classes: uniqueSorted(items.map((it) => it.label)), problems: [], skippedMissing: 0 };
}

function loadFsdd(root: string): Dataset {
  const names = readdirSync(root).filter(isAudioFile);
  const parsed = names.map((name) => ({ name, m: FSDD_NAME.exec(name)! }));
  // Digit, then speaker, then take number: the order a person reads the folder in.
  parsed.sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || (a.m[2] < b.m[2] ? -1 : a.m[2] > b.m[2] ? 1 : 0) || Number(a.m[3]) - Number(b.m[3]));
  const items: DatasetItem[] = parsed.map(({ name, m }) => ({ id: stem(name), path: join(root, name), label: m[1], group: m[2] }));
  return { layout: 'fsdd', root, split: 'train', items, classes: uniqueSorted(items.map((it) => it.label)), problems: [], skippedMissing: 0 };
}

/**
 * Count each distinct value, most frequent first (ties keep first-appearance order), like pandas'
 * `Series.value_counts()`; with `normalize: true` the counts are fractions of the total, like
 * `value_counts(normalize=True)`.
 * @returns `[value, count]` pairs (`new Map(valueCounts(xs))` gives a lookup).
 */
export function valueCounts(values: readonly string[], options: { normalize?: boolean } = {}): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Array.prototype.sort is stable, so equal counts stay in first-appearance order.
  const pairs = [...counts].sort((a, b) => b[1] - a[1]);
  if (!options.normalize) return pairs;
  const total = values.length;
  return pairs.map(([v, c]) => [v, c / total]);
}

/** valueCounts of the items' labels (unlabelled items are not counted). */
export function classCounts(items: readonly DatasetItem[], options: { normalize?: boolean } = {}): Array<[string, number]> {
  return valueCounts(items.flatMap((it) => (it.label === undefined ? [] : [it.label])), options);
}
