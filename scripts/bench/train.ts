// Seconds per epoch of the tutorial's MLP (40 → 256 → 256 → 10, dropout 0.5, Adam, batch 32) on 5435 × 40
// inputs, against scikit-learn MLPClassifier's 0.26 s per epoch (same layers, batch and optimiser, numpy/BLAS).
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../lib/data/random';
import {
  buildMlp,
  installTransposedMatMulFix,
  selectBackend,
  train,
  uninstallTransposedMatMulFix,
} from '../../lib/model';

/** scikit-learn's time per epoch for the same network, batch and data size (measured on this machine kind). */
const SKLEARN_SECONDS_PER_EPOCH = 0.26;
const ROWS = 5435; // the tutorial's training set
const FEATURES = 40;
const CLASSES = 10;

interface Figures {
  wall: number;
  cpu: number;
}

/** Median wall-clock and CPU seconds of `epochs` timed epochs, after one warm-up epoch. */
async function timeEpochs(epochs: number, runEpoch: () => Promise<void>): Promise<Figures> {
  await runEpoch();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await runEpoch();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { wall: median(walls), cpu: median(cpus) };
}

function report(name: string, f: Figures): void {
  console.log(
    `${name.padEnd(36)} ${f.wall.toFixed(3)} s/epoch wall (${(f.wall / SKLEARN_SECONDS_PER_EPOCH).toFixed(1)}× scikit-learn), ` +
      `${f.cpu.toFixed(3)} s CPU (${(f.cpu / SKLEARN_SECONDS_PER_EPOCH).toFixed(1)}×)`,
  );
}

export async function run(): Promise<void> {
  const backend = await selectBackend();
  const rng = mulberry32(2024);
  const X = tf.tensor2d(Float32Array.from({ length: ROWS * FEATURES }, () => rng() * 2 - 1), [ROWS, FEATURES]);
  const ids = tf.tensor1d(Int32Array.from({ length: ROWS }, () => Math.floor(rng() * CLASSES)), 'int32');
  const y = tf.oneHot(ids, CLASSES).toFloat();
  const epochs = Number(process.env.SOUNDLAB_BENCH_EPOCHS ?? 5);
  console.log(`backend ${backend.description}; ${ROWS} × ${FEATURES} rows, batch 32, median of ${epochs} epochs after a warm-up`);
  console.log(`reference: scikit-learn MLPClassifier ${SKLEARN_SECONDS_PER_EPOCH} s/epoch`);

  const fresh = () => buildMlp({ inputSize: FEATURES, classCount: CLASSES, seed: 0 });
  if (backend.name === 'wasm') {
    uninstallTransposedMatMulFix();
    const m0 = fresh();
    report('tfjs model.fit, stock wasm kernels', await timeEpochs(Math.min(epochs, 3), async () => {
      await m0.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 });
    }));
    installTransposedMatMulFix();
  }
  const m1 = fresh();
  report(backend.name === 'wasm' ? 'tfjs model.fit, our matmul kernels' : 'tfjs model.fit', await timeEpochs(Math.min(epochs, 3), async () => {
    await m1.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 });
  }));
  const m2 = fresh();
  let seed = 0;
  const ours = await timeEpochs(epochs, async () => {
    await train(m2, X, y, { epochs: 1, batchSize: 32, seed: seed++, verbose: 0 });
  });
  report('soundlab train() (wasm SIMD step)', ours);
  const m3 = fresh();
  report('soundlab train(), autodiff step', await timeEpochs(Math.min(epochs, 3), async () => {
    await train(m3, X, y, { epochs: 1, batchSize: 32, seed: seed++, verbose: 0, fastPath: false });
  }));
  const loadavg = require('node:os').loadavg()[0] as number;
  console.log(`(1-minute load average during the run: ${loadavg.toFixed(1)} on ${require('node:os').cpus().length} cores; wall figures inflate under load, CPU figures less so)`);
  tf.dispose([X, ids, y]);
}

if (require.main === module) void run();
