// soundlab evaluate: --help, cross-validation on a tiny fold layout, the leak warning on a random split.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { experimentParamsFrom } from '../../lib/cli/evaluate';
import { buildProgram } from '../../lib/cli/main';
import { makeTinyFoldDataset } from '../experiments/tiny-folds';

const BIN = resolve(__dirname, '../../bin/soundlab');
const tmp = mkdtempSync(join(tmpdir(), 'soundlab-cli-evaluate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = makeTinyFoldDataset(join(tmp, 'us8k'));

function soundlab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SOUNDLAB_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('soundlab evaluate --help lists its options', () => {
  const help = buildProgram().commands.find((c) => c.name() === 'evaluate')!.helpInformation();
  for (const opt of ['--data', '--folds', '--test-fold', '--group-split', '--val-split', '--models', '--augment', '--epochs', '--json']) expect(help).toContain(opt);
  // The old name still parses but is no longer advertised.
  expect(help).not.toContain('--test-size');
});

it('--early-stopping reaches the CNN parameters of evaluate and train; 0 is allowed, 1 is not', () => {
  const program = buildProgram();
  const evaluate = program.commands.find((c) => c.name() === 'evaluate')!;
  expect(evaluate.helpInformation()).toContain('--early-stopping');
  evaluate.parseOptions(['--early-stopping', '0.15']);
  expect(experimentParamsFrom(evaluate.opts()).earlyStoppingSplit).toBe(0.15);
  expect(experimentParamsFrom({}).earlyStoppingSplit).toBeUndefined();
  const train = program.commands.find((c) => c.name() === 'train')!;
  expect(train.helpInformation()).toContain('--early-stopping');
  train.parseOptions(['--early-stopping', '0']);
  expect(train.opts().earlyStopping).toBe(0);
  expect(() => buildProgram().commands.find((c) => c.name() === 'train')!.exitOverride().configureOutput({ writeErr: () => {} }).parseOptions(['--early-stopping', '1'])).toThrow(/--early-stopping must be in \[0, 1\)/);
});

it('--folds: one row per model over 3 folds, mean ± std, reference points, JSON per fold', () => {
  const json = join(tmp, 'cv.json');
  const r = soundlab('evaluate', '--data', data, '--folds', '--models', 'baseline,mlp', '--epochs', '2', '--hidden-units', '16', '--workers', '0', '--json', json);
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\| baseline \| 3 \| 33\.3% ± 0\.0 \|/);
  expect(r.stdout).toMatch(/\| mlp \| 3 \| \d+\.\d% ± \d+\.\d \|/);
  expect(r.stdout).toContain('SB-CNN, no augmentation (10-fold): 73.0%');
  expect(r.stdout).toContain('with augmentation (10-fold): 79.0%');
  const out = JSON.parse(readFileSync(json, 'utf8'));
  expect(out.results[1].folds.map((f: { fold: string; testCount: number }) => [f.fold, f.testCount])).toEqual([['1', 12], ['2', 12], ['3', 12]]);
  expect(r.stdout).not.toContain('warning');
});

it('a random split warns that slices of one recording land on both sides; a group split does not', () => {
  const random = soundlab('evaluate', '--data', data, '--models', 'baseline', '--val-split', '0.3', '--workers', '0');
  expect(random.code).toBe(0);
  expect(random.stderr).toMatch(/recording\(s\) \(fsID\) have clips on both sides/);
  expect(random.stdout).toMatch(/stratified random split, test 0\.3, seed 0: train 24, test 12 clips/);
  // --test-size: the deprecated alias of --val-split, same split.
  const alias = soundlab('evaluate', '--data', data, '--models', 'baseline', '--test-size', '0.3', '--workers', '0');
  expect(alias.code).toBe(0);
  expect(alias.stdout).toMatch(/stratified random split, test 0\.3, seed 0: train 24, test 12 clips/);
  const grouped = soundlab('evaluate', '--data', data, '--models', 'baseline', '--group-split', '--workers', '0');
  expect(grouped.code).toBe(0);
  expect(grouped.stderr).not.toMatch(/both sides/);
  expect(grouped.stdout).toContain('group split');
});

it('a single-fold dataset with --folds fails with the reason, exit code 1', () => {
  const one = makeTinyFoldDataset(join(tmp, 'one'), 1, 2);
  const r = soundlab('evaluate', '--data', one, '--folds', '--models', 'baseline');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/1 fold\(s\).*at least 2/);
});
