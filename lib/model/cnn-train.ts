// SB-CNN training as Salamon & Bello 2017 do it — a fresh random crop of every clip each epoch, the
// clip's prediction the mean over its patches, early stopping on validation with the best weights
// restored — run data-parallel on every core.
//
// Why data-parallel worker threads rather than multithreaded kernels: tfjs-backend-wasm's threaded
// build needs Blob-URL workers that Node's worker_threads refuse (see lib/model/backend.ts), and our
// own conv kernels would have to be rewritten around a thread pool. A replica per core reuses the
// single-threaded kernels untouched (XNNPACK + the conv gradients of lib/model/cnn.ts): each computes
// the gradient of its contiguous share of the batch, the main thread sums the shares in replica order
// (a fixed order: same seed + same replica count → bit-identical weights) and applies one Adam step
// (HostAdam, the same update as lib/model/train.ts). Per step only clip indices and crop starts
// travel; crops are cut from log-mel matrices in shared memory, the weights and gradients are shared
// buffers too. The pool lives for the whole run (started once, not per epoch).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32 } from '../util/random';
import { CNN_DEFAULTS, TRAIN_DEFAULTS } from '../defaults';
import { formatDuration } from '../util/progress';
import { availableCores, bootstrapSource } from '../util/worker-pool';
import { HostAdam } from './adam';
import type { CnnOptions } from './cnn';
import { CnnReplica, flatWeights, setFlatWeights, type ShardResult } from './cnn-replica';
import { assembleShard, createSharedStore, splitBatch, splitRange, type Shard, type SharedStore } from './cnn-shards';
import type { CnnWorkerData, CnnWorkerRequest } from './cnn-worker';
import { randomCropMasks, randomCropStarts, type ClipMatrix, type CropMaskOptions } from './crops';
import type { EpochLogs, History } from './train';

/** Training clips: each one's whole (standardised) log-mel matrix and its class id. */
export interface CropTrainingSet {
  clips: readonly ClipMatrix[];
  labels: Int32Array;
  /**
   * Augmented versions: `variantOf[k]` is the clip that matrix k is a version of (an original points
   * to itself). Each epoch then trains on one randomly chosen version of every clip — augmentation
   * that varies the data without making an epoch longer. Default: every matrix is its own clip.
   */
  variantOf?: Int32Array;
}

/** Validation clips as the evaluation sees them: all their patches, `rowsPerClip[k]` consecutive ones per clip. */
export interface PatchValidationSet {
  /** Standardised patches, nMels × frames each, concatenated. */
  patches: Float32Array;
  rowsPerClip: readonly number[];
  labels: Int32Array;
}

export interface CnnFitOptions {
  /** Epoch budget (default CNN_DEFAULTS.epochs); early stopping may end sooner. */
  epochs?: number;
  /** Clips per Adam step (default CNN_DEFAULTS.batchSize). */
  batchSize?: number;
  /** Seed of the shuffles, crops and dropout masks (default 0). */
  seed?: number;
  /** Replicas on worker threads (default: one per core); 0 computes on this thread. */
  workers?: number;
  /** Validation clips: evaluated after every epoch (clip-level, mean over patches) for early stopping. */
  validation?: PatchValidationSet;
  /**
   * SpecAugment on every training crop, drawn afresh each epoch (seeded): one time mask of up to
   * `timeMaskFrames` frames and one frequency mask of up to `freqMaskBands` bands, set to the mean (default
   * CNN_DEFAULTS.specAugment; false: none).
   */
  specAugment?: CropMaskOptions | false;
  /**
   * Exponential moving average of the weights (Keras's `Adam(use_ema=True, ema_momentum=…)`): after every step
   * ema ← m·ema + (1 − m)·weights. Validation, early stopping and the weights the model ends with are the
   * average's — a smoothed model, where the raw weights jump from epoch to epoch (default
   * CNN_DEFAULTS.emaMomentum; 0: off).
   */
  emaMomentum?: number;
  /**
   * Epochs to train before early stopping starts watching (Keras EarlyStopping `start_from_epoch`): earlier
   * epochs are validated and logged but can neither be the best nor count against `patience` — unless the
   * run ends before any watched epoch (interrupted), when the best of them is kept (default
   * CNN_DEFAULTS.startFromEpoch).
   */
  startFromEpoch?: number;
  /** Stop after this many epochs without improvement of `monitor` (default CNN_DEFAULTS.patience; 0: never). */
  patience?: number;
  /**
   * What early stopping watches (default CNN_DEFAULTS.monitor, 'val_acc'). On a few held-out recordings the
   * raw weights' accuracy jumps by tens of points between epochs, but the moving average's (emaMomentum)
   * moves smoothly and rose with the test fold's in the fold 2 → fold 1 runs, while its val_loss bottomed
   * out at epoch 12 of 40 and then rose (growing confidence on the clips it gets wrong) as the test
   * accuracy went on rising from 30 % to 53 % (README, "Beyond the tutorial").
   */
  monitor?: 'val_acc' | 'val_loss';
  /** Restore the weights of the best validation epoch at the end (default true, Keras `restore_best_weights=True`). */
  restoreBestWeights?: boolean;
  /** 1 (default) logs one Keras-shaped line per epoch, with patches/s and an ETA; 0 nothing. */
  verbose?: 0 | 1;
  log?: (line: string) => void;
  /** Called after each epoch (the model then holds the weights' moving average, if one is kept); return false to stop. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  /** Aborting it (e.g. on Ctrl-C) ends training after the current step, keeping the best weights so far. */
  signal?: AbortSignal;
}

