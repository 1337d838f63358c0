// `soundlab train --data DIR --out MODEL_DIR`: the tutorial's MLP on mean MFCCs, evaluated honestly, saved for `predict`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt, openFraction, positiveInt } from './options';
import type * as tf from '@tensorflow/tfjs';
import { loadDataset, type DatasetItem } from '../data/dataset';
import { TRAIN_DEFAULTS, FEATURE_DEFAULTS } from '../defaults';
import { extractFeatures } from '../features/extract';
import { runExperimentTrain } from '../experiments/train-command';
import { MODEL_KINDS, type ModelKind } from '../experiments/inputs';
import { selectBackend } from '../model/backend';
import { mostFrequentClass, baselineAccuracy } from '../model/baseline';
import { LabelEncoder, toCategorical } from '../model/labels';
import {
  classificationReport,
  formatClassificationReport,
  formatConfusionMatrix,
  type ClassificationReport,
} from '../model/metrics';
import { buildMlp } from '../model/mlp';
import { predictLabels } from '../model/predict';
import { saveModelDir, type FeatureParams } from '../model/save';
import { fitStandardizer, standardize, type Standardizer } from '../model/scaler';
import { foldSplits, meanStd, stratifiedSplit, warnIfLeaky, type Split } from '../model/splits';
import { train, type History } from '../model/train';
import { consoleIo, type CliIo } from './io';

/** Options of `soundlab train` (as commander parses them). */
export interface TrainCommandOptions {
  data: string;
  out: string;
  epochs: number;
  batchSize: number;
  valSplit: number;
  seed: number;
  testFold?: number;
  folds?: boolean;
  nMfcc: number;
  sampleRate: number;
  standardize: boolean;
  workers?: number;
  cache: boolean;
  /** 'mlp' (default, the tutorial's) or 'cnn' / 'rnn' (lib/experiments' runExperimentTrain). */
  model?: ModelKind;
  /** Training-side augmentation spec (e.g. 'shift,noise:20'); handled by runExperimentTrain. */
  augment?: string;
  augmentCopies?: number;
  nMels?: number;
  frames?: number;
}

/** Evaluation of one held-out side: accuracy against the baseline, per class, confusion matrix. */
export interface HeldOutEvaluation {
  items: number;
  accuracy: number;
  baseline: { class: string; accuracy: number };
  report: ClassificationReport;
}

/** Raised for a dataset the command cannot train on (names the folder and the reason). */
export class TrainCommandError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TrainCommandError';
  }
}

interface Row {
  item: DatasetItem & { label: string };
  x: Float32Array;
}

/** Train a fresh MLP on `trainRows` (validation on `testRows` if given) and evaluate on `testRows`. */
async function fitAndEvaluate(
  trainRows: readonly Row[],
  testRows: readonly Row[],
  encoder: LabelEncoder,
  opts: TrainCommandOptions,
  io: CliIo,
  verbose: boolean,
): Promise<{ model: tf.LayersModel; history: History; standardizer?: Standardizer; evaluation: HeldOutEvaluation | null }> {
  const standardizer = opts.standardize ? fitStandardizer(trainRows.map((r) => r.x)) : undefined;
  const prep = (rows: readonly Row[]) => (standardizer ? standardize(rows.map((r) => r.x), standardizer) : rows.map((r) => r.x));
  const classCount = encoder.classes.length;
  const model = buildMlp({ inputSize: trainRows[0].x.length, classCount, seed: opts.seed });
  const yTrain = toCategorical(encoder.transform(trainRows.map((r) => r.item.label)), classCount);
  const xTest = testRows.length ? prep(testRows) : null;
  const history = await train(model, prep(trainRows), yTrain, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    seed: opts.seed,
    verbose: verbose ? 1 : 0,
    log: io.out,
    ...(xTest ? { validationData: [xTest, toCategorical(encoder.transform(testRows.map((r) => r.item.label)), classCount)] } : {}),
  });
  let evaluation: HeldOutEvaluation | null = null;
  if (xTest) {
    const truth = testRows.map((r) => r.item.label);
    const predicted = predictLabels(model, xTest, encoder).map((p) => p.label);
    const trainLabels = trainRows.map((r) => r.item.label);
    const report = classificationReport(truth, predicted, encoder.classes);
    evaluation = {
      items: truth.length,
      accuracy: report.accuracy,
      baseline: { class: mostFrequentClass(trainLabels), accuracy: baselineAccuracy(trainLabels, truth) },
      report,
    };
  }
  return { model, history, standardizer, evaluation };
}

function printEvaluation(e: HeldOutEvaluation, classes: readonly string[], io: CliIo): void {
  io.out('');
  io.out(
    `accuracy ${e.accuracy.toFixed(4)} on ${e.items} held-out clips; baseline (always '${e.baseline.class}', the tutorial's ` +
      `first submission) ${e.baseline.accuracy.toFixed(4)}`,
  );
  io.out('');
  io.out(formatClassificationReport(e.report));
  io.out('');
  io.out('confusion matrix (rows: true class, columns: predicted class)');
  io.out(formatConfusionMatrix(e.report.confusion, classes));
}

