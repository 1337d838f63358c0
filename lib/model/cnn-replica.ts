// One copy of the SB-CNN that computes gradients and predictions on flat buffers: what each worker
// thread of the data-parallel CNN training runs (and what the main thread runs when there are none).
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/random';
import { buildCnn, type CnnOptions } from './cnn';
import { DropoutMaskStream, useSeededDropout } from './dropout';

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
interface Internals {
  lossFunctions?: LossFn[];
  calculateLosses?: () => tf.Scalar[];
}

/** What one shard's gradient pass reports (the gradient itself is written into the caller's buffer). */
export interface ShardResult {
  /** Sum over the shard's rows of the crossentropy (no weight penalty). */
  crossEntropySum: number;
  /** Rows whose arg-max prediction (dropout active) is the label. */
  correct: number;
  /** The L2 weight penalty, when this shard carried it (else 0). */
  penalty: number;
  /** Wall seconds the replica spent on it (for the bench: compute vs. coordination). */
  seconds: number;
}

/** The weights of a model as one flat Float32Array (trainable weights, in model order). */
export function flatWeights(model: tf.LayersModel, out?: Float32Array): Float32Array {
  const vars = model.trainableWeights.map((w) => w.read());
  const total = vars.reduce((a, v) => a + v.size, 0);
  const flat = out ?? new Float32Array(total);
  let offset = 0;
  for (const v of vars) {
    flat.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return flat;
}

/** Write a flat weight vector (flatWeights' layout) into the model's trainable weights. */
export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  let offset = 0;
  for (const w of model.trainableWeights) {
    const v = w.read() as tf.Variable;
    // A copy: the flat buffer may be shared memory that changes under the variable otherwise.
    tf.tidy(() => v.assign(tf.tensor(flat.slice(offset, offset + v.size), v.shape, 'float32')));
    offset += v.size;
  }
  if (offset !== flat.length) throw new RangeError(`lib/model/cnn-replica.ts: ${flat.length} weights given, the model has ${offset}`);
}

/**
 * A replica of the CNN built from the same options as the trained model. `index` picks its dropout
 * stream: each replica draws the masks of its own shard, so a run is reproducible for a given number
 * of replicas (the masks, not only the rounding, depend on how the batch is split).
 */
export class CnnReplica {
  readonly model: tf.LayersModel;
  readonly parameterCount: number;
  private readonly variables: tf.Variable[];
  private readonly internals: Internals;
  private readonly lossFn: LossFn;
  private readonly nMels: number;
  private readonly frames: number;
  private readonly classCount: number;

  constructor(options: CnnOptions, seed: number, index: number) {
    this.model = buildCnn(options);
    this.nMels = options.nMels ?? (this.model.inputs[0].shape[1] as number);
    this.frames = options.frames ?? (this.model.inputs[0].shape[2] as number);
    this.classCount = options.classCount;
    this.variables = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.parameterCount = this.variables.reduce((a, v) => a + v.size, 0);
    const inner = (this.model as unknown as { model?: unknown }).model;
    this.internals = (inner ?? this.model) as unknown as Internals;
    const lossFn = this.internals.lossFunctions?.[0];
    if (!lossFn) throw new Error('lib/model/cnn-replica.ts: buildCnn returned an uncompiled model');
    this.lossFn = lossFn;
    useSeededDropout(this.model, new DropoutMaskStream(deriveSeed(seed, `dropout/replica${index}`)));
  }

  setWeights(flat: Float32Array): void {
    setFlatWeights(this.model, flat);
  }

  /**
   * The gradient of (Σ crossentropy over these rows) / batchRows (+ the L2 penalty when
   * `withPenalty`) with respect to every weight, written into `out` (flatWeights' layout). Summing the
   * shards' gradients, the penalty carried by exactly one, gives the gradient of the batch's mean loss
   * + penalty — what one replica would compute on the whole batch.
   * @param x rows × nMels × frames values (row-major patches); @param labels class id per row.
   */
  gradient(x: Float32Array, labels: Int32Array, batchRows: number, withPenalty: boolean, out: Float32Array): ShardResult {
    const started = performance.now();
    const rows = labels.length;
    let ceSum = 0;
    let correct = 0;
    let penalty = 0;
    tf.tidy(() => {
      const xb = tf.tensor4d(x.subarray(0, rows * this.nMels * this.frames), [rows, this.nMels, this.frames, 1]);
      const yb = tf.oneHot(tf.tensor1d(labels, 'int32'), this.classCount).toFloat();
      let kept: tf.Tensor[] = [];
      const { grads } = tf.variableGrads(() => {
        const pred = this.model.apply(xb, { training: true }) as tf.Tensor;
        const ce = tf.sum(this.lossFn(yb, pred)) as tf.Scalar;
        let loss = tf.div(ce, batchRows) as tf.Scalar;
        let pen: tf.Scalar = tf.scalar(0);
        if (withPenalty) for (const r of this.internals.calculateLosses?.() ?? []) pen = tf.add(pen, r);
        loss = tf.add(loss, pen);
        // variableGrads disposes what its function made; keep what the report needs.
        kept = [tf.keep(ce), tf.keep(pen), tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(pred, -1), tf.argMax(yb, -1)), 'float32')))];
        return loss;
      }, this.variables);
      let offset = 0;
      for (const v of this.variables) {
        out.set(grads[v.name].dataSync() as Float32Array, offset);
        offset += v.size;
      }
      ceSum = kept[0].dataSync()[0];
      penalty = kept[1].dataSync()[0];
      correct = kept[2].dataSync()[0];
      tf.dispose(kept);
    });
    return { crossEntropySum: ceSum, correct, penalty, seconds: (performance.now() - started) / 1000 };
  }

  /** Class probabilities (inference: dropout off) of `rows` patches, written into `out` (rows × classes). */
  predict(x: Float32Array, rows: number, out: Float32Array, batchSize = 64): void {
    const size = this.nMels * this.frames;
    for (let start = 0; start < rows; start += batchSize) {
      const n = Math.min(batchSize, rows - start);
      const probs = tf.tidy(() => this.model.predict(tf.tensor4d(x.subarray(start * size, (start + n) * size), [n, this.nMels, this.frames, 1])) as tf.Tensor);
      out.set(probs.dataSync() as Float32Array, start * this.classCount);
      probs.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
