// One experiment: featurize, split, (augment the training side), train a model, evaluate on held-out clips.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { loadAudioSync } from '../audio';
import {
  augmentSpectrogram,
  augmentTrainingClips,
  hasSpectrogramSteps,
  parseAugmentSpec,
  trainingPart,
  type AugmentSpec,
  type Clip,
} from '../augment';
import { CNN_DEFAULTS, FEATURE_DEFAULTS, RNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { extractFeatures, type FeatureKind } from '../features/extract';
import { featureFromLogMel, melBandsFor } from '../features/extract-job';
import { logMelSpectrogram } from '../features/mfcc';
import { mostFrequentClass } from '../model/baseline';
import { buildCnn } from '../model/cnn';
import { LabelEncoder, toCategorical } from '../model/labels';
import { classificationReport, type ClassificationReport } from '../model/metrics';
import { buildMlp } from '../model/mlp';
import { argMax, predictClipProbabilities, predictProbabilities } from '../model/predict';
import { buildRnn } from '../model/rnn';
import { fitStandardizer, standardize } from '../model/scaler';
import type { Split } from '../model/splits';
import { train, type History } from '../model/train';
import {
  applyChannelStandardizer,
  ExperimentError,
  fitChannelStandardizer,
  fitRowsStandardizer,
  MODEL_KINDS,
  mfccSequence,
  stack,
  type ModelKind,
} from './inputs';

/** Everything that decides a run's numbers. Missing fields take the defaults in lib/defaults.ts. */
export interface ExperimentParams {
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
  /** Augmentation spec for the training side only (lib/augment's parseAugmentSpec), '' for none. */
  augment: string;
  augmentCopies: number;
  /** Clips are loaded at this rate (Hz) before any feature. */
  sampleRate: number;
  seed: number;
}

/** `params` completed with the defaults; the dropout default follows the model kind. */
export function resolveExperimentParams(params: Partial<ExperimentParams> & { model: ModelKind }): ExperimentParams {
  if (!MODEL_KINDS.includes(params.model)) throw new ExperimentError(`unknown model '${params.model}' (known: ${MODEL_KINDS.join(', ')})`);
  const dropoutDefault = params.model === 'rnn' ? RNN_DEFAULTS.dropout : params.model === 'cnn' ? CNN_DEFAULTS.dropout : TRAIN_DEFAULTS.dropout;
  return {
    model: params.model,
    epochs: params.epochs ?? TRAIN_DEFAULTS.epochs,
    batchSize: params.batchSize ?? TRAIN_DEFAULTS.batchSize,
    learningRate: params.learningRate ?? TRAIN_DEFAULTS.learningRate,
    hiddenUnits: [...(params.hiddenUnits ?? TRAIN_DEFAULTS.hiddenUnits)],
    dropout: params.dropout ?? dropoutDefault,
    nMfcc: params.nMfcc ?? FEATURE_DEFAULTS.nMfcc,
    nMels: params.nMels ?? CNN_DEFAULTS.nMels,
    frames: params.frames ?? CNN_DEFAULTS.frames,
    cnnFilters: [...(params.cnnFilters ?? CNN_DEFAULTS.filters)],
    denseUnits: params.denseUnits ?? CNN_DEFAULTS.denseUnits,
    cnnPadding: params.cnnPadding ?? 'valid',
    rnnUnits: params.rnnUnits ?? RNN_DEFAULTS.units,
    rnnCell: params.rnnCell ?? RNN_DEFAULTS.cell,
    augment: params.augment ?? '',
    augmentCopies: params.augmentCopies ?? 1,
    sampleRate: params.sampleRate ?? FEATURE_DEFAULTS.sampleRate,
    seed: params.seed ?? TRAIN_DEFAULTS.seed,
  };
}

/** The parameters that matter for this model kind (the others are dropped), in a fixed key order. */
export function relevantExperimentParams(p: ExperimentParams): Record<string, unknown> {
  const common = { model: p.model, seed: p.seed, sampleRate: p.sampleRate };
  if (p.model === 'baseline') return common;
  const training = { epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, dropout: p.dropout, augment: p.augment, augmentCopies: p.augment ? p.augmentCopies : 0 };
  if (p.model === 'mlp') return { ...common, ...training, hiddenUnits: p.hiddenUnits, nMfcc: p.nMfcc };
  // patchHop: CNN runs evaluated on the mean over patches hash apart from earlier first-patch-only runs.
  if (p.model === 'cnn') return { ...common, ...training, nMels: p.nMels, frames: p.frames, patchHop: cnnPatchHop(p.frames), cnnFilters: p.cnnFilters, denseUnits: p.denseUnits, cnnPadding: p.cnnPadding };
  return { ...common, ...training, nMfcc: p.nMfcc, frames: p.frames, rnnUnits: p.rnnUnits, rnnCell: p.rnnCell };
}

/** A short stable hash of a run's relevant parameters and anything else that identifies it (data, split). */
export function paramsHash(p: ExperimentParams, context: Record<string, unknown> = {}): string {
  const canonical = JSON.stringify({ ...relevantExperimentParams(p), ...context }, Object.keys({ ...relevantExperimentParams(p), ...context }).sort());
  return createHash('sha1').update(canonical).digest('hex').slice(0, 12);
}

/** A labelled clip to learn from (lib/data's DatasetItem with a label). */
export interface LabelledItem {
  id: string;
  path: string;
  label: string;
  group?: string;
  fold?: number;
}

/**
 * The feature kind a model reads, and the featurizer options for it. The CNN reads every log-mel patch
 * of a clip (patchHop = frames / 2): it trains on the first and predicts the mean over all of them.
 */
export function featureSpec(p: ExperimentParams): { kind: FeatureKind; nMfcc: number; nMels: number; frames: number; patchHop: number; sampleRate: number } | null {
  switch (p.model) {
    case 'baseline':
      return null;
    case 'mlp':
      return { kind: 'mfccMean', nMfcc: p.nMfcc, nMels: FEATURE_DEFAULTS.nMels, frames: p.frames, patchHop: 0, sampleRate: p.sampleRate };
    case 'cnn':
      return { kind: 'logmel', nMfcc: p.nMfcc, nMels: p.nMels, frames: p.frames, patchHop: cnnPatchHop(p.frames), sampleRate: p.sampleRate };
    case 'rnn':
      return { kind: 'mfcc', nMfcc: p.nMfcc, nMels: FEATURE_DEFAULTS.nMels, frames: p.frames, patchHop: 0, sampleRate: p.sampleRate };
  }
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

/** One feature row per item (null where the clip could not be featurized), from the cached parallel featurizer. */
export interface FeatureTable {
  spec: NonNullable<ReturnType<typeof featureSpec>>;
  rows: (Float32Array | null)[];
  shapes: (number[] | null)[];
  skipped: { file: string; reason: string }[];
  seconds: number;
}

/** Options passed through to extractFeatures. */
export interface FeaturizeOptions {
  workers?: number;
  cache?: boolean;
  cacheDir?: string;
  progress?: boolean;
}

/**
 * Featurize every item once for `params`' model kind through lib/features' extractFeatures (worker
 * threads, on-disk cache): rows line up with `items`. Folds and sweeps then index into the table.
 */
export async function featurize(items: readonly LabelledItem[], params: ExperimentParams, opts: FeaturizeOptions = {}): Promise<FeatureTable | null> {
  const spec = featureSpec(params);
  if (!spec) return null;
  const result = await extractFeatures(
    items.map((it) => ({ id: it.id, path: it.path })),
    { ...spec, workers: opts.workers, cache: opts.cache, cacheDir: opts.cacheDir, progress: opts.progress ?? false },
  );
  const byId = new Map(result.ids.map((id, i) => [id, i]));
  const rows = items.map((it) => {
    const i = byId.get(it.id);
    return i === undefined ? null : result.X[i];
  });
  const shapes = items.map((it) => {
    const i = byId.get(it.id);
    return i === undefined ? null : result.shapes[i];
  });
  return { spec, rows, shapes, skipped: result.skipped, seconds: result.stats.seconds };
}

/**
 * The same feature as the featurizer computes, from samples already in memory (augmented copies have
 * no file): log-mel → (SpecAugment masks of this copy) → patch, MFCC matrix or MFCC means.
 */
export function featureOfSamples(
  samples: Float32Array,
  sampleRate: number,
  spec: FeatureTable['spec'],
  augment?: { spec: AugmentSpec; seed: number },
): { data: Float32Array; shape: number[] } {
  let logMel = logMelSpectrogram(samples, sampleRate, { nMels: melBandsFor(spec) });
  if (augment && hasSpectrogramSteps(augment.spec)) logMel = augmentSpectrogram(logMel, augment.spec, augment.seed);
  return featureFromLogMel(logMel, spec);
}

/** What one run measured. */
export interface RunResult {
  model: ModelKind;
  params: ExperimentParams;
  accuracy: number;
  macroF1: number;
  /** The most-frequent-training-class baseline on the same test clips. */
  baselineAccuracy: number;
  /** Wall seconds of training (model.fit), 0 for the baseline. */
  trainSeconds: number;
  trainCount: number;
  /** Augmented copies added to the training side. */
  augmentedCount: number;
  testCount: number;
  classes: string[];
  report: ClassificationReport;
  /** One per test clip: true and predicted class, probability of the prediction. */
  predictions: { id: string; path: string; label: string; predicted: string; probability: number }[];
  history?: History;
  /** With `keepModel`: the trained network (the caller disposes it) and how its inputs are prepared. */
  network?: tf.LayersModel;
  inputs?: { scaler: InputScaler; shape: number[] };
}

/** Options of runSplit besides the parameters. */
export interface RunSplitOptions {
  /** Epoch lines etc. (default: none). */
  log?: (line: string) => void;
  /** Names the split in errors. */
  label?: string;
  /** Return the trained model (and its input scaling) instead of disposing it, e.g. to save it. */
  keepModel?: boolean;
}

function macroF1Of(report: ClassificationReport): number {
  return report.macroAvg.f1;
}

/**
 * Train `params.model` on `split.train` and evaluate on `split.test` (indices into `items`, which line
 * up with `table.rows`). Items whose features failed are left out of both sides. Inputs are
 * standardised with statistics of the training side only; augmentation (params.augment) adds copies of
 * training clips only — test clips are never touched. The baseline needs no table (pass null).
 */
export async function runSplit(
  items: readonly LabelledItem[],
  table: FeatureTable | null,
  split: Split,
  params: ExperimentParams,
  opts: RunSplitOptions = {},
): Promise<RunResult> {
  const ok = (i: number) => !table || table.rows[i] !== null;
  const trainIdx = split.train.filter(ok);
  const testIdx = split.test.filter(ok);
  if (trainIdx.length === 0 || testIdx.length === 0) throw new ExperimentError(`${opts.label ?? 'split'}: no usable clips on one side (train ${trainIdx.length}, test ${testIdx.length})`);
  const trainLabels = trainIdx.map((i) => items[i].label);
  const testLabels = testIdx.map((i) => items[i].label);
  const encoder = new LabelEncoder().fit(items.map((it) => it.label));
  const classes = encoder.classes;
  const majority = mostFrequentClass(trainLabels);
  const baselineAccuracy = testLabels.filter((l) => l === majority).length / testLabels.length;

  const finish = (predicted: string[], probability: number[], trainSeconds: number, augmentedCount: number, history?: History): RunResult => {
    const report = classificationReport(testLabels, predicted, classes);
    return {
      model: params.model,
      params,
      accuracy: report.accuracy,
      macroF1: macroF1Of(report),
      baselineAccuracy,
      trainSeconds,
      trainCount: trainIdx.length,
      augmentedCount,
      testCount: testIdx.length,
      classes,
      report,
      predictions: testIdx.map((i, k) => ({ id: items[i].id, path: items[i].path, label: testLabels[k], predicted: predicted[k], probability: probability[k] })),
      history,
    };
  };
  if (params.model === 'baseline') return finish(testLabels.map(() => majority), testLabels.map(() => 1), 0, 0);
  if (!table) throw new ExperimentError(`model '${params.model}' needs a feature table (featurize first)`);

  // Training rows: the real clips, then augmented copies made from training clips only.
  let trainRows: Float32Array[] = trainIdx.map((i) => table.rows[i] as Float32Array);
  let trainShapes: number[][] = trainIdx.map((i) => table.shapes[i] as number[]);
  let trainY = [...trainLabels];
  let augmentedCount = 0;
  if (params.augment) {
    const spec = parseAugmentSpec(params.augment, params.augmentCopies);
    // In chunks, so the decoded audio of a whole training side (GBs on UrbanSound8K) is never held at once.
    const chunkSize = 64;
    for (let start = 0; start < trainIdx.length; start += chunkSize) {
      const clips: Clip[] = trainIdx.slice(start, start + chunkSize).map((i) => {
        const { samples, sampleRate } = loadAudioSync(items[i].path, { sampleRate: params.sampleRate, mono: true });
        return { id: items[i].id, samples, sampleRate, label: items[i].label };
      });
      const copies = augmentTrainingClips(trainingPart({ train: clips }), spec, params.seed).filter((c) => c.augmentedFrom);
      for (const c of copies) {
        const f = featureOfSamples(c.samples, c.sampleRate, table.spec, { spec, seed: c.augmentSeed ?? 0 });
        trainRows.push(f.data);
        trainShapes.push(f.shape);
        trainY.push(c.label as string);
      }
      augmentedCount += copies.length;
    }
  }
  let testRows: Float32Array[] = testIdx.map((i) => table.rows[i] as Float32Array);
  let testShapes: number[][] = testIdx.map((i) => table.shapes[i] as number[]);
  // CNN: trained on each clip's first patch, evaluated on the mean over all its patches (SB-CNN).
  let patchesPerClip: number[] | null = null;
  if (params.model === 'cnn') {
    const patchShape = [params.nMels, params.frames];
    trainRows = trainRows.map((r, k) => splitPatches(r, trainShapes[k])[0]);
    trainShapes = trainRows.map(() => patchShape);
    const patches = testRows.map((r, k) => splitPatches(r, testShapes[k]));
    patchesPerClip = patches.map((p) => p.length);
    testRows = patches.flat();
    testShapes = testRows.map(() => patchShape);
  }

  const scaler = fitInputScaler(params, trainRows, trainShapes);
  const inputShape = modelInputShape(params);
  trainRows = applyInputScaler(params, scaler, trainRows, trainShapes);
  testRows = applyInputScaler(params, scaler, testRows, testShapes);
  const model = buildModel(params, trainRows[0].length, classes.length);
  const xTrain = stack(trainRows, inputShape);
  const yTrain = stack(toCategorical(encoder.transform(trainY), classes.length), [classes.length]);
  const xTest = stack(testRows, inputShape);
  try {
    const started = performance.now();
    const history = await train(model, xTrain, yTrain, {
      epochs: params.epochs, batchSize: params.batchSize, seed: params.seed,
      verbose: opts.log ? 1 : 0, log: opts.log,
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const probs = patchesPerClip ? predictClipProbabilities(model, xTest, patchesPerClip) : predictProbabilities(model, xTest);
    const predictedIds = probs.map((p) => argMax(p));
    const predicted = encoder.inverseTransform(predictedIds);
    const result = finish(predicted, probs.map((p, k) => p[predictedIds[k]]), trainSeconds, augmentedCount, history);
    if (opts.keepModel) {
      result.network = model;
      result.inputs = { scaler, shape: inputShape };
    }
    return result;
  } finally {
    tf.dispose([xTrain, yTrain, xTest]);
    if (!opts.keepModel) model.dispose();
  }
}

/**
 * How a model's input rows are scaled, fitted on training rows only and saved with a model so
 * prediction scales the same way: per column (MLP vectors, lib/model's Standardizer), one channel
 * (every cell of a CNN patch) or per MFCC coefficient (RNN frames).
 */
export interface InputScaler {
  kind: 'columns' | 'channel' | 'coefficients';
  mean: number[];
  std: number[];
}

/** Fit the input scaler of `params.model` on training feature rows (as the featurizer gives them, with their shapes). */
export function fitInputScaler(params: ExperimentParams, rows: readonly Float32Array[], shapes: readonly number[][]): InputScaler {
  if (params.model === 'mlp') return { kind: 'columns', ...fitStandardizer(rows) };
  if (params.model === 'cnn') return { kind: 'channel', ...fitChannelStandardizer(rows, 1, () => 0) };
  if (params.model === 'rnn') return { kind: 'coefficients', ...fitRowsStandardizer(rows, params.nMfcc, (k) => (j: number) => Math.floor(j / shapes[k][1])) };
  throw new ExperimentError(`model '${params.model}' takes no inputs`);
}

/**
 * Feature rows → model input rows: scaled with `scaler`; for the RNN also turned into frames × nMfcc
 * sequences of `params.frames` frames (pre-padded with zeros = the training mean).
 */
export function applyInputScaler(params: ExperimentParams, scaler: InputScaler, rows: readonly Float32Array[], shapes: readonly number[][]): Float32Array[] {
  if (scaler.kind === 'columns') return standardize(rows, scaler);
  if (scaler.kind === 'channel') return applyChannelStandardizer(rows, scaler, () => 0);
  return rows.map((r, k) => {
    const frames = shapes[k][1];
    const scaled = applyChannelStandardizer([r], scaler, (j) => Math.floor(j / frames))[0];
    return mfccSequence(scaled, params.nMfcc, frames, params.frames, 0);
  });
}

/** Shape of one input row of the model: [nMfcc] (MLP), [nMels, frames, 1] (CNN), [frames, nMfcc] (RNN). */
export function modelInputShape(params: ExperimentParams): number[] {
  if (params.model === 'mlp') return [params.nMfcc];
  if (params.model === 'cnn') return [params.nMels, params.frames, 1];
  if (params.model === 'rnn') return [params.frames, params.nMfcc];
  throw new ExperimentError(`model '${params.model}' takes no inputs`);
}

/** A fresh, compiled network of `params.model` (seeded), for `classCount` classes. */
export function buildModel(params: ExperimentParams, inputSize: number, classCount: number): tf.LayersModel {
  switch (params.model) {
    case 'mlp':
      return buildMlp({ inputSize, classCount, hiddenUnits: params.hiddenUnits, dropout: params.dropout, learningRate: params.learningRate, seed: params.seed });
    case 'cnn':
      return buildCnn({
        classCount, nMels: params.nMels, frames: params.frames, filters: params.cnnFilters, denseUnits: params.denseUnits,
        padding: params.cnnPadding, dropout: params.dropout, learningRate: params.learningRate, seed: params.seed,
      });
    case 'rnn':
      return buildRnn({ classCount, frames: params.frames, nMfcc: params.nMfcc, units: params.rnnUnits, cell: params.rnnCell, dropout: params.dropout, learningRate: params.learningRate, seed: params.seed });
    default:
      throw new ExperimentError(`model '${params.model}' has no network`);
  }
}
