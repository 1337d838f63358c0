// `soundlab evaluate --data DIR [--folds]`: baseline / MLP / CNN / RNN on one split or UrbanSound8K's 10 folds, in one table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TRAIN_DEFAULTS } from '../defaults';
import { nonNegativeInt, positiveInt, positiveNumber, rate, validationFraction } from './options';
import { loadDataset } from '../data/dataset';
import {
  compareModels,
  crossValidateModels,
  formatComparison,
  formatCrossValidation,
  heldOutSplit,
  labelledItems,
  REFERENCE_RESULTS,
  type ExperimentParams,
} from '../experiments';
import { MODEL_KINDS, type ModelKind } from '../model/registry';
import { selectBackend } from '../model/backend';

const intList = (name: string) => (value: string): number[] => {
  const xs = value.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`${name} must be comma-separated positive integers, got '${value}'`);
  return xs;
};

/** --models: comma-separated kinds among baseline, mlp, cnn, rnn. */
export function parseModels(value: string): ModelKind[] {
  const kinds = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = kinds.filter((k) => !MODEL_KINDS.includes(k as ModelKind));
  if (kinds.length === 0 || bad.length) throw new InvalidArgumentError(`unknown model(s) '${bad.join(', ')}' (known: ${MODEL_KINDS.join(', ')})`);
  return kinds as ModelKind[];
}

/** Options shared with other experiment commands. */
export interface ExperimentCliOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  hiddenUnits?: number[];
  dropout?: number;
  nMfcc?: number;
  nMels?: number;
  frames?: number;
  cnnFilters?: number[];
  denseUnits?: number;
  cnnPadding?: 'valid' | 'same';
  rnnUnits?: number;
  rnnCell?: 'gru' | 'lstm';
  augment?: string;
  augmentCopies?: number;
  /** --early-stopping: ExperimentParams.earlyStoppingSplit. */
  earlyStopping?: number;
  sampleRate?: number;
  seed?: number;
}

/** --early-stopping's help (train, evaluate): what the CNN holds out for it, and the default. */
export const EARLY_STOPPING_HELP =
  'cnn: hold out this fraction of the training clips (whole recordings when known, class by class) and stop when their accuracy ' +
  "stops improving, keeping the best epoch's weights (Keras EarlyStopping(restore_best_weights=True)); default 0: train the whole " +
  "epoch budget on every clip and keep the weights' moving average";

/** Adds the model / training / feature options (all optional: lib/defaults.ts has the defaults). */
export function addExperimentOptions(cmd: Command): Command {
  return cmd
    .option('--epochs <n>', 'training epochs (default 5, the tutorial\'s)', positiveInt('--epochs'))
    .option('--batch-size <n>', 'batch size (default 32)', positiveInt('--batch-size'))
    .option('--learning-rate <lr>', 'Adam learning rate (default 0.001)', positiveNumber('--learning-rate'))
    .option('--hidden-units <list>', 'MLP hidden layers, e.g. 256,256', intList('--hidden-units'))
    .option('--dropout <rate>', 'dropout rate (default: 0.5 MLP and CNN, 0.3 RNN)', rate('--dropout'))
    .option('--n-mfcc <n>', 'MFCCs (MLP vector, RNN frames; default 40)', positiveInt('--n-mfcc'))
    .option('--n-mels <n>', 'CNN patch mel bands (default 128)', positiveInt('--n-mels'))
    .option('--frames <n>', 'CNN patch / RNN sequence frames (default 128 ≈ 3 s)', positiveInt('--frames'))
    .option('--cnn-filters <list>', 'CNN conv filters (default 24,48,48, SB-CNN)', intList('--cnn-filters'))
    .option('--dense-units <n>', 'CNN dense units (default 64)', positiveInt('--dense-units'))
    .option('--cnn-padding <p>', "CNN conv padding 'valid' (SB-CNN) or 'same' (small patches)", (v) => {
      if (v !== 'valid' && v !== 'same') throw new InvalidArgumentError(`--cnn-padding must be 'valid' or 'same', got '${v}'`);
      return v;
    })
    .option('--rnn-units <n>', 'RNN units (default 64)', positiveInt('--rnn-units'))
    .option('--rnn-cell <cell>', "RNN cell 'gru' (default) or 'lstm'", (v) => {
      if (v !== 'gru' && v !== 'lstm') throw new InvalidArgumentError(`--rnn-cell must be 'gru' or 'lstm', got '${v}'`);
      return v;
    })
    .option('--augment <spec>', 'augment the TRAINING side only, e.g. shift,stretch,pitch,noise:20,specaugment')
    .option('--augment-copies <n>', 'augmented copies per training clip (default 1)', positiveInt('--augment-copies'))
    .option('--early-stopping <fraction>', EARLY_STOPPING_HELP, validationFraction('--early-stopping', true))
    .option('--sample-rate <hz>', 'load clips at this rate (default 22050)', positiveInt('--sample-rate'))
    .option('--seed <n>', 'seed of splits, initial weights, shuffles, dropout and augmentation (default 0)', nonNegativeInt('--seed'));
}

