// The small steps of the tutorial that notebooks need and that are not a library concept of their own:
// a random clip per class, the submission file, where a notebook writes its files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { formatCsv } from '../data/csv';
import { deriveSeed, mulberry32 } from '../util/random';
import { PROJECT_ROOT } from './kernel';

/** Set by the runner: the reports folder, where notebooks write their files (sub01.csv, …). */
export const REPORTS_DIR_ENV = 'SOUNDLAB_REPORTS_DIR';

/**
 * Where a notebook writes a file named `name`: into the runner's reports folder, or `<root>/reports`
 * when the notebook runs interactively. An absolute `name` is kept as is. The folder is created.
 */
export function reportPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = isAbsolute(name) ? name : join(env[REPORTS_DIR_ENV] ?? join(PROJECT_ROOT, 'reports'), name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** A dataset item: an id and, when labelled, its class. */
export interface Labelled {
  id: string;
  label?: string;
}

/**
 * One random item per class, in class-name order: the tutorial's `i = random.choice(train.index)` loop
 * made reproducible. Each class draws from its own seeded stream, so adding a class does not change the
 * others' picks. Unlabelled items are ignored.
 *
 * @param items labelled items (e.g. `loadDataset(dir).items`).
 * @param options seed (default 0); classes to pick (default every class present, sorted).
 */
export function randomClipPerClass<T extends Labelled>(items: readonly T[], options: { seed?: number; classes?: readonly string[] } = {}): T[] {
  const seed = options.seed ?? 0;
  const byClass = new Map<string, T[]>();
  for (const item of items) {
    if (item.label === undefined) continue;
    const list = byClass.get(item.label) ?? [];
    list.push(item);
    byClass.set(item.label, list);
  }
  const classes = options.classes ?? [...byClass.keys()].sort();
  return classes.map((label) => {
    const pool = byClass.get(label);
    if (!pool || pool.length === 0) throw new RangeError(`randomClipPerClass: no item of class '${label}'`);
    const rng = mulberry32(deriveSeed(seed, label));
    return pool[Math.floor(rng() * pool.length)];
  });
}

/**
 * Writes the tutorial's submission file: `ID,Class` then one row per test clip, in the given order.
 * Returns the path written. Throws RangeError when ids and classes differ in length.
 */
export function writeSubmission(path: string, ids: readonly string[], classes: readonly string[]): string {
  if (ids.length !== classes.length) throw new RangeError(`writeSubmission: ${ids.length} IDs but ${classes.length} classes`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatCsv(['ID', 'Class'], ids.map((id, i) => [id, classes[i]])));
  return path;
}

/** A clip loaded for display: the dataset item's id, path and label with its mono samples. */
export interface LoadedClip {
  id: string;
  path: string;
  label: string;
  samples: Float32Array;
  sampleRate: number;
}

/** A clip that could not be read, and why (the decoder's message). */
export interface UnreadableClip {
  id: string;
  path: string;
  reason: string;
}

/**
 * The tutorial's "random clip per class" loop, robust to bad files: for each class (name order), clips of
 * that class are tried in a seeded random order until one loads; clips that fail to load are listed with
 * their reason, as the tutorial's parser prints and skips them.
 *
 * @param items labelled dataset items with `id` and `path`.
 * @param load how to read a clip (e.g. `(path) => loadAudio(path)`), returning mono samples and their rate.
 * @param options seed (default 0); classes (default all present, sorted).
 */
export async function loadClipPerClass(
  items: readonly { id: string; path: string; label?: string }[],
  load: (path: string) => Promise<{ samples: Float32Array; sampleRate: number }>,
  options: { seed?: number; classes?: readonly string[] } = {},
): Promise<{ clips: LoadedClip[]; unreadable: UnreadableClip[] }> {
  const seed = options.seed ?? 0;
  const classes = options.classes ?? [...new Set(items.flatMap((i) => (i.label === undefined ? [] : [i.label])))].sort();
  const clips: LoadedClip[] = [];
  const unreadable: UnreadableClip[] = [];
  for (const label of classes) {
    const pool = items.filter((i) => i.label === label);
    const rng = mulberry32(deriveSeed(seed, label));
    // Fisher–Yates with the class's own stream: the first pick equals randomClipPerClass's.
    const order = pool.map((_, i) => i);
    for (let i = 0; i < order.length; i++) {
      const j = i + Math.floor(rng() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const k of order) {
      const item = pool[k];
      try {
        const { samples, sampleRate } = await load(item.path);
        clips.push({ id: item.id, path: item.path, label, samples, sampleRate });
        break;
      } catch (err) {
        unreadable.push({ id: item.id, path: item.path, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { clips, unreadable };
}

/**
 * The meyda descriptors grouped the way the features notebook shows them (the tutorial's figure of
 * feature categories): loudness and noisiness in the time domain, the shape of the spectrum, perceptual
 * models, and pitch class. Names are lib/features DESCRIPTORS keys; meyda's own MFCC is left out on
 * purpose (it is not librosa's, see lib/features/descriptors.ts).
 */
export const DESCRIPTOR_CATEGORIES = {
  'time domain: loudness and noisiness': ['rms', 'energy', 'zcr'],
  'spectral shape': ['spectralCentroid', 'spectralBandwidth', 'spectralRolloff', 'spectralFlatness', 'spectralSlope', 'spectralCrest', 'spectralSkewness', 'spectralKurtosis'],
  'perceptual (loudness model)': ['loudness', 'perceptualSpread', 'perceptualSharpness'],
  'pitch class (chroma)': ['chroma'],
} as const;

/**
 * The label of each row id, in row order (rows of extractFeatures carry the ids of the items they came
 * from). Throws RangeError naming an id that is unknown or unlabelled.
 */
export function labelsForIds(ids: readonly string[], items: readonly { id: string; label?: string }[]): string[] {
  const byId = new Map(items.map((it) => [it.id, it.label]));
  return ids.map((id) => {
    const label = byId.get(id);
    if (label === undefined) throw new RangeError(`labelsForIds: '${id}' is ${byId.has(id) ? 'unlabelled' : 'not among the items'}`);
    return label;
  });
}
