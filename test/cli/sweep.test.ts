// soundlab sweep: runs, writes JSON lines and an HTML report, and resumes without recomputing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main';
import { makeTinyFoldDataset } from '../experiments/tiny-folds';

const BIN = resolve(__dirname, '../../bin/soundlab');
const tmp = mkdtempSync(join(tmpdir(), 'soundlab-cli-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function soundlab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SOUNDLAB_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('soundlab sweep --help lists its options', () => {
  const help = buildProgram().commands.find((c) => c.name() === 'sweep')!.helpInformation();
  for (const opt of ['--config', '--out', '--data', '--html', '--val-split']) expect(help).toContain(opt);
});

it('runs the grid, then resumes: the second call recomputes nothing', () => {
  makeTinyFoldDataset(join(tmp, 'us8k'), 2, 3);
  const config = join(tmp, 'sweep.json');
  writeFileSync(config, JSON.stringify({ data: 'us8k', grid: { model: ['mlp'], hiddenUnits: [[8], [16]] }, fixed: { epochs: 1 }, split: { testFold: 1 } }));
  const first = soundlab('sweep', '--config', config, '--out', 'results.jsonl', '--workers', '0');
  expect(first.stderr).not.toMatch(/Error/);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('2 run(s) done now, 0 skipped');
  expect(readFileSync(join(tmp, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  expect(readFileSync(join(tmp, 'results.html'), 'utf8')).toContain('class="best"');
  const second = soundlab('sweep', '--config', config, '--out', 'results.jsonl', '--workers', '0');
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('0 run(s) done now, 2 skipped');
  expect(readFileSync(join(tmp, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  // --val-split replaces the config's split: a stratified split, so new runs (their hash names the split).
  const third = soundlab('sweep', '--config', config, '--out', 'results.jsonl', '--workers', '0', '--val-split', '0.25');
  expect(third.code).toBe(0);
  expect(third.stdout).toContain('2 run(s) done now, 0 skipped');
  const splits = readFileSync(join(tmp, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).split);
  expect(splits).toEqual(['fold1', 'fold1', 'stratified:0.25:seed0', 'stratified:0.25:seed0']);
});

it('a sweep file with an unknown parameter fails naming it, exit code 1', () => {
  const config = join(tmp, 'bad.json');
  writeFileSync(config, JSON.stringify({ grid: { learning_rate: [0.1] } }));
  const r = soundlab('sweep', '--config', config, '--out', 'x.jsonl', '--data', join(tmp, 'us8k'));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/bad\.json: unknown parameter 'learning_rate'/);
});
