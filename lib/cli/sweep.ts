// `soundlab sweep --config sweep.json --out results.jsonl`: grid / random search, one JSON line per run, resumable, HTML report.
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { nonNegativeInt, validationFraction } from './options';
import { TRAIN_DEFAULTS } from '../defaults';
import { loadDataset } from '../data/dataset';
import { bestRecord, labelledItems, readSweepConfig, runSweep, SweepConfigError } from '../experiments';
import { writeSweepReport } from '../plot/sweep';
import { selectBackend } from '../model/backend';

interface SweepOptions {
  config: string;
  out: string;
  data?: string;
  html?: string;
  valSplit?: number;
  workers?: number;
  cache: boolean;
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description(
      'Run a hyperparameter sweep (grid or random search over epochs, batchSize, hiddenUnits, dropout, learningRate, nMfcc, model, …) ' +
        'on one split; each finished run is appended to --out as a JSON line (params, metrics, time, seed) and its report written beside it. ' +
        'Rerun to resume: runs already in --out are skipped. Writes a sortable HTML table with a parallel-coordinates plot, best run marked.',
    )
    .requiredOption('--config <file>', 'sweep JSON: { "search": "grid"|"random", "trials": N, "grid": {param: [values]}, "fixed": {...}, "split": {"validationSplit": 0.2} | {"testFold": 1}, "data": "DIR" }')
    .requiredOption('--out <file>', 'results file (JSON lines), appended to')
    .option('--data <dir>', "dataset folder (overrides the config's data)")
    .option('--val-split <fraction>', `hold out this fraction (stratified, seeded) instead of the config's split (default: the config's, else ${TRAIN_DEFAULTS.validationSplit})`, validationFraction('--val-split'))
    .option('--html <file>', 'HTML report (default: OUT with .html instead of .jsonl)')
    .option('--workers <n>', 'feature worker threads (0 = none)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute features instead of using the feature cache')
    .action(async (opts: SweepOptions) => {
      const config = readSweepConfig(opts.config);
      if (opts.valSplit !== undefined) config.split = { validationSplit: opts.valSplit };
      const dataDir = opts.data ?? (config.data ? resolve(dirname(opts.config), config.data) : undefined);
      if (!dataDir) throw new SweepConfigError(opts.config, 'no dataset: give --data DIR or "data" in the sweep file');
      const dataset = loadDataset(dataDir);
      const items = labelledItems(dataset);
      await selectBackend();
      const summary = await runSweep(items, dataset.root, config, { out: opts.out, workers: opts.workers, cache: opts.cache });
      const html = opts.html ?? opts.out.replace(/\.jsonl?$/i, '') + '.html';
      writeSweepReport(summary.records, html, { title: `Sweep ${opts.config}` });
      const best = bestRecord(summary.records);
      console.log(`\n${summary.ran} run(s) done now, ${summary.skipped} skipped (already in ${opts.out}); ${summary.records.length} in total.`);
      if (best) console.log(`best: ${best.hash} accuracy ${(100 * best.metrics.accuracy).toFixed(1)}% macro-F1 ${best.metrics.macroF1.toFixed(3)} ${JSON.stringify(best.params)}`);
      console.log(`report: ${html}`);
    });
}