/** What fitCnnOnCrops did. The model holds the weights it describes (the best epoch's when restored). */
export interface CnnFitResult {
  history: History;
  /** 0-based epoch whose weights the model holds, or null when they are the last step's (no validation / none completed). */
  bestEpoch: number | null;
  /** 'completed' the epoch budget, stopped 'early', 'interrupted' by the signal, or by the 'callback'. */
  stopped: 'completed' | 'early' | 'interrupted' | 'callback';
  /** Replicas the batches were split over (0 = on the calling thread). */
  workers: number;
  /** Training patches per second over the whole run (steps only, validation excluded). */
  patchesPerSecond: number;
  /** Seconds of training steps, and of them the mean over replicas of the time spent computing gradients. */
  stepSeconds: number;
  replicaSeconds: number;
}

/** Raised for unusable inputs or a failed worker (names the reason). */
export class CnnTrainError extends Error {
  constructor(reason: string) {
    super(`lib/model/cnn-train.ts: ${reason}`);
    this.name = 'CnnTrainError';
  }
}

/** Computes shard gradients and validation probabilities on replicas. */
interface ReplicaEngine {
  readonly replicas: number;
  gradients(version: number, shards: Shard[], batchRows: number): Promise<ShardResult[]>;
  predict(version: number, ranges: [number, number][]): Promise<void>;
  close(): Promise<void>;
}

/** One replica on the calling thread (workers: 0), for notebooks and tests without threads. */
class InlineEngine implements ReplicaEngine {
  readonly replicas = 1;
  private readonly replica: CnnReplica;
  private x = new Float32Array(0);
  private loaded = -1;
  constructor(private readonly store: SharedStore, options: CnnOptions, seed: number) {
    this.replica = new CnnReplica(options, seed, 0);
  }
  private load(version: number): void {
    if (version !== this.loaded) this.replica.setWeights(this.store.weights);
    this.loaded = version;
  }
  async gradients(version: number, shards: Shard[], batchRows: number): Promise<ShardResult[]> {
    this.load(version);
    const size = this.store.nMels * this.store.frames;
    if (this.x.length < shards[0].clips.length * size) this.x = new Float32Array(shards[0].clips.length * size);
    const labels = assembleShard(this.store, shards[0], this.x);
    return [this.replica.gradient(this.x, labels, batchRows, true, this.store.grads[0])];
  }
  async predict(version: number, ranges: [number, number][]): Promise<void> {
    this.load(version);
    const size = this.store.nMels * this.store.frames;
    const c = this.store.classCount;
    for (const [from, to] of ranges) this.replica.predict(this.store.valPatches.subarray(from * size, to * size), to - from, this.store.valProbs.subarray(from * c, to * c));
  }
  async close(): Promise<void> {
    this.replica.dispose();
  }
}

function workerModulePath(): string {
  const ts = join(__dirname, 'cnn-worker.ts');
  return existsSync(ts) ? ts : join(__dirname, 'cnn-worker.js');
}

/** Replicas on worker threads, started once per training run. */
class WorkerEngine implements ReplicaEngine {
  readonly replicas: number;
  private readonly workers: Worker[] = [];
  private pending: ((msg: { type: string; message?: string; result?: ShardResult }, index: number) => void) | null = null;
  private failure: Error | null = null;

