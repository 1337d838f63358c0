// Train/test splits that do not fool the user: stratified, held out by group, and UrbanSound8K's folds.
import { deriveSeed, mulberry32, shuffleInPlace } from '../util/random';
import { TRAIN_DEFAULTS } from '../defaults';

/** Row indices of the two sides of a split (each sorted ascending). */
export interface Split {
  train: number[];
  test: number[];
}

/** Raised for a split that cannot be made (names the reason). */
export class SplitError extends Error {
  constructor(reason: string) {
    super(`split: ${reason}`);
    this.name = 'SplitError';
  }
}

const ascending = (a: number, b: number) => a - b;

/** Options of a random split: the held-out fraction (Keras's name, `validationSplit`) and the seed. */
export interface SplitOptions {
  /** Fraction of the items held out, in (0, 1) (default TRAIN_DEFAULTS.validationSplit = 0.2). */
  validationSplit?: number;
  /** @deprecated the old name of validationSplit (kept for notebooks written with it). */
  testSize?: number;
  seed?: number;
}

function heldOutFraction(opts: SplitOptions): number {
  const fraction = opts.validationSplit ?? opts.testSize ?? TRAIN_DEFAULTS.validationSplit;
  if (!(fraction > 0 && fraction < 1)) throw new SplitError(`validationSplit must be in (0, 1), got ${fraction}`);
  return fraction;
}

/**
 * Random split keeping each class's share on both sides (scikit-learn's `train_test_split(stratify=y)`):
 * within each class, a seeded shuffle and round(validationSplit · count) items to the test side.
 * @param labels one per item; @param opts.validationSplit fraction in (0, 1) (default 0.2); seed default 0.
 */
