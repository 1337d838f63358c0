// Hyperparameter sweeps: grid or random search over experiment parameters, one JSON line per run, resumable.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { deriveSeed, mulberry32 } from '../util/random';
import { TRAIN_DEFAULTS } from '../defaults';
import type { Split } from '../model/splits';
import { stratifiedSplit, warnIfLeaky } from '../model/splits';
import type { ModelKind } from '../model/registry';
import { ExperimentError, featureSpec, featureTable, paramsHash, relevantExperimentParams, resolveExperimentParams, runSplit, type ExperimentParams, type FeatureTable, type FeatureTableOptions, type LabelledItem } from './run';

/** Parameters a sweep may vary (every field of ExperimentParams). */
export type SweepParam = keyof ExperimentParams;

/**
 * A sweep file (JSON):
 * ```json
 * { "search": "grid", "grid": { "model": ["mlp", "cnn"], "epochs": [5, 20], "dropout": [0.3, 0.5] },
 *   "fixed": { "batchSize": 32 }, "split": { "validationSplit": 0.2 }, "seed": 0 }
 * ```
 * `grid` lists the values of each varied parameter; `search` 'grid' runs every combination, 'random'
 * draws `trials` combinations (seeded). `fixed` applies to every run. `split`: a stratified random
 * split holding out `validationSplit` of the clips (default TRAIN_DEFAULTS.validationSplit = 0.2; `testSize`
 * is its deprecated old name), or `testFold` to hold out one UrbanSound8K fold.
 * `data` (optional) is the dataset folder, relative to the sweep file; the CLI's --data overrides it.
 */
export interface SweepConfig {
  data?: string;
  search?: 'grid' | 'random';
  trials?: number;
  seed?: number;
  split?: { validationSplit?: number; /** @deprecated old name of validationSplit */ testSize?: number; testFold?: number };
  grid: Partial<Record<SweepParam, unknown[]>>;
  fixed?: Partial<ExperimentParams>;
}

/** One finished run, as one line of the results file. */
export interface SweepRecord {
  /** Hash of the run's relevant parameters, dataset and split: a rerun with the same hash is skipped. */
  hash: string;
  params: Record<string, unknown>;
  metrics: { accuracy: number; macroF1: number; baselineAccuracy: number };
  trainSeconds: number;
  /** Wall seconds of the whole run (features from cache, training, evaluation). */
  seconds: number;
  seed: number;
  dataset: string;
  split: string;
  trainCount: number;
  testCount: number;
  /** The run's full report (per-class scores, confusion matrix), relative to the results file. */
  report: string;
  finishedAt: string;
}

/** Raised for a sweep file that cannot be used (names the file and the reason). */
export class SweepConfigError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'SweepConfigError';
  }
}

const KNOWN: readonly SweepParam[] = [
  'model', 'epochs', 'batchSize', 'learningRate', 'hiddenUnits', 'dropout', 'nMfcc', 'nMels', 'frames',
  'cnnFilters', 'denseUnits', 'cnnPadding', 'rnnUnits', 'rnnCell', 'standardize', 'augment', 'augmentCopies', 'earlyStoppingSplit', 'sampleRate', 'seed',
];

