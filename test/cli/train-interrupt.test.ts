// Ctrl-C during `soundlab train --model cnn`: a real child process gets SIGINT after its first epoch line;
// it must keep and save the best weights so far, say so, and exit non-zero (130, as for a Ctrl-C).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'soundlab-train-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('soundlab train --model cnn, interrupted', () => {
  // Default: no early stopping, the moving average is what the run would end with. --early-stopping: the best validated epoch.
  it.each([
    { flags: [] as string[], kept: /the weights' moving average as of the last step were saved to /, best: false },
    { flags: ['--early-stopping', '0.2'], kept: /the best weights so far \(epoch \d+\) were saved to /, best: true },
  ])('saves what it has after Ctrl-C, says so and exits 130 ($flags)', async ({ flags, kept, best }) => {
    const out = join(tmp, `cnn${flags.length}`);
    const child = spawn(process.execPath, [join(ROOT, 'bin/soundlab'), 'train', '--data', join(ROOT, 'data.sample'), '--model', 'cnn', '--epochs', '40', ...flags, '--out', out], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      // The first epoch line: training (and the early-stopping bookkeeping) is under way.
      if (!signalled && /Epoch 1\/40/.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: stopping after the current step/);
    expect(stderr).toMatch(/interrupted: training stopped early; /);
    expect(stderr).toMatch(kept);
    for (const f of ['model.json', 'weights.bin', 'soundlab.json', 'evaluation.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    expect(evaluation.stopped).toBe('interrupted');
    // Far fewer than the 40 epochs asked for, and the saved epoch (if validated) is one that ran.
    expect(evaluation.history.epoch.length).toBeLessThan(40);
    if (best) expect(evaluation.bestEpoch).toBeLessThan(evaluation.history.epoch.length);
    else expect(evaluation.bestEpoch).toBeNull();
    expect(stdout).toMatch(/accuracy [\d.]+ on \d+ held-out clips/);
  }, 300_000);
});