/**
 * The whole command: load DIR, featurize (40 MFCC means per clip, cached), split (stratified random with the
 * leak warning, one held-out fold, or all folds), train, evaluate, save MODEL_DIR (+ evaluation.json).
 * Returns what it wrote to evaluation.json.
 */
export async function runTrainCommand(opts: TrainCommandOptions, io: CliIo = consoleIo): Promise<Record<string, unknown>> {
  await selectBackend();
  if ((opts.model && opts.model !== 'mlp') || opts.augment) {
    // The CNN / RNN (and augmented training) live in lib/experiments, on the same train loop.
    const { model = 'mlp', data, out, valSplit, testFold, folds, workers, cache, epochs, batchSize, seed, nMfcc, sampleRate, augment, augmentCopies, nMels, frames } = opts;
    const extra = { augment, augmentCopies, nMels, frames };
    const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    return runExperimentTrain({ model, data, out, valSplit, testFold, folds, workers, cache, epochs, batchSize, seed, nMfcc, sampleRate, ...defined }, io);
  }
  const dataset = loadDataset(opts.data);
  for (const p of dataset.problems) io.err(`warning: ${p.file}: ${p.reason} (left out)`);
  const labelled = dataset.items.filter((i): i is DatasetItem & { label: string } => i.label !== undefined);
  if (labelled.length === 0) throw new TrainCommandError(`${dataset.root}: no labelled clips to train on`);
  if (opts.folds && opts.testFold !== undefined) throw new TrainCommandError('--folds and --test-fold exclude each other');
  if ((opts.folds || opts.testFold !== undefined) && labelled.some((i) => i.fold === undefined)) {
    throw new TrainCommandError(`${dataset.root}: --folds / --test-fold need a fold per clip (UrbanSound8K metadata); this ${dataset.layout} layout has none`);
  }

  const features: FeatureParams = { kind: 'mfccMean', sampleRate: opts.sampleRate, nMfcc: opts.nMfcc };
  const extracted = await extractFeatures(labelled, {
    kind: 'mfccMean',
    sampleRate: opts.sampleRate,
    nMfcc: opts.nMfcc,
    cache: opts.cache,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  });
  for (const s of extracted.skipped) io.err(`warning: ${s.file}: ${s.reason} (skipped)`);
  const byId = new Map(labelled.map((i) => [i.id, i]));
  const rows: Row[] = extracted.ids.map((id, k) => ({ item: byId.get(id) as Row['item'], x: extracted.X[k] }));
  if (rows.length < 2) throw new TrainCommandError(`${dataset.root}: fewer than 2 clips could be featurized`);
  const encoder = new LabelEncoder().fit(rows.map((r) => r.item.label));
  const classes = encoder.classes;
  io.err(`${rows.length} clips, ${classes.length} classes (${dataset.layout} layout) from ${dataset.root}`);
  const pick = (idx: number[]) => idx.map((i) => rows[i]);
  const groups = rows.map((r) => r.item.group);

  const evaluationJson: Record<string, unknown> = {
    dataset: { dir: dataset.root, layout: dataset.layout, clips: rows.length, skipped: extracted.skipped.length, classes },
    features,
    training: { epochs: opts.epochs, batchSize: opts.batchSize, seed: opts.seed, standardize: opts.standardize },
  };
  let finalModel: tf.LayersModel;
  let finalStandardizer: Standardizer | undefined;
  let finalHistory: History;

  if (opts.folds) {
    const foldResults: { fold: string; accuracy: number; baseline: number; items: number }[] = [];
    for (const split of foldSplits(rows.map((r) => r.item.fold as number))) {
      io.out(`fold ${split.fold}: train on ${split.train.length} clips, test on ${split.test.length}`);
      const r = await fitAndEvaluate(pick(split.train), pick(split.test), encoder, opts, io, true);
      r.model.dispose();
      const e = r.evaluation as HeldOutEvaluation;
      io.out(`fold ${split.fold}: accuracy ${e.accuracy.toFixed(4)}, baseline ${e.baseline.accuracy.toFixed(4)}`);
      foldResults.push({ fold: split.fold, accuracy: e.accuracy, baseline: e.baseline.accuracy, items: e.items });
    }
    const acc = meanStd(foldResults.map((f) => f.accuracy));
    const base = meanStd(foldResults.map((f) => f.baseline));
    io.out('');
    io.out(`cross-validation over ${foldResults.length} folds: accuracy ${acc.mean.toFixed(4)} ± ${acc.std.toFixed(4)}, baseline ${base.mean.toFixed(4)} ± ${base.std.toFixed(4)}`);
    evaluationJson.split = { kind: 'folds', folds: foldResults.map((f) => f.fold) };
    evaluationJson.crossValidation = { folds: foldResults, accuracy: acc, baseline: base };
    io.err('training the saved model on all folds');
    const all = await fitAndEvaluate(rows, [], encoder, opts, io, false);
    [finalModel, finalStandardizer, finalHistory] = [all.model, all.standardizer, all.history];
  } else {
    let split: Split;
    if (opts.testFold !== undefined) {
      const fold = String(opts.testFold);
      const found = foldSplits(rows.map((r) => r.item.fold as number)).find((f) => f.fold === fold);
      if (!found) throw new TrainCommandError(`${dataset.root}: no clip is in fold ${fold}`);
      split = found;
      evaluationJson.split = { kind: 'fold', testFold: opts.testFold };
    } else {
      split = stratifiedSplit(rows.map((r) => r.item.label), { testSize: opts.valSplit, seed: opts.seed });
      const leaky = dataset.layout === 'urbansound8k' ? warnIfLeaky(groups, split, io.err) : 0;
      evaluationJson.split = { kind: 'random', valSplit: opts.valSplit, seed: opts.seed, groupsOnBothSides: leaky };
    }
    io.err(`train on ${split.train.length} clips, evaluate on ${split.test.length}`);
    const r = await fitAndEvaluate(pick(split.train), pick(split.test), encoder, opts, io, true);
    const e = r.evaluation as HeldOutEvaluation;
    printEvaluation(e, classes, io);
    evaluationJson.evaluation = e;
    [finalModel, finalStandardizer, finalHistory] = [r.model, r.standardizer, r.history];
  }
  evaluationJson.history = finalHistory;

  const outDir = resolve(opts.out);
  mkdirSync(outDir, { recursive: true });
  await saveModelDir(outDir, {
    model: finalModel,
    encoder,
    features,
    ...(finalStandardizer ? { standardizer: finalStandardizer } : {}),
    training: evaluationJson.training as Record<string, unknown>,
  });
  writeFileSync(join(outDir, 'evaluation.json'), JSON.stringify(evaluationJson, null, 2) + '\n');
  finalModel.dispose();
  io.err(`model written to ${outDir} (model.json, weights.bin, soundlab.json, evaluation.json)`);
  return evaluationJson;
}

