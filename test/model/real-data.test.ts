// The tutorial's MLP on real sound: librosa's MFCC means of real clips (the shared fixtures) as inputs.
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { describeWithFixtures, fixture } from '../fixtures';
import {
  accuracy,
  baselineAccuracy,
  buildMlp,
  fitStandardizer,
  groupSplit,
  LabelEncoder,
  predictLabels,
  selectBackend,
  Split,
  standardize,
  stratifiedSplit,
  toCategorical,
  train,
  warnIfLeaky,
} from '../../lib/model';

interface Item {
  id: string;
  label: string;
  group: string;
  x: Float32Array;
}

function urbanSound(): Item[] {
  const ref = JSON.parse(readFileSync(fixture('reference/urbansound8k-fold1.json'), 'utf8')).files;
  const rows = readFileSync(fixture('urbansound8k-fold1/labels.csv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((line) => {
    const [file, , , label] = line.split(',');
    // UrbanSound8K names clips <fsID>-<classID>-<occurrence>-<slice>.wav: the recording is the group.
    return { id: file, label, group: file.split('-')[0], x: Float32Array.from(ref[file].mfcc_mean as number[]) };
  });
}

function fsdd(): Item[] {
  const ref = JSON.parse(readFileSync(fixture('reference/fsdd.json'), 'utf8')).files;
  return Object.keys(ref)
    .sort()
    .map((file) => {
      const [digit, speaker] = file.split('_');
      return { id: file, label: digit, group: speaker, x: Float32Array.from(ref[file].mfcc_mean as number[]) };
    });
}

/** Train on split.train (standardised with the training rows' statistics), return held-out accuracy and the baseline's. */
async function heldOut(items: Item[], split: Split, epochs: number): Promise<{ acc: number; baseline: number }> {
  const enc = new LabelEncoder().fit(items.map((i) => i.label));
  const tr = split.train.map((i) => items[i]);
  const te = split.test.map((i) => items[i]);
  const scaler = fitStandardizer(tr.map((i) => i.x));
  const model = buildMlp({ inputSize: 40, classCount: enc.classes.length, seed: 0 });
  await train(model, standardize(tr.map((i) => i.x), scaler), toCategorical(enc.transform(tr.map((i) => i.label))), {
    epochs,
    seed: 0,
    verbose: 0,
  });
  const predicted = predictLabels(model, standardize(te.map((i) => i.x), scaler), enc).map((p) => p.label);
  model.dispose();
  const truth = te.map((i) => i.label);
  return { acc: accuracy(truth, predicted), baseline: baselineAccuracy(tr.map((i) => i.label), truth) };
}

describeWithFixtures('the MLP learns real sound (MFCC means from librosa)', () => {
  beforeAll(async () => {
    await selectBackend({ quiet: true });
  });

  // Measured (wasm, seed 0): FSDD random 80/20 split 0.97; held-out speakers george 0.29, jackson 0.57,
  // theo 0.31 (mean 0.39); baseline 0.10 everywhere. Thresholds leave a wide margin below those.
  it('FSDD, random stratified 80/20 split: ≥ 0.90 held-out accuracy (baseline 0.10)', async () => {
    const items = fsdd();
    const { acc, baseline } = await heldOut(items, stratifiedSplit(items.map((i) => i.label), { seed: 0 }), 20);
    console.log(`FSDD random split: accuracy ${acc.toFixed(3)}, baseline ${baseline.toFixed(3)}`);
    expect(baseline).toBeCloseTo(0.1, 2);
    expect(acc).toBeGreaterThanOrEqual(0.9);
  });

  it('FSDD, one speaker held out (unseen voice): each ≥ 0.20 and mean ≥ 0.30 (baseline 0.10)', async () => {
    const items = fsdd();
    const scores: number[] = [];
    for (const speaker of ['george', 'jackson', 'theo']) {
      const { acc } = await heldOut(items, groupSplit(items.map((i) => i.group), { testGroups: [speaker] }), 20);
      console.log(`FSDD speaker ${speaker} held out: accuracy ${acc.toFixed(3)}`);
      scores.push(acc);
    }
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0.2);
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(0.3);
  });

  // Measured (wasm, seed 0): random 80/20 split 0.93 (baseline 0.10) — but it shares ~25 recordings
  // between the sides; holding whole recordings out gives far less (see the README).
  it('UrbanSound8K fold-1 clips, random split: ≥ 0.70 accuracy (baseline 0.10), and the leak is reported', async () => {
    const items = urbanSound();
    const split = stratifiedSplit(items.map((i) => i.label), { seed: 0 });
    const warnings: string[] = [];
    expect(warnIfLeaky(items.map((i) => i.group), split, (m) => warnings.push(m))).toBeGreaterThan(10);
    expect(warnings[0]).toMatch(/fsID/);
    const { acc, baseline } = await heldOut(items, split, 60);
    console.log(`UrbanSound8K fold-1 random split: accuracy ${acc.toFixed(3)}, baseline ${baseline.toFixed(3)}`);
    expect(baseline).toBeCloseTo(0.1, 2);
    expect(acc).toBeGreaterThanOrEqual(0.7);
  });
});
