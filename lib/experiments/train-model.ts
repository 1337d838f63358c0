// The one way to train a saved model: any kind of lib/model/registry.ts (augmented or not) on a dataset
// folder and a split, evaluated on the held-out side, written to a model directory for `predict`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDataset, type DatasetLayout } from '../data/dataset';
import { mostFrequentClass, baselineAccuracy } from '../model/baseline';
import { LabelEncoder } from '../model/labels';
import type { ClassificationReport } from '../model/metrics';
import { modelKind, type FeatureSpec, type NetworkKind } from '../model/registry';
import { saveModelDir } from '../model/save';
import type { Standardizer } from '../model/scaler';
import { foldSplits, meanStd, type Split } from '../model/splits';
import type { History } from '../model/train';
import type * as tf from '@tensorflow/tfjs';
import { labelledItems } from './run';
import { ExperimentError, featureTable, fitNetwork, heldOutSplit, resolveExperimentParams, runSplit, type ExperimentParams, type FeatureTable, type HeldOutSplitRecord, type LabelledItem, type RunResult } from './run';

/** What to train on and where to write it. Model parameters left out take the kind's defaults (lib/defaults.ts). */
export interface TrainModelOptions extends Partial<Omit<ExperimentParams, 'model'>> {
  /** Dataset folder (any layout lib/data's loadDataset reads). */
  data: string;
  /** Model directory to write (model.json, weights.bin, soundlab.json, evaluation.json). */
  out: string;
  model: NetworkKind;
  /**
   * Fraction of the clips held out (stratified, seeded) for evaluation, as Keras's validation_split;
   * 0 trains on every labelled clip (no evaluation). Ignored with testFold / folds.
   */
  validationSplit: number;
  /** Hold out this UrbanSound8K fold instead. */
  testFold?: number;
  /** Cross-validate over every fold, then train the saved model on all of them. */
  folds?: boolean;
  workers?: number;
  cache?: boolean;
  /** Epoch lines (Keras's shape). */
  log?: (line: string) => void;
  /** Progress and warnings (clips skipped, leak warning). */
  warn?: (line: string) => void;
  /** Aborting it (Ctrl-C) ends the CNN's training with its best weights so far, which are still evaluated and saved. */
  signal?: AbortSignal;
}

/** The evaluation of the held-out side: accuracy against the most-frequent-class baseline, per class, confusion. */
export interface HeldOutEvaluation {
  items: number;
  accuracy: number;
  macroF1: number;
  baseline: { class: string; accuracy: number };
  report: ClassificationReport;
  trainSeconds: number;
}

export type TrainSplitRecord = HeldOutSplitRecord | { kind: 'all' } | { kind: 'folds'; folds: string[] };

/** What trainModel measured; written as the model directory's evaluation.json. */
export interface TrainModelResult {
  dataset: { dir: string; layout: DatasetLayout; clips: number; skipped: number; classes: string[] };
  params: ExperimentParams;
  features: FeatureSpec;
  split: TrainSplitRecord;
  /** The held-out side's evaluation (absent when training on everything or cross-validating). */
  evaluation?: HeldOutEvaluation;
  crossValidation?: {
    folds: { fold: string; accuracy: number; baseline: number; items: number }[];
    accuracy: { mean: number; std: number };
    baseline: { mean: number; std: number };
  };
  /** History of the saved model's training. */
  history: History;
  /** How the saved model's training ended (kinds with their own trainer): 'interrupted' when the signal stopped it. */
  stopped?: RunResult['stopped'];
  /** 0-based epoch whose weights were saved (early stopping restores the best one). */
  bestEpoch?: number | null;
  /** Where the model was written. */
  out: string;
}

function evaluationOf(r: RunResult, items: readonly LabelledItem[], split: Split): HeldOutEvaluation {
  const trainLabels = split.train.map((i) => items[i].label);
  return {
    items: r.testCount,
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    baseline: { class: mostFrequentClass(trainLabels), accuracy: baselineAccuracy(trainLabels, r.predictions.map((p) => p.label)) },
    report: r.report,
    trainSeconds: r.trainSeconds,
  };
}

/** Only the clips that could be featurized, so a split never holds a clip that cannot be used. */
function usable(items: readonly LabelledItem[], table: FeatureTable): { items: LabelledItem[]; table: FeatureTable } {
  const keep = items.map((_, i) => i).filter((i) => table.rows[i] !== null);
  return {
    items: keep.map((i) => items[i]),
    table: { ...table, rows: keep.map((i) => table.rows[i]), shapes: keep.map((i) => table.shapes[i]) },
  };
}

/**
 * Load `data`, compute the features for `opts.model` (cached), split (stratified random with the leak warning on
 * UrbanSound8K, one held-out fold, every fold, or none with validationSplit 0), train with the epoch
 * lines on `log`, evaluate the held-out side, and write the model directory (+ evaluation.json).
 */
