// The split a notebook compares models on: UrbanSound8K's folds when the data has them, and an honest
// label saying so when it does not (a random split of slices flatters accuracy).
import { sharedGroups, type Split } from '../model/splits';
import { ExperimentError, heldOutSplit, type LabelledItem } from './run';

/** A comparison split, what kind it is and a sentence that says so. */
export interface ComparisonSplit {
  split: Split;
  /** 'fold': held-out UrbanSound8K fold; 'group': whole recordings/speakers held out; 'random': stratified. */
  kind: 'fold' | 'group' | 'random';
  /** True only for a fold split: the protocol the published UrbanSound8K results use. */
  foldCorrect: boolean;
  /** The held-out fold (fold splits only). */
  testFold?: number;
  /** The training folds (fold splits only), ascending. */
  trainFolds?: number[];
  /** One or two sentences for the reader: which split, and for non-fold splits, that it is not fold-correct and why. */
  description: string;
}

/** The distinct folds of `items` (ascending), or null unless every item has one and there are at least 2. */
export function foldsOf(items: readonly LabelledItem[]): number[] | null {
  if (items.length === 0 || items.some((it) => it.fold === undefined)) return null;
  const folds = [...new Set(items.map((it) => it.fold as number))].sort((a, b) => a - b);
  return folds.length >= 2 ? folds : null;
}

/**
 * Choose the split to compare models on. With folds on every clip (at least two): train on every fold but
 * `testFold` (default: the lowest fold) and test on it. Otherwise whole groups (recordings, speakers) when
 * every clip has one, else a stratified random split of `testSize`; both are marked not fold-correct.
 * `root` names the dataset in errors (a `testFold` the data does not have, or folds asked of data without).
 */
export function comparisonSplit(
  items: readonly LabelledItem[],
  opts: { testFold?: number; testSize: number; seed: number; root: string },
): ComparisonSplit {
  const folds = foldsOf(items);
  if (folds) {
    const testFold = opts.testFold ?? folds[0];
    if (!folds.includes(testFold)) throw new ExperimentError(`${opts.root}: no clip is in fold ${testFold} (the folds are ${folds.join(', ')})`);
    const { split } = heldOutSplit(items, { testFold, validationSplit: opts.testSize, seed: opts.seed, root: opts.root });
    const trainFolds = folds.filter((f) => f !== testFold);
    // UrbanSound8K keeps a recording in one fold; a re-pack that does not would leak, so count it.
    const shared = sharedGroups(items.map((it) => it.group), split).length;
    const leak = shared ? ` Warning: ${shared} recording(s) have clips in both the training and the test folds.` : ' Clips cut from one recording share a fold, so no recording is on both sides.';
    return {
      split,
      kind: 'fold',
      foldCorrect: true,
      testFold,
      trainFolds,
      description: `Fold split: trained on fold${trainFolds.length > 1 ? 's' : ''} ${trainFolds.join(', ')} (${split.train.length} clips), tested on fold ${testFold} (${split.test.length} clips).${leak}`,
    };
  }
  if (opts.testFold !== undefined) throw new ExperimentError(`${opts.root}: a test fold (${opts.testFold}) was asked for, but the clips do not all carry a fold (UrbanSound8K metadata with a fold column, two folds or more)`);
  const groups = items.map((it) => it.group);
  const grouped = groups.every((g) => g !== undefined) && new Set(groups).size >= 2;
  const { split } = heldOutSplit(items, { groupSplit: grouped, validationSplit: opts.testSize, seed: opts.seed, root: opts.root });
  const sides = `${split.train.length} training, ${split.test.length} test clips`;
  if (grouped) {
    return {
      split,
      kind: 'group',
      foldCorrect: false,
      description: `Group split (${sides}): no recording is on both sides, but this is NOT a fold split — the data has no UrbanSound8K folds, so the numbers are not comparable with fold results.`,
    };
  }
  return {
    split,
    kind: 'random',
    foldCorrect: false,
    description: `Stratified random split, ${Math.round(100 * opts.testSize)} % held out (${sides}): NOT fold-correct — the data has no folds and no recording ids, so slices of one recording may sit on both sides and flatter the accuracy. Give a dataset with folds (--param data=…) for a fold split.`,
  };
}
