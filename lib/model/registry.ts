// The model kinds soundlab trains, as one table (like meyda's extractor registry): what each reads, how its
// inputs are scaled and shaped, how it is built, and its default budget. Adding a kind is one entry here.
import type * as tf from '@tensorflow/tfjs';
import { CNN_DEFAULTS, FEATURE_DEFAULTS, RNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import type { JobParams } from '../features/extract-job';
import { buildCnn, type CnnOptions } from './cnn';
import { trainCnnOnClips } from './cnn-recipe';
import type { History } from './train';
import { buildMlp } from './mlp';
import { buildRnn, mfccSequence } from './rnn';
import { fitStandardizer, standardize, type Standardizer, type StandardizeOptions } from './scaler';

/** The networks soundlab trains; 'baseline' (the most frequent training class) is compared but not trained. */
export type NetworkKind = 'mlp' | 'cnn' | 'rnn';
export type ModelKind = 'baseline' | NetworkKind;

/** Everything that decides a run's numbers. Missing fields take the defaults in lib/defaults.ts (per kind). */
export interface ModelParams {
  model: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** MLP hidden layers. */
  hiddenUnits: number[];
  /** Dropout rate (MLP after each hidden layer, CNN before the dense layers, RNN after the recurrent layer). */
  dropout: number;
  /** MFCCs (MLP vector, RNN frames). */
  nMfcc: number;
  /** CNN log-mel patch: mel bands × frames; RNN: frames per sequence. */
  nMels: number;
  frames: number;
  /** CNN: filters per conv layer, dense units, conv padding. */
  cnnFilters: number[];
  denseUnits: number;
  cnnPadding: 'valid' | 'same';
  /** RNN: recurrent units and cell. */
  rnnUnits: number;
  rnnCell: 'gru' | 'lstm';
  /** Standardise inputs with training-side statistics (default true; false feeds raw features, as the tutorial). */
  standardize: boolean;
  /** Augmentation spec for the training side only (lib/augment's parseAugmentSpec), '' for none. */
  augment: string;
  augmentCopies: number;
  /**
   * CNN: fraction of the training clips (whole recordings when known) held out for early stopping with the
   * best epoch's weights restored; 0 (default, CNN_DEFAULTS.earlyStoppingSplit) trains the whole budget on every clip.
   */
  earlyStoppingSplit: number;
  /** Clips are loaded at this rate (Hz) before any feature. */
  sampleRate: number;
  seed: number;
}

/**
 * What a model reads: lib/features' extractFeatures options (sampleRate in Hz; `patchHop` = frames between
 * the starts of a CNN's prediction patches, 0 = one row per clip), all but the descriptor list of 'vector'.
 */
export type FeatureSpec = Omit<JobParams, 'features'>;

/** One clip's feature row (flat) with its shape, as extractFeatures gives it. */
export interface ShapedRow {
  data: Float32Array;
  shape: number[];
}

/** What a kind's own trainer gets: the training rows (originals, then augmented copies) and the clips held out to stop on. */
export interface KindTrainingData {
  rows: ShapedRow[];
  /** Class id per row. */
  labels: Int32Array;
  /** With augmentation: the original row each row is a version of (originals point to themselves). */
  variantOf?: Int32Array;
  /** Clips held out of the training side (before augmenting) for early stopping. */
  validation?: { rows: ShapedRow[]; labels: Int32Array };
  /** The featurizer's patch hop of these rows (FeatureSpec.patchHop). */
  patchHop: number;
}

/**
 * A kind that trains with its own recipe instead of the generic `train` on each clip's first input:
 * the CNN's random crops (lib/model/cnn-recipe.ts). The training path holds `validationSplit(p)` of the
 * training clips out for its early stopping (whole recordings when known, before any augmentation; 0:
 * none) and keeps everything else — features, augmentation, evaluation, saving — shared.
 */
export interface KindTrainer {
  validationSplit(p: ModelParams): number;
  fit(
    network: tf.LayersModel,
    p: ModelParams,
    classCount: number,
    data: KindTrainingData,
    opts: { log?: (line: string) => void; signal?: AbortSignal; workers?: number },
  ): Promise<{ standardizer: Standardizer; history: History; stopped: 'completed' | 'early' | 'interrupted' | 'callback'; bestEpoch: number | null }>;
}

/** One model kind: everything the one training and prediction path needs to know about it. */
export interface ModelKindEntry {
  summary: string;
  /** Per-kind defaults (lib/defaults.ts): training budget and dropout. */
  defaults: { epochs: number; batchSize: number; learningRate: number; dropout: number };
  features(p: ModelParams): FeatureSpec;
  /** How the standardizer is fitted on this kind's clip inputs. */
  standardizer(p: ModelParams): StandardizeOptions;
  /** Shape of one network input row. */
  inputShape(p: ModelParams): number[];
  /** A clip's feature row → its inputs (before scaling): training uses the first, prediction the mean over all. */
  clipInputs(row: ShapedRow): ShapedRow[];
  /** A standardised clip input → the network's input row. */
  toNetworkInput(scaled: ShapedRow, p: ModelParams): Float32Array;
  /** A fresh, compiled, seeded network. */
  build(p: ModelParams, classCount: number): tf.LayersModel;
  /** The parameters that matter for this kind (sweep hashes and records), in a fixed key order. */
  relevantParams(p: ModelParams): Record<string, unknown>;
  /** Its own training recipe, when the generic one is not the right one. */
  trainer?: KindTrainer;
}

/** buildCnn's options for these parameters: the trained network and its data-parallel replicas are built alike. */
export function cnnOptionsOf(p: ModelParams, classCount: number): CnnOptions {
  return {
    classCount, nMels: p.nMels, frames: p.frames, filters: p.cnnFilters, denseUnits: p.denseUnits,
    padding: p.cnnPadding, dropout: p.dropout, learningRate: p.learningRate, seed: p.seed,
  };
}

/** Frames between the starts of a CNN's prediction patches: half a patch (at least 1). */
export function cnnPatchHop(frames: number): number {
  return Math.max(1, Math.floor(frames / 2));
}

/**
 * A 'logmel' feature row → its patches, each [nMels, frames]: the row itself when its shape is
 * [nMels, frames], the `patches` slices (views, no copy) when it is [patches, nMels, frames].
 */
export function splitPatches(row: Float32Array, shape: readonly number[]): Float32Array[] {
  if (shape.length !== 3) return [row];
  const size = shape[1] * shape[2];
  return Array.from({ length: shape[0] }, (_, p) => row.subarray(p * size, (p + 1) * size));
}

const identity = (scaled: ShapedRow) => scaled.data;
const oneInput = (row: ShapedRow) => [row];
const common = (p: ModelParams) => ({ model: p.model, seed: p.seed, sampleRate: p.sampleRate });
const training = (p: ModelParams) => ({
  epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, dropout: p.dropout,
  augment: p.augment, augmentCopies: p.augment ? p.augmentCopies : 0,
  // Only when off, so hashes of the (default) standardised runs stay what they were.
  ...(p.standardize ? {} : { standardize: false }),
});

export const MODEL_REGISTRY: Readonly<Record<NetworkKind, ModelKindEntry>> = {
  mlp: {
    summary: "the tutorial's MLP (Dense 256-256, dropout 0.5, Adam) on 40 mean MFCCs per clip",
    defaults: { epochs: TRAIN_DEFAULTS.epochs, batchSize: TRAIN_DEFAULTS.batchSize, learningRate: TRAIN_DEFAULTS.learningRate, dropout: TRAIN_DEFAULTS.dropout },
    features: (p) => ({ kind: 'mfccMean', sampleRate: p.sampleRate, nMfcc: p.nMfcc, nMels: FEATURE_DEFAULTS.nMels, frames: p.frames, patchHop: 0 }),
    standardizer: () => ({ axis: 'column' }),
    inputShape: (p) => [p.nMfcc],
    clipInputs: oneInput,
    toNetworkInput: identity,
    build: (p, classCount) => buildMlp({ inputSize: p.nMfcc, classCount, hiddenUnits: p.hiddenUnits, dropout: p.dropout, learningRate: p.learningRate, seed: p.seed }),
    relevantParams: (p) => ({ ...common(p), ...training(p), hiddenUnits: p.hiddenUnits, nMfcc: p.nMfcc }),
  },
  cnn: {
    summary: 'SB-CNN (Salamon & Bello 2017) on log-mel patches: trained on a fresh random crop of each clip per epoch on every core, predicting the mean over all patches',
    defaults: { epochs: CNN_DEFAULTS.epochs, batchSize: CNN_DEFAULTS.batchSize, learningRate: CNN_DEFAULTS.learningRate, dropout: CNN_DEFAULTS.dropout },
    features: (p) => ({ kind: 'logmel', sampleRate: p.sampleRate, nMfcc: p.nMfcc, nMels: p.nMels, frames: p.frames, patchHop: cnnPatchHop(p.frames) }),
    // One input channel: every cell of a patch shares the mean/std.
    standardizer: () => ({ axis: 'channel', channels: 1 }),
    inputShape: (p) => [p.nMels, p.frames, 1],
    clipInputs: (row) => {
      const patchShape = row.shape.length === 3 ? row.shape.slice(1) : row.shape;
      return splitPatches(row.data, row.shape).map((data) => ({ data, shape: patchShape }));
    },
    toNetworkInput: identity,
    build: (p, classCount) => buildCnn(cnnOptionsOf(p, classCount)),
    // patchHop: CNN runs evaluated on the mean over patches hash apart from earlier first-patch-only runs;
    // recipe: runs trained on random crops hash apart from first-patch-only ones, and the recipe's settings
    // (masks, moving average, early stopping: how much is held out, what it watches and when) from older runs.
    relevantParams: (p) => ({
      ...common(p), ...training(p), nMels: p.nMels, frames: p.frames, patchHop: cnnPatchHop(p.frames), cnnFilters: p.cnnFilters,
      denseUnits: p.denseUnits, cnnPadding: p.cnnPadding, recipe: 'crops', emaMomentum: CNN_DEFAULTS.emaMomentum,
      specAugment: CNN_DEFAULTS.specAugment, earlyStoppingSplit: p.earlyStoppingSplit,
      ...(p.earlyStoppingSplit > 0
        ? { patience: CNN_DEFAULTS.patience, monitor: CNN_DEFAULTS.monitor, startFromEpoch: CNN_DEFAULTS.startFromEpoch, validation: 'recordings-by-class' }
        : {}),
    }),
    trainer: {
      validationSplit: (p) => p.earlyStoppingSplit,
      fit: async (network, p, classCount, data, opts) => {
        const rowsOf = (rows: ShapedRow[], labels: Int32Array) => ({ rows: rows.map((r) => r.data), shapes: rows.map((r) => r.shape), labels });
        const r = await trainCnnOnClips(network, cnnOptionsOf(p, classCount), { ...rowsOf(data.rows, data.labels), variantOf: data.variantOf }, {
          patchHop: data.patchHop,
          validation: data.validation ? rowsOf(data.validation.rows, data.validation.labels) : undefined,
          earlyStoppingSplit: 0,
          epochs: p.epochs, batchSize: p.batchSize, seed: p.seed, workers: opts.workers,
          verbose: opts.log ? 1 : 0, log: opts.log, signal: opts.signal,
        });
        return { standardizer: { axis: 'channel', mean: r.scaler.mean, std: r.scaler.std }, history: r.history, stopped: r.stopped, bestEpoch: r.bestEpoch };
      },
    },
  },
  rnn: {
    summary: 'a GRU (or LSTM) over MFCC frames',
    defaults: { epochs: RNN_DEFAULTS.epochs, batchSize: RNN_DEFAULTS.batchSize, learningRate: RNN_DEFAULTS.learningRate, dropout: RNN_DEFAULTS.dropout },
    features: (p) => ({ kind: 'mfcc', sampleRate: p.sampleRate, nMfcc: p.nMfcc, nMels: FEATURE_DEFAULTS.nMels, frames: p.frames, patchHop: 0 }),
    // One mean/std per MFCC coefficient (a row of the nMfcc × frames matrix), whatever the clip's length.
    standardizer: (p) => ({ axis: 'channel', channels: p.nMfcc }),
    inputShape: (p) => [p.frames, p.nMfcc],
    clipInputs: oneInput,
    // Pre-padded with zeros = the training mean, after scaling.
    toNetworkInput: (scaled, p) => mfccSequence(scaled.data, p.nMfcc, scaled.shape[1], p.frames, 0),
    build: (p, classCount) =>
      buildRnn({ classCount, frames: p.frames, nMfcc: p.nMfcc, units: p.rnnUnits, cell: p.rnnCell, dropout: p.dropout, learningRate: p.learningRate, seed: p.seed }),
    relevantParams: (p) => ({ ...common(p), ...training(p), nMfcc: p.nMfcc, frames: p.frames, rnnUnits: p.rnnUnits, rnnCell: p.rnnCell }),
  },
};

export const NETWORK_KINDS = Object.keys(MODEL_REGISTRY) as NetworkKind[];
export const MODEL_KINDS: readonly ModelKind[] = ['baseline', ...NETWORK_KINDS];

/** Raised for a model kind the registry does not know (lists the known ones). */
export class ModelKindError extends Error {
  constructor(kind: string, what = 'model') {
    super(`unknown ${what} '${kind}' (known: ${what === 'model' ? MODEL_KINDS.join(', ') : NETWORK_KINDS.join(', ')})`);
    this.name = 'ModelKindError';
  }
}

/** The registry entry of a network kind. */
export function modelKind(kind: string): ModelKindEntry {
  if (!Object.prototype.hasOwnProperty.call(MODEL_REGISTRY, kind)) throw new ModelKindError(kind, 'network');
  return MODEL_REGISTRY[kind as NetworkKind];
}

/** `params` completed with the defaults: the training budget and dropout follow the model kind. */
export function resolveModelParams(params: Partial<ModelParams> & { model: ModelKind }): ModelParams {
  if (!MODEL_KINDS.includes(params.model)) throw new ModelKindError(params.model);
  const d = params.model === 'baseline' ? MODEL_REGISTRY.mlp.defaults : MODEL_REGISTRY[params.model].defaults;
  const earlyStoppingSplit = params.earlyStoppingSplit ?? CNN_DEFAULTS.earlyStoppingSplit;
  if (!(earlyStoppingSplit >= 0 && earlyStoppingSplit < 1)) throw new RangeError(`earlyStoppingSplit must be in [0, 1) (0: no early stopping), got ${earlyStoppingSplit}`);
  return {
    model: params.model,
    epochs: params.epochs ?? d.epochs,
    batchSize: params.batchSize ?? d.batchSize,
    learningRate: params.learningRate ?? d.learningRate,
    hiddenUnits: [...(params.hiddenUnits ?? TRAIN_DEFAULTS.hiddenUnits)],
    dropout: params.dropout ?? d.dropout,
    nMfcc: params.nMfcc ?? FEATURE_DEFAULTS.nMfcc,
    nMels: params.nMels ?? CNN_DEFAULTS.nMels,
    frames: params.frames ?? CNN_DEFAULTS.frames,
    cnnFilters: [...(params.cnnFilters ?? CNN_DEFAULTS.filters)],
    denseUnits: params.denseUnits ?? CNN_DEFAULTS.denseUnits,
    cnnPadding: params.cnnPadding ?? 'valid',
    rnnUnits: params.rnnUnits ?? RNN_DEFAULTS.units,
    rnnCell: params.rnnCell ?? RNN_DEFAULTS.cell,
    standardize: params.standardize ?? true,
    augment: params.augment ?? '',
    augmentCopies: params.augmentCopies ?? 1,
    earlyStoppingSplit,
    sampleRate: params.sampleRate ?? FEATURE_DEFAULTS.sampleRate,
    seed: params.seed ?? TRAIN_DEFAULTS.seed,
  };
}

/** The parameters that matter for this model kind (the others are dropped), in a fixed key order. */
export function relevantModelParams(p: ModelParams): Record<string, unknown> {
  return p.model === 'baseline' ? common(p) : MODEL_REGISTRY[p.model].relevantParams(p);
}

/**
 * Fit the standardizer of `p.model` on training clips' feature rows (their first input: a CNN's first
 * patch), or null when `p.standardize` is off.
 */
export function fitInputStandardizer(p: ModelParams, rows: readonly ShapedRow[]): Standardizer | null {
  if (!p.standardize) return null;
  const entry = modelKind(p.model);
  return fitStandardizer(rows.map((r) => entry.clipInputs(r)[0].data), entry.standardizer(p));
}

/**
 * Clips' feature rows → network input rows: each clip's inputs (`'first'`: one per clip, as training
 * uses them; `'all'`: every patch, as prediction averages them), scaled, shaped for the network.
 * `perClip` counts the inputs of each clip.
 */
export function networkInputs(
  p: ModelParams,
  standardizer: Standardizer | null,
  rows: readonly ShapedRow[],
  use: 'first' | 'all',
): { rows: Float32Array[]; perClip: number[] } {
  const entry = modelKind(p.model);
  const out: Float32Array[] = [];
  const perClip: number[] = [];
  for (const row of rows) {
    const inputs = entry.clipInputs(row);
    const kept = use === 'first' ? inputs.slice(0, 1) : inputs;
    const scaled = standardizer ? standardize(kept.map((i) => i.data), standardizer) : kept.map((i) => i.data);
    kept.forEach((input, k) => out.push(entry.toNetworkInput({ data: scaled[k], shape: input.shape }, p)));
    perClip.push(kept.length);
  }
  return { rows: out, perClip };
}
