import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { featuresJson } from '../../lib/cli/features';
import { buildProgram } from '../../lib/cli/main';
import { extractFeatures } from '../../lib/features/extract';
import { describeWithFixtures, fixture } from '../fixtures';

const BIN = resolve(__dirname, '../../bin/soundlab');
const tmp = mkdtempSync(join(tmpdir(), 'soundlab-cli-features-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD = [fixture('urbansound8k/audio/100032-3-0-0.wav'), fixture('urbansound8k/audio/100648-1-0-0.wav')];

/** Runs the real CLI (bin/soundlab) in the temp dir, so its default cache lands there too. */
function soundlab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('soundlab features --help lists its options', () => {
  const help = buildProgram().commands.find((c) => c.name() === 'features')!.helpInformation();
  for (const opt of ['--out', '--sample-rate', '--n-mfcc', '--frames', '--workers', '--no-cache']) expect(help).toContain(opt);
});

it('keys clips by base name, and by path where two base names collide', () => {
  const row = (v: number) => Float32Array.from([v, v + 1]);
  const result = {
    X: [row(1), row(2), row(3)], shapes: [[2], [2], [2]], ids: [], paths: ['a/x.wav', 'b/x.wav', 'c/y.wav'], skipped: [],
    stats: { computed: 3, cached: 0, corruptCacheEntries: 0, workerCrashes: 0, seconds: 0 },
  };
  expect(featuresJson(result, false)).toEqual({ 'a/x.wav': [1, 2], 'b/x.wav': [2, 3], 'y.wav': [3, 4] });
  expect(featuresJson({ ...result, shapes: [[1, 2], [2, 1], [1, 2]] }, true)).toEqual({ 'a/x.wav': [[1, 2]], 'b/x.wav': [[2], [3]], 'y.wav': [[3, 4]] });
});

describeWithFixtures('soundlab features', () => {
  it('writes {base name: MFCC mean} for the good files, lists the bad one with its reason, exits 1', async () => {
    const bad = join(tmp, 'broken.wav');
    writeFileSync(bad, readFileSync(GOOD[0]).subarray(0, 30));
    const out = join(tmp, 'out', 'means.json');
    const r = soundlab('features', '--workers', '2', '--out', out, GOOD[0], bad, GOOD[1]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.wav: skipped: truncated header/);
    expect(r.stdout).toContain('wrote 2 clips');
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[]>;
    expect(Object.keys(json)).toEqual(['100032-3-0-0.wav', '100648-1-0-0.wav']);
    const want = await extractFeatures(GOOD, { workers: 0, cache: false, progress: false });
    // JSON carries each float32 exactly (as its float64 value).
    expect(Float32Array.from(json['100032-3-0-0.wav'])).toEqual(want.X[0]);
    expect(Float32Array.from(json['100648-1-0-0.wav'])).toEqual(want.X[1]);
  });

  it('with --frames writes each n-mfcc × frames matrix and exits 0 when nothing was skipped', () => {
    const out = join(tmp, 'frames.json');
    const r = soundlab('features', '--frames', '--n-mfcc', '13', '--no-cache', '--workers', '0', '--out', out, GOOD[0]);
    expect(r.stderr).not.toContain('skipped:');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number[][]>;
    const m = json['100032-3-0-0.wav'];
    expect(m).toHaveLength(13);
    expect(m.every((row) => row.length === 14)).toBe(true); // 7002 samples → 14 frames
  });
});
