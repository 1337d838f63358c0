// `soundlab features --out OUT.json FILE...`: the tutorial's MFCC features for a list of files, as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Command } from 'commander';
import { nonNegativeInt, positiveInt } from './options';
import { FEATURE_DEFAULTS } from '../defaults';
import { extractFeatures, ExtractResult } from '../features/extract';

/**
 * The JSON object the command writes: each clip's base name → its MFCC mean (nMfcc numbers) or, for
 * full matrices, its nMfcc × frames matrix as `[coefficient][frame]` (librosa's orientation).
 * Clips whose base names collide (same name in two folders) are keyed by their path as given instead.
 */
export function featuresJson(result: ExtractResult, matrices: boolean): Record<string, number[] | number[][]> {
  const names = result.paths.map((p) => basename(p));
  const seen = new Map<string, number>();
  for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
  const out: Record<string, number[] | number[][]> = {};
  result.X.forEach((row, k) => {
    const key = seen.get(names[k])! > 1 ? result.paths[k] : names[k];
    if (!matrices) {
      out[key] = Array.from(row);
      return;
    }
    const [nRows, nCols] = result.shapes[k];
    const rows: number[][] = [];
    for (let i = 0; i < nRows; i++) rows.push(Array.from(row.subarray(i * nCols, (i + 1) * nCols)));
    out[key] = rows;
  });
  return out;
}

interface FeaturesCommandOptions {
  out: string;
  sampleRate: number;
  nMfcc: number;
  frames?: boolean;
  workers?: number;
  cache: boolean;
  cacheDir?: string;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command('features')
    .description(
      "Compute each file's MFCCs (mean over frames, the tutorial's feature vector; with --frames the full matrix) " +
        'and write them as JSON {file name: values}. Unreadable files are listed on stderr; exit code 1 if any were skipped.',
    )
    .argument('<files...>', 'audio files (WAV of any common encoding; mp3, flac, ogg too)')
    .requiredOption('-o, --out <file>', 'JSON file to write')
    .option('--sample-rate <hz>', 'load every clip at this rate, mono', positiveInt('--sample-rate'), FEATURE_DEFAULTS.sampleRate)
    .option('--n-mfcc <n>', 'MFCCs per frame', positiveInt('--n-mfcc'), FEATURE_DEFAULTS.nMfcc)
    .option('--frames', 'write the full n-mfcc × frames matrix of each clip instead of its mean')
    .option('--workers <n>', 'worker threads (0 = none; default: one per core)', nonNegativeInt('--workers'))
    .option('--no-cache', 'recompute everything; neither read nor write the feature cache')
    .option('--cache-dir <dir>', 'feature cache directory (default: .soundlab-cache)')
    .option('--no-progress', 'no progress bar or progress lines on stderr')
    .action(async (files: string[], opts: FeaturesCommandOptions) => {
      const result = await extractFeatures(files, {
        kind: opts.frames ? 'mfcc' : 'mfccMean',
        sampleRate: opts.sampleRate,
        nMfcc: opts.nMfcc,
        workers: opts.workers,
        cache: opts.cache,
        cacheDir: opts.cacheDir,
        progress: opts.progress ? 'auto' : false,
      });
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, `${JSON.stringify(featuresJson(result, Boolean(opts.frames)))}\n`);
      for (const s of result.skipped) console.error(`${s.file}: skipped: ${s.reason}`);
      const skipped = result.skipped.length;
      console.log(
        `wrote ${result.X.length} clip${result.X.length === 1 ? '' : 's'} to ${opts.out}` +
          (skipped ? `; skipped ${skipped} file${skipped === 1 ? '' : 's'} (listed above)` : ''),
      );
      if (skipped > 0) process.exitCode = 1;
    });
}
