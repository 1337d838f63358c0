// Several models on the same split, or on UrbanSound8K's official folds, summarised in one table.
import { meanStd, type Split } from '../model/splits';
import type { ModelKind } from '../model/registry';
import { featureSpec, featureTable, resolveExperimentParams, runSplit, type ExperimentParams, type FeatureTableOptions, type FeatureTable, type LabelledItem, type RunResult } from './run';

/** Published 10-fold results on UrbanSound8K, quoted in reports for context. */
export const REFERENCE_RESULTS = [
  { name: 'Salamon & Bello 2017, SB-CNN, no augmentation (10-fold)', accuracy: 0.73 },
  { name: 'Salamon & Bello 2017, SB-CNN, with augmentation (10-fold)', accuracy: 0.79 },
] as const;

/** Options of compareModels / crossValidateModels. */
export interface CompareOptions extends FeatureTableOptions {
  /** Models to run, in table order (default baseline, mlp, cnn, rnn). */
  models?: ModelKind[];
  /** Parameters shared by every model (each kind ignores what it does not use); per-model overrides below. */
  params?: Partial<ExperimentParams>;
  perModel?: Partial<Record<ModelKind, Partial<ExperimentParams>>>;
  /** Progress and epoch lines (default: none). */
  log?: (line: string) => void;
}

/** One row of a comparison table. */
export interface ComparisonRow {
  model: ModelKind;
  accuracy: number;
  macroF1: number;
  trainSeconds: number;
  baselineAccuracy: number;
  result: RunResult;
}

/** Each model's feature table, computed once (the featurizer caches on disk, this keeps it in memory too). */
async function tablesFor(items: readonly LabelledItem[], models: readonly ModelKind[], opts: CompareOptions): Promise<Map<ModelKind, { params: ExperimentParams; table: FeatureTable | null }>> {
  const out = new Map<ModelKind, { params: ExperimentParams; table: FeatureTable | null }>();
  const byKey = new Map<string, FeatureTable | null>();
  for (const model of models) {
    const params = resolveExperimentParams({ ...opts.params, ...opts.perModel?.[model], model });
    const key = JSON.stringify(featureSpec(params));
    if (!byKey.has(key)) {
      opts.log?.(`featurizing ${items.length} clips for ${model} (${featureSpec(params)?.kind ?? 'none'})…`);
      byKey.set(key, await featureTable(items, params, opts));
    }
    out.set(model, { params, table: byKey.get(key) ?? null });
  }
  return out;
}

/**
 * Baseline, MLP on mean MFCCs, CNN on log-mel patches and RNN on MFCC frames trained and tested on the
 * same split (`split.train` / `split.test` index `items`). Returns one row per model: accuracy,
 * macro-F1, training seconds (and the full run result).
 */
export async function compareModels(items: readonly LabelledItem[], split: Split, opts: CompareOptions = {}): Promise<ComparisonRow[]> {
  const models = opts.models ?? ['baseline', 'mlp', 'cnn', 'rnn'];
  const tables = await tablesFor(items, models, opts);
  const rows: ComparisonRow[] = [];
  for (const model of models) {
    const { params, table } = tables.get(model)!;
    opts.log?.(`training ${model}…`);
    const result = await runSplit(items, table, split, params, { log: opts.log, label: model });
    rows.push({ model, accuracy: result.accuracy, macroF1: result.macroF1, trainSeconds: result.trainSeconds, baselineAccuracy: result.baselineAccuracy, result });
  }
  return rows;
}

/** A model's cross-validation: per fold accuracy / macro-F1, and their mean ± std. */
export interface ModelCrossValidation {
  model: ModelKind;
  folds: { fold: string; accuracy: number; macroF1: number; trainSeconds: number; testCount: number }[];
  accuracy: { mean: number; std: number };
  macroF1: { mean: number; std: number };
  trainSeconds: number;
}

/** Raised when the items carry no usable folds. */
export class FoldError extends Error {
  constructor(reason: string) {
    super(`cross-validation: ${reason}`);
    this.name = 'FoldError';
  }
}

