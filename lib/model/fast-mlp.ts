// A training step for Dense/ReLU/Dropout/softmax stacks that calls the backend's kernels directly: same maths, ~30 kernels a batch.
import * as tf from '@tensorflow/tfjs';
import type { AdamSettings } from './adam';
import type { DropoutMaskStream } from './dropout';

/**
 * Why this exists: at batch 32 the tutorial's MLP does ~2.5 M multiply-adds per batch, but TensorFlow.js's
 * autodiff path spends ~140 kernel calls on it (the tape clones every saved tensor, the loss is 8 kernels
 * and its gradient 15 more), each with ~15 µs of engine bookkeeping — more than the arithmetic. For the
 * plain stacks Keras users write (Dense → ReLU/linear → Dropout …, Dense → softmax, categorical
 * crossentropy, Adam) the backward pass is short enough to write out, so this step
 *  - runs the forward pass as fused matmul+bias+ReLU kernels (the same kernels `model.predict` uses);
 *  - computes softmax, the loss, the accuracy and the logits' gradient (p − y)/batch on the host, as
 *    TensorFlow/Keras compute categorical crossentropy on a softmax output (from its logits);
 *  - back-propagates with explicit kernels: dW = hᵀ·dz, db = Σ dz, dh = dz·Wᵀ (as (W·dzᵀ)ᵀ, which keeps
 *    XNNPACK from repacking W), the Dropout mask and ReLU's derivative (step(a));
 *  - updates the weights with Adam on the host (HostAdam's formula).
 * Kernels are called through the registry with TensorInfos (no tape, no tidy scopes); every buffer made is
 * disposed in the same step. `train` uses it when `planFastMlp` accepts the model, else the general path.
 */

/** One Dense layer of the stack, with what follows it. */
interface FastLayer {
  kernel: tf.Variable;
  bias: tf.Variable | null;
  /** Activation after the Dense layer: ReLU or none (the last layer is softmax). */
  relu: boolean;
  /** Dropout rate after the activation (0: none). */
  dropout: number;
}

export interface FastMlpPlan {
  layers: FastLayer[];
}

