// The batch featurizer: a list of clips → one feature row per clip, on worker threads, cached on disk.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CNN_DEFAULTS, FEATURE_DEFAULTS } from '../defaults';
import { Progress, ProgressMode } from '../util/progress';
import { availableCores, WorkerPool } from '../util/worker-pool';
import { cacheKeyer, FeatureCache, FileIndex } from './cache';
import { FeatureName, featureVectorNames } from './descriptors';
import { CachedJobResult, FeatureKind, JobContext, JobParams, relevantParams, runCachedJob } from './extract-job';

export type { FeatureKind } from './extract-job';

/**
 * Bump when the numbers a given set of parameters produces change for a reason the source fingerprint
 * below cannot see (e.g. a dependency upgrade such as fft.js): it invalidates every cached entry.
 */
export const FEATURE_CODE_VERSION = 1;

/** A clip to featurize: a path, or an id (kept in the result) with its path — e.g. a DatasetItem. */
export type ExtractInput = string | { id: string; path: string };

/** What extractFeatures takes: a list of clips, or anything with `items` (a Dataset from lib/data). */
export type ExtractInputs = readonly ExtractInput[] | { items: readonly ExtractInput[] };

/** Progress as reported to `onProgress` after each clip. */
export interface ExtractProgress {
  /** Clips finished (computed, cached or skipped) out of `total`. */
  done: number;
  total: number;
  computed: number;
  cached: number;
  skipped: number;
  /** The clip that just finished. */
  path: string;
}

/** Options of extractFeatures; every field is optional. */
export interface ExtractOptions {
  /** What to compute per clip (see FeatureKind). Default 'mfccMean', the tutorial's 40-vector. */
  kind?: FeatureKind;
  /** Clips are loaded at this rate in Hz, mono. Default 22050 (librosa.load's). */
  sampleRate?: number;
  /** MFCCs per frame ('mfccMean', 'mfcc', 'vector'). Default 40 (the tutorial's n_mfcc). */
  nMfcc?: number;
  /** Mel bands of a 'logmel' patch. Default CNN_DEFAULTS.nMels (128). */
  nMels?: number;
  /**
   * Frames of a 'logmel' patch; longer clips are cropped (first frames kept), shorter ones padded.
   * Default CNN_DEFAULTS.frames (128 ≈ 3 s at 22050 Hz, hop 512; a 4-s clip has 173).
   */
  frames?: number;
  /**
   * 'logmel' only: 0 (default) keeps the first patch, shape [nMels, frames]; > 0 returns every patch,
   * starting every `patchHop` frames with the last aligned to the clip's end (patchStarts), shape
   * [patches, nMels, frames] — for averaging a CNN's predictions over the whole clip.
   */
  patchHop?: number;
  /** 'vector' only: featureVector's components in order, e.g. ['mfcc', 'rms', 'chroma']. Default ['mfcc']. */
  features?: FeatureName[];
  /** Worker threads; 0 computes on the calling thread. Default: one per core. */
  workers?: number;
  /** Read and write the on-disk cache. Default true. */
  cache?: boolean;
  /** Cache directory, relative to the working directory. Default '.soundlab-cache' (gitignored). */
  cacheDir?: string;
  /** Progress on stderr: a bar on a TTY, a line every 10 % otherwise ('auto' / true), or none (false). Default 'auto'. */
  progress?: ProgressMode;
  /** Called after every clip (in completion order). */
  onProgress?: (p: ExtractProgress) => void;
}

/** extractFeatures' answer: rows of the clips that worked, in input order, and the ones that did not. */
export interface ExtractResult {
  /** One row per successful clip, in input order; flat, row-major when the feature is a matrix. */
  X: Float32Array[];
  /** Shape of each row: [nMfcc], [nMfcc, frames], [nMels, frames], [patches, nMels, frames] or [length]. */
  shapes: number[][];
  /** The id of each row: the given id, or the file's base name for a plain path. */
  ids: string[];
  /** The path of each row. */
  paths: string[];
  /** Clips that could not be featurized, in input order: path, id and the reason (e.g. "no such file"). */
  skipped: { file: string; id: string; reason: string }[];
  /** How the rows came about. */
  stats: {
    /** Clips computed now. */
    computed: number;
    /** Clips answered from the cache. */
    cached: number;
    /** Cache entries found damaged (and recomputed). */
    corruptCacheEntries: number;
    /** Worker threads that died mid-batch (their clips were retried). */
    workerCrashes: number;
    /** Threads this call started (0 when it reused those of an earlier call, or needed none). */
    workersStarted?: number;
    /** Wall time of the whole call, in seconds. */
    seconds: number;
  };
}

/** Internal switches for tests of the failure paths; not part of the public options. */
export interface ExtractTestHooks {
  /** A worker exits (as if it crashed) when it reaches a file with this base name. */
  crashWorkerOn?: string;
}

