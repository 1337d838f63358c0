// `soundlab predict --model MODEL_DIR FILE...` and `--submission DIR`: parses the options, classifies with
// lib/experiments' predictClips (the one prediction path), prints the lines or writes the submission CSV.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { nonNegativeInt } from './options';
import { loadDataset } from '../data/dataset';
import { predictClips } from '../experiments/predict';
import { selectBackend } from '../model/backend';
import { loadModelDir } from '../model/save';
import { consoleIo, type CliIo } from './io';

/** Raised when clips cannot be classified (names the files and reasons). */
export class PredictError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PredictError';
  }
}

/** A field for a CSV line: quoted when it holds a comma, quote or newline. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
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
