// Real-data evidence for the CNN: train on one folder of UrbanSound8K clips, test on another (no
// recording in both), and print baseline / MLP / SB-CNN / SB-CNN + augmentation in one table.
//
//   npx tsx scripts/fold-eval.ts --train ../shared/fixtures/urbansound8k-fold2 --test ../shared/fixtures/urbansound8k-fold1
//   options: --models baseline,mlp,cnn,cnn+aug  --epochs N (CNN budget)  --mlp-epochs 5,50  --augment SPEC
//            --workers N  --seed N  --out results.json
//            CNN recipe overrides (defaults: lib/defaults.ts CNN_DEFAULTS): --patience N  --batch-size N  --lr X
//            --l2 X  --dropout X  --spec-augment FRAMES,BANDS | none  --ema M (weights' moving average; 0: off)
//            --early-stopping X (fraction of the training clips held out for early stopping; default 0: none,
//            the whole budget on every clip)  --start-from-epoch N
//            --trace-test: also print the test folder's accuracy after every epoch (a diagnostic of how well
//            early stopping picks the epoch; the test folder never chooses anything)
// Ctrl-C during a CNN's training stops it with the best weights so far and still scores the test folder.
//
// The MLP rows use the tutorial's recipe (40 MFCC means, lib/experiments' runSplit); the CNN rows the
// SB-CNN crop recipe (lib/model/cnn-recipe.ts) with its defaults from lib/defaults.ts; with
// --early-stopping, early-stopped on whole recordings held out of the training folder — never on the test folder.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadAudio } from '../lib/audio';
import { augmentTrainingClips, parseAugmentSpec, trainingPart, type Clip } from '../lib/augment';
import { loadDataset } from '../lib/data/dataset';
import { CNN_DEFAULTS } from '../lib/defaults';
import { featureOfSamples, featureTable, labelledItems, resolveExperimentParams, runSplit, type LabelledItem } from '../lib/experiments/run';
import { selectBackend } from '../lib/model/backend';
import { buildCnn, type CnnOptions } from '../lib/model/cnn';
import type { CnnFitOptions } from '../lib/model/cnn-train';
import { clipMatrixFromPatches } from '../lib/model/crops';
import { fitPatchScaler, trainCnnOnClips, validationPatches, validationSplitOf, type CnnClipRows } from '../lib/model/cnn-recipe';
import { LabelEncoder } from '../lib/model/labels';
import { classificationReport } from '../lib/model/metrics';
import { argMax, predictClipProbabilities } from '../lib/model/predict';
import { interruptOnSigint } from '../lib/util/interrupt';

interface Row {
  model: string;
  accuracy: number;
  macroF1: number;
  trainSeconds: number;
  note: string;
}

function subset(c: CnnClipRows, idx: readonly number[]): CnnClipRows {
  return {
    rows: idx.map((k) => c.rows[k]),
    shapes: idx.map((k) => c.shapes[k]),
    labels: Int32Array.from(idx, (k) => c.labels[k]),
    groups: c.groups ? idx.map((k) => c.groups![k]) : undefined,
  };
}