let sourceFingerprintMemo: string | null = null;

/**
 * Hash of the source of everything that computes the numbers (lib/audio, lib/features, lib/defaults.ts),
 * so editing the feature code invalidates the cache without anyone remembering to bump a version.
 */
function sourceFingerprint(): string {
  if (sourceFingerprintMemo !== null) return sourceFingerprintMemo;
  const hash = createHash('sha1');
  const lib = resolve(__dirname, '..');
  const files: string[] = [join(lib, 'defaults.ts')];
  for (const dir of ['audio', 'audio/kernels', 'features', 'features/kernels']) {
    try {
      // The WebAssembly kernels' sources and binaries compute numbers too.
      for (const f of readdirSync(join(lib, dir)).sort()) if (/\.(ts|wat|wasm)$/.test(f)) files.push(join(lib, dir, f));
    } catch {
      // A packaged build without sources: FEATURE_CODE_VERSION alone keys the code.
    }
  }
  for (const f of files) {
    try {
      hash.update(f.slice(lib.length)).update(readFileSync(f));
    } catch {
      hash.update(`${f}:absent`);
    }
  }
  // The FFT's own code (PFFFT) is a dependency: its version is part of the fingerprint.
  try {
    hash.update(readFileSync(require.resolve('@echogarden/pffft-wasm/simd')));
  } catch {
    hash.update('pffft:absent');
  }
  sourceFingerprintMemo = hash.digest('hex').slice(0, 16);
  return sourceFingerprintMemo;
}

/** The worker entry: the .ts source (loaded through tsx), or the .js next to a compiled build. */
function workerModulePath(): string {
  const ts = join(__dirname, 'extract-worker.ts');
  return existsSync(ts) ? ts : join(__dirname, 'extract-worker.js');
}

let sharedPool: WorkerPool | null = null;

/**
 * The featurizer's threads, started by the first batch that needs them and kept for later batches in
 * the same process (idle threads are unref'd: they never keep the process alive).
 */
function featurePool(): WorkerPool {
  sharedPool ??= new WorkerPool(workerModulePath());
  return sharedPool;
}

/**
 * Ends extractFeatures' worker threads (they are kept between calls). Optional — idle threads do not
 * keep the process alive — but frees their memory; the next call starts new ones.
 */
export async function closeFeatureWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  if (pool) await pool.close();
}