/** Read and check a sweep file. */
export function readSweepConfig(file: string): SweepConfig {
  let config: SweepConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as SweepConfig;
  } catch (err) {
    throw new SweepConfigError(file, `cannot read the sweep JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  validateSweepConfig(config, file);
  return config;
}

/** Throws SweepConfigError naming the first problem: unknown parameter, empty list, bad search kind. */
export function validateSweepConfig(config: SweepConfig, file = 'sweep config'): void {
  if (!config || typeof config !== 'object' || !config.grid || typeof config.grid !== 'object') throw new SweepConfigError(file, "needs a 'grid' object of parameter → list of values");
  for (const [k, v] of Object.entries(config.grid)) {
    if (!KNOWN.includes(k as SweepParam)) throw new SweepConfigError(file, `unknown parameter '${k}' in grid (known: ${KNOWN.join(', ')})`);
    if (!Array.isArray(v) || v.length === 0) throw new SweepConfigError(file, `grid.${k} must be a non-empty list`);
  }
  for (const k of Object.keys(config.fixed ?? {})) if (!KNOWN.includes(k as SweepParam)) throw new SweepConfigError(file, `unknown parameter '${k}' in fixed`);
  if (config.search && config.search !== 'grid' && config.search !== 'random') throw new SweepConfigError(file, `search must be 'grid' or 'random', got '${config.search}'`);
  if (config.search === 'random' && !(Number.isInteger(config.trials) && (config.trials as number) > 0)) throw new SweepConfigError(file, 'random search needs trials (a positive integer)');
}

/**
 * The runs of a sweep, resolved with defaults, without duplicates (two combinations that differ only in
 * parameters the model ignores — hiddenUnits for a CNN — are one run). Grid: every combination in
 * order. Random: `trials` seeded draws (fewer if the grid has fewer distinct runs).
 */
export function expandSweep(config: SweepConfig): ExperimentParams[] {
  validateSweepConfig(config);
  const keys = Object.keys(config.grid) as SweepParam[];
  const combos: Record<string, unknown>[] = [];
  if ((config.search ?? 'grid') === 'grid') {
    const rec = (i: number, acc: Record<string, unknown>) => {
      if (i === keys.length) return void combos.push({ ...acc });
      for (const v of config.grid[keys[i]] as unknown[]) rec(i + 1, { ...acc, [keys[i]]: v });
    };
    rec(0, {});
  } else {
    const rng = mulberry32(deriveSeed(config.seed ?? 0, 'sweep'));
    // Draw up to 20× trials times to find `trials` distinct runs in small grids.
    for (let k = 0; k < (config.trials as number) * 20; k++) {
      const c: Record<string, unknown> = {};
      for (const key of keys) {
        const values = config.grid[key] as unknown[];
        c[key] = values[Math.floor(rng() * values.length)];
      }
      combos.push(c);
    }
  }
  const out: ExperimentParams[] = [];
  const seen = new Set<string>();
  for (const c of combos) {
    const merged = { seed: config.seed, ...config.fixed, ...c } as Partial<ExperimentParams> & { model?: ModelKind };
    const p = resolveExperimentParams({ ...merged, model: (merged.model ?? 'mlp') as ModelKind });
    const h = paramsHash(p);
    if (seen.has(h)) continue;
    seen.add(h);
    out.push(p);
    if (config.search === 'random' && out.length === config.trials) break;
  }
  return out;
}

/** Records of a results file (missing file → none; a torn last line from an interrupted run is ignored). */
export function readSweepResults(file: string): SweepRecord[] {
  if (!existsSync(file)) return [];
  const out: SweepRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as SweepRecord);
    } catch {
      // An interrupted write leaves at most a partial last line; that run is simply redone.
    }
  }
  return out;
}

/** Options of runSweep. */
export interface RunSweepOptions extends FeatureTableOptions {
  /** Results file (JSON lines); created, or appended to. */
  out: string;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
  /** Warnings (leaky split) (default console.warn). */
  warn?: (line: string) => void;
}

/** What runSweep did. */
export interface SweepSummary {
  records: SweepRecord[];
  ran: number;
  skipped: number;
  best: SweepRecord | null;
}

/** The split a sweep uses, and a name for it (part of each run's hash). */
export function sweepSplit(items: readonly LabelledItem[], config: SweepConfig): { split: Split; name: string } {
  const s = config.split ?? {};
  if (s.testFold !== undefined) {
    const split: Split = { train: [], test: [] };
    items.forEach((it, i) => (it.fold === s.testFold ? split.test : split.train).push(i));
    if (split.test.length === 0 || split.train.length === 0) throw new ExperimentError(`split.testFold ${s.testFold}: one side is empty (folds present: ${[...new Set(items.map((it) => it.fold))].join(', ')})`);
    return { split, name: `fold${s.testFold}` };
  }
  const validationSplit = s.validationSplit ?? s.testSize ?? TRAIN_DEFAULTS.validationSplit;
  const seed = config.seed ?? TRAIN_DEFAULTS.seed;
  // The name (part of every run's hash) keeps its old shape, so results files written before still resume.
  return { split: stratifiedSplit(items.map((it) => it.label), { validationSplit, seed }), name: `stratified:${validationSplit}:seed${seed}` };
}

/**
 * Run every run of the sweep that the results file does not already hold (same hash = same relevant
 * parameters, dataset and split): train on the split's training side, evaluate on its test side,
 * append one JSON line per run and write its full report beside the results (`<out>.runs/<hash>.json`).
 * Interrupt it and run it again: finished runs are not recomputed.
 */
export async function runSweep(items: readonly LabelledItem[], datasetName: string, config: SweepConfig, opts: RunSweepOptions): Promise<SweepSummary> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const runs = expandSweep(config);
  const { split, name: splitName } = sweepSplit(items, config);
  if (config.split?.testFold === undefined) warnIfLeaky(items.map((it) => it.group), split, opts.warn);
  const outFile = resolve(opts.out);
  mkdirSync(dirname(outFile), { recursive: true });
  const reportDir = `${outFile}.runs`;
  const done = new Map(readSweepResults(outFile).map((r) => [r.hash, r]));
  const tables = new Map<string, FeatureTable | null>();
  let ran = 0;
  let skipped = 0;
  for (const [k, params] of runs.entries()) {
    const hash = paramsHash(params, { dataset: datasetName, split: splitName });
    const tag = `[${k + 1}/${runs.length}] ${hash} ${JSON.stringify(relevantExperimentParams(params))}`;
    if (done.has(hash)) {
      skipped++;
      log(`${tag}: done before, skipped`);
      continue;
    }
    const started = performance.now();
    const key = JSON.stringify(featureSpec(params));
    if (!tables.has(key)) tables.set(key, await featureTable(items, params, opts));
    const r = await runSplit(items, tables.get(key) ?? null, split, params, { label: hash });
    mkdirSync(reportDir, { recursive: true });
    const reportFile = join(reportDir, `${hash}.json`);
    writeFileSync(reportFile, JSON.stringify({ hash, params: relevantExperimentParams(params), report: r.report, predictions: r.predictions, history: r.history }, null, 1));
    const record: SweepRecord = {
      hash,
      params: relevantExperimentParams(params),
      metrics: { accuracy: r.accuracy, macroF1: r.macroF1, baselineAccuracy: r.baselineAccuracy },
      trainSeconds: r.trainSeconds,
      seconds: (performance.now() - started) / 1000,
      seed: params.seed,
      dataset: datasetName,
      split: splitName,
      trainCount: r.trainCount,
      testCount: r.testCount,
      report: relative(dirname(outFile), reportFile),
      finishedAt: new Date().toISOString(),
    };
    // One line per run, appended as soon as it finishes: an interrupted sweep keeps what it did.
    appendFileSync(outFile, `${JSON.stringify(record)}\n`);
    done.set(hash, record);
    ran++;
    log(`${tag}: accuracy ${(100 * r.accuracy).toFixed(1)}%, macro-F1 ${r.macroF1.toFixed(3)}, ${r.trainSeconds.toFixed(1)} s training`);
  }
  const hashes = new Set(runs.map((p) => paramsHash(p, { dataset: datasetName, split: splitName })));
  const records = [...done.values()].filter((r) => hashes.has(r.hash));
  return { records, ran, skipped, best: bestRecord(records) };
}

/** The run with the highest accuracy (macro-F1 breaks ties), or null. */
export function bestRecord(records: readonly SweepRecord[]): SweepRecord | null {
  let best: SweepRecord | null = null;
  for (const r of records) {
    if (!best || r.metrics.accuracy > best.metrics.accuracy || (r.metrics.accuracy === best.metrics.accuracy && r.metrics.macroF1 > best.metrics.macroF1)) best = r;
  }
  return best;
}