/** `--spec-augment 20,15` (widest time mask in frames, frequency mask in bands) or `none`; unset: the default. */
function specAugmentOf(text: string | undefined): CnnFitOptions['specAugment'] {
  if (text === undefined) return undefined;
  if (text === 'none') return false;
  const [timeMaskFrames, freqMaskBands] = text.split(',').map(Number);
  if (!(timeMaskFrames >= 0 && freqMaskBands >= 0)) throw new Error(`--spec-augment: expected FRAMES,BANDS or none, got ${text}`);
  return { timeMaskFrames, freqMaskBands };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      models: { type: 'string', default: 'baseline,mlp,cnn,cnn+aug' },
      epochs: { type: 'string' },
      'mlp-epochs': { type: 'string', default: '5,50' },
      augment: { type: 'string', default: 'pitch:2,stretch:0.9-1.1' },
      workers: { type: 'string' },
      seed: { type: 'string', default: '0' },
      out: { type: 'string' },
      patience: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      l2: { type: 'string' },
      dropout: { type: 'string' },
      'spec-augment': { type: 'string' },
      'trace-test': { type: 'boolean', default: false },
      ema: { type: 'string' },
      'start-from-epoch': { type: 'string' },
      'early-stopping': { type: 'string' },
    },
  });
  if (!values.train || !values.test) throw new Error('usage: fold-eval --train DIR --test DIR [--models baseline,mlp,cnn,cnn+aug] [--epochs N] [--out FILE]');
  const seed = Number(values.seed);
  const earlyStopping = values['early-stopping'] === undefined ? CNN_DEFAULTS.earlyStoppingSplit : Number(values['early-stopping']);
  if (!(earlyStopping >= 0 && earlyStopping < 1)) throw new Error(`--early-stopping must be in [0, 1) (0: no early stopping), got '${values['early-stopping']}'`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const models = values.models!.split(',').map((s) => s.trim());
  const backend = await selectBackend();
  const trainSet = labelledItems(loadDataset(values.train));
  const testSet = labelledItems(loadDataset(values.test));
  const trainGroups = new Set(trainSet.map((it) => it.group));
  const shared = testSet.filter((it) => it.group !== undefined && trainGroups.has(it.group));
  if (shared.length) throw new Error(`${shared.length} test clips share a recording with the training clips (e.g. ${shared[0].id}): not a held-out split`);
  const items: LabelledItem[] = [...trainSet, ...testSet];
  const split = { train: trainSet.map((_, i) => i), test: testSet.map((_, i) => trainSet.length + i) };
  const encoder = new LabelEncoder().fit(items.map((it) => it.label));
  console.error(`${trainSet.length} training clips (${values.train}), ${testSet.length} test clips (${values.test}); backend ${backend.description}`);
  const rows: Row[] = [];
  const started = new Date().toISOString();

  if (models.includes('baseline')) {
    const r = await runSplit(items, null, split, resolveExperimentParams({ model: 'baseline' }));
    rows.push({ model: 'baseline (most frequent training class)', accuracy: r.accuracy, macroF1: r.macroF1, trainSeconds: 0, note: '' });
  }
  if (models.includes('mlp')) {
    const params = resolveExperimentParams({ model: 'mlp', seed });
    const table = await featureTable(items, params, { progress: true });
    for (const epochs of values['mlp-epochs']!.split(',').map(Number)) {
      const r = await runSplit(items, table, split, { ...params, epochs });
      rows.push({ model: `MLP, 40 MFCC means, ${epochs} epochs`, accuracy: r.accuracy, macroF1: r.macroF1, trainSeconds: r.trainSeconds, note: epochs === 5 ? 'tutorial defaults' : '' });
      console.error(`MLP ${epochs} epochs: accuracy ${r.accuracy.toFixed(4)}`);
    }
  }
  const cnnKinds = models.filter((m) => m === 'cnn' || m === 'cnn+aug');
  if (cnnKinds.length) {
    const params = resolveExperimentParams({ model: 'cnn', seed });
    const table = await featureTable(items, params, { progress: true });
    const patchHop = table!.spec.patchHop;
    const ok = (i: number) => table!.rows[i] !== null;
    const trainIdx = split.train.filter(ok);
    const testIdx = split.test.filter(ok);
    const clipsOf = (idx: number[]): CnnClipRows => ({
      rows: idx.map((i) => table!.rows[i]!),
      shapes: idx.map((i) => table!.shapes[i]!),
      labels: Int32Array.from(encoder.transform(idx.map((i) => items[i].label))),
      groups: idx.map((i) => items[i].group),
    });
    const trainClips = clipsOf(trainIdx);
    const testClips = clipsOf(testIdx);
    const valSplit = validationSplitOf(trainClips, earlyStopping, seed);
    const validation = valSplit.test.length ? subset(trainClips, valSplit.test) : undefined;
    for (const kind of cnnKinds) {
      let fit = subset(trainClips, valSplit.train);
      let note = '';
      if (kind === 'cnn+aug') {
        // Copies of the fitting clips only (never of validation or test clips), featurized like the originals.
        const spec = parseAugmentSpec(values.augment!, 1);
        const source = valSplit.train.map((k) => items[trainIdx[k]]);
        const extra: CnnClipRows = { rows: [], shapes: [], labels: new Int32Array(0) };
        const labels: number[] = [];
        const variantOf: number[] = fit.rows.map((_, k) => k);
        const indexOf = new Map(source.map((it, k) => [it.id, k]));
        const t0 = performance.now();
        for (let from = 0; from < source.length; from += 64) {
          // loadAudio, not loadAudioSync: fold 2 is FLAC, which decodes asynchronously only.
          const clips: Clip[] = [];
          for (const it of source.slice(from, from + 64)) {
            const { samples, sampleRate } = (await loadAudio(it.path, { sampleRate: params.sampleRate, mono: true })) as { samples: Float32Array; sampleRate: number };
            clips.push({ id: it.id, label: it.label, samples, sampleRate });
          }
          for (const c of augmentTrainingClips(trainingPart({ train: clips }), spec, seed).filter((c) => c.augmentedFrom)) {
            const f = featureOfSamples(c.samples, c.sampleRate, table!.spec, { spec, seed: c.augmentSeed ?? 0 });
            (extra.rows as Float32Array[]).push(f.data);
            (extra.shapes as number[][]).push(f.shape);
            labels.push(encoder.transform([c.label as string])[0]);
            variantOf.push(indexOf.get(c.augmentedFrom as string) as number);
          }
        }
        // Each epoch trains on the original or its copy (chosen at random), so an epoch is as long as without augmentation.
        fit = { rows: [...fit.rows, ...extra.rows], shapes: [...fit.shapes, ...extra.shapes], labels: Int32Array.from([...fit.labels, ...labels]), variantOf: Int32Array.from(variantOf) };
        note = `+${labels.length} copies (${values.augment}) made in ${((performance.now() - t0) / 1000).toFixed(0)} s; `;
      }
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const options: CnnOptions = { classCount: encoder.classes.length, seed, learningRate: num(values.lr), l2: num(values.l2), dropout: num(values.dropout) };
      const model = buildCnn(options);
      const t0 = performance.now();
      // Ctrl-C (SIGINT) ends the training with the best weights so far; the test fold is still scored.
      const interrupt = interruptOnSigint((line) => console.error(`${kind}: ${line}`));
      // --trace-test: the test folder's accuracy after each epoch, standardised as the recipe does (statistics
      // of the fitting clips), printed beside the epoch line; it never feeds back into training.
      let traceX: tf.Tensor4D | null = null;
      let traceRows: readonly number[] = [];
      if (values['trace-test']) {
        const scaler = fitPatchScaler(fit.rows.map((row, k) => clipMatrixFromPatches(row, fit.shapes[k], patchHop)));
        const t = validationPatches(testClips, testClips.rows.map((_, k) => k), scaler);
        traceX = tf.tensor4d(t.patches, [t.patches.length / (params.nMels * params.frames), params.nMels, params.frames, 1]);
        traceRows = t.rowsPerClip;
      }
      const trace = (epoch: number) => {
        if (!traceX) return;
        const probs = predictClipProbabilities(model, traceX, traceRows);
        const hits = probs.filter((p, k) => argMax(p) === testClips.labels[k]).length;
        console.error(`${kind}: epoch ${epoch + 1}: test accuracy ${(hits / probs.length).toFixed(4)} (trace only)`);
      };
      const r = await trainCnnOnClips(model, options, fit, {
        onEpochEnd: (epoch) => trace(epoch),
        patchHop, validation, earlyStoppingSplit: 0, seed, workers,
        epochs: values.epochs ? Number(values.epochs) : undefined,
        patience: num(values.patience),
        batchSize: num(values['batch-size']),
        specAugment: specAugmentOf(values['spec-augment']),
        emaMomentum: num(values.ema),
        startFromEpoch: num(values['start-from-epoch']),
        log: (line) => console.error(`${kind}: ${line}`),
        signal: interrupt.signal,
      }).finally(() => interrupt.dispose());
      traceX?.dispose();
      const trainSeconds = (performance.now() - t0) / 1000;
      const test = validationPatches(testClips, testClips.rows.map((_, k) => k), r.scaler);
      const x = tf.tensor4d(test.patches, [test.patches.length / (params.nMels * params.frames), params.nMels, params.frames, 1]);
      const probs = predictClipProbabilities(model, x, test.rowsPerClip);
      x.dispose();
      const predicted = encoder.inverseTransform(probs.map((p) => argMax(p)));
      const report = classificationReport(testIdx.map((i) => items[i].label), predicted, encoder.classes);
      note += `${r.history.epoch.length} epochs run (${r.stopped}), best ${r.bestEpoch === null ? '-' : r.bestEpoch + 1}, ${r.patchesPerSecond.toFixed(1)} patches/s on ${r.workers} workers`;
      rows.push({ model: kind === 'cnn' ? 'SB-CNN, random crops' : 'SB-CNN, random crops + augmentation', accuracy: report.accuracy, macroF1: report.macroAvg.f1, trainSeconds, note });
      console.error(`${kind}: accuracy ${report.accuracy.toFixed(4)} (${note})`);
      model.dispose();
    }
  }
  const lines = [
    `| model | accuracy | macro-F1 | training s | notes |`,
    `|---|---:|---:|---:|---|`,
    ...rows.map((r) => `| ${r.model} | ${(100 * r.accuracy).toFixed(1)} % | ${r.macroF1.toFixed(3)} | ${r.trainSeconds.toFixed(0)} | ${r.note} |`),
  ];
  console.log(lines.join('\n'));
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ started, finished: new Date().toISOString(), train: values.train, test: values.test, backend: backend.description, rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
