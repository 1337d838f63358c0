// One experiment: featureTable, split, (augment the training side), train a model, evaluate on held-out clips.
// What differs between model kinds lives in lib/model/registry.ts; this file has no branch per kind.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { loadAudio } from '../audio';
import type { Dataset } from '../data/dataset';
import {
  augmentSpectrogram,
  augmentTrainingClips,
  hasSpectrogramSteps,
  parseAugmentSpec,
  trainingPart,
  type AugmentSpec,
  type Clip,
} from '../augment';
import { extractFeatures } from '../features/extract';
import { featureFromLogMel, melBandsFor } from '../features/extract-job';
import { logMelSpectrogram } from '../features/mfcc';
import { mostFrequentClass } from '../model/baseline';
import { LabelEncoder, toCategorical } from '../model/labels';
import { classificationReport, type ClassificationReport } from '../model/metrics';
import { argMax, predictClipProbabilities } from '../model/predict';
import {
  fitInputStandardizer,
  modelKind,
  networkInputs,
  relevantModelParams,
  resolveModelParams,
  type FeatureSpec,
  type ModelKind,
  type ModelParams,
  type ShapedRow,
} from '../model/registry';
import type { Standardizer } from '../model/scaler';
import { validationSplitOf } from '../model/cnn-recipe';
import { groupSplit, stratifiedSplit, warnIfLeaky, type Split } from '../model/splits';
import { stack, train, type History } from '../model/train';

/** Raised for runs that cannot be made (names the split or dataset and the reason). */
export class ExperimentError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ExperimentError';
  }
}

/** Everything that decides a run's numbers (lib/model/registry.ts's ModelParams). */
export type ExperimentParams = ModelParams;

/** `params` completed with the defaults of lib/defaults.ts; the training budget and dropout follow the model kind. */
export function resolveExperimentParams(params: Partial<ExperimentParams> & { model: ModelKind }): ExperimentParams {
  return resolveModelParams(params);
}

/** The parameters that matter for this model kind (the others are dropped), in a fixed key order. */
export function relevantExperimentParams(p: ExperimentParams): Record<string, unknown> {
  return relevantModelParams(p);
}

/** A short stable hash of a run's relevant parameters and anything else that identifies it (data, split). */
export function paramsHash(p: ExperimentParams, context: Record<string, unknown> = {}): string {
  const canonical = JSON.stringify({ ...relevantExperimentParams(p), ...context }, Object.keys({ ...relevantExperimentParams(p), ...context }).sort());
  return createHash('sha1').update(canonical).digest('hex').slice(0, 12);
}

/** How a held-out side was chosen (recorded in evaluation.json and printed). */
export type HeldOutSplitRecord =
  | { kind: 'random'; validationSplit: number; seed: number; groupsOnBothSides: number }
  | { kind: 'group'; validationSplit: number; seed: number }
  | { kind: 'fold'; testFold: number };

/**
 * The held-out side of an evaluation: UrbanSound8K fold `testFold`, whole groups (recordings / speakers)
 * with `groupSplit`, or else a stratified random split of `validationSplit`, whose leak (one group on
 * both sides) is reported through `warnLeak` when given. `root` names the dataset in errors.
 */
export function heldOutSplit(
  items: readonly LabelledItem[],
  opts: { testFold?: number; groupSplit?: boolean; validationSplit: number; seed: number; root: string; warnLeak?: (line: string) => void },
): { split: Split; record: HeldOutSplitRecord; protocol: string } {
  if (opts.testFold !== undefined) {
    const split: Split = { train: [], test: [] };
    items.forEach((it, i) => (it.fold === opts.testFold ? split.test : split.train).push(i));
    if (split.test.length === 0) throw new ExperimentError(`${opts.root}: no clip is in fold ${opts.testFold}`);
    return { split, record: { kind: 'fold', testFold: opts.testFold }, protocol: `fold ${opts.testFold} held out` };
  }
  const { validationSplit, seed } = opts;
  if (opts.groupSplit) {
    const groups = items.map((it) => it.group);
    if (groups.some((g) => g === undefined)) throw new ExperimentError(`${opts.root}: --group-split needs a group per clip (UrbanSound8K fsID, FSDD speaker)`);
    const split = groupSplit(groups as string[], { validationSplit, seed });
    return { split, record: { kind: 'group', validationSplit, seed }, protocol: `group split (no recording on both sides), test ≈ ${validationSplit}, seed ${seed}` };
  }
  const split = stratifiedSplit(items.map((it) => it.label), { validationSplit, seed });
  const groupsOnBothSides = opts.warnLeak ? warnIfLeaky(items.map((it) => it.group), split, opts.warnLeak) : 0;
  return { split, record: { kind: 'random', validationSplit, seed, groupsOnBothSides }, protocol: `stratified random split, test ${validationSplit}, seed ${seed}` };
}

/** A labelled clip to learn from (lib/data's DatasetItem with a label). */
export interface LabelledItem {
  id: string;
  path: string;
  label: string;
  group?: string;
  fold?: number;
}

