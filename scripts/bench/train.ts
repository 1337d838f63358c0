// Seconds per epoch of the tutorial's MLP (40 → 256 → 256 → 10, dropout 0.5, Adam, batch 32) on 5435 × 40
// inputs, against scikit-learn's MLPClassifier(hidden_layer_sizes=(256, 256), batch_size=32, solver='adam')
// timed in the same run on the same rows (numpy/BLAS; skipped with a message where Python has no sklearn).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { TRAIN_DEFAULTS } from '../../lib/defaults';
import { mulberry32 } from '../../lib/util/random';
import {
  buildMlp,
  installTransposedMatMulFix,
  selectBackend,
  train,
  uninstallTransposedMatMulFix,
} from '../../lib/model';

const ROWS = 5435; // the tutorial's training set
const FEATURES = 40;
const CLASSES = 10;
/** Pause between alternating epochs, ms (see the loop). */
const SETTLE_MS = 500;

interface Figures {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU seconds of one call. */
async function timed(run: () => Promise<void>): Promise<Figures> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const medians = (f: Figures[]): Figures => ({ wall: median(f.map((x) => x.wall)), cpu: median(f.map((x) => x.cpu)) });

/** Median wall-clock and CPU seconds of `epochs` timed epochs, after one warm-up epoch. */
async function timeEpochs(epochs: number, runEpoch: () => Promise<void>): Promise<Figures> {
  await runEpoch();
  const figures: Figures[] = [];
  for (let e = 0; e < epochs; e++) figures.push(await timed(runEpoch));
  return medians(figures);
}

// scikit-learn in a child process that runs one epoch per line read from stdin and answers with its wall and
// CPU seconds (CPU counts all of BLAS's threads). One partial_fit call is one epoch for solver='adam': a
// shuffled pass over the rows in batches, as in fit.
const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier
stem, rows, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(stem + '.x', dtype=np.float32).reshape(rows, features)
y = np.fromfile(stem + '.y', dtype=np.int32)
clf = MLPClassifier(hidden_layer_sizes=(256, 256), batch_size=32, solver='adam', random_state=0)
classes = np.unique(y)
print(json.dumps({'version': sklearn.__version__}), flush=True)
for line in sys.stdin:
    c0, t0 = time.process_time(), time.perf_counter()
    clf.partial_fit(X, y, classes=classes)
    print(json.dumps({'wall': time.perf_counter() - t0, 'cpu': time.process_time() - c0, 'dtype': str(clf.coefs_[0].dtype)}), flush=True)
`;

/** A Python that imports sklearn: $SOUNDLAB_PYTHON, else python3 on PATH, else the system's. */
function pythonWithSklearn(): string | null {
  const candidates = [process.env.SOUNDLAB_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((py) => spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** A running scikit-learn MLPClassifier on fixed rows: `epoch()` trains one epoch and returns its times. */
interface SklearnRunner {
  description: () => string;
  epoch: () => Promise<Figures>;
  close: () => void;
}

/** Starts scikit-learn on the rows (`ids`: class indices), or says why it cannot and returns null. */
async function startSklearn(x: Float32Array, ids: Int32Array, rows: number): Promise<SklearnRunner | null> {
  const python = pythonWithSklearn();
  if (!python) {
    console.log('scikit-learn: skipped (no python3 that can `import sklearn`; set SOUNDLAB_PYTHON or install python3-sklearn)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'soundlab-bench-'));
  const stem = join(dir, 'rows');
  writeFileSync(`${stem}.x`, x);
  writeFileSync(`${stem}.y`, ids);
  const child = spawn(python, ['-c', SKLEARN_SCRIPT, stem, String(rows), String(FEATURES)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, string | number>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`${python} stopped: ${stderr.trim().split('\n').pop()}`);
    return JSON.parse(line.value as string) as Record<string, string | number>;
  };
  const close = () => {
    child.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const hello = await next();
    let dtype = '';
    return {
      description: () => `sklearn ${hello.version}, ${dtype}, ${python}`,
      epoch: async () => {
        child.stdin.write('\n');
        const r = await next();
        dtype = String(r.dtype);
        return { wall: Number(r.wall), cpu: Number(r.cpu) };
      },
      close,
    };
  } catch (err) {
    close();
    console.log(`scikit-learn: skipped (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
}

function report(name: string, f: Figures, sklearn: Figures | null): void {
  const ratio = (ours: number, theirs: number | undefined) => (theirs ? ` (${(ours / theirs).toFixed(2)}× scikit-learn)` : '');
  console.log(
    `${name.padEnd(36)} ${f.wall.toFixed(3)} s/epoch wall${ratio(f.wall, sklearn?.wall)}, ` +
      `${f.cpu.toFixed(3)} s CPU${ratio(f.cpu, sklearn?.cpu)}`,
  );
}

export async function run(): Promise<void> {
  const backend = await selectBackend();
  const rng = mulberry32(2024);
  const xRows = Float32Array.from({ length: ROWS * FEATURES }, () => rng() * 2 - 1);
  const idRows = Int32Array.from({ length: ROWS }, () => Math.floor(rng() * CLASSES));
  const X = tf.tensor2d(xRows, [ROWS, FEATURES]);
  const ids = tf.tensor1d(idRows, 'int32');
  const y = tf.oneHot(ids, CLASSES).toFloat();
  const epochs = Number(process.env.SOUNDLAB_BENCH_EPOCHS ?? 5);
  console.log(`backend ${backend.description}; ${ROWS} × ${FEATURES} rows, batch 32, median of ${epochs} epochs after a warm-up`);
  const fresh = () => buildMlp({ inputSize: FEATURES, classCount: CLASSES, seed: 0 });
  // Ours and scikit-learn's epochs alternate (after a warm-up of each), so both see the same load.
  const m2 = fresh();
  let seed = 0;
  const ourEpoch = async () => {
    await train(m2, X, y, { epochs: 1, batchSize: 32, seed: seed++, verbose: 0 });
  };
  const runner = await startSklearn(xRows, idRows, ROWS);
  let sklearn: Figures | null = null;
  if (runner) {
    try {
      await runner.epoch();
      await ourEpoch();
      const theirs: Figures[] = [];
      const mine: Figures[] = [];
      // A pause between the two: both use the second core (OpenBLAS's threads, our helper thread), and
      // OpenBLAS's threads keep spinning for a while after a call returns; back to back, whichever runs
      // second would share its cores with the other's leftover spinning.
      const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      for (let e = 0; e < epochs; e++) {
        await settle();
        theirs.push(await runner.epoch());
        await settle();
        mine.push(await timed(ourEpoch));
      }
      sklearn = medians(theirs);
      const ours = medians(mine);
      report('scikit-learn MLPClassifier', sklearn, null);
      console.log(`${''.padEnd(37)}(${runner.description()}; epochs alternate with ours)`);
      report(`soundlab train() (wasm SIMD step, ${TRAIN_DEFAULTS.threads} threads)`, ours, sklearn);
      // Under load the two medians can come from differently loaded epochs; the ratio within each pair
      // (taken seconds apart) is the steadier figure, so the verdict uses its median.
      const wallRatio = median(mine.map((f, e) => f.wall / theirs[e].wall));
      const cpuRatio = median(mine.map((f, e) => f.cpu / theirs[e].cpu));
      console.log(
        `soundlab train() / scikit-learn per epoch, median of ${epochs} alternating pairs: wall ${wallRatio.toFixed(2)}, ` +
          `CPU ${cpuRatio.toFixed(2)} (${wallRatio <= 1 ? 'at or below' : 'ABOVE'} scikit-learn)`,
      );
    } finally {
      runner.close();
    }
  } else {
    report('soundlab train() (wasm SIMD step)', await timeEpochs(epochs, ourEpoch), null);
  }
  if (backend.name === 'wasm') {
    uninstallTransposedMatMulFix();
    const m0 = fresh();
    report('tfjs model.fit, stock wasm kernels', await timeEpochs(Math.min(epochs, 3), async () => {
      await m0.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 });
    }), sklearn);
    installTransposedMatMulFix();
  }
  const m1 = fresh();
  report(backend.name === 'wasm' ? 'tfjs model.fit, our matmul kernels' : 'tfjs model.fit', await timeEpochs(Math.min(epochs, 3), async () => {
    await m1.fit(X, y, { epochs: 1, batchSize: 32, verbose: 0 });
  }), sklearn);
  const m3 = fresh();
  report('soundlab train(), autodiff step', await timeEpochs(Math.min(epochs, 3), async () => {
    await train(m3, X, y, { epochs: 1, batchSize: 32, seed: seed++, verbose: 0, fastPath: false });
  }), sklearn);
  console.log(`(1-minute load average during the run: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; wall figures inflate under load, CPU figures less so)`);
  tf.dispose([X, ids, y]);
}

if (require.main === module) void run();