/**
 * UrbanSound8K's official protocol: for each fold, train on the other folds and test on it; report
 * mean ± std over folds per model (Salamon et al. ask for exactly this; a random split leaks slices of
 * one recording across sides). Features are computed once; standardisation and augmentation are
 * redone inside each fold from its training side only. `onlyFolds` limits which folds are held out
 * (all by default) — the training side is always every other fold.
 */
export async function crossValidateModels(
  items: readonly LabelledItem[],
  opts: CompareOptions & { onlyFolds?: number[] } = {},
): Promise<ModelCrossValidation[]> {
  const folds = items.map((it) => it.fold);
  if (folds.some((f) => f === undefined)) throw new FoldError('some clips have no fold: cross-validation needs UrbanSound8K metadata (the fold column)');
  const names = [...new Set(folds as number[])].sort((a, b) => a - b);
  if (names.length < 2) throw new FoldError(`the clips come from ${names.length} fold(s) (${names.join(', ')}): cross-validation needs at least 2`);
  const heldOut = opts.onlyFolds ? names.filter((f) => opts.onlyFolds!.includes(f)) : names;
  if (heldOut.length === 0) throw new FoldError(`none of the folds ${opts.onlyFolds?.join(', ')} is in the data (${names.join(', ')})`);
  const models = opts.models ?? ['baseline', 'mlp', 'cnn', 'rnn'];
  const tables = await tablesFor(items, models, opts);
  const out: ModelCrossValidation[] = [];
  for (const model of models) {
    const { params, table } = tables.get(model)!;
    const perFold: ModelCrossValidation['folds'] = [];
    for (const fold of heldOut) {
      const split: Split = { train: [], test: [] };
      folds.forEach((f, i) => (f === fold ? split.test : split.train).push(i));
      opts.log?.(`${model}: fold ${fold} (train ${split.train.length}, test ${split.test.length})`);
      const r = await runSplit(items, table, split, params, { label: `${model} fold ${fold}` });
      perFold.push({ fold: String(fold), accuracy: r.accuracy, macroF1: r.macroF1, trainSeconds: r.trainSeconds, testCount: r.testCount });
      opts.log?.(`${model}: fold ${fold} accuracy ${(100 * r.accuracy).toFixed(1)}%`);
    }
    out.push({
      model,
      folds: perFold,
      accuracy: meanStd(perFold.map((f) => f.accuracy)),
      macroF1: meanStd(perFold.map((f) => f.macroF1)),
      trainSeconds: perFold.reduce((a, f) => a + f.trainSeconds, 0),
    });
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A comparison as a plain-text (Markdown) table: model | accuracy | macro-F1 | train s. */
export function formatComparison(rows: readonly ComparisonRow[]): string {
  const lines = ['| model | accuracy | macro-F1 | train s |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.model} | ${pct(r.accuracy)} | ${r.macroF1.toFixed(3)} | ${r.trainSeconds.toFixed(1)} |`);
  return lines.join('\n');
}

/** Cross-validation results as a Markdown table (mean ± std over folds), with the published reference points below. */
export function formatCrossValidation(results: readonly ModelCrossValidation[], opts: { references?: boolean } = {}): string {
  const lines = ['| model | folds | accuracy (mean ± std) | macro-F1 (mean ± std) | train s (total) |', '|---|---:|---:|---:|---:|'];
  for (const r of results) {
    lines.push(
      `| ${r.model} | ${r.folds.length} | ${pct(r.accuracy.mean)} ± ${(100 * r.accuracy.std).toFixed(1)} | ${r.macroF1.mean.toFixed(3)} ± ${r.macroF1.std.toFixed(3)} | ${r.trainSeconds.toFixed(1)} |`,
    );
  }
  if (opts.references ?? true) {
    lines.push('', 'For context (published, full UrbanSound8K, 10-fold):');
    for (const ref of REFERENCE_RESULTS) lines.push(`- ${ref.name}: ${pct(ref.accuracy)}`);
  }
  return lines.join('\n');
}