  private constructor(count: number) {
    this.replicas = count;
  }

  static async start(store: SharedStore, options: CnnOptions, seed: number, count: number, parameterCount: number): Promise<WorkerEngine> {
    const engine = new WorkerEngine(count);
    const ready: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const data: CnnWorkerData = { options, seed, index, backend: tf.getBackend(), store };
      const worker = new Worker(bootstrapSource(workerModulePath()), { eval: true, workerData: data });
      engine.workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onFirst = (msg: { type: string; message?: string; parameterCount?: number }) => {
            worker.off('message', onFirst);
            if (msg.type === 'ready' && msg.parameterCount === parameterCount) resolve();
            else if (msg.type === 'ready') reject(new CnnTrainError(`replica ${index} has ${msg.parameterCount} weights, the model ${parameterCount}: not built from the same options`));
            else reject(new CnnTrainError(`replica ${index} failed to start: ${msg.message}`));
            worker.on('message', (m) => engine.pending?.(m, index));
          };
          worker.on('message', onFirst);
          worker.on('error', (err) => {
            engine.failure = new CnnTrainError(`replica ${index} failed: ${err.message}`);
            reject(engine.failure);
            engine.pending?.({ type: 'error', message: err.message }, index);
          });
          worker.on('exit', (code) => {
            if (engine.closing) return;
            engine.failure = new CnnTrainError(`replica ${index} exited (code ${code})`);
            reject(engine.failure);
            engine.pending?.({ type: 'error', message: `exited (code ${code})` }, index);
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  private closing = false;

  /** Send one request per replica and wait for every answer (replicas with nothing to do are skipped). */
  private round<T>(requests: (CnnWorkerRequest | null)[]): Promise<(T | null)[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const answers: (T | null)[] = requests.map(() => null);
      let waiting = requests.filter((r) => r !== null).length;
      if (waiting === 0) return resolve(answers);
      this.pending = (msg, index) => {
        if (msg.type === 'error') {
          this.pending = null;
          reject(new CnnTrainError(`replica ${index}: ${msg.message}`));
          return;
        }
        answers[index] = (msg.result ?? null) as T | null;
        if (--waiting === 0) {
          this.pending = null;
          resolve(answers);
        }
      };
      requests.forEach((r, i) => r && this.workers[i].postMessage(r));
    });
  }

  async gradients(version: number, shards: Shard[], batchRows: number): Promise<ShardResult[]> {
    const answers = await this.round<ShardResult>(
      shards.map((s, i) => (s.clips.length ? { type: 'grad', version, clips: s.clips, starts: s.starts, masks: s.masks, batchRows, withPenalty: i === 0 } : null)),
    );
    return answers.map((a) => a ?? { crossEntropySum: 0, correct: 0, penalty: 0, seconds: 0 });
  }

  async predict(version: number, ranges: [number, number][]): Promise<void> {
    await this.round(ranges.map(([from, to]) => (to > from ? { type: 'predict', version, from, to } : null)));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}


/** Clip-level validation from per-patch probabilities: mean over each clip's patches, then loss and accuracy. */
export function clipLevelScores(probs: Float32Array, rowsPerClip: readonly number[], labels: Int32Array, classCount: number): { loss: number; acc: number } {
  let row = 0;
  let loss = 0;
  let correct = 0;
  const mean = new Float64Array(classCount);
  rowsPerClip.forEach((count, k) => {
    mean.fill(0);
    for (let r = row; r < row + count; r++) for (let j = 0; j < classCount; j++) mean[j] += probs[r * classCount + j] / count;
    let best = 0;
    for (let j = 1; j < classCount; j++) if (mean[j] > mean[best]) best = j;
    if (best === labels[k]) correct++;
    // Keras clips probabilities to [ε, 1 − ε] before the log (ε = 1e-7).
    loss -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, mean[labels[k]])));
    row += count;
  });
  return { loss: loss / rowsPerClip.length, acc: correct / rowsPerClip.length };
}

