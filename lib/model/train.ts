// Training a compiled tf.LayersModel the way Keras `fit` does, with a training step built for small batches.
import * as tf from '@tensorflow/tfjs';
import { mulberry32, deriveSeed } from '../util/random';
import { TRAIN_DEFAULTS } from '../defaults';
import { HostAdam } from './adam';
import { DropoutMaskStream, useSeededDropout } from './dropout';
import { FastMlpTrainer, planFastMlp } from './fast-mlp';

/** Rows of features: a [samples, ...] tensor, or one Float32Array / number[] per sample (flat rows). */
export type Features = tf.Tensor | ReadonlyArray<Float32Array | readonly number[]>;
/** Targets: one-hot rows ([samples, classes] tensor or arrays), as Keras's categorical crossentropy wants. */
export type Targets = tf.Tensor | ReadonlyArray<Float32Array | readonly number[]>;

/** Metrics of one epoch, named as Keras names them. */
export interface EpochLogs {
  loss: number;
  acc: number;
  val_loss?: number;
  val_acc?: number;
}

/** Called by `train`; return `false` from onEpochEnd (or set `model.stopTraining = true`) to stop early. */
export interface TrainCallbacks {
  onTrainBegin?: () => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  onTrainEnd?: (history: History) => void | Promise<void>;
}

export interface TrainOptions {
  /** Passes over the training data (default TRAIN_DEFAULTS.epochs = 5, as the tutorial). */
  epochs?: number;
  /** Samples per gradient step (default 32, Keras's default and the tutorial's). */
  batchSize?: number;
  /** Held-out data evaluated after each epoch (Keras `validation_data`). */
  validationData?: [Features, Targets];
  /**
   * Fraction of the data held out for validation when no validationData is given: like Keras, the LAST
   * rows, taken before shuffling (default 0: no validation).
   */
  validationSplit?: number;
  /** Shuffle the training rows before every epoch (default true, as Keras). */
  shuffle?: boolean;
  /** Seed of the shuffles and dropout masks (default TRAIN_DEFAULTS.seed = 0). Same seed + backend → same history. */
  seed?: number;
  callbacks?: TrainCallbacks;
  /** 1 (default) prints one line per epoch in Keras's shape; 0 prints nothing. */
  verbose?: 0 | 1;
  /** Where epoch lines go (default console.log). */
  log?: (line: string) => void;
  /**
   * Use the hand-written step (WebAssembly SIMD kernels) for plain Dense/ReLU/Dropout/softmax stacks with
   * Adam (default true; see lib/model/fast-mlp.ts). `false` forces the general autodiff step (for comparisons).
   */
  fastPath?: boolean;
  /**
   * Threads of the hand-written step (default TRAIN_DEFAULTS.threads = 2): 2 splits each large kernel call
   * with a helper thread (lib/model/mlp-threads.ts), same weights bit for bit as 1. One core, or
   * SOUNDLAB_MLP_THREADS=1 in the environment, means one thread.
   */
  threads?: number;
}

/** Per-epoch record, like Keras's `History.history` (val arrays are empty without validation). */
export interface History {
  /** 0-based epoch numbers, as Keras's `history.epoch`. */
  epoch: number[];
  /** Mean training loss over the epoch's batches (weighted by batch size), with dropout active. */
  loss: number[];
  /** Training accuracy over the epoch, with dropout active (as Keras reports it). */
  acc: number[];
  valLoss: number[];
  valAcc: number[];
  /** Wall-clock seconds of each epoch (training steps + validation). */
  seconds: number[];
}

/** Raised for inputs `train` cannot use (names the argument and the reason). */
export class TrainError extends Error {
  constructor(reason: string) {
    super(`training: ${reason}`);
    this.name = 'TrainError';
  }
}

