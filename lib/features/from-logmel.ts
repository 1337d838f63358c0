// The spectrogram-based feature kinds from a clip's log-mel matrix: browser-safe (no Node imports), shared
// by the featurizer (lib/features/extract-job.ts), the experiments and the web page.
import { FEATURE_DEFAULTS } from '../defaults';
import { dctRows } from './dct';
import { FeatureError } from './errors';
import type { JobParams } from './extract-job';
import { FeatureMatrix } from './matrix';
import { mfccMeanFromLogMel } from './mfcc';

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
