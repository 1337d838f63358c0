// `soundlab train --model cnn|rnn [--augment …]`: the train command for the networks beyond the tutorial's MLP.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/dataset';
import { LabelEncoder } from '../model/labels';
import { formatClassificationReport, formatConfusionMatrix } from '../model/metrics';
import { saveModelDir, type FeatureParams } from '../model/save';
import { stratifiedSplit, warnIfLeaky, type Split } from '../model/splits';
import { ExperimentError, stack, type ModelKind } from './inputs';
import { labelledItems } from './report';
import { predictClipProbabilities } from '../model/predict';
import { applyInputScaler, featureSpec, featurize, resolveExperimentParams, runSplit, splitPatches, type ExperimentParams, type InputScaler } from './run';

/** Options of the command (as lib/cli/train.ts parses them, plus the model and augmentation). */
export interface ExperimentTrainOptions extends Partial<ExperimentParams> {
  data: string;
  out: string;
  model: ModelKind;
  valSplit: number;
  testFold?: number;
  folds?: boolean;
  workers?: number;
  cache: boolean;
}

/** Where the command writes: results on `out`, progress and warnings on `err`. */
export interface TrainIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Train `opts.model` (mlp, cnn or rnn; optionally with training-side augmentation) on DIR with the same
 * `train` loop as the tutorial's MLP, evaluate on a stratified split (leak warning on UrbanSound8K)
 * or one held-out fold, print the evaluation, and save the model directory (model.json, weights.bin,
 * soundlab.json with the feature parameters and input scaling, evaluation.json). --folds is the
 * evaluate command's job (`soundlab evaluate --folds --models cnn`).
 */
export async function runExperimentTrain(opts: ExperimentTrainOptions, io: TrainIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<Record<string, unknown>> {
  if (opts.folds) throw new ExperimentError(`--folds with --model ${opts.model}: run \`soundlab evaluate --data ${opts.data} --folds --models ${opts.model}\` for the cross-validation, then train with --test-fold N or a random split to save a model`);
  if (opts.model === 'baseline') throw new ExperimentError('the baseline has nothing to train (see soundlab evaluate)');
  const dataset = loadDataset(opts.data);
  const items = labelledItems(dataset);
  const { data: _data, out: _out, valSplit: _valSplit, testFold: _testFold, folds: _folds, workers, cache, ...rest } = opts;
  const params = resolveExperimentParams({ ...(rest as Partial<ExperimentParams>), model: opts.model });
  const table = await featurize(items, params, { workers, cache, progress: true });
  for (const s of table?.skipped ?? []) io.err(`warning: ${s.file}: ${s.reason} (skipped)`);
  let split: Split;
  if (opts.testFold !== undefined) {
    split = { train: [], test: [] };
    items.forEach((it, i) => (it.fold === opts.testFold ? split.test : split.train).push(i));
    if (split.test.length === 0) throw new ExperimentError(`${dataset.root}: no clip is in fold ${opts.testFold}`);
  } else {
    split = stratifiedSplit(items.map((it) => it.label), { testSize: opts.valSplit, seed: params.seed });
    if (dataset.layout === 'urbansound8k') warnIfLeaky(items.map((it) => it.group), split, io.err);
  }
  io.err(`${params.model}: train on ${split.train.length} clips${params.augment ? ` (+ augmented copies: ${params.augment} × ${params.augmentCopies})` : ''}, evaluate on ${split.test.length}`);
  const r = await runSplit(items, table, split, params, { log: io.out, keepModel: true });
  const network = r.network as tf.LayersModel;
  try {
    io.out('');
    io.out(`accuracy ${r.accuracy.toFixed(4)} on ${r.testCount} held-out clips; baseline (most frequent training class) ${r.baselineAccuracy.toFixed(4)}; macro-F1 ${r.macroF1.toFixed(4)}`);
    io.out('');
    io.out(formatClassificationReport(r.report));
    io.out('');
    io.out('confusion matrix (rows: true class, columns: predicted class)');
    io.out(formatConfusionMatrix(r.report.confusion, r.classes));
    const spec = featureSpec(params)!;
    const features: FeatureParams = {
      kind: spec.kind, sampleRate: spec.sampleRate, nMfcc: spec.nMfcc, nMels: spec.nMels, frames: spec.frames, patchHop: spec.patchHop,
      model: params.model, inputScaler: r.inputs?.scaler, inputShape: r.inputs?.shape,
    };
    const evaluation = {
      dataset: { dir: dataset.root, layout: dataset.layout, clips: items.length, classes: r.classes },
      features,
      training: { model: params.model, epochs: params.epochs, batchSize: params.batchSize, seed: params.seed, augment: params.augment, augmentCopies: params.augment ? params.augmentCopies : 0 },
      split: opts.testFold !== undefined ? { kind: 'fold', testFold: opts.testFold } : { kind: 'random', valSplit: opts.valSplit, seed: params.seed },
      evaluation: { accuracy: r.accuracy, macroF1: r.macroF1, baselineAccuracy: r.baselineAccuracy, report: r.report, trainSeconds: r.trainSeconds },
      history: r.history,
    };
    const outDir = resolve(opts.out);
    mkdirSync(outDir, { recursive: true });
    await saveModelDir(outDir, { model: network, encoder: LabelEncoder.fromClasses(r.classes), features, training: evaluation.training });
    writeFileSync(join(outDir, 'evaluation.json'), `${JSON.stringify(evaluation, null, 2)}\n`);
    io.err(`model written to ${outDir} (model.json, weights.bin, soundlab.json, evaluation.json)`);
    return evaluation;
  } finally {
    network.dispose();
  }
}

/**
 * Model inputs for a saved CNN/RNN (features.inputScaler present): feature rows from extractFeatures
 * (with the saved kind, nMels, frames, nMfcc) → scaled as in training → a tensor of the model's input
 * shape. Returns null for models saved without an input scaler (the MLP path: lib/model's standardizer).
 */
export function savedModelInputs(features: FeatureParams, rows: readonly Float32Array[], shapes: readonly number[][]): tf.Tensor | null {
  const scaler = features.inputScaler as InputScaler | undefined;
  const shape = features.inputShape as number[] | undefined;
  if (!scaler || !shape) return null;
  const params = resolveExperimentParams({
    model: features.model as ModelKind,
    nMfcc: features.nMfcc,
    nMels: features.nMels as number | undefined,
    frames: features.frames as number | undefined,
  });
  return stack(applyInputScaler(params, scaler, rows, shapes), shape);
}

/**
 * Class probabilities per clip for a saved CNN/RNN (features.inputScaler present), as its evaluation
 * computed them: rows of the saved feature kind (a CNN's rows may hold several patches,
 * [patches, nMels, frames], when extracted with the saved patchHop) → scaled → the network → the mean
 * over each clip's patches. Returns null for models saved without an input scaler (the MLP path).
 */
export function savedModelProbabilities(model: tf.LayersModel, features: FeatureParams, rows: readonly Float32Array[], shapes: readonly number[][]): Float32Array[] | null {
  const patches = rows.map((r, k) => splitPatches(r, shapes[k]));
  const patchShapes = patches.flatMap((p, k) => p.map(() => (shapes[k].length === 3 ? shapes[k].slice(1) : shapes[k])));
  const x = savedModelInputs(features, patches.flat(), patchShapes);
  if (!x) return null;
  try {
    return predictClipProbabilities(model, x, patches.map((p) => p.length));
  } finally {
    x.dispose();
  }
}
