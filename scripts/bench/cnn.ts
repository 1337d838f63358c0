// Bench section `cnn`: log-mel patches through the featurizer, then SB-CNN training and inference
// throughput on one core, on every core (data-parallel replicas, lib/model/cnn-train.ts) and — in
// the same run, interleaved round by round — the same network in PyTorch on 1 and 2 threads, with
// the ratios, and the GFLOP/s reached against the backend's measured matmul peak.
//
// On the 300 real fold-1 clips (data.sample/ when the fixtures are absent). PyTorch is found as
// `$SOUNDLAB_PYTHON`, `python3` or `/usr/bin/python3` (Debian's python3-torch), whichever imports
// torch; without one the comparison is skipped with a message. The machine is shared: read the
// medians and ratios, and the load average printed before and after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { extractFeatures } from '../../lib/features/extract';
import { CNN_DEFAULTS } from '../../lib/defaults';
import { selectBackend } from '../../lib/model/backend';
import { buildCnn, type CnnOptions } from '../../lib/model/cnn';
import { fitPatchScaler, scaleValues } from '../../lib/model/cnn-recipe';
import { fitCnnOnCrops, predictPatchesOnReplicas } from '../../lib/model/cnn-train';
import { clipMatrixFromPatches } from '../../lib/model/crops';

const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures'));
const ROUNDS = 3;
const BATCH = 32;
const PATCH_HOP = CNN_DEFAULTS.frames / 2;

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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/**
 * FLOPs (multiply + add = 2) of one patch through the network's conv and dense layers, forward, and
 * for a training step: forward + filter/weight gradients + input gradients of every layer but the
 * first (whose input gradient nothing needs).
 */
export function cnnFlopsPerPatch(model: tf.LayersModel): { forward: number; training: number } {
  let forward = 0;
  let firstLayer = 0;
  for (const layer of model.layers) {
    const out = layer.outputShape as number[];
    const cls = layer.getClassName();
    let f = 0;
    if (cls === 'Conv2D') {
      const [kh, kw, cin, cout] = (layer.getWeights()[0].shape as number[]);
      f = 2 * out[1] * out[2] * cout * kh * kw * cin;
    } else if (cls === 'Dense') {
      const [nIn, nOut] = layer.getWeights()[0].shape as number[];
      f = 2 * nIn * nOut;
    }
    if (f && !firstLayer) firstLayer = f;
    forward += f;
  }
  return { forward, training: 3 * forward - firstLayer };
}

/** GFLOP/s of a 1024 × 1024 × 1024 matmul on the current backend (median of 5): the kernel's peak here. */
function matmulPeak(): number {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push((performance.now() - t0) / 1000);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n * n * n) / median(times.slice(1)) / 1e9;
}

