// The SB-CNN recipe on featurizer rows: cached log-mel patches → whole clip matrices → standardised
// → (training / optional early-stopping validation) → fitCnnOnCrops. What a model registry's CNN entry calls.
import * as tf from '@tensorflow/tfjs';
import { CNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import type { CnnOptions } from './cnn';
import { fitCnnOnCrops, type CnnFitOptions, type CnnFitResult, type PatchValidationSet } from './cnn-train';
import { clipMatrixFromPatches, type ClipMatrix } from './crops';
import { groupSplit, SplitError, stratifiedGroupSplit, stratifiedSplit, type Split } from './splits';

/** Clips as the featurizer gives them ('logmel' with a patchHop): rows [patches, nMels, frames] and their shapes. */
export interface CnnClipRows {
  rows: readonly Float32Array[];
  shapes: readonly (readonly number[])[];
  /** Class id per clip. */
  labels: Int32Array;
  /** Recording (UrbanSound8K fsID) per clip, if known: the validation clips are then whole recordings. */
  groups?: readonly (string | undefined)[];
  /** Augmented copies: the row each row is a version of (see CropTrainingSet.variantOf). Needs an explicit `validation`. */
  variantOf?: Int32Array;
}

/** One channel's standardisation (every cell of every patch), saved with the model: lib/experiments' InputScaler 'channel'. */
export interface PatchScaler {
  kind: 'channel';
  mean: number[];
  std: number[];
}

export interface CnnRecipeOptions extends Omit<CnnFitOptions, 'validation'> {
  /** Frames between the cached patches' starts (the featurizer's patchHop). */
  patchHop: number;
  /** Early-stopping validation clips; default: `earlyStoppingSplit` of the training clips, held out. */
  validation?: CnnClipRows;
  /**
   * Fraction of the training clips held out for early stopping when no `validation` is given
   * (default CNN_DEFAULTS.earlyStoppingSplit, 0: no validation, no early stopping — the whole budget on
   * every clip). Whole recordings when `groups` are known (a random split would validate on slices of
   * training recordings).
   */
  earlyStoppingSplit?: number;
}

export interface CnnRecipeResult extends CnnFitResult {
  scaler: PatchScaler;
  /** Clips trained on and held out for validation (indices into the given training clips). */
  split: Split;
}

/**
 * Training clips → (train, early-stopping validation) indices: `fraction` of the clips held out, as
 * whole recordings when every clip's group is known (slices of one recording on both sides would
 * make validation measure recognition of recordings already heard), taken class by class so every
 * class is held out in proportion (stratifiedGroupSplit; held out at random, the recordings of seed 1
 * on fold 2 were nearly all of one class the network had not learnt yet: its validation accuracy stayed
 * at 3 % and early stopping kept epoch 1); else stratified by class. `fraction` 0 keeps every clip.
 */
export function validationSplitOf(clips: Pick<CnnClipRows, 'labels' | 'groups'>, fraction: number, seed: number): Split {
  if (!(fraction > 0)) return { train: Array.from(clips.labels, (_, k) => k), test: [] };
  const groups = clips.groups;
  const labels = Array.from(clips.labels, String);
  if (groups && groups.every((g) => g !== undefined) && new Set(groups).size >= 2) {
    try {
      return stratifiedGroupSplit(groups as string[], labels, { validationSplit: fraction, seed });
    } catch (err) {
      // Every class in a single recording: no class can give one up; hold out whole recordings at random.
      if (!(err instanceof SplitError)) throw err;
      return groupSplit(groups as string[], { validationSplit: fraction, seed });
    }
  }
  return stratifiedSplit(labels, { validationSplit: fraction, seed });
}

/** Mean and standard deviation of every cell of the clips' matrices (float64 sums). */
export function fitPatchScaler(clips: readonly ClipMatrix[]): PatchScaler {
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (const c of clips) {
    for (let i = 0; i < c.data.length; i++) {
      const v = c.data[i];
      sum += v;
      sumSq += v * v;
    }
    count += c.data.length;
  }
  const mean = count ? sum / count : 0;
  return { kind: 'channel', mean: [mean], std: [Math.max(1e-6, Math.sqrt(Math.max(0, (count ? sumSq / count : 0) - mean * mean)))] };
}

/** (x − mean) / std into a new array. */
export function scaleValues(data: Float32Array, scaler: PatchScaler): Float32Array {
  const out = new Float32Array(data.length);
  const m = scaler.mean[0];
  const s = scaler.std[0];
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - m) / s;
  return out;
}

/** Every patch of the clips, scaled and concatenated, with the count per clip (evaluation's view of them). */
export function validationPatches(clips: CnnClipRows, indices: readonly number[], scaler: PatchScaler): PatchValidationSet {
  const parts = indices.map((k) => scaleValues(clips.rows[k], scaler));
  const rowsPerClip = indices.map((k) => (clips.shapes[k].length === 3 ? clips.shapes[k][0] : 1));
  const patches = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    patches.set(p, offset);
    offset += p.length;
  }
  return { patches, rowsPerClip, labels: Int32Array.from(indices, (k) => clips.labels[k]) };
}

/**
 * Train the SB-CNN `model` (built by buildCnn from `options`) on clips' cached log-mel patches with
 * the crop recipe (lib/model/cnn-train.ts): the clips' whole matrices are rebuilt from their
 * patches, standardised with statistics of the training clips only, and each epoch trains on a
 * fresh random crop of every clip; early stopping watches the validation clips (given, or held out), if any.
 */
export async function trainCnnOnClips(model: tf.LayersModel, options: CnnOptions, train: CnnClipRows, opts: CnnRecipeOptions): Promise<CnnRecipeResult> {
  const fraction = opts.validation ? 0 : opts.earlyStoppingSplit ?? CNN_DEFAULTS.earlyStoppingSplit;
  // Held out by row, a clip's copies could land on the other side of its original: split before augmenting.
  if (train.variantOf && fraction > 0) throw new RangeError('lib/model/cnn-recipe.ts: augmented copies (variantOf) need an explicit validation set, split off before augmenting');
  const split = validationSplitOf(train, fraction, opts.seed ?? TRAIN_DEFAULTS.seed);
  const clips = split.train.map((k) => clipMatrixFromPatches(train.rows[k], train.shapes[k], opts.patchHop));
  const scaler = fitPatchScaler(clips);
  const scaled = clips.map((c) => ({ ...c, data: scaleValues(c.data, scaler) }));
  const validation = opts.validation
    ? validationPatches(opts.validation, opts.validation.rows.map((_, k) => k), scaler)
    : split.test.length
      ? validationPatches(train, split.test, scaler)
      : undefined;
  const labels = Int32Array.from(split.train, (k) => train.labels[k]);
  const result = await fitCnnOnCrops(model, options, { clips: scaled, labels, variantOf: train.variantOf }, { ...opts, validation });
  return { ...result, scaler, split };
}