/** Keras's epoch line plus throughput and the time left if the whole budget runs. */
export function formatCnnEpochLine(epoch: number, epochs: number, seconds: number, patchesPerSecond: number, etaSeconds: number, logs: EpochLogs): string {
  const parts = [`Epoch ${epoch + 1}/${epochs}`, `${seconds.toFixed(1)}s`, `${patchesPerSecond.toFixed(1)} patches/s`];
  if (epoch + 1 < epochs) parts.push(`ETA ${formatDuration(etaSeconds)}`);
  parts.push(`loss: ${logs.loss.toFixed(4)}`, `acc: ${logs.acc.toFixed(4)}`);
  if (logs.val_loss !== undefined) parts.push(`val_loss: ${logs.val_loss.toFixed(4)}`);
  if (logs.val_acc !== undefined) parts.push(`val_acc: ${logs.val_acc.toFixed(4)}`);
  return parts.join(' - ');
}

/**
 * Train a compiled SB-CNN (`model`, built by buildCnn from `options`) on random crops: every epoch
 * each training clip contributes one `frames`-wide window of its log-mel matrix, drawn afresh
 * (seeded by seed and epoch), in a fresh shuffled order. After each epoch the validation clips are
 * scored as the evaluation scores them (class probabilities averaged over all their patches); with
 * `patience` > 0 training stops when `monitor` has not improved for that many epochs, and the best
 * epoch's weights are restored (Keras `EarlyStopping(patience, restore_best_weights=True)`). Aborting
 * `signal` stops after the current step with the best weights so far. Adam's settings are the
 * model's compiled optimizer's; its moments start at zero on each call.
 */