/** The labelled clips of a dataset (unlabelled ones — the tutorial's Test/ — cannot be evaluated). */
export function labelledItems(dataset: Dataset): LabelledItem[] {
  const items = dataset.items.filter((it): it is typeof it & { label: string } => typeof it.label === 'string');
  if (items.length === 0) throw new ExperimentError(`${dataset.root}: no labelled clips to train and evaluate on`);
  return items.map((it) => ({ id: it.id, path: it.path, label: it.label, group: it.group, fold: it.fold }));
}

/**
 * The feature kind a model reads, and the featurizer options for it (null for the baseline). The CNN
 * reads every log-mel patch of a clip: it trains on the first and predicts the mean over all of them.
 */
export function featureSpec(p: ExperimentParams): FeatureSpec | null {
  return p.model === 'baseline' ? null : modelKind(p.model).features(p);
}

/** One feature row per item (null where the clip could not be featurized), from the cached parallel featurizer. */
export interface FeatureTable {
  spec: FeatureSpec;
  rows: (Float32Array | null)[];
  shapes: (number[] | null)[];
  skipped: { file: string; reason: string }[];
  seconds: number;
}

/** Options passed through to extractFeatures. */
export interface FeatureTableOptions {
  workers?: number;
  cache?: boolean;
  cacheDir?: string;
  progress?: boolean;
}

/**
 * The features `params`' model kind reads, for every item once, computed by lib/features'
 * extractFeatures (the one verb for computing features: worker threads, on-disk cache) and lined up
 * with `items` (null where a clip failed). Folds and sweeps then index into the table; null for the
 * baseline, which reads no features.
 */
export async function featureTable(items: readonly LabelledItem[], params: ExperimentParams, opts: FeatureTableOptions = {}): Promise<FeatureTable | null> {
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
  /** Kinds with their own trainer: why training ended ('interrupted' by the signal, stopped 'early', …) and the epoch kept. */
  stopped?: FittedNetwork['stopped'];
  bestEpoch?: number | null;
  /** With `keepModel`: the trained network (the caller disposes it) and its input standardizer. */
  network?: tf.LayersModel;
  standardizer?: Standardizer | null;
}

/** Options of runSplit besides the parameters. */
export interface RunSplitOptions {
  /** Epoch lines etc. (default: none). */
  log?: (line: string) => void;
  /** Names the split in errors. */
  label?: string;
  /** Return the trained model (and its input scaling) instead of disposing it, e.g. to save it. */
  keepModel?: boolean;
  /** Also measure the test side after every epoch (val_loss / val_acc in the epoch lines and history). */
  validate?: boolean;
  /** Aborting it ends a kind with its own trainer (the CNN) after the current step, keeping its best weights. */
  signal?: AbortSignal;
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
  if (!table) throw new ExperimentError(`model '${params.model}' needs a feature table (featureTable first)`);
  const fit = await fitNetwork(items, table, trainIdx, params, encoder, { log: opts.log, validationIdx: opts.validate ? testIdx : undefined, signal: opts.signal });
  const test = networkInputs(params, fit.standardizer, testIdx.map((i) => tableRow(table, i)), 'all');
  const xTest = stack(test.rows, modelKind(params.model).inputShape(params));
  try {
    const probs = predictClipProbabilities(fit.network, xTest, test.perClip);
    const predictedIds = probs.map((p) => argMax(p));
    const predicted = encoder.inverseTransform(predictedIds);
    const result = finish(predicted, probs.map((p, k) => p[predictedIds[k]]), fit.trainSeconds, fit.augmentedCount, fit.history);
    if (fit.stopped) Object.assign(result, { stopped: fit.stopped, bestEpoch: fit.bestEpoch });
    if (opts.keepModel) Object.assign(result, { network: fit.network, standardizer: fit.standardizer });
    return result;
  } finally {
    xTest.dispose();
    if (!opts.keepModel) fit.network.dispose();
  }
}

/** A trained network with what prediction needs to feed it. */
export interface FittedNetwork {
  network: tf.LayersModel;
  standardizer: Standardizer | null;
  history: History;
  /** Wall seconds of training (model.fit). */
  trainSeconds: number;
  /** Augmented copies added to the training side. */
  augmentedCount: number;
  /** Kinds with their own trainer: why training ended, and the epoch whose weights were kept. */
  stopped?: 'completed' | 'early' | 'interrupted' | 'callback';
  bestEpoch?: number | null;
}

function tableRow(table: FeatureTable, i: number): ShapedRow {
  return { data: table.rows[i] as Float32Array, shape: table.shapes[i] as number[] };
}

/**
 * Train a fresh network of `params.model` on the clips `trainIdx` (indices into `items` and `table`,
 * all featurized), plus augmented copies of them when `params.augment` is set. The standardizer is
 * fitted on the training side only. `validationIdx`: clips measured after every epoch (Keras's
 * validation_data), never trained on.
 */