type Info = tf.TensorInfo;
type Kernel = (inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => Info;

const KERNELS = ['_FusedMatMul', 'BatchMatMul', 'Transpose', 'Multiply', 'Step'] as const;

function layerConfig(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/**
 * The layer stack if `model` is one this step handles exactly — a Sequential of Dense (linear or ReLU, with
 * or without bias, no regularisers or constraints), Activation('relu' | 'linear'), Dropout (no noiseShape),
 * ending in softmax; compiled with categorical crossentropy; the backend has the kernels — else null.
 */
export function planFastMlp(model: tf.LayersModel, lossName: unknown): FastMlpPlan | null {
  if (!(model instanceof tf.Sequential) || lossName !== 'categoricalCrossentropy') return null;
  const backend = tf.getBackend();
  if (KERNELS.some((k) => !tf.getKernel(k, backend))) return null;
  const layers: FastLayer[] = [];
  let softmax = false;
  for (const layer of model.layers) {
    if (softmax) return null; // nothing may follow the softmax
    const cls = layer.getClassName();
    const c = layerConfig(layer);
    if (cls === 'Dense') {
      if (c.kernelRegularizer || c.biasRegularizer || c.activityRegularizer || c.kernelConstraint || c.biasConstraint) return null;
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      if (weights.length !== (c.useBias ? 2 : 1) || weights[0].shape.length !== 2) return null;
      const act = c.activation;
      if (act !== 'linear' && act !== 'relu' && act !== 'softmax') return null;
      layers.push({ kernel: weights[0], bias: c.useBias ? weights[1] : null, relu: act === 'relu', dropout: 0 });
      if (act === 'softmax') softmax = true;
    } else if (cls === 'Activation') {
      const last = layers[layers.length - 1];
      if (!last || last.relu || last.dropout) return null;
      if (c.activation === 'relu') last.relu = true;
      else if (c.activation === 'softmax') softmax = true;
      else if (c.activation !== 'linear') return null;
    } else if (cls === 'Dropout') {
      const last = layers[layers.length - 1];
      const rate = c.rate as number;
      if (!last || last.dropout || c.noiseShape != null || !(rate >= 0 && rate < 1)) return null;
      last.dropout = rate;
    } else {
      return null;
    }
  }
  if (!softmax || layers.length === 0 || layers[layers.length - 1].dropout) return null;
  // The last Dense feeds the softmax: it must not have its own ReLU.
  if (layers[layers.length - 1].relu) return null;
  return { layers };
}

/** Training state of one run: host copies of the weights, Adam's moments, and the kernels. */
export class FastMlpTrainer {
  private readonly backend: tf.KernelBackend;
  private readonly run: Record<(typeof KERNELS)[number], Kernel>;
  private readonly w: Float32Array[] = [];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly shapes: number[][];

  /**
   * @param state Adam's moments and step count, kept by the caller between runs (`iterations` is updated).
   */
  constructor(
    private readonly plan: FastMlpPlan,
    private readonly adam: AdamSettings,
    private readonly state: { m: Float32Array[]; v: Float32Array[]; iterations: number },
  ) {
    this.backend = tf.backend();
    const backend = this.backend;
    const backendName = tf.getBackend();
    this.run = Object.fromEntries(
      KERNELS.map((name) => {
        const k = tf.getKernel(name, backendName) as tf.KernelConfig;
        return [name, (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}) => k.kernelFunc({ inputs, backend, attrs }) as Info];
      }),
    ) as FastMlpTrainer['run'];
    const vars = this.variables();
    this.shapes = vars.map((x) => x.shape);
    for (const x of vars) this.w.push(Float32Array.from(x.dataSync() as Float32Array));
    if (state.m.length !== vars.length || state.m.some((a, i) => a.length !== vars[i].size)) {
      state.m = vars.map((x) => new Float32Array(x.size));
      state.v = vars.map((x) => new Float32Array(x.size));
      state.iterations = 0;
    }
    this.m = state.m;
    this.v = state.v;
  }

  /** kernel₁, bias₁, kernel₂, … in the order of the host arrays. */
  private variables(): tf.Variable[] {
    return this.plan.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
  }

  private upload(values: Float32Array, shape: number[]): Info {
    return { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
  }

  private read(info: Info): Float32Array {
    return this.backend.readSync(info.dataId) as Float32Array;
  }

  /**
   * One batch: forward, loss, backward, Adam. `x` is [size, inputs] row-major, `labels` the class index of
   * each row. Returns the batch's summed loss and number of correct predictions.
   */
  step(x: Float32Array, labels: Int32Array, size: number, masks: DropoutMaskStream): { lossSum: number; correct: number } {
    const { layers } = this.plan;
    const made: Info[] = [];
    const keep = <T extends Info>(t: T): T => {
      made.push(t);
      return t;
    };
    try {
      // Weights as device buffers for this step (fresh buffers: XNNPACK caches packed weights per buffer).
      let wi = 0;
      const dev = layers.map((l) => {
        // Matrices travel as [1, rows, cols]: the batched-matmul kernels take rank-3 operands.
        const kernel = keep(this.upload(this.w[wi], [1, ...this.shapes[wi]]));
        wi++;
        let bias: Info | null = null;
        if (l.bias) {
          bias = keep(this.upload(this.w[wi], this.shapes[wi]));
          wi++;
        }
        return { kernel, bias };
      });
      // Forward. acts[l] = input of layer l (after the previous layer's activation and dropout).
      const inputs: Info[] = [keep(this.upload(x, [1, size, x.length / size]))];
      const post: Info[] = []; // activation output before dropout (for ReLU's derivative)
      const maskInfos: (Info | null)[] = [];
      let logits: Info | null = null;
      layers.forEach((l, i) => {
        const fusedInputs: tf.NamedTensorInfoMap = { a: inputs[i], b: dev[i].kernel };
        if (dev[i].bias) fusedInputs.bias = dev[i].bias as Info;
        const z = keep(
          this.run._FusedMatMul(fusedInputs, { transposeA: false, transposeB: false, activation: l.relu ? 'relu' : 'linear', leakyreluAlpha: 0 }),
        );
        if (i === layers.length - 1) {
          logits = z;
          return;
        }
        post.push(z);
        if (l.dropout > 0) {
          const mask = keep(this.upload(masks.mask(z.shape[1] * z.shape[2], l.dropout), z.shape));
          maskInfos.push(mask);
          inputs.push(keep(this.run.Multiply({ a: z, b: mask })));
        } else {
          maskInfos.push(null);
          inputs.push(z);
        }
      });
      // Softmax, crossentropy and accuracy on the host (batch × classes numbers).
      const z = this.read(logits as unknown as Info);
      const classes = z.length / size;
      const dz = new Float32Array(z.length);
      let lossSum = 0;
      let correct = 0;
      // Keras clips probabilities to [ε, 1 − ε] before the log.
      const eps = 1e-7;
      for (let r = 0; r < size; r++) {
        const o = r * classes;
        let max = -Infinity;
        let best = 0;
        for (let c = 0; c < classes; c++) {
          if (z[o + c] > max) {
            max = z[o + c];
            best = c;
          }
        }
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(z[o + c] - max);
        const label = labels[r];
        for (let c = 0; c < classes; c++) {
          const p = Math.exp(z[o + c] - max) / sum;
          dz[o + c] = (p - (c === label ? 1 : 0)) / size;
          if (c === label) lossSum -= Math.log(Math.min(Math.max(p, eps), 1 - eps));
        }
        if (best === label) correct++;
      }
      // Backward.
      const grads: Float32Array[] = new Array(this.w.length);
      let dzInfo = keep(this.upload(dz, [1, size, classes]));
      let dzHost: Float32Array = dz;
      wi = this.w.length;
      for (let i = layers.length - 1; i >= 0; i--) {
        const l = layers[i];
        const out = dzInfo.shape[2];
        if (l.bias) {
          const db = new Float32Array(out);
          for (let r = 0; r < size; r++) for (let c = 0; c < out; c++) db[c] += dzHost[r * out + c];
          grads[--wi] = db;
        }
        const hT = keep(this.run.Transpose({ x: inputs[i] }, { perm: [0, 2, 1] }));
        grads[--wi] = this.read(keep(this.run.BatchMatMul({ a: hT, b: dzInfo }, { transposeA: false, transposeB: false })));
        if (i === 0) break;
        // dh = dz·Wᵀ, computed as (W·dzᵀ)ᵀ.
        const dzT = keep(this.run.Transpose({ x: dzInfo }, { perm: [0, 2, 1] }));
        const dhT = keep(this.run.BatchMatMul({ a: dev[i].kernel, b: dzT }, { transposeA: false, transposeB: false }));
        let dh = keep(this.run.Transpose({ x: dhT }, { perm: [0, 2, 1] }));
        const prev = layers[i - 1];
        const mask = maskInfos[i - 1];
        if (mask) dh = keep(this.run.Multiply({ a: dh, b: mask }));
        if (prev.relu) dh = keep(this.run.Multiply({ a: dh, b: keep(this.run.Step({ x: post[i - 1] }, { alpha: 0 })) }));
        dzInfo = dh;
        dzHost = prev.bias ? this.read(dh) : dzHost;
      }
      this.adamStep(grads);
      return { lossSum, correct };
    } finally {
      for (const t of made) this.backend.disposeData(t.dataId);
    }
  }

  /** Adam on the host copies (tf.train.adam's formula, as HostAdam). */
  private adamStep(grads: Float32Array[]): void {
    const { learningRate, beta1, beta2, epsilon } = this.adam;
    const t = ++this.state.iterations;
    const c1 = 1 - Math.fround(Math.pow(beta1, t));
    const c2 = 1 - Math.fround(Math.pow(beta2, t));
    const b1c = 1 - beta1;
    const b2c = 1 - beta2;
    // lr·(m/c1)/(√(v/c2)+ε) with the two bias corrections folded into per-step constants (one division
    // and one square root per weight instead of three divisions).
    const stepSize = learningRate / c1;
    const invC2 = 1 / c2;
    for (let k = 0; k < this.w.length; k++) {
      const g = grads[k];
      const m = this.m[k];
      const v = this.v[k];
      const w = this.w[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + b1c * gi;
        const vi = beta2 * v[i] + b2c * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (stepSize * mi) / (Math.sqrt(vi * invC2) + epsilon);
      }
    }
  }

  /** Write the host weights into the model's variables (before validation, callbacks and at the end). */
  syncToModel(): void {
    tf.tidy(() => this.variables().forEach((x, k) => x.assign(tf.tensor(this.w[k].slice(), this.shapes[k], 'float32'))));
  }
}