export function stratifiedSplit(labels: readonly string[], opts: SplitOptions = {}): Split {
  const heldOut = heldOutFraction(opts);
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  const byClass = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort()) {
    const idx = shuffleInPlace(byClass.get(label) as number[], mulberry32(deriveSeed(seed, `stratified:${label}`)));
    const nTest = Math.round(idx.length * heldOut);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

/**
 * Hold out whole groups (UrbanSound8K's recording `fsID`, FSDD's speaker), so no group is on both sides.
 * Either name the test groups, or give a fraction: groups are shuffled (seeded) and taken until at least
 * `validationSplit` of the items are on the test side.
 */
export function groupSplit(groups: readonly string[], opts: SplitOptions & { testGroups?: readonly string[] } = {}): Split {
  let testGroups: Set<string>;
  if (opts.testGroups) {
    testGroups = new Set(opts.testGroups);
    const known = new Set(groups);
    const missing = [...testGroups].filter((g) => !known.has(g));
    if (missing.length) throw new SplitError(`test group(s) ${missing.join(', ')} not found among the items`);
  } else {
    const heldOut = heldOutFraction(opts);
    const counts = new Map<string, number>();
    for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
    if (counts.size < 2) throw new SplitError(`need at least 2 groups to hold one out, found ${counts.size}`);
    const order = shuffleInPlace([...counts.keys()].sort(), mulberry32(deriveSeed(opts.seed ?? TRAIN_DEFAULTS.seed, 'groups')));
    testGroups = new Set();
    let taken = 0;
    for (const g of order) {
      if (taken >= heldOut * groups.length || testGroups.size === counts.size - 1) break;
      testGroups.add(g);
      taken += counts.get(g) as number;
    }
  }
  const split: Split = { train: [], test: [] };
  groups.forEach((g, i) => (testGroups.has(g) ? split.test : split.train).push(i));
  if (split.train.length === 0 || split.test.length === 0) throw new SplitError('one side of the group split is empty');
  return split;
}

/**
 * Hold out whole groups, class by class: for each class (a group counts for the class most of its items
 * have), its groups are shuffled (seeded) and taken while each brings the class's held-out count closer to
 * `validationSplit` of its items — never the class's last group. The held-out side then has every class that has two or
 * more groups, in about the training side's proportions; a plain groupSplit can draw a few big
 * recordings of one or two classes (UrbanSound8K recordings run to dozens of slices).
 */
export function stratifiedGroupSplit(groups: readonly string[], labels: readonly string[], opts: SplitOptions = {}): Split {
  if (groups.length !== labels.length) throw new SplitError(`${groups.length} groups for ${labels.length} labels`);
  const heldOut = heldOutFraction(opts);
  const votes = new Map<string, Map<string, number>>();
  groups.forEach((g, i) => {
    const v = votes.get(g) ?? new Map<string, number>();
    v.set(labels[i], (v.get(labels[i]) ?? 0) + 1);
    votes.set(g, v);
  });
  const byClass = new Map<string, { group: string; size: number }[]>();
  for (const g of [...votes.keys()].sort()) {
    const v = votes.get(g)!;
    const label = [...v.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    const size = [...v.values()].reduce((a, b) => a + b, 0);
    byClass.set(label, [...(byClass.get(label) ?? []), { group: g, size }]);
  }
  const rng = mulberry32(deriveSeed(opts.seed ?? TRAIN_DEFAULTS.seed, 'stratified-groups'));
  const testGroups = new Set<string>();
  for (const label of [...byClass.keys()].sort()) {
    const members = shuffleInPlace(byClass.get(label)!, rng);
    const target = heldOut * members.reduce((a, m) => a + m.size, 0);
    let taken = 0;
    let left = members.length;
    for (const m of members) {
      if (taken >= target || left === 1) break;
      // Take the group only if it brings the held-out count closer to the target (a big recording that
      // would overshoot is skipped for smaller ones), and never the class's last group on the training side.
      if (Math.abs(taken + m.size - target) <= Math.abs(taken - target)) {
        testGroups.add(m.group);
        taken += m.size;
        left--;
      }
    }
  }
  const split: Split = { train: [], test: [] };
  groups.forEach((g, i) => (testGroups.has(g) ? split.test : split.train).push(i));
  if (split.train.length === 0 || split.test.length === 0) throw new SplitError('one side of the stratified group split is empty (too few groups per class)');
  return split;
}

/** Groups present on both sides of a split (the leak a random split causes on UrbanSound8K). */
export function sharedGroups(groups: readonly (string | undefined)[], split: Split): string[] {
  const trainGroups = new Set(split.train.map((i) => groups[i]).filter((g): g is string => g !== undefined));
  const shared = new Set(split.test.map((i) => groups[i]).filter((g): g is string => g !== undefined && trainGroups.has(g)));
  return [...shared].sort();
}

/**
 * Warn (once per call, through `warn`, default console.warn) when items of the same group — on
 * UrbanSound8K, slices of the same freesound recording (`fsID`) — sit on both sides of a split, which
 * inflates test accuracy. Returns the number of shared groups (0: no warning).
 */
export function warnIfLeaky(
  groups: readonly (string | undefined)[],
  split: Split,
  warn: (message: string) => void = (m) => console.warn(m),
): number {
  const shared = sharedGroups(groups, split);
  if (shared.length) {
    const testItems = split.test.filter((i) => groups[i] !== undefined && shared.includes(groups[i] as string)).length;
    warn(
      `warning: ${shared.length} recording(s) (fsID) have clips on both sides of this random split ` +
        `(${testItems} of ${split.test.length} test clips): slices of one recording sound alike, so test accuracy ` +
        `is inflated. Use UrbanSound8K's folds (--test-fold N or --folds) for an honest estimate.`,
    );
  }
  return shared.length;
}

/** One fold of a predefined split (UrbanSound8K's `fold` column): test on it, train on the rest. */
export interface Fold extends Split {
  fold: string;
}

/** One split per distinct fold value, in sorted (numeric where possible) order. */
export function foldSplits(folds: readonly (string | number)[]): Fold[] {
  const names = [...new Set(folds.map(String))].sort((a, b) => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0));
  if (names.length < 2) throw new SplitError(`need at least 2 folds, found ${names.length}`);
  return names.map((fold) => {
    const split: Fold = { fold, train: [], test: [] };
    folds.forEach((f, i) => (String(f) === fold ? split.test : split.train).push(i));
    return split;
  });
}

/** Mean and standard deviation (population, numpy's default ddof=0) of some numbers. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Result of `crossValidate`: each fold's score and their mean ± std. */
export interface CrossValidation<R> {
  folds: { fold: string; score: number; result: R }[];
  mean: number;
  std: number;
}

/**
 * k-fold cross-validation over a fold column (UrbanSound8K's official 10 folds: train on 9, test on 1,
 * report mean ± std, as the dataset's authors ask). `evaluate` trains on `split.train`, tests on
 * `split.test` and returns a score (e.g. accuracy) and anything else to keep; folds run one after another.
 */
export async function crossValidate<R = undefined>(
  folds: readonly (string | number)[],
  evaluate: (split: Fold) => Promise<{ score: number; result?: R }> | { score: number; result?: R },
): Promise<CrossValidation<R>> {
  const out: CrossValidation<R>['folds'] = [];
  for (const split of foldSplits(folds)) {
    const { score, result } = await evaluate(split);
    out.push({ fold: split.fold, score, result: result as R });
  }
  const { mean, std } = meanStd(out.map((f) => f.score));
  return { folds: out, mean, std };
}