export async function fitCnnOnCrops(model: tf.LayersModel, options: CnnOptions, data: CropTrainingSet, opts: CnnFitOptions = {}): Promise<CnnFitResult> {
  const epochs = opts.epochs ?? CNN_DEFAULTS.epochs;
  const batchSize = opts.batchSize ?? CNN_DEFAULTS.batchSize;
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  const patience = opts.patience ?? CNN_DEFAULTS.patience;
  // Never past the last epoch: a short run still keeps its best validated epoch.
  const startFromEpoch = Math.min(opts.startFromEpoch ?? CNN_DEFAULTS.startFromEpoch, Math.max(0, epochs - 1));
  const specAugment = opts.specAugment ?? CNN_DEFAULTS.specAugment;
  const emaMomentum = opts.emaMomentum ?? CNN_DEFAULTS.emaMomentum;
  if (!(emaMomentum >= 0 && emaMomentum < 1)) throw new CnnTrainError(`emaMomentum must be in [0, 1), got ${emaMomentum}`);
  const monitor = opts.monitor ?? CNN_DEFAULTS.monitor;
  const restoreBest = opts.restoreBestWeights ?? true;
  const verbose = opts.verbose ?? 1;
  const log = opts.log ?? ((line: string) => console.log(line));
  const workers = opts.workers ?? availableCores();
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new CnnTrainError(`epochs must be a whole number ≥ 0, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new CnnTrainError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  if (!(Number.isInteger(workers) && workers >= 0)) throw new CnnTrainError(`workers must be a whole number ≥ 0, got ${workers}`);
  const matrices = data.clips.length;
  if (matrices === 0 || data.labels.length !== matrices) throw new CnnTrainError(`${matrices} training clips and ${data.labels.length} labels`);
  // Versions of each clip (in matrix order); one per clip unless variantOf groups them.
  const versions: number[][] = [];
  if (data.variantOf) {
    if (data.variantOf.length !== matrices) throw new CnnTrainError(`variantOf has ${data.variantOf.length} entries for ${matrices} clips`);
    const bySource = new Map<number, number[]>();
    data.variantOf.forEach((src, k) => {
      const list = bySource.get(src);
      if (list) list.push(k);
      else bySource.set(src, [k]);
    });
    versions.push(...bySource.values());
  } else for (let k = 0; k < matrices; k++) versions.push([k]);
  const n = versions.length;
  const [, nMels, frames] = model.inputs[0].shape as number[];
  const classCount = options.classCount;
  const optimizer = (((model as unknown as { model?: { optimizer?: tf.Optimizer } }).model ?? model) as unknown as { optimizer?: tf.Optimizer }).optimizer;
  const settings = HostAdam.settingsOf(optimizer);
  if (!settings) throw new CnnTrainError('the model must be compiled with Adam (buildCnn does)');
  const adam = new HostAdam(settings);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  adam.sync(variables);
  const parameterCount = variables.reduce((a, v) => a + v.size, 0);
  const val = opts.validation;
  const valRows = val ? val.rowsPerClip.reduce((a, b) => a + b, 0) : 0;
  if (val && val.patches.length !== valRows * nMels * frames) throw new CnnTrainError(`validation patches hold ${val.patches.length} values, not ${valRows} × ${nMels} × ${frames}`);

  const replicas = Math.max(1, workers);
  const store = createSharedStore(data.clips, data.labels, { nMels, frames, classCount, parameterCount, replicas }, val?.patches ?? null, valRows);
  flatWeights(model, store.weights);
  const engine: ReplicaEngine = workers === 0 ? new InlineEngine(store, options, seed) : await WorkerEngine.start(store, options, seed, workers, parameterCount);

  const history: History = { epoch: [], loss: [], acc: [], valLoss: [], valAcc: [], seconds: [] };
  const shuffleRng = mulberry32(deriveSeed(seed, 'shuffle'));
  const clipFrames = data.clips.map((c) => c.nFrames);
  const gradSum = new Float32Array(parameterCount);
  let version = 0;
  let best: { value: number; epoch: number; weights: Float32Array } | null = null;
  let warmBest: { value: number; epoch: number; weights: Float32Array } | null = null;
  /** The weights' moving average (emaMomentum > 0), started at the first step's weights. */
  let ema: Float32Array | null = null;
  let sinceBest = 0;
  let stopped: CnnFitResult['stopped'] = 'completed';
  let trainSeconds = 0;
  let trainPatches = 0;
  let replicaSeconds = 0;
  const epochSeconds: number[] = [];
  const gradTensors = (flat: Float32Array) => {
    let offset = 0;
    return variables.map((v) => {
      const t = tf.tensor(flat.subarray(offset, offset + v.size), v.shape, 'float32');
      offset += v.size;
      return t;
    });
  };

  try {
    for (let epoch = 0; epoch < epochs && stopped === 'completed'; epoch++) {
      const started = performance.now();
      const starts = randomCropStarts(clipFrames, frames, seed, epoch);
      const masks = specAugment ? randomCropMasks(n, nMels, frames, specAugment, seed, epoch) : null;
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(shuffleRng() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      if (data.variantOf) {
        const pick = mulberry32(deriveSeed(seed, `versions/${epoch}`));
        for (let i = 0; i < n; i++) {
          const v = versions[order[i]];
          order[i] = v[Math.floor(pick() * v.length)];
        }
      }
      let lossSum = 0;
      let correct = 0;
      let rowsDone = 0;
      for (let from = 0; from < n; from += batchSize) {
        if (opts.signal?.aborted) {
          stopped = 'interrupted';
          break;
        }
        const clips = order.slice(from, Math.min(n, from + batchSize));
        const batchStarts = Int32Array.from(clips, (k) => starts[k]);
        const batchMasks = masks ? Int32Array.from({ length: 4 * clips.length }, (_, i) => masks[4 * clips[i >> 2] + (i & 3)]) : undefined;
        const shards = splitBatch(clips, batchStarts, engine.replicas, batchMasks);
        const results = await engine.gradients(version, shards, clips.length);
        // Fixed order: replica 0's gradient, then replica 1's, … (an empty shard computed nothing).
        gradSum.set(store.grads[0]);
        for (let r = 1; r < engine.replicas; r++) {
          if (shards[r].clips.length === 0) continue;
          const g = store.grads[r];
          for (let i = 0; i < parameterCount; i++) gradSum[i] += g[i];
        }
        const grads = gradTensors(gradSum);
        adam.apply(variables, grads);
        tf.dispose(grads);
        flatWeights(model, store.weights);
        version++;
        if (emaMomentum > 0) ema = movingAverage(ema, store.weights, emaMomentum);
        for (const r of results) {
          replicaSeconds += r.seconds / engine.replicas;
          lossSum += r.crossEntropySum + r.penalty * clips.length;
          correct += r.correct;
        }
        rowsDone += clips.length;
      }
      const stepSeconds = (performance.now() - started) / 1000;
      trainSeconds += stepSeconds;
      trainPatches += rowsDone;
      if (stopped === 'interrupted') break;
      const logs: EpochLogs = { loss: lossSum / n, acc: correct / n };
      if (val) {
        // Validation sees the moving average: swapped into the replicas' weights, then swapped back.
        const current = ema ? store.weights.slice() : null;
        if (ema) {
          store.weights.set(ema);
          version++;
        }
        await engine.predict(version, splitRange(valRows, engine.replicas));
        if (current) {
          store.weights.set(current);
          version++;
        }
        const scores = clipLevelScores(store.valProbs, val.rowsPerClip, val.labels, classCount);
        logs.val_loss = scores.loss;
        logs.val_acc = scores.acc;
        history.valLoss.push(scores.loss);
        history.valAcc.push(scores.acc);
        const value = monitor === 'val_acc' ? scores.acc : -scores.loss;
        if (epoch < startFromEpoch) {
          // Warm-up: not watched by early stopping; its best is kept only for a run that ends before the
          // watched epochs (interrupted), which then still keeps its best validated weights.
          if (!warmBest || value > warmBest.value) warmBest = { value, epoch, weights: (ema ?? store.weights).slice() };
        } else if (!best || value > best.value) {
          best = { value, epoch, weights: (ema ?? store.weights).slice() };
          sinceBest = 0;
        } else sinceBest++;
      }
      const seconds = (performance.now() - started) / 1000;
      epochSeconds.push(seconds);
      history.epoch.push(epoch);
      history.loss.push(logs.loss);
      history.acc.push(logs.acc);
      history.seconds.push(seconds);
      const meanEpoch = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
      if (verbose) log(formatCnnEpochLine(epoch, epochs, seconds, rowsDone / stepSeconds, meanEpoch * (epochs - epoch - 1), logs));
      if (val && patience > 0 && sinceBest >= patience) {
        stopped = 'early';
        if (verbose) log(`early stopping: ${monitor} has not improved for ${patience} epochs; best epoch ${best!.epoch + 1} (${monitor} ${monitor === 'val_acc' ? best!.value.toFixed(4) : (-best!.value).toFixed(4)})`);
      }
      if (opts.onEpochEnd) {
        // The callback sees the model validation saw: the moving average, swapped in for the call (as Keras's
        // SwapEMAWeights does for callbacks), then the training weights back.
        if (ema) setFlatWeights(model, ema);
        const answer = await opts.onEpochEnd(epoch, logs);
        if (ema) setFlatWeights(model, store.weights);
        if (answer === false && stopped === 'completed') stopped = 'callback';
      }
    }
  } finally {
    await engine.close();
  }
  let bestEpoch: number | null = null;
  best ??= warmBest;
  if (best && restoreBest) {
    setFlatWeights(model, best.weights);
    bestEpoch = best.epoch;
  } else if (ema) {
    setFlatWeights(model, ema); // as Keras's use_ema: the model ends with the average
  }
  return { history, bestEpoch, stopped, workers, patchesPerSecond: trainSeconds > 0 ? trainPatches / trainSeconds : 0, stepSeconds: trainSeconds, replicaSeconds };
}

/** ema ← m·ema + (1 − m)·w in place (a copy of w when there is no average yet); returns the average. */
export function movingAverage(ema: Float32Array | null, w: Float32Array, m: number): Float32Array {
  if (!ema) return w.slice();
  const k = 1 - m;
  for (let i = 0; i < w.length; i++) ema[i] = m * ema[i] + k * w[i];
  return ema;
}

/**
 * Class probabilities (dropout off) of `count` patches (nMels × frames each, as the model takes them),
 * computed on `workers` replicas (default one per core; 0: this thread) each taking a contiguous
 * share: rows × classes, in patch order. For evaluating many clips on every core.
 */
export async function predictPatchesOnReplicas(model: tf.LayersModel, options: CnnOptions, patches: Float32Array, opts: { workers?: number } = {}): Promise<Float32Array> {
  const workers = opts.workers ?? availableCores();
  const [, nMels, frames] = model.inputs[0].shape as number[];
  const count = patches.length / (nMels * frames);
  if (!Number.isInteger(count)) throw new CnnTrainError(`${patches.length} values are not whole ${nMels} × ${frames} patches`);
  const parameterCount = model.trainableWeights.reduce((a, w) => a + w.read().size, 0);
  const store = createSharedStore([], new Int32Array(0), { nMels, frames, classCount: options.classCount, parameterCount, replicas: Math.max(1, workers) }, patches, count);
  flatWeights(model, store.weights);
  const engine: ReplicaEngine = workers === 0 ? new InlineEngine(store, options, 0) : await WorkerEngine.start(store, options, 0, workers, parameterCount);
  try {
    await engine.predict(0, splitRange(count, engine.replicas));
  } finally {
    await engine.close();
  }
  return store.valProbs.slice(0, count * options.classCount);
}
