// One clip of a feature batch: load it, compute the requested feature, or say why it could not be done.
// Shared by the worker threads and the inline path, so both give bit-identical numbers.
import { BigIntStats, closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { loadAudio, loadAudioSync, sniffContainer } from '../audio';
import { AudioDecodeError } from '../audio/errors';
import { FEATURE_DEFAULTS } from '../defaults';
import { cacheKey, contentHash, FeatureCache, FileIndexEntry, indexEntryFor } from './cache';
import { FeatureName, featureVector } from './descriptors';
import { featureFromLogMel, melBandsFor } from './from-logmel';
import { logMelSpectrogram } from './mfcc';

// The per-kind computation is browser-safe and lives apart from this file's file reading (the web page uses it).
export { cutPatches, featureFromLogMel, fitFrames, melBandsFor, patchStarts } from './from-logmel';

/**
 * What a batch computes per clip:
 * - 'mfccMean': the tutorial's vector, mean over frames of the MFCC matrix — shape [nMfcc].
 * - 'mfcc': the full MFCC matrix — shape [nMfcc, frames], row-major (librosa's (n_mfcc, t)).
 * - 'logmel': a fixed-size log-mel patch for a CNN — shape [nMels, frames], cropped or padded; with
 *   `patchHop` > 0 every patch of the clip (see patchStarts) — shape [patches, nMels, frames].
 * - 'vector': `featureVector` with the listed descriptors (e.g. ['mfcc', 'rms']) — shape [length].
 */
export type FeatureKind = 'mfccMean' | 'mfcc' | 'logmel' | 'vector';

/** Everything that determines a clip's numbers (and therefore its cache key). */
export interface JobParams {
  kind: FeatureKind;
  /** Clips are resampled to this rate (Hz) and mixed to mono before any feature. */
  sampleRate: number;
  nMfcc: number;
  nMels: number;
  /** 'logmel' only: frames per patch. */
  frames: number;
  /** 'logmel' only: 0 keeps the first patch; > 0 cuts every patch, starting every `patchHop` frames. */
  patchHop: number;
  /** 'vector' only: feature names in order ('mfcc' and descriptor names). */
  features: FeatureName[];
}

/** A clip's outcome: a flat row and its shape, or the reason it was skipped. */
export type JobResult = { ok: true; data: Float32Array; shape: number[] } | { ok: false; reason: string };

/** What every clip of a batch shares: sent once per chunk to the workers (and used by the inline path). */
export interface JobContext {
  params: JobParams;
  /** Cache directory as given (resolved against the working directory), or null to run without the cache. */
  cacheDir: string | null;
  /** Everything besides the file's content that keys its cache entry (relevantParams, code version, source fingerprint). */
  keyParams: Record<string, unknown>;
  /** Fault injection for the crash-recovery test: the worker exits when it reaches this base name. */
  crashOn?: string;
}

/** A clip's outcome through the cache: also whether it came from the cache, and what went wrong with it. */
export type CachedJobResult =
  | {
      ok: true; data: Float32Array; shape: number[]; cached: boolean; corruptEntry: boolean; cacheError: string | null;
      /** What the calling thread should remember in its FileIndex (null: file too recently modified, or no cache). */
      indexEntry: FileIndexEntry | null;
    }
  | { ok: false; reason: string };

/** The parameters that matter for `params.kind` — the cache key leaves out the rest. */
export function relevantParams(params: JobParams): Record<string, unknown> {
  const { kind, sampleRate, nMfcc, nMels, frames, patchHop, features } = params;
  switch (kind) {
    case 'mfccMean':
    case 'mfcc':
      return { kind, sampleRate, nMfcc };
    case 'logmel':
      return { kind, sampleRate, nMels, frames, patchHop };
    case 'vector':
      return { kind, sampleRate, nMfcc, features };
  }
}

/** True unless the file's first bytes say it is a compressed container (mp3, flac, ogg, …). */
function isWavLike(path: string): boolean {
  const head = new Uint8Array(64);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    const container = sniffContainer(head.subarray(0, n));
    return container === 'wav' || container === 'other';
  } catch {
    return true; // the synchronous loader reports why the file cannot be read
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Loads one clip mono at `sampleRate`: synchronously for WAV (UrbanSound8K's format, the fast path),
 * through the asynchronous decoders for mp3 / flac / ogg / ….
 */
async function loadClip(path: string, sampleRate: number): Promise<{ samples: Float32Array; sampleRate: number }> {
  return isWavLike(path) ? loadAudioSync(path, { sampleRate, mono: true }) : loadAudio(path, { sampleRate, mono: true });
}

/** Computes `params.kind` for one file; rejects (AudioDecodeError, FeatureError, …) when it cannot. */
export async function computeFeature(path: string, params: JobParams): Promise<{ data: Float32Array; shape: number[] }> {
  const { samples, sampleRate } = await loadClip(path, params.sampleRate);
  if (params.kind === 'vector') {
    const data = featureVector(samples, sampleRate, { features: params.features, nMfcc: params.nMfcc });
    return { data, shape: [data.length] };
  }
  return featureFromLogMel(logMelSpectrogram(samples, sampleRate, { nMels: melBandsFor(params) }), params);
}

/** The reason a clip failed, in words: AudioDecodeError's own reason, otherwise the error's message. */
export function failureReason(err: unknown): string {
  if (err instanceof AudioDecodeError) return err.reason;
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}

/** computeFeature that never throws: a failure becomes `{ ok: false, reason }` (the tutorial's "return None"). */
export async function runJob(path: string, params: JobParams): Promise<JobResult> {
  try {
    const { data, shape } = await computeFeature(path, params);
    // Own a whole buffer, so it can be transferred between threads without copying or dragging a parent along.
    const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return { ok: true, data: owned, shape };
  } catch (err) {
    return { ok: false, reason: failureReason(err) };
  }
}

/**
 * One clip of a batch with the on-disk cache, as the workers run it (hashing is the expensive part of
 * a lookup, so it happens here, in parallel, not on the calling thread): hash the file's content, look
 * its entry up, and compute + store it on a miss. The result carries the content hash for the calling
 * thread's FileIndex, which answers the next run's lookups from a stat. Never throws.
 */
export async function runCachedJob(path: string, context: JobContext): Promise<CachedJobResult> {
  // The crash hook only ever kills a worker thread, never the calling process.
  if (context.crashOn && basename(path) === context.crashOn && !isMainThread) process.exit(70);
  if (context.cacheDir === null) {
    const r = await runJob(path, context.params);
    return r.ok ? { ...r, cached: false, corruptEntry: false, cacheError: null, indexEntry: null } : r;
  }
  let hash: string | null = null;
  let key: string | null = null;
  let stats: BigIntStats | null = null;
  let corruptEntry = false;
  const cache = new FeatureCache(context.cacheDir);
  try {
    stats = statSync(path, { bigint: true });
    hash = contentHash(readFileSync(path));
    key = cacheKey(hash, context.keyParams);
  } catch {
    // Unreadable: left to the loader, which reports the reason the same way with or without a cache.
  }
  if (key !== null && hash !== null) {
    const hit = cache.get(key);
    if (hit.status === 'hit') {
      const indexEntry = indexEntryFor(path, stats!, hash);
      return { ok: true, data: hit.value.data, shape: hit.value.shape, cached: true, corruptEntry: false, cacheError: null, indexEntry };
    }
    corruptEntry = hit.status === 'corrupt';
  }
  const r = await runJob(path, context.params);
  if (!r.ok) return r;
  let cacheError: string | null = null;
  let indexEntry: FileIndexEntry | null = null;
  if (key !== null && hash !== null) {
    cacheError = cache.set(key, { data: r.data, shape: r.shape });
    if (cacheError === null) indexEntry = indexEntryFor(path, stats!, hash);
  }
  return { ...r, cached: false, corruptEntry, cacheError, indexEntry };
}