/** The experiment parameters given on the command line (undefined ones are left to the defaults). */
export function experimentParamsFrom(opts: ExperimentCliOptions): Partial<ExperimentParams> {
  const out: Partial<ExperimentParams> = {};
  const keys: (keyof ExperimentCliOptions)[] = [
    'epochs', 'batchSize', 'learningRate', 'hiddenUnits', 'dropout', 'nMfcc', 'nMels', 'frames', 'cnnFilters',
    'denseUnits', 'cnnPadding', 'rnnUnits', 'rnnCell', 'augment', 'augmentCopies', 'sampleRate', 'seed',
  ];
  for (const k of keys) if (opts[k] !== undefined) (out as Record<string, unknown>)[k] = opts[k];
  if (opts.earlyStopping !== undefined) out.earlyStoppingSplit = opts.earlyStopping;
  return out;
}

interface EvaluateOptions extends ExperimentCliOptions {
  data: string;
  folds?: boolean;
  onlyFolds?: number[];
  testFold?: number;
  valSplit: number;
  /** Deprecated alias of valSplit (hidden --test-size). */
  testSize?: number;
  groupSplit?: boolean;
  models: ModelKind[];
  json?: string;
  workers?: number;
  cache: boolean;
  verbose?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description(
      'Train and test baseline, MLP (mean MFCCs), CNN (SB-CNN on log-mel patches) and RNN (GRU on MFCC frames) on the same clips ' +
        "and print one table. --folds runs UrbanSound8K's official cross-validation (train on 9 folds, test on the held-out one) " +
        'and reports mean ± std with published reference points; otherwise a stratified random split (with the leak warning on UrbanSound8K).',
    )
    .requiredOption('--data <dir>', 'dataset folder (tutorial train.csv + Train/, UrbanSound8K metadata + audio/foldN, folder per class, FSDD)')
    .option('--folds', "10-fold cross-validation over the metadata's fold column")
    .option('--only-folds <list>', 'with --folds: hold out only these folds (e.g. 1,2 for a quick look); training still uses every other fold', intList('--only-folds'))
    .option('--test-fold <n>', 'hold out this one fold instead of a random split', positiveInt('--test-fold'))
    .option('--group-split', 'hold out whole groups (UrbanSound8K recordings fsID, FSDD speakers) instead of a random split: no leak')
    .option('--val-split <fraction>', 'random or group split: fraction held out for testing', validationFraction('--val-split'), TRAIN_DEFAULTS.validationSplit)
    .addOption(new Option('--test-size <fraction>', 'deprecated name of --val-split').argParser(validationFraction('--test-size')).hideHelp())
    .option('--models <list>', `models to compare (${MODEL_KINDS.join(',')})`, parseModels, ['baseline', 'mlp', 'cnn', 'rnn'] as ModelKind[]);
  addExperimentOptions(cmd)
    .option('--json <file>', 'also write the results (per model, per fold) as JSON')
    .option('--workers <n>', 'feature worker threads (0 = none; default one per core)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute features instead of using the feature cache')
    .option('--verbose', 'print the epoch lines of every training')
    .action(async (opts: EvaluateOptions) => {
      const validationSplit = opts.testSize ?? opts.valSplit;
      const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
      const dataset = loadDataset(opts.data);
      const items = labelledItems(dataset);
      await selectBackend();
      const log = (line: string) => console.error(line);
      const common = {
        models: opts.models,
        params: experimentParamsFrom(opts),
        workers: opts.workers,
        cache: opts.cache,
        log: opts.verbose ? log : (line: string) => (line.startsWith('Epoch') ? undefined : log(line)),
      };
      console.log(`${dataset.root}: ${items.length} labelled clips, ${dataset.classes.length} classes (${dataset.layout} layout)`);
      if (opts.augment) console.log(`augmentation (training side only): ${opts.augment} × ${opts.augmentCopies ?? 1} cop${(opts.augmentCopies ?? 1) === 1 ? 'y' : 'ies'} per clip`);
      if (opts.folds) {
        const results = await crossValidateModels(items, { ...common, onlyFolds: opts.onlyFolds });
        console.log(`\nCross-validation over the official folds (train on the others, test on each):\n`);
        console.log(formatCrossValidation(results));
        if (opts.json) writeJson(opts.json, { dataset: dataset.root, protocol: 'folds', results, references: REFERENCE_RESULTS });
        return;
      }
      const { split, protocol } = heldOutSplit(items, { testFold: opts.testFold, groupSplit: opts.groupSplit, validationSplit, seed, root: dataset.root, warnLeak: (l) => console.warn(l) });
      const rows = await compareModels(items, split, common);
      console.log(`\n${protocol}: train ${split.train.length}, test ${split.test.length} clips\n`);
      console.log(formatComparison(rows));
      if (opts.json) {
        writeJson(opts.json, {
          dataset: dataset.root,
          protocol,
          results: rows.map((r) => ({ model: r.model, accuracy: r.accuracy, macroF1: r.macroF1, trainSeconds: r.trainSeconds, baselineAccuracy: r.baselineAccuracy, params: r.result.params, report: r.result.report })),
        });
      }
    });
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 1)}\n`);
  console.log(`\nwrote ${file}`);
}