/** Fills in defaults and checks the options; throws RangeError for values that cannot work. */
export function resolveParams(opts: ExtractOptions = {}): JobParams {
  const params: JobParams = {
    kind: opts.kind ?? 'mfccMean',
    sampleRate: opts.sampleRate ?? FEATURE_DEFAULTS.sampleRate,
    nMfcc: opts.nMfcc ?? FEATURE_DEFAULTS.nMfcc,
    nMels: opts.nMels ?? CNN_DEFAULTS.nMels,
    frames: opts.frames ?? CNN_DEFAULTS.frames,
    patchHop: opts.patchHop ?? 0,
    features: opts.features ?? ['mfcc'],
  };
  if (!['mfccMean', 'mfcc', 'logmel', 'vector'].includes(params.kind)) throw new RangeError(`unknown feature kind '${params.kind}'`);
  if (!(params.sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${params.sampleRate}`);
  for (const [name, v] of [['nMfcc', params.nMfcc], ['nMels', params.nMels], ['frames', params.frames]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(params.patchHop) || params.patchHop < 0) throw new RangeError(`patchHop must be a non-negative integer, got ${params.patchHop}`);
  // Unknown descriptor names fail here, once, rather than once per clip.
  if (params.kind === 'vector') featureVectorNames({ features: params.features, nMfcc: params.nMfcc });
  return params;
}

/**
 * Featurizes a batch of clips — the tutorial's `features_df = metadata.apply(parser)` loop, made
 * parallel, cached and resumable:
 *
 *   const { X, ids, skipped } = await extractFeatures(paths);            // 40 MFCC means per clip
 *   await extractFeatures(loadDataset(dir));                             // a Dataset: its items' ids are kept
 *   await extractFeatures(rows, { kind: 'logmel' });                     // 128 × 128 log-mel patches for a CNN
 *
 * Each clip is loaded at `sampleRate` (default 22050 Hz) mono and turned into one row (see FeatureKind).
 * Rows come back in input order and are bit-identical whatever the worker count. A clip that cannot be
 * read or featurized is skipped and listed with its reason; the call itself only rejects for invalid
 * options. Results are cached under `cacheDir`, keyed by the file's SHA-256 (computed in the workers;
 * a re-run recognises unchanged files from a stat, see FileIndex), the parameters that matter for
 * `kind` and a fingerprint of the feature code: re-running is a cache read, changing `nMfcc`
 * recomputes, and a damaged entry is detected and recomputed. The worker threads are kept for the
 * next call in the same process (a notebook extracting twice starts them once); they never keep the
 * process alive, and closeFeatureWorkers() ends them.
 */
export async function extractFeatures(
  inputs: ExtractInputs,
  opts: ExtractOptions = {},
  hooks: ExtractTestHooks = {},
): Promise<ExtractResult> {
  const started = Date.now();
  const params = resolveParams(opts);
  const workers = opts.workers ?? availableCores();
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a non-negative integer, got ${workers}`);
  const list: readonly ExtractInput[] = 'items' in inputs ? inputs.items : inputs;
  const items = list.map((x) => (typeof x === 'string' ? { id: basename(x), path: x } : x));
  const n = items.length;

  const rows: (Float32Array | undefined)[] = new Array(n);
  const shapes: (number[] | undefined)[] = new Array(n);
  const reasons: (string | undefined)[] = new Array(n);
  const stats = { computed: 0, cached: 0, corruptCacheEntries: 0, workerCrashes: 0, workersStarted: 0, seconds: 0 };
  let finished = 0;
  let skipped = 0;
  let cacheWarned = false;

  const progress = new Progress({ total: n, label: 'features', unit: 'clips', mode: opts.progress ?? 'auto' });
  const report = (i: number) => {
    finished++;
    progress.tick();
    opts.onProgress?.({
      done: finished, total: n, computed: stats.computed, cached: stats.cached,
      skipped, path: items[i].path,
    });
  };

  // Lookups of files seen before, on this thread from a stat (FileIndex): a fully cached batch never
  // starts a worker. Everything else — hashing new or changed files included — happens in the workers.
  const cacheDir = opts.cache === false ? null : resolve(opts.cacheDir ?? '.soundlab-cache');
  const cache = cacheDir === null ? null : new FeatureCache(cacheDir);
  const index = cacheDir === null ? null : new FileIndex(cacheDir);
  const keyParams = { ...relevantParams(params), code: FEATURE_CODE_VERSION, source: sourceFingerprint() };
  const keyOf = cacheKeyer(keyParams);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    const hash = index?.lookup(items[i].path) ?? null;
    if (cache && hash !== null) {
      const hit = cache.get(keyOf(hash));
      if (hit.status === 'hit') {
        rows[i] = hit.value.data;
        shapes[i] = hit.value.shape;
        stats.cached++;
        report(i);
        continue;
      }
      // A damaged entry is counted (and replaced) by the job that recomputes it.
    }
    todo.push(i);
  }

  const accept = (i: number, result: CachedJobResult) => {
    if (result.ok) {
      rows[i] = result.data;
      shapes[i] = result.shape;
      if (result.cached) stats.cached++;
      else stats.computed++;
      if (result.corruptEntry) stats.corruptCacheEntries++;
      if (result.indexEntry) index?.note(result.indexEntry);
      // The rows are still right, only not cached: say so once, do not fail the batch.
      if (result.cacheError && !cacheWarned) {
        cacheWarned = true;
        process.stderr.write(`features: cannot write the cache in ${cacheDir} (${result.cacheError}); continuing without it\n`);
      }
    } else {
      reasons[i] = result.reason;
      skipped++;
    }
    report(i);
  };

  const context: JobContext = { params, cacheDir, keyParams, crashOn: hooks.crashWorkerOn };
  const paths = todo.map((i) => items[i].path);
  const runOptions = {
    items: paths,
    context,
    workers,
    inline: (path: string) => runCachedJob(path, context),
    onResult: (k: number, result: CachedJobResult) => accept(todo[k], result),
    onCrash: (k: number, reason: string) => accept(todo[k], { ok: false, reason }),
  };
  // Nothing to compute (all cached, or an empty list): no thread is started.
  const poolReport = todo.length === 0 ? { crashes: 0, workersStarted: 0 } : await featurePool().run<string, CachedJobResult>(runOptions);
  stats.workerCrashes = poolReport.crashes;
  const indexError = index?.save() ?? null;
  if (indexError && !cacheWarned) process.stderr.write(`features: cannot write the cache index in ${cacheDir} (${indexError}); continuing without it\n`);
  stats.workersStarted = poolReport.workersStarted;

  const result: ExtractResult = { X: [], shapes: [], ids: [], paths: [], skipped: [], stats };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const shape = shapes[i];
    if (row && shape) {
      result.X.push(row);
      result.shapes.push(shape);
      result.ids.push(items[i].id);
      result.paths.push(items[i].path);
    } else {
      result.skipped.push({ file: items[i].path, id: items[i].id, reason: reasons[i] ?? 'no result' });
    }
  }
  stats.seconds = (Date.now() - started) / 1000;
  progress.done(`${stats.computed} computed, ${stats.cached} cached, ${result.skipped.length} skipped`);
  return result;
}
