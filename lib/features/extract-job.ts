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
import { FeatureMatrix } from './matrix';
import { dctRows } from './dct';
import { FeatureError } from './errors';
import { logMelSpectrogram, mfccMeanFromLogMel } from './mfcc';

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

/**
 * Crops or pads a bands × frames matrix to exactly `frames` columns, keeping the first ones.
 * Padding repeats the matrix's minimum (in dB that is the clip's floor, what silence looks like after
 * topDb clipping); an empty matrix pads with powerToDb's floor of 10·log10(aminPower / refPower).
 */
export function fitFrames(m: FeatureMatrix, frames: number): Float32Array {
  const out = new Float32Array(m.nRows * frames);
  let floor = Infinity;
  for (let k = 0; k < m.data.length; k++) if (m.data[k] < floor) floor = m.data[k];
  if (!Number.isFinite(floor)) floor = 10 * Math.log10(FEATURE_DEFAULTS.aminPower / FEATURE_DEFAULTS.refPower);
  const kept = Math.min(frames, m.nCols);
  for (let i = 0; i < m.nRows; i++) {
    const src = i * m.nCols;
    const dst = i * frames;
    for (let t = 0; t < kept; t++) out[dst + t] = m.data[src + t];
    out.fill(floor, dst + kept, dst + frames);
  }
  return out;
}

/**
 * First frames of the patches SB-CNN-style clip-level prediction averages over (Salamon & Bello 2017):
 * one every `hopFrames` from 0, the last one aligned to the clip's end so no frame is left out. A clip
 * of at most `frames` frames has the single patch [0] (padded by fitFrames).
 */
export function patchStarts(totalFrames: number, frames: number, hopFrames: number): number[] {
  if (!Number.isInteger(hopFrames) || hopFrames < 1) throw new RangeError(`patch hop must be a positive integer, got ${hopFrames}`);
  const last = totalFrames - frames;
  if (last <= 0) return [0];
  const starts: number[] = [];
  for (let s = 0; s < last; s += hopFrames) starts.push(s);
  starts.push(last);
  return starts;
}

/**
 * Every patch of a bands × frames matrix (see patchStarts), each `frames` columns wide, concatenated:
 * flat [patches, bands, frames]. The first patch is fitFrames(m, frames) — what 'logmel' keeps alone.
 */
export function cutPatches(m: FeatureMatrix, frames: number, hopFrames: number): { data: Float32Array; count: number } {
  const starts = patchStarts(m.nCols, frames, hopFrames);
  if (starts.length === 1) return { data: fitFrames(m, frames), count: 1 };
  const size = m.nRows * frames;
  const out = new Float32Array(starts.length * size);
  starts.forEach((start, p) => {
    for (let i = 0; i < m.nRows; i++) {
      const src = i * m.nCols + start;
      out.set(m.data.subarray(src, src + frames), p * size + i * frames);
    }
  });
  return { data: out, count: starts.length };
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

/** Mel bands behind a feature: `nMels` for log-mel patches, librosa's default (128) under the MFCCs. */
export function melBandsFor(params: Pick<JobParams, 'kind' | 'nMels'>): number {
  return params.kind === 'logmel' ? params.nMels : FEATURE_DEFAULTS.nMels;
}

/**
 * A spectrogram-based feature ('mfccMean', 'mfcc' or 'logmel') from a clip's log-mel spectrogram
 * (melBandsFor(params) × frames, dB). The one place these kinds are computed: the featurizer calls it on
 * a file's spectrogram, the experiments on an augmented copy's, so both give the same numbers.
 */
export function featureFromLogMel(
  logMel: FeatureMatrix,
  params: Pick<JobParams, 'kind' | 'nMfcc' | 'frames' | 'patchHop'>,
): { data: Float32Array; shape: number[] } {
  switch (params.kind) {
    case 'mfccMean': {
      const data = mfccMeanFromLogMel(logMel, params.nMfcc);
      return { data, shape: [data.length] };
    }
    case 'mfcc': {
      const m = dctRows(logMel, params.nMfcc);
      return { data: m.data, shape: [m.nRows, m.nCols] };
    }
    case 'logmel': {
      if (params.patchHop > 0) {
        const { data, count } = cutPatches(logMel, params.frames, params.patchHop);
        return { data, shape: [count, logMel.nRows, params.frames] };
      }
      return { data: fitFrames(logMel, params.frames), shape: [logMel.nRows, params.frames] };
    }
    default:
      throw new FeatureError(`feature kind '${params.kind}' is not computed from a log-mel spectrogram`);
  }
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