function findTorchPython(): string | null {
  for (const exe of [process.env.SOUNDLAB_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!exe) continue;
    const r = spawnSync(exe, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return exe;
  }
  return null;
}

interface TorchRun {
  torch: string;
  train_patches_per_s: number;
  infer_patches_per_s: number;
}

function torchRun(python: string, threads: number): TorchRun {
  const r = spawnSync(python, [join(__dirname, 'cnn_torch.py'), '--threads', String(threads), '--steps', '5', '--batch', String(BATCH)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/bench/cnn_torch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchRun;
}

export async function run(): Promise<void> {
  const { files, source } = clips();
  const { nMels, frames } = CNN_DEFAULTS;
  const cacheDir = mkdtempSync(join(tmpdir(), 'soundlab-bench-cnn-'));
  console.log(`load average before: ${load()} (2 cores shared with other jobs: compare within this run)`);
  try {
    console.log(`clips: ${files.length} from ${source}; patches ${nMels} mels × ${frames} frames, one every ${PATCH_HOP} frames`);
    const cold = await extractFeatures(files, { kind: 'logmel', nMels, frames, patchHop: PATCH_HOP, cacheDir, progress: false });
    const warm = await extractFeatures(files, { kind: 'logmel', nMels, frames, patchHop: PATCH_HOP, cacheDir, progress: false });
    console.log(`log-mel patches via extractFeatures, cold (computed, ${cold.stats.computed} clips): ${cold.stats.seconds.toFixed(2)} s = ${(files.length / cold.stats.seconds).toFixed(1)} clips/s`);
    console.log(`log-mel patches via extractFeatures, warm (cache, ${warm.stats.cached} clips): ${warm.stats.seconds.toFixed(2)} s = ${(files.length / warm.stats.seconds).toFixed(0)} clips/s`);

    const backend = await selectBackend({ quiet: true });
    const n = Math.min(3 * BATCH, cold.X.length);
    const matrices = cold.X.slice(0, n).map((x, k) => clipMatrixFromPatches(x, cold.shapes[k], PATCH_HOP));
    const scaler = fitPatchScaler(matrices);
    const data = { clips: matrices.map((m) => ({ ...m, data: scaleValues(m.data, scaler) })), labels: Int32Array.from(matrices, (_, k) => k % 10) };
    const options: CnnOptions = { classCount: 10, seed: 0 };
    const flops = cnnFlopsPerPatch(buildCnn(options));
    const peak = matmulPeak();
    console.log(`SB-CNN: ${(flops.forward / 1e6).toFixed(1)} MFLOP per patch forward, ${(flops.training / 1e6).toFixed(1)} per training patch; ${backend.description} matmul peak (1024³, one thread) ${peak.toFixed(1)} GFLOP/s`);

    const python = findTorchPython();
    if (!python) console.log('PyTorch: not found (no python3 that can `import torch`; on Debian: apt-get install python3-torch) — comparison skipped');
    const ours: Record<number, number[]> = { 1: [], 2: [] };
    const torch: Record<number, { train: number[]; infer: number[] }> = { 1: { train: [], infer: [] }, 2: { train: [], infer: [] } };
    let torchVersion = '';
    // Interleaved rounds: each configuration sees the same machine load, round after round.
    for (let round = 0; round < ROUNDS; round++) {
      for (const workers of [1, 2]) {
        const model = buildCnn(options);
        // Epoch 1 warms the replicas up (first-call kernel setup); epoch 2 is timed.
        const r = await fitCnnOnCrops(model, options, data, { epochs: 2, batchSize: BATCH, workers, seed: round, verbose: 0 });
        ours[workers].push(n / r.history.seconds[1]);
        model.dispose();
      }
      if (python) {
        for (const threads of [1, 2]) {
          const t = torchRun(python, threads);
          torchVersion = t.torch;
          torch[threads].train.push(t.train_patches_per_s);
          torch[threads].infer.push(t.infer_patches_per_s);
        }
      }
      console.log(`round ${round + 1}: soundlab ${ours[1].at(-1)!.toFixed(1)} / ${ours[2].at(-1)!.toFixed(1)} patches/s (1 / 2 workers)` + (python ? `; PyTorch ${torch[1].train.at(-1)!.toFixed(1)} / ${torch[2].train.at(-1)!.toFixed(1)} (1 / 2 threads)` : '') + `; load ${load()}`);
    }

    // Inference, same model and patches: one thread (model.predict) and every core (replicas).
    const model = buildCnn(options);
    const patches = new Float32Array(n * 2 * nMels * frames);
    for (let k = 0; k < 2 * n; k++) {
      const m = data.clips[k % n];
      for (let i = 0; i < nMels; i++) patches.set(m.data.subarray(i * m.nFrames, i * m.nFrames + frames), k * nMels * frames + i * frames);
    }
    const x = tf.tensor4d(patches, [2 * n, nMels, frames, 1]);
    (model.predict(x.slice(0, 8)) as tf.Tensor).dispose();
    const infer1: number[] = [];
    const infer2: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t0 = performance.now();
      const out = model.predict(x, { batchSize: 64 }) as tf.Tensor;
      out.dataSync();
      out.dispose();
      infer1.push((2 * n) / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      await predictPatchesOnReplicas(model, options, patches, { workers: 2 });
      infer2.push((2 * n) / ((performance.now() - t0) / 1000));
    }
    x.dispose();
    model.dispose();

    const m1 = median(ours[1]);
    const m2 = median(ours[2]);
    const gf = (pps: number) => (pps * flops.training) / 1e9;
    console.log('');
    console.log(`SB-CNN training, batch ${BATCH}, Adam, medians of ${ROUNDS} interleaved rounds (patches/s):`);
    console.log(`  soundlab (${backend.description}), 1 worker:  ${m1.toFixed(1)}  = ${gf(m1).toFixed(1)} GFLOP/s (${((100 * gf(m1)) / peak).toFixed(0)} % of the one-thread matmul peak)`);
    console.log(`  soundlab, 2 workers (data-parallel):       ${m2.toFixed(1)}  = ${gf(m2).toFixed(1)} GFLOP/s; ${(m2 / m1).toFixed(2)}× one worker (target ≥ 1.8×)`);
    if (python) {
      const t1 = median(torch[1].train);
      const t2 = median(torch[2].train);
      console.log(`  PyTorch ${torchVersion} (${python}), 1 thread: ${t1.toFixed(1)}; 2 threads: ${t2.toFixed(1)}`);
      console.log(`  ratio soundlab / PyTorch: 1 core ${(m1 / t1).toFixed(2)}×, 2 cores ${(m2 / t2).toFixed(2)}× (target ≥ 1.5× PyTorch's two threads)`);
    }
    const i1 = median(infer1);
    const i2 = median(infer2);
    console.log(`SB-CNN inference (patches/s): soundlab 1 thread ${i1.toFixed(1)} (${((i1 * flops.forward) / 1e9).toFixed(1)} GFLOP/s), 2 workers ${i2.toFixed(1)} (incl. starting them)` + (python ? `; PyTorch 1 thread ${median(torch[1].infer).toFixed(1)}, 2 threads ${median(torch[2].infer).toFixed(1)}; ratio ${(i1 / median(torch[1].infer)).toFixed(2)}× / ${(i2 / median(torch[2].infer)).toFixed(2)}×` : ''));
    console.log(`load average after: ${load()}`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