/** A [samples, ...] float tensor from rows; tensors are returned as they are. */
export function toTensor(rows: Features, what = 'X'): tf.Tensor {
  if (rows instanceof tf.Tensor) return rows;
  if (rows.length === 0) throw new TrainError(`${what} has no rows`);
  const width = rows[0].length;
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) throw new TrainError(`${what} row ${i} has ${row.length} values, row 0 has ${width}`);
    flat.set(row, i * width);
  });
  return tf.tensor2d(flat, [rows.length, width]);
}

/** Rows stacked into one tensor of shape [rows.length, ...shape] (one copy). */
export function stack(rows: readonly Float32Array[], shape: readonly number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(rows.length * size);
  rows.forEach((r, i) => {
    if (r.length !== size) throw new TrainError(`row ${i} has ${r.length} values, expected ${size} (shape ${shape.join('×')})`);
    flat.set(r, i * size);
  });
  return tf.tensor(flat, [rows.length, ...shape]);
}

/** Formats one epoch line exactly in Keras's shape: `Epoch 3/10 - 0.4s - loss: 1.7296 - acc: 0.5033 - …`. */
export function formatEpochLine(epoch: number, epochs: number, seconds: number, logs: EpochLogs): string {
  let line = `Epoch ${epoch + 1}/${epochs} - ${seconds.toFixed(1)}s - loss: ${logs.loss.toFixed(4)} - acc: ${logs.acc.toFixed(4)}`;
  if (logs.val_loss !== undefined) line += ` - val_loss: ${logs.val_loss.toFixed(4)}`;
  if (logs.val_acc !== undefined) line += ` - val_acc: ${logs.val_acc.toFixed(4)}`;
  return line;
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

interface Internals {
  lossFunctions?: LossFn[];
  optimizer?: tf.Optimizer;
  calculateLosses?: () => tf.Scalar[];
}

// Adam's moments must survive between train() calls on the same compiled model, as they do in Keras.
const hostAdams = new WeakMap<tf.Optimizer, HostAdam>();
function hostAdamFor(optimizer: tf.Optimizer): HostAdam | null {
  const settings = HostAdam.settingsOf(optimizer);
  if (!settings) return null;
  let adam = hostAdams.get(optimizer);
  if (!adam) hostAdams.set(optimizer, (adam = new HostAdam(settings)));
  return adam;
}

/** Loss and accuracy of `model` on (x, y) in inference mode, as [loss, acc] scalars (not read back). */
function evaluateTensors(model: tf.LayersModel, internals: Internals, lossFn: LossFn, x: tf.Tensor, y: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const pred = model.apply(x, { training: false }) as tf.Tensor;
    let loss = tf.mean(lossFn(y, pred));
    for (const r of internals.calculateLosses?.() ?? []) loss = tf.add(loss, r);
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(pred, -1), tf.argMax(y, -1)), 'float32'));
    return tf.stack([loss, acc]) as tf.Tensor1D;
  });
}

/**
 * Train a compiled model like Keras `model.fit(X, y, batch_size, epochs, validation_data | validation_split,
 * shuffle)` and return its history. Works for any compiled tf.LayersModel (MLP, CNN, RNN): its loss,
 * regularisation penalties and optimizer are used as compiled.
 *
 * The training step differs from tfjs's `fit` only in how it is run, not in what it computes (all for
 * speed at batch 32, where per-kernel overhead dominates): the data are uploaded once per epoch and each
 * batch is a slice of them; loss and accuracy are summed on the device and read once per epoch; Dropout
 * layers take a fresh seeded mask per batch made in JavaScript (`useSeededDropout`, which also fixes
 * tfjs's same-mask-every-batch behaviour with a seed); Adam runs as one JavaScript pass over all weights
 * (`HostAdam`) instead of 84 kernels; on wasm, products with a transposed operand (the
 * whole backward pass of a Dense layer) run on the fast path (`installTransposedMatMulFix`). Plain
 * Dense/ReLU/Dropout/softmax stacks with Adam skip tfjs altogether during the epoch: `FastMlpTrainer`
 * (lib/model/fast-mlp.ts) runs the same step on WebAssembly SIMD kernels over one preallocated heap.
 *
 * @param X [samples, ...features]; @param y one-hot [samples, classes].
 * @returns the history: per epoch loss, acc, valLoss, valAcc and seconds.
 */
