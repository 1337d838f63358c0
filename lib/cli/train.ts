// `soundlab train --data DIR --out MODEL_DIR [--model mlp|cnn|rnn]`: parses the options, runs lib/experiments'
// trainModel (the one training path), prints the evaluation.
import { Command, InvalidArgumentError } from 'commander';
import { CNN_DEFAULTS, FEATURE_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { trainModel, type HeldOutEvaluation, type TrainModelResult } from '../experiments/train-model';
import { selectBackend } from '../model/backend';
import { formatClassificationReport, formatConfusionMatrix } from '../model/metrics';
import { MODEL_REGISTRY, NETWORK_KINDS, type NetworkKind } from '../model/registry';
import { interruptOnSigint, SIGINT_EXIT_CODE } from '../util/interrupt';
import { EARLY_STOPPING_HELP } from './evaluate';
import { consoleIo, type CliIo } from './io';
import { nonNegativeInt, positiveInt, validationFraction } from './options';

/** Options of `soundlab train` (as commander parses them). */
export interface TrainCommandOptions {
  data: string;
  out: string;
  /** Left out: the model kind's default (lib/defaults.ts). */
  epochs?: number;
  batchSize?: number;
  /** Held-out fraction; 0 trains on every labelled clip. */
  valSplit: number;
  seed: number;
  testFold?: number;
  folds?: boolean;
  nMfcc: number;
  sampleRate: number;
  standardize: boolean;
  workers?: number;
  cache: boolean;
  /** 'mlp' (default, the tutorial's), 'cnn' or 'rnn': lib/model/registry.ts's kinds. */
  model?: NetworkKind;
  /** Training-side augmentation spec (e.g. 'shift,noise:20'). */
  augment?: string;
  augmentCopies?: number;
  nMels?: number;
  frames?: number;
  /** --early-stopping: the CNN's fraction of the training clips held out for early stopping (0: none). */
  earlyStopping?: number;
}

function printEvaluation(e: HeldOutEvaluation, classes: readonly string[], io: CliIo): void {
  io.out('');
  io.out(
    `accuracy ${e.accuracy.toFixed(4)} on ${e.items} held-out clips; baseline (always '${e.baseline.class}', the tutorial's ` +
      `first submission) ${e.baseline.accuracy.toFixed(4)}; macro-F1 ${e.macroF1.toFixed(4)}`,
  );
  io.out('');
  io.out(formatClassificationReport(e.report));
  io.out('');
  io.out('confusion matrix (rows: true class, columns: predicted class)');
  io.out(formatConfusionMatrix(e.report.confusion, classes));
}

/** The whole command: trainModel with these options, then the evaluation (or cross-validation) printed. Returns evaluation.json's content. */
export async function runTrainCommand(opts: TrainCommandOptions, io: CliIo = consoleIo): Promise<TrainModelResult> {
  await selectBackend();
  const { data, out, valSplit, testFold, folds, workers, cache, model = 'mlp', earlyStopping, ...params } = opts;
  const defined = Object.fromEntries(Object.entries({ ...params, earlyStoppingSplit: earlyStopping }).filter(([, v]) => v !== undefined));
  // Ctrl-C stops the training (the CNN keeps its best weights so far), the model is still evaluated and
  // saved, and the command then exits non-zero (130, as for a Ctrl-C) so scripts see it did not finish.
  const interrupt = interruptOnSigint(io.err);
  const result = await trainModel({ ...defined, data, out, model, validationSplit: valSplit, testFold, folds, workers, cache, log: io.out, warn: io.err, signal: interrupt.signal })
    .finally(() => interrupt.dispose());
  if (interrupt.signal.aborted) {
    // With early stopping, the best validated epoch's; without, the CNN's moving average (what it would have ended with).
    const kept =
      result.bestEpoch !== null && result.bestEpoch !== undefined
        ? `the best weights so far (epoch ${result.bestEpoch + 1})`
        : model === 'cnn' && CNN_DEFAULTS.emaMomentum > 0
          ? "the weights' moving average as of the last step"
          : 'the weights of the last step';
    io.err(`interrupted: training stopped early; ${kept} were saved to ${result.out}`);
    process.exitCode = SIGINT_EXIT_CODE;
  }
  if (result.evaluation) printEvaluation(result.evaluation, result.dataset.classes, io);
  if (result.crossValidation) {
    const { accuracy: acc, baseline: base, folds: f } = result.crossValidation;
    io.out('');
    io.out(`cross-validation over ${f.length} folds: accuracy ${acc.mean.toFixed(4)} ± ${acc.std.toFixed(4)}, baseline ${base.mean.toFixed(4)} ± ${base.std.toFixed(4)}`);
  }
  return result;
}

export function register(program: Command): void {
  program
    .command('train')
    .description(
      "Train a model (default: the tutorial's MLP, Dense 256-256, dropout 0.5, Adam, on 40 mean MFCCs per clip), print Keras-style epoch lines " +
        'and an evaluation against the most-frequent-class baseline (per class, confusion matrix), and save the model for `predict`. ' +
        "Evaluation: a stratified random split (--val-split; 0 trains on every clip), one of UrbanSound8K's folds (--test-fold N), or all folds (--folds).",
    )
    .requiredOption('--data <dir>', 'dataset folder: tutorial (train.csv + Train/), UrbanSound8K (metadata + audio/foldN), folder per class, or FSDD')
    .requiredOption('--out <model_dir>', 'where to write the model (model.json, weights.bin, soundlab.json, evaluation.json)')
    .option('--model <kind>', NETWORK_KINDS.map((k) => `${k}: ${MODEL_REGISTRY[k].summary}`).join('; ') + ' (default mlp)', (v) => {
      if (!NETWORK_KINDS.includes(v as NetworkKind)) throw new InvalidArgumentError(`--model must be ${NETWORK_KINDS.join(', ')}, got '${v}'`);
      return v;
    }, 'mlp')
    .option('--epochs <n>', `passes over the training data (default per model kind; mlp ${MODEL_REGISTRY.mlp.defaults.epochs})`, positiveInt('--epochs'))
    .option('--batch-size <n>', `clips per gradient step (default per model kind; mlp ${MODEL_REGISTRY.mlp.defaults.batchSize})`, positiveInt('--batch-size'))
    .option('--val-split <fraction>', 'random split: fraction held out for evaluation; 0 trains on every labelled clip (no evaluation)', validationFraction('--val-split', true), TRAIN_DEFAULTS.validationSplit)
    .option('--seed <n>', 'seed of the split, initial weights, shuffles and dropout', nonNegativeInt('--seed'), TRAIN_DEFAULTS.seed)
    .option('--test-fold <n>', "hold out this UrbanSound8K fold (the dataset's official split; no recording on both sides)", positiveInt('--test-fold'))
    .option('--folds', "cross-validation over UrbanSound8K's folds (mean ± std); the saved model is then trained on all folds")
    .option('--n-mfcc <n>', 'MFCCs per frame (the tutorial: 40)', positiveInt('--n-mfcc'), FEATURE_DEFAULTS.nMfcc)
    .option('--sample-rate <hz>', 'load clips at this rate (librosa: 22050)', positiveInt('--sample-rate'), FEATURE_DEFAULTS.sampleRate)
    .option('--augment <spec>', 'augment the TRAINING side only, e.g. shift,stretch,pitch,noise:20')
    .option('--augment-copies <n>', 'augmented copies per training clip (default 1)', positiveInt('--augment-copies'))
    .option('--n-mels <n>', 'cnn: mel bands of a patch (default 128)', positiveInt('--n-mels'))
    .option('--frames <n>', 'cnn / rnn: frames per patch or sequence (default 128)', positiveInt('--frames'))
    .option('--early-stopping <fraction>', EARLY_STOPPING_HELP, validationFraction('--early-stopping', true))
    .option('--no-standardize', "feed raw features, as the tutorial does (default: standardise with the training side's mean/std)")
    .option('--workers <n>', 'feature worker threads (0 = none; default one per core)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute features instead of using the feature cache')
    .action(async (opts: TrainCommandOptions) => {
      await runTrainCommand(opts);
    });
}
