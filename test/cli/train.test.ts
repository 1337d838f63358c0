import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrainCommand, type TrainCommandOptions } from '../../lib/cli/train';
import { extractFeatures } from '../../lib/features/extract';
import { loadDataset } from '../../lib/data/dataset';
import { fitStandardizer } from '../../lib/model/scaler';
import { loadModelDir } from '../../lib/model/save';
import { describeWithFixtures, fixture } from '../fixtures';

const SAMPLE = resolve(__dirname, '../../data.sample');
const tmp = mkdtempSync(join(tmpdir(), 'soundlab-train-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function options(data: string, out: string, extra: Partial<TrainCommandOptions> = {}): TrainCommandOptions {
  return { data, out, epochs: 5, batchSize: 32, valSplit: 0.2, seed: 0, nMfcc: 40, sampleRate: 22050, standardize: true, cache: true, ...extra };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('soundlab train on data.sample (tutorial layout)', () => {
  it('prints epoch lines and an evaluation against the baseline, and writes the model and evaluation.json', async () => {
    const dir = join(tmp, 'sample');
    const c = capture();
    const json = await runTrainCommand(options(SAMPLE, dir, { epochs: 40 }), c.io);
    const epochLines = c.out.filter((l) => /^Epoch \d+\/40 - \d+\.\ds - loss: \d+\.\d{4} - acc: [01]\.\d{4} - val_loss: \d+\.\d{4} - val_acc: [01]\.\d{4}$/.test(l));
    expect(epochLines.length).toBe(40);
    const text = c.out.join('\n');
    expect(text).toMatch(/accuracy \d\.\d{4} on 32 held-out clips; baseline \(always '[a-z_]+', the tutorial's first submission\) \d\.\d{4}/);
    expect(text).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(text).toContain('confusion matrix');
    for (const f of ['model.json', 'weights.bin', 'soundlab.json', 'evaluation.json']) expect(existsSync(join(dir, f))).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    expect(saved).toEqual(JSON.parse(JSON.stringify(json)));
    // Measured: accuracy 0.875 against a baseline of 0.125 (seed 0, 40 epochs, wasm).
    expect(saved.evaluation.accuracy).toBeGreaterThanOrEqual(0.6);
    expect(saved.evaluation.baseline.accuracy).toBeLessThan(0.3);
    expect(saved.evaluation.report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(32);
    expect(saved.split).toEqual({ kind: 'random', validationSplit: 0.2, seed: 0, groupsOnBothSides: 0 });
    const info = JSON.parse(readFileSync(join(dir, 'soundlab.json'), 'utf8'));
    expect(info.formatVersion).toBe(2);
    expect(info.params.model).toBe('mlp');
    expect(info.features).toEqual({ kind: 'mfccMean', sampleRate: 22050, nMfcc: 40, nMels: 128, frames: 128, patchHop: 0 });
    expect(info.inputShape).toEqual([40]);
    expect(info.standardizer.axis).toBe('column');
  });

  it('--val-split 0 trains on every labelled clip: no val metrics, no evaluation, standardizer fitted on all clips', async () => {
    const dir = join(tmp, 'all');
    const c = capture();
    const json = await runTrainCommand(options(SAMPLE, dir, { valSplit: 0, epochs: 3 }), c.io);
    const epochLines = c.out.filter((l) => l.startsWith('Epoch '));
    expect(epochLines).toHaveLength(3);
    for (const l of epochLines) expect(l).toMatch(/^Epoch \d\/3 - \d+\.\ds - loss: \d+\.\d{4} - acc: [01]\.\d{4}$/);
    expect(c.out.join('\n')).not.toMatch(/held-out|confusion/);
    expect(c.err.join('\n')).toMatch(/train on all 159 clips/);
    expect(json.split).toEqual({ kind: 'all' });
    expect(json.evaluation).toBeUndefined();
    expect(json.history.valLoss).toEqual([]);
    // The saved standardizer is the one of every readable labelled clip (142.wav is broken): nothing was held out.
    const items = loadDataset(SAMPLE).items.filter((i) => i.label !== undefined);
    const feats = await extractFeatures(items, { kind: 'mfccMean', nMfcc: 40, workers: 0, progress: false });
    expect(feats.X).toHaveLength(159);
    const saved = await loadModelDir(dir);
    expect(saved.standardizer).toEqual(fitStandardizer(feats.X));
    saved.model.dispose();
  });

  it('refuses --test-fold on a layout without folds, naming the folder', async () => {
    await expect(runTrainCommand(options(SAMPLE, join(tmp, 'x'), { testFold: 1 }), capture().io)).rejects.toThrow(/data\.sample: --folds \/ --test-fold need a fold per clip/);
  });
});

describeWithFixtures('soundlab train on real UrbanSound8K clips', () => {
  it('random split: warns that recordings sit on both sides, and still records the (inflated) accuracy', async () => {
    const c = capture();
    const json = await runTrainCommand(options(fixture('urbansound8k-fold1'), join(tmp, 'us8k'), { epochs: 60 }), c.io);
    expect(c.err.join('\n')).toMatch(/recording\(s\) \(fsID\) have clips on both sides/);
    expect(json.split.kind === 'random' && json.split.groupsOnBothSides).toBeGreaterThan(10);
    // Measured 0.933 (the same as with librosa's own MFCC means in test/model/real-data.test.ts); baseline 0.10.
    expect(json.evaluation?.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(json.evaluation?.baseline.accuracy).toBeCloseTo(0.1, 2);
  });

  it('--folds: one model per held-out fold, mean ± std, and a saved model trained on all folds', async () => {
    // A 3-fold copy of the fold-1 clips (links, not copies), folds assigned by recording as UrbanSound8K does.
    const root = join(tmp, 'us8k-3folds');
    mkdirSync(join(root, 'audio'), { recursive: true });
    const rows = readFileSync(fixture('urbansound8k-fold1/labels.csv'), 'utf8').trim().split('\n').slice(1);
    const lines = ['slice_file_name,fold,class'];
    for (const row of rows) {
      const [file, , , label] = row.split(',');
      const fsID = Number(file.split('-')[0]);
      lines.push(`${file},${(fsID % 3) + 1},${label}`);
      symlinkSync(fixture('urbansound8k-fold1/audio', file), join(root, 'audio', file));
    }
    writeFileSync(join(root, 'labels.csv'), lines.join('\n') + '\n');
    const c = capture();
    const json = await runTrainCommand(options(root, join(tmp, 'folds-model'), { epochs: 20, folds: true }), c.io);
    const cv = json.crossValidation!;
    expect(cv.folds.map((f) => f.fold)).toEqual(['1', '2', '3']);
    expect(cv.folds.reduce((a, f) => a + f.items, 0)).toBe(300);
    const mean = cv.folds.reduce((a, f) => a + f.accuracy, 0) / 3;
    expect(cv.accuracy.mean).toBeCloseTo(mean, 12);
    expect(c.out.join('\n')).toMatch(/cross-validation over 3 folds: accuracy \d\.\d{4} ± \d\.\d{4}, baseline/);
    expect(existsSync(join(tmp, 'folds-model', 'model.json'))).toBe(true);
  });
});