export async function trainModel(opts: TrainModelOptions): Promise<TrainModelResult> {
  const warn = opts.warn ?? (() => undefined);
  const { data, out, model, validationSplit, testFold, folds, workers, cache, log, warn: _warn, signal, ...rest } = opts;
  modelKind(model); // an unknown kind fails here, before any clip is read
  const params = resolveExperimentParams({ ...rest, model });
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new ExperimentError(`validationSplit must be in [0, 1), got ${validationSplit}`);
  const dataset = loadDataset(data);
  for (const p of dataset.problems) warn(`warning: ${p.file}: ${p.reason} (left out)`);
  const all = labelledItems(dataset);
  if (folds && testFold !== undefined) throw new ExperimentError('--folds and --test-fold exclude each other');
  if ((folds || testFold !== undefined) && all.some((i) => i.fold === undefined)) {
    throw new ExperimentError(`${dataset.root}: --folds / --test-fold need a fold per clip (UrbanSound8K metadata); this ${dataset.layout} layout has none`);
  }
  const featured = (await featureTable(all, params, { workers, cache, progress: true })) as FeatureTable;
  for (const s of featured.skipped) warn(`warning: ${s.file}: ${s.reason} (skipped)`);
  const { items, table } = usable(all, featured);
  if (items.length < 2) throw new ExperimentError(`${dataset.root}: fewer than 2 clips could be featurized`);
  const encoder = new LabelEncoder().fit(items.map((it) => it.label));
  warn(`${items.length} clips, ${encoder.classes.length} classes (${dataset.layout} layout) from ${dataset.root}`);
  const result: Omit<TrainModelResult, 'split' | 'history'> = {
    dataset: { dir: dataset.root, layout: dataset.layout, clips: items.length, skipped: featured.skipped.length, classes: encoder.classes },
    params,
    features: modelKind(model).features(params),
    out: resolve(out),
  };
  const fitAll = async (epochLog?: (line: string) => void) => fitNetwork(items, table, items.map((_, i) => i), params, encoder, { log: epochLog, signal });

  let saved: { network: tf.LayersModel; standardizer: Standardizer | null; history: History; stopped?: RunResult['stopped']; bestEpoch?: number | null };
  let final: TrainModelResult;
  if (folds) {
    const foldResults: NonNullable<TrainModelResult['crossValidation']>['folds'] = [];
    for (const split of foldSplits(items.map((it) => it.fold as number))) {
      log?.(`fold ${split.fold}: train on ${split.train.length} clips, test on ${split.test.length}`);
      const e = evaluationOf(await runSplit(items, table, split, params, { log, validate: true, label: `fold ${split.fold}`, signal }), items, split);
      log?.(`fold ${split.fold}: accuracy ${e.accuracy.toFixed(4)}, baseline ${e.baseline.accuracy.toFixed(4)}`);
      foldResults.push({ fold: split.fold, accuracy: e.accuracy, baseline: e.baseline.accuracy, items: e.items });
    }
    warn('training the saved model on all folds');
    saved = await fitAll(); // quietly: the folds' epoch lines were the ones to read
    final = {
      ...result,
      split: { kind: 'folds', folds: foldResults.map((f) => f.fold) },
      crossValidation: { folds: foldResults, accuracy: meanStd(foldResults.map((f) => f.accuracy)), baseline: meanStd(foldResults.map((f) => f.baseline)) },
      history: saved.history,
    };
  } else if (testFold === undefined && validationSplit === 0) {
    warn(`train on all ${items.length} clips (validation split 0: nothing held out, no evaluation)`);
    saved = await fitAll(log);
    final = { ...result, split: { kind: 'all' }, history: saved.history };
  } else {
    // The leak warning speaks of UrbanSound8K's recordings, so only there.
    const { split, record } = heldOutSplit(items, { testFold, validationSplit, seed: params.seed, root: dataset.root, warnLeak: dataset.layout === 'urbansound8k' ? warn : undefined });
    warn(`${model}: train on ${split.train.length} clips${params.augment ? ` (+ augmented copies: ${params.augment} × ${params.augmentCopies})` : ''}, evaluate on ${split.test.length}`);
    const r = await runSplit(items, table, split, params, { log, validate: true, keepModel: true, signal });
    saved = { network: r.network as tf.LayersModel, standardizer: r.standardizer ?? null, history: r.history as History, stopped: r.stopped, bestEpoch: r.bestEpoch };
    final = { ...result, split: record, evaluation: evaluationOf(r, items, split), history: saved.history };
  }
  if (saved.stopped) final = { ...final, stopped: saved.stopped, bestEpoch: saved.bestEpoch };
  try {
    mkdirSync(final.out, { recursive: true });
    await saveModelDir(final.out, { model: saved.network, encoder, params, standardizer: saved.standardizer });
    writeFileSync(join(final.out, 'evaluation.json'), `${JSON.stringify(final, null, 2)}\n`);
  } finally {
    saved.network.dispose();
  }
  warn(`model written to ${final.out} (model.json, weights.bin, soundlab.json, evaluation.json)`);
  return final;
}
