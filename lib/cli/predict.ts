// `soundlab predict --model MODEL_DIR FILE...` and `--submission DIR`: classify clips with a saved model, same features as in training.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { nonNegativeInt } from './options';
import { loadDataset } from '../data/dataset';
import { extractFeatures, type ExtractOptions } from '../features/extract';
import { savedModelProbabilities } from '../experiments/train-command';
import { selectBackend } from '../model/backend';
import { argMax, predictLabels } from '../model/predict';
import { loadModelDir, type SavedModel } from '../model/save';
import { standardize } from '../model/scaler';
import { consoleIo, type CliIo } from './io';

/** Raised when clips cannot be classified (names the files and reasons). */
export class PredictError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PredictError';
  }
}

/** One classified clip. */
export interface Prediction {
  id: string;
  file: string;
  label: string;
  probability: number;
}

/** A field for a CSV line: quoted when it holds a comma, quote or newline. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Featurize clips exactly as the model's training did (its saved feature parameters and standardizer)
 * and classify them. Clips that cannot be read come back in `skipped` with the reason.
 */
export async function predictClips(
  saved: SavedModel,
  clips: readonly { id: string; path: string }[],
  opts: { workers?: number; cache?: boolean } = {},
): Promise<{ predictions: Prediction[]; skipped: { file: string; reason: string }[] }> {
  const { kind, sampleRate, nMfcc, nMels, frames, patchHop } = saved.features;
  const extracted = await extractFeatures(clips, {
    kind: kind as ExtractOptions['kind'],
    sampleRate,
    ...(nMfcc !== undefined ? { nMfcc } : {}),
    ...(typeof nMels === 'number' ? { nMels } : {}),
    ...(typeof frames === 'number' ? { frames } : {}),
    ...(typeof patchHop === 'number' ? { patchHop } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    cache: opts.cache ?? true,
  });
  let labels: { label: string; probability: number }[];
  // A CNN / RNN saved by lib/experiments carries its own input scaling and shape; a CNN's clip is
  // classified by the mean over its patches, as in its evaluation.
  const networkProbs = extracted.X.length ? savedModelProbabilities(saved.model, saved.features, extracted.X, extracted.shapes) : null;
  if (networkProbs) {
    labels = networkProbs.map((p) => {
      const id = argMax(p);
      return { label: saved.encoder.inverseTransform([id])[0], probability: p[id] };
    });
  } else {
    const X = saved.standardizer ? standardize(extracted.X, saved.standardizer) : extracted.X;
    labels = X.length ? predictLabels(saved.model, X, saved.encoder) : [];
  }
  return {
    predictions: labels.map((p, k) => ({ id: extracted.ids[k], file: extracted.paths[k], label: p.label, probability: p.probability })),
    skipped: extracted.skipped.map((s) => ({ file: s.file, reason: s.reason })),
  };
}

interface PredictCommandOptions {
  model: string;
  submission?: string;
  out?: string;
  workers?: number;
  cache: boolean;
}

/**
 * The whole command. FILE... → `file,class,probability` lines on stdout. `--submission DIR` → the tutorial's
 * submission CSV (ID,Class) for DIR's test.csv + Test/, in test.csv's order, to `--out` or stdout.
 */
export async function runPredictCommand(files: string[], opts: PredictCommandOptions, io: CliIo = consoleIo): Promise<void> {
  if (!opts.submission && files.length === 0) throw new PredictError('give audio FILEs to classify, or --submission DIR');
  if (opts.submission && files.length) throw new PredictError('give either FILEs or --submission DIR, not both');
  if (opts.out && !opts.submission) throw new PredictError('--out goes with --submission (FILE predictions go to stdout)');
  await selectBackend();
  const saved = await loadModelDir(opts.model);
  const runOpts = { workers: opts.workers, cache: opts.cache };

  if (opts.submission) {
    const test = loadDataset(opts.submission, { split: 'test' });
    if (test.layout !== 'tutorial') {
      throw new PredictError(`${test.root}: --submission needs the tutorial layout (test.csv + Test/), found a ${test.layout} layout`);
    }
    for (const p of test.problems) io.err(`warning: ${p.file}: ${p.reason}`);
    const { predictions, skipped } = await predictClips(saved, test.items, runOpts);
    if (skipped.length || test.problems.length) {
      const list = [...test.problems, ...skipped].map((s) => `${s.file}: ${s.reason}`).join('; ');
      throw new PredictError(`cannot write a complete submission, ${skipped.length + test.problems.length} clip(s) failed: ${list}`);
    }
    const lines = ['ID,Class', ...predictions.map((p) => `${csvField(p.id)},${csvField(p.label)}`)];
    if (opts.out) {
      writeFileSync(resolve(opts.out), lines.join('\n') + '\n');
      io.err(`submission for ${predictions.length} clips written to ${resolve(opts.out)}`);
    } else {
      lines.forEach((l) => io.out(l));
    }
    return;
  }

  const clips = files.map((f) => ({ id: f, path: resolve(f) }));
  const { predictions, skipped } = await predictClips(saved, clips, runOpts);
  io.out('file,class,probability');
  for (const p of predictions) io.out(`${csvField(p.id)},${csvField(p.label)},${p.probability.toFixed(4)}`);
  if (skipped.length) {
    throw new PredictError(skipped.map((s) => `${s.file}: ${s.reason}`).join('; '));
  }
}

export function register(program: Command): void {
  program
    .command('predict')
    .description(
      'Classify audio files with a model written by `soundlab train` (same features, same standardisation): prints ' +
        "file,class,probability lines; or, with --submission DIR, writes the tutorial's submission CSV (ID,Class) for DIR's test.csv + Test/.",
    )
    .argument('[files...]', 'audio files to classify')
    .requiredOption('--model <model_dir>', 'a model directory written by `soundlab train --out`')
    .option('--submission <dir>', "predict DIR's test.csv + Test/ clips and write the submission CSV")
    .option('--out <file>', 'with --submission: write the CSV here instead of stdout')
    .option('--workers <n>', 'feature worker threads (0 = none; default one per core)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute features instead of using the feature cache')
    .action(async (files: string[], opts: PredictCommandOptions) => {
      await runPredictCommand(files, opts);
    });
}
