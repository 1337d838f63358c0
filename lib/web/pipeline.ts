// The web page's per-clip pipeline — file bytes → librosa.load's samples → the model's feature row → its
// input row — built only from lib's browser-safe modules, so the page computes what `soundlab predict` does.
import { loadWavMono, prepare, type MonoAudio } from '../audio/from-bytes';
import { sniffContainer } from '../audio/sniff';
import type { AudioContainer, DecodedAudio } from '../audio/types';
import { featureFromLogMel, melBandsFor } from '../features/from-logmel';
import type { FeatureMatrix } from '../features/matrix';
import { logMelSpectrogram } from '../features/mfcc';
import { networkInputs, type FeatureSpec, type ModelParams } from '../model/registry';
import type { Standardizer } from '../model/scaler';

/** The feature parameters a site computes: the saved model's (lib/model's FeatureSpec). */
export type SiteFeatures = FeatureSpec;

/** What the page knows about its model besides the network: written by export-web into model.js. */
export interface SiteModelInfo {
  classes: string[];
  /** The model kind and its training parameters (they decide how a feature row becomes network inputs). */
  params: ModelParams;
  features: SiteFeatures;
  /** Shape of one network input row ([nMfcc], [nMels, frames, 1], [frames, nMfcc]). */
  inputShape: number[];
  /** Input standardisation fitted on the training rows (null: raw features). */
  standardizer: Standardizer | null;
  /** Live microphone window in seconds (the model's clip length). */
  windowSeconds: number;
  /** Where the model came from, shown on the page. */
  source: string;
}

/** Decodes a container lib's own parser does not read (the page passes WebAudio's decodeAudioData). */
export type DecodeOther = (bytes: Uint8Array, name: string, container: AudioContainer) => Promise<DecodedAudio>;

/**
 * `loadAudio(name, { sampleRate })` on bytes in memory: WAV through lib's parser, mixed down and resampled
 * by the same functions; other containers through `decodeOther`, then lib's mix-down and kaiser_fast
 * resampler from the decoder's native rate.
 * @throws AudioDecodeError naming `name` and the reason, with the same texts as the command line.
 */
export async function loadClipBytes(bytes: Uint8Array, name: string, sampleRate: number, decodeOther: DecodeOther): Promise<MonoAudio> {
  const wav = loadWavMono(bytes, name, { sampleRate, mono: true });
  if (wav) return wav;
  return prepare(await decodeOther(bytes, name, sniffContainer(bytes)), name, { sampleRate, mono: true }) as MonoAudio;
}

/** The clip's log-mel spectrogram (melBandsFor(features) × frames, dB), as the featurizer computes it. */
export function clipLogMel(samples: Float32Array, features: SiteFeatures): FeatureMatrix {
  return logMelSpectrogram(samples, features.sampleRate, { nMels: melBandsFor(features) });
}

/** The clip's feature row and shape from its log-mel spectrogram (lib/features' featureFromLogMel). */
export function clipFeature(logMel: FeatureMatrix, features: SiteFeatures): { data: Float32Array; shape: number[] } {
  return featureFromLogMel(logMel, features);
}

/**
 * A clip's feature row → the network's input rows, as `soundlab predict` makes them (lib/model's
 * networkInputs): scaled with the saved standardizer and shaped per model kind; a CNN's clip gives one row per patch.
 */
export function modelInputRows(feature: { data: Float32Array; shape: number[] }, info: Pick<SiteModelInfo, 'params' | 'standardizer'>): Float32Array[] {
  return networkInputs(info.params, info.standardizer, [feature], 'all').rows;
}

/** A clip's class probabilities from its input rows' (a CNN's patches): their mean in float64, as lib/model's predictClipProbabilities. */
export function clipProbabilities(rows: readonly Float32Array[]): Float32Array {
  const sum = new Float64Array(rows[0].length);
  for (const r of rows) for (let j = 0; j < sum.length; j++) sum[j] += r[j];
  return Float32Array.from(sum, (v) => v / rows.length);
}

/** Index of the largest value (the first on ties), as lib/model's argMax. */
export function topIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