export async function fitNetwork(
  items: readonly LabelledItem[],
  table: FeatureTable,
  trainIdx: readonly number[],
  params: ExperimentParams,
  encoder: LabelEncoder,
  opts: { log?: (line: string) => void; validationIdx?: readonly number[]; signal?: AbortSignal } = {},
): Promise<FittedNetwork> {
  const entry = modelKind(params.model);
  const classCount = encoder.classes.length;
  // A kind with its own trainer stops early on clips held out of the training side (before augmenting,
  // so no copy of a held-out clip is trained on) — never on the evaluation side.
  let fitIdx: readonly number[] = trainIdx;
  let stopIdx: readonly number[] = [];
  if (entry.trainer) {
    const inner = validationSplitOf(
      { labels: Int32Array.from(encoder.transform(trainIdx.map((i) => items[i].label))), groups: trainIdx.map((i) => items[i].group) },
      entry.trainer.validationSplit(params),
      params.seed,
    );
    fitIdx = inner.train.map((k) => trainIdx[k]);
    stopIdx = inner.test.map((k) => trainIdx[k]);
  }
  // Training rows: the real clips, then augmented copies made from training clips only.
  const trainRows: ShapedRow[] = fitIdx.map((i) => tableRow(table, i));
  const trainY = fitIdx.map((i) => items[i].label);
  // The row each training row is a version of (copies point to their original).
  const variantOf: number[] = fitIdx.map((_, k) => k);
  const position = new Map(fitIdx.map((i, k) => [items[i].id, k]));
  let augmentedCount = 0;
  if (params.augment) {
    const spec = parseAugmentSpec(params.augment, params.augmentCopies);
    // In chunks, so the decoded audio of a whole training side (GBs on UrbanSound8K) is never held at once.
    const chunkSize = 64;
    for (let start = 0; start < fitIdx.length; start += chunkSize) {
      const clips: Clip[] = [];
      // loadAudio, not loadAudioSync: FLAC (and other compressed containers) decode asynchronously only.
      for (const i of fitIdx.slice(start, start + chunkSize)) {
        const { samples, sampleRate } = (await loadAudio(items[i].path, { sampleRate: params.sampleRate, mono: true })) as { samples: Float32Array; sampleRate: number };
        clips.push({ id: items[i].id, samples, sampleRate, label: items[i].label });
      }
      const copies = augmentTrainingClips(trainingPart({ train: clips }), spec, params.seed).filter((c) => c.augmentedFrom);
      for (const c of copies) {
        trainRows.push(featureOfSamples(c.samples, c.sampleRate, table.spec, { spec, seed: c.augmentSeed ?? 0 }));
        trainY.push(c.label as string);
        variantOf.push(position.get(c.augmentedFrom as string) as number);
      }
      augmentedCount += copies.length;
    }
  }
  if (entry.trainer) {
    const network = entry.build(params, classCount);
    try {
      const started = performance.now();
      const labelsOf = (labels: readonly string[]) => Int32Array.from(encoder.transform(labels));
      const r = await entry.trainer.fit(network, params, classCount, {
        rows: trainRows,
        labels: labelsOf(trainY),
        variantOf: augmentedCount ? Int32Array.from(variantOf) : undefined,
        validation: stopIdx.length ? { rows: stopIdx.map((i) => tableRow(table, i)), labels: labelsOf(stopIdx.map((i) => items[i].label)) } : undefined,
        patchHop: table.spec.patchHop,
      }, { log: opts.log, signal: opts.signal });
      return { network, standardizer: r.standardizer, history: r.history, trainSeconds: (performance.now() - started) / 1000, augmentedCount, stopped: r.stopped, bestEpoch: r.bestEpoch };
    } catch (err) {
      network.dispose();
      throw err;
    }
  }
  const standardizer = fitInputStandardizer(params, trainRows);
  const inputShape = entry.inputShape(params);
  const onehot = (labels: readonly string[]) => stack(toCategorical(encoder.transform(labels), classCount), [classCount]);
  const xTrain = stack(networkInputs(params, standardizer, trainRows, 'first').rows, inputShape);
  const yTrain = onehot(trainY);
  const val = opts.validationIdx?.length ? opts.validationIdx : null;
  const xVal = val ? stack(networkInputs(params, standardizer, val.map((i) => tableRow(table, i)), 'first').rows, inputShape) : null;
  const yVal = val ? onehot(val.map((i) => items[i].label)) : null;
  const network = entry.build(params, classCount);
  try {
    const started = performance.now();
    const history = await train(network, xTrain, yTrain, {
      epochs: params.epochs, batchSize: params.batchSize, seed: params.seed,
      verbose: opts.log ? 1 : 0, log: opts.log,
      ...(xVal && yVal ? { validationData: [xVal, yVal] as [tf.Tensor, tf.Tensor] } : {}),
    });
    return { network, standardizer, history, trainSeconds: (performance.now() - started) / 1000, augmentedCount };
  } catch (err) {
    network.dispose();
    throw err;
  } finally {
    tf.dispose([xTrain, yTrain, ...(xVal && yVal ? [xVal, yVal] : [])]);
  }
}
