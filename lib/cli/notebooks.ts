// `soundlab notebooks`: execute the tutorial notebooks and write the HTML reports and their index.
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { BrowserMissingError, formatBytes, JupyterMissingError, paramsToEnv, runNotebooks } from '../notebook';

function collect(value: string, previous: string[]): string[] {
  return previous.concat(value);
}

export function register(program: Command): void {
  program
    .command('notebooks')
    .description('Execute the notebooks top to bottom (jupyter nbconvert) and write HTML reports plus an index')
    .option('--param <key=value>', 'override a notebook parameter, e.g. --param epochs=20 --param data=path/to/UrbanSound8K (repeatable)', collect, [])
    .option('--only <list>', 'run only these notebooks: comma-separated numbers or names, e.g. 01,02')
    .option('--out <dir>', 'where reports go (default: reports/ in the project)')
    .option('--notebooks <dir>', 'folder with the NN-name.ipynb notebooks (default: notebooks/ in the project)')
    .option('--timeout <seconds>', 'per-cell timeout in seconds', '1800')
    .option('--jobs <n>', 'notebooks executed at the same time, each with its own kernel (default: 2, or 1 on a single core)')
    .option('--pdf', 'also print each report to reports/NN-name.pdf (headless Chromium: sudo apt-get install -y chromium)')
    .action(async (opts: { param: string[]; only?: string; out?: string; notebooks?: string; timeout: string; jobs?: string; pdf?: boolean }) => {
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout: '${opts.timeout}' is not a positive number of seconds`);
      // Two at a time by default: compiling lib/ in each new kernel is single-threaded, so a second core helps.
      const jobs = opts.jobs === undefined ? Math.min(2, availableParallelism()) : Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: '${opts.jobs}' is not a positive whole number`);
      let summary;
      try {
        summary = await runNotebooks({
          notebooksDir: opts.notebooks,
          outDir: opts.out,
          only: opts.only ? opts.only.split(',') : undefined,
          env: paramsToEnv(opts.param),
          params: opts.param,
          cellTimeoutSeconds: timeout,
          jobs,
          pdf: !!opts.pdf,
        });
      } catch (err) {
        if (err instanceof JupyterMissingError || err instanceof BrowserMissingError) {
          console.error(`soundlab notebooks: ${err.message}`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      const failed = summary.notebooks.filter((n) => !n.ok);
      console.log(`\nReports: ${summary.indexHtml}  (${summary.notebooks.length} notebooks in ${summary.seconds.toFixed(1)} s)`);
      console.log(`Report folder: ${summary.outDir}, ${formatBytes(summary.bytes ?? 0)} in all`);
      if (failed.length) {
        console.error(`soundlab notebooks: ${failed.length} notebook(s) failed: ${failed.map((n) => `${n.name} (${n.error})`).join('; ')}; logs in ${summary.outDir}/logs`);
        process.exitCode = 1;
      }
    });
}
