// Bench section `cnn`: log-mel patch extraction through the featurizer, and SB-CNN training/inference throughput.
//
// On the 300 real fold-1 clips (data.sample/ when the fixtures are absent): extractFeatures kind
// 'logmel' (128 mels × 128 frames) cold (no cache, worker threads) and warm (from the cache), in clips
// per second; then the full-size SB-CNN (Salamon & Bello 2017) trained with lib/model's train loop,
// batch 32, on the backend in use: spectrogram patches per second for training (forward + backward +
// Adam, steady state: the first epoch is timed separately as warm-up) and for inference.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { extractFeatures } from '../../lib/features/extract';
import { CNN_DEFAULTS } from '../../lib/defaults';
import { selectBackend } from '../../lib/model/backend';
import { buildCnn } from '../../lib/model/cnn';
import { fitStandardizer, standardize } from '../../lib/model/scaler';
import { stack, train } from '../../lib/model/train';

const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures'));

function clips(): { files: string[]; source: string } {
  const dir = join(FIXTURES, 'urbansound8k-fold1', 'audio');
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().map((f) => join(dir, f));
    if (files.length) return { files, source: 'urbansound8k-fold1 (300 real clips, 4 s)' };
  } catch {
    // fall through to the sample data
  }
  const sample = resolve(__dirname, '../../data.sample/Train');
  return { files: readdirSync(sample).filter((f) => f.endsWith('.wav')).sort().map((f) => join(sample, f)), source: 'data.sample/Train (synthetic)' };
}

export async function run(): Promise<void> {
  const { files, source } = clips();
  const { nMels, frames } = CNN_DEFAULTS;
  const cacheDir = mkdtempSync(join(tmpdir(), 'soundlab-bench-cnn-'));
  try {
    console.log(`clips: ${files.length} from ${source}; patch ${nMels} mels × ${frames} frames`);
    const cold = await extractFeatures(files, { kind: 'logmel', nMels, frames, cacheDir, progress: false });
    const warm = await extractFeatures(files, { kind: 'logmel', nMels, frames, cacheDir, progress: false });
    console.log(`log-mel patches via extractFeatures, cold (computed, ${cold.stats.computed} clips): ${cold.stats.seconds.toFixed(2)} s = ${(files.length / cold.stats.seconds).toFixed(1)} clips/s`);
    console.log(`log-mel patches via extractFeatures, warm (cache, ${warm.stats.cached} clips): ${warm.stats.seconds.toFixed(2)} s = ${(files.length / warm.stats.seconds).toFixed(0)} clips/s`);

    const backend = await selectBackend({ quiet: true });
    const n = Math.min(128, cold.X.length);
    const s = fitStandardizer(cold.X.slice(0, n), { axis: 'channel', channels: 1 });
    const rows = standardize(cold.X.slice(0, n), s);
    const x = stack(rows, [nMels, frames, 1]);
    const y = tf.oneHot(tf.tensor1d(rows.map((_, i) => i % 10), 'int32'), 10);
    const model = buildCnn({ classCount: 10, seed: 0 });
    const epochs = 3;
    const history = await train(model, x, y, { epochs, batchSize: 32, seed: 0, verbose: 0 });
    const steady = history.seconds.slice(1);
    const perEpoch = steady.reduce((a, b) => a + b, 0) / steady.length;
    console.log(`SB-CNN training (${backend.description}, batch 32, ${model.countParams()} params): first epoch ${history.seconds[0].toFixed(1)} s; steady ${perEpoch.toFixed(1)} s per ${n} patches = ${(n / perEpoch).toFixed(1)} patches/s`);
    const t0 = performance.now();
    const out = model.predict(x, { batchSize: 64 }) as tf.Tensor;
    await out.data();
    const inferSeconds = (performance.now() - t0) / 1000;
    console.log(`SB-CNN inference: ${(n / inferSeconds).toFixed(1)} patches/s`);
    tf.dispose([x, y, out]);
    model.dispose();
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