export async function train(model: tf.LayersModel, X: Features, y: Targets, opts: TrainOptions = {}): Promise<History> {
  // A Sequential keeps its compiled state (loss, optimizer) on an inner LayersModel.
  const inner = (model as unknown as { model?: unknown }).model;
  const internals = (model instanceof tf.Sequential && inner ? inner : model) as unknown as Internals;
  const lossFn = internals.lossFunctions?.[0];
  if (!lossFn) throw new TrainError('the model is not compiled (call model.compile({ loss, optimizer }) first)');
  const epochs = opts.epochs ?? TRAIN_DEFAULTS.epochs;
  const batchSize = opts.batchSize ?? TRAIN_DEFAULTS.batchSize;
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  const shuffle = opts.shuffle ?? true;
  const verbose = opts.verbose ?? 1;
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new TrainError(`epochs must be a whole number ≥ 0, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new TrainError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);

  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T, given: unknown): T => {
    if (t !== given) owned.push(t);
    return t;
  };
  let xAll = own(toTensor(X, 'X'), X);
  let yAll = own(toTensor(y, 'y'), y);
  if (xAll.shape[0] !== yAll.shape[0]) throw new TrainError(`X has ${xAll.shape[0]} rows but y has ${yAll.shape[0]}`);

  let xVal: tf.Tensor | null = null;
  let yVal: tf.Tensor | null = null;
  if (opts.validationData) {
    xVal = own(toTensor(opts.validationData[0], 'validation X'), opts.validationData[0]);
    yVal = own(toTensor(opts.validationData[1], 'validation y'), opts.validationData[1]);
  } else if (opts.validationSplit && opts.validationSplit > 0) {
    if (opts.validationSplit >= 1) throw new TrainError(`validationSplit must be in [0, 1), got ${opts.validationSplit}`);
    const n = xAll.shape[0];
    const nTrain = Math.floor(n * (1 - opts.validationSplit));
    if (nTrain < 1 || nTrain >= n) throw new TrainError(`validationSplit ${opts.validationSplit} leaves no rows on one side of ${n}`);
    const [xt, xv] = tf.split(xAll, [nTrain, n - nTrain]);
    const [yt, yv] = tf.split(yAll, [nTrain, n - nTrain]);
    owned.push(xt, xv, yt, yv);
    [xAll, yAll, xVal, yVal] = [xt, yt, xv, yv];
  }

  const n = xAll.shape[0];
  if (n === 0) throw new TrainError('no training rows');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = internals.optimizer;
  if (!optimizer) throw new TrainError('the model has no optimizer');
  const adam = hostAdamFor(optimizer);
  adam?.sync(variables);
  const shuffleRng = mulberry32(deriveSeed(seed, 'shuffle'));
  const masks = new DropoutMaskStream(deriveSeed(seed, 'dropout'));
  const restoreDropout = useSeededDropout(model, masks);
  const plan = adam && opts.fastPath !== false ? planFastMlp(model, (internals as { loss?: unknown }).loss) : null;
  const fast = plan && adam ? new FastMlpTrainer(plan, adam.settings, adam, { threads: opts.threads ?? TRAIN_DEFAULTS.threads }) : null;
  // The fast step reads rows and labels from the host: one copy of each for the whole run.
  const xHost = fast ? (xAll.dataSync() as Float32Array) : null;
  let labelsHost: Int32Array | null = null;
  if (fast) {
    const ids = tf.argMax(yAll, -1);
    labelsHost = ids.dataSync() as Int32Array;
    ids.dispose();
  }
  const history: History = { epoch: [], loss: [], acc: [], valLoss: [], valAcc: [], seconds: [] };
  const featureShape = xAll.shape.slice(1);
  const classes = yAll.shape[1] ?? 1;
  model.stopTraining = false;

  try {
    await opts.callbacks?.onTrainBegin?.();
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      if (shuffle) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(shuffleRng() * (i + 1));
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      }
      let lossSum = 0;
      let correct = 0;
      if (fast && xHost && labelsHost) {
        const width = xHost.length / n;
        const xEpoch = new Float32Array(xHost.length);
        const labelsEpoch = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          xEpoch.set(xHost.subarray(order[i] * width, (order[i] + 1) * width), i * width);
          labelsEpoch[i] = labelsHost[order[i]];
        }
        for (let start = 0; start < n; start += batchSize) {
          const size = Math.min(batchSize, n - start);
          const r = fast.step(xEpoch.subarray(start * width, (start + size) * width), labelsEpoch.subarray(start, start + size), size, masks);
          lossSum += r.lossSum;
          correct += r.correct;
        }
        fast.syncToModel();
      } else {
        // One gather per epoch; batches are then contiguous slices (one kernel each, no per-batch upload).
        const [xs, ys, labels] = tf.tidy(() => {
          const idx = tf.tensor1d(order, 'int32');
          const ysEpoch = tf.gather(yAll, idx);
          return [tf.gather(xAll, idx), ysEpoch, tf.argMax(ysEpoch, -1)];
        });
        const sums: tf.Tensor[] = [];
        for (let start = 0; start < n; start += batchSize) {
          const size = Math.min(batchSize, n - start);
          const pair = tf.tidy(() => {
            const xb = tf.slice(xs, [start, ...featureShape.map(() => 0)], [size, ...featureShape]);
            const yb = tf.slice(ys, [start, 0], [size, classes]);
            let kept: tf.Tensor | null = null;
            const { value, grads } = tf.variableGrads(() => {
              const pred = model.apply(xb, { training: true }) as tf.Tensor;
              // variableGrads disposes what its function made; keep the predictions for the accuracy.
              kept = tf.keep(pred);
              let loss = tf.mean(lossFn(yb, pred)) as tf.Scalar;
              for (const r of internals.calculateLosses?.() ?? []) loss = tf.add(loss, r);
              return loss;
            }, variables);
            const pred = kept as unknown as tf.Tensor;
            if (adam) adam.apply(variables, variables.map((v) => grads[v.name]));
            else optimizer.applyGradients(grads);
            const correct = tf.sum(tf.cast(tf.equal(tf.argMax(pred, -1), tf.slice(labels, [start], [size])), 'float32'));
            pred.dispose();
            return tf.stack([tf.mul(value, size), correct]);
          });
          sums.push(pair);
        }
        const epochTotals = tf.tidy(() => tf.addN(sums));
        tf.dispose([...sums, xs, ys, labels]);
        // The only device→host read of the epoch's training figures.
        const totals = await epochTotals.data();
        epochTotals.dispose();
        [lossSum, correct] = [totals[0], totals[1]];
      }
      const valTensor = xVal && yVal ? evaluateTensors(model, internals, lossFn, xVal, yVal) : null;
      const val = valTensor ? await valTensor.data() : null;
      valTensor?.dispose();
      const logs: EpochLogs = { loss: lossSum / n, acc: correct / n };
      if (val) {
        logs.val_loss = val[0];
        logs.val_acc = val[1];
      }
      const seconds = (performance.now() - started) / 1000;
      history.epoch.push(epoch);
      history.loss.push(logs.loss);
      history.acc.push(logs.acc);
      if (val) {
        history.valLoss.push(val[0]);
        history.valAcc.push(val[1]);
      }
      history.seconds.push(seconds);
      if (verbose) log(formatEpochLine(epoch, epochs, seconds, logs));
      const verdict = await opts.callbacks?.onEpochEnd?.(epoch, logs);
      if (verdict === false || model.stopTraining) break;
    }
    await opts.callbacks?.onTrainEnd?.(history);
  } finally {
    restoreDropout();
    tf.dispose(owned);
  }
  return history;
}