export function register(program: Command): void {
  program
    .command('train')
    .description(
      "Train the tutorial's MLP (Dense 256-256, dropout 0.5, Adam) on 40 mean MFCCs per clip, print Keras-style epoch lines " +
        'and an evaluation against the most-frequent-class baseline (per class, confusion matrix), and save the model for `predict`. ' +
        "Evaluation: a stratified random split (--val-split), one of UrbanSound8K's folds (--test-fold N), or all folds (--folds).",
    )
    .requiredOption('--data <dir>', 'dataset folder: tutorial (train.csv + Train/), UrbanSound8K (metadata + audio/foldN), folder per class, or FSDD')
    .requiredOption('--out <model_dir>', 'where to write the model (model.json, weights.bin, soundlab.json, evaluation.json)')
    .option('--epochs <n>', 'passes over the training data', positiveInt('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'clips per gradient step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
    .option('--val-split <fraction>', 'random split: fraction held out for evaluation', openFraction('--val-split'), TRAIN_DEFAULTS.validationSplit)
    .option('--seed <n>', 'seed of the split, initial weights, shuffles and dropout', nonNegativeInt('--seed'), TRAIN_DEFAULTS.seed)
    .option('--test-fold <n>', "hold out this UrbanSound8K fold (the dataset's official split; no recording on both sides)", positiveInt('--test-fold'))
    .option('--folds', "10-fold cross-validation over UrbanSound8K's folds (mean ± std); the saved model is then trained on all folds")
    .option('--n-mfcc <n>', 'MFCCs per frame (the tutorial: 40)', positiveInt('--n-mfcc'), FEATURE_DEFAULTS.nMfcc)
    .option('--sample-rate <hz>', 'load clips at this rate (librosa: 22050)', positiveInt('--sample-rate'), FEATURE_DEFAULTS.sampleRate)
    .option('--model <kind>', `network: mlp (the tutorial's, default), cnn (SB-CNN on log-mel patches) or rnn (GRU on MFCC frames)`, (v) => {
      if (!MODEL_KINDS.includes(v as ModelKind) || v === 'baseline') throw new InvalidArgumentError(`--model must be mlp, cnn or rnn, got '${v}'`);
      return v;
    }, 'mlp')
    .option('--augment <spec>', 'augment the TRAINING side only, e.g. shift,stretch,pitch,noise:20')
    .option('--augment-copies <n>', 'augmented copies per training clip (default 1)', positiveInt('--augment-copies'))
    .option('--n-mels <n>', 'cnn: mel bands of a patch (default 128)', positiveInt('--n-mels'))
    .option('--frames <n>', 'cnn / rnn: frames per patch or sequence (default 128)', positiveInt('--frames'))
    .option('--no-standardize', "feed raw MFCC means, as the tutorial does (default: standardise columns with the training side's mean/std)")
    .option('--workers <n>', 'feature worker threads (0 = none; default one per core)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute features instead of using the feature cache')
    .action(async (opts: TrainCommandOptions) => {
      await runTrainCommand(opts);
    });
}
