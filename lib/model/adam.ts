// Adam's update in plain JavaScript (the reference for the SIMD kernel in kernels/mlp.wat) and HostAdam, which applies it to a model's weights.
import * as tf from '@tensorflow/tfjs';

/** Adam's hyper-parameters (Keras's defaults: β₁ 0.9, β₂ 0.999, ε 1e-7). */
export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's per-step constants, in the order the `adam` kernel (kernels/mlp.wat) reads them. */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** 1 / (1 − β₂ᵗ) */
  invC2: number;
  epsilon: number;
}

/**
 * The constants of update number `t` (1, 2, …): tf.train.adam's lr·(m/c1)/(√(v/c2)+ε) with the two bias
 * corrections folded in (one division and one square root per weight instead of three divisions).
 */
export function adamStepConstants(settings: AdamSettings, t: number): AdamStepConstants {
  const { learningRate, beta1, beta2, epsilon } = settings;
  // tfjs keeps β^t as float32 products; the same rounding keeps our optimiser on tfjs's track.
  const c1 = 1 - Math.fround(Math.pow(beta1, t));
  const c2 = 1 - Math.fround(Math.pow(beta2, t));
  return { beta1, beta2, stepSize: learningRate / c1, invC2: 1 / c2, epsilon };
}

/**
 * One Adam update, in place, of the weights `w` with moments `m`, `v` and gradient `g` (equal lengths):
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − stepSize·m / (√(v·invC2) + ε).
 * The plain-JS twin of the `adam` SIMD kernel (kernels/mlp.wat, used by the fast MLP step): this one computes
 * in float64 and stores float32, the kernel computes in float32, so they agree to float32 rounding
 * (test/model/mlp-kernels.test.ts). HostAdam and the kernels' fallback both call it.
 */
export function adamUpdate(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, k: AdamStepConstants): void {
  const { beta1, beta2, stepSize, invC2, epsilon } = k;
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + b1c * gi;
    const vi = beta2 * v[i] + b2c * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (stepSize * mi) / (Math.sqrt(vi * invC2) + epsilon);
  }
}

/**
 * Why not `optimizer.applyGradients`: tf.train.adam issues ~14 kernels per weight tensor per batch (84 for
 * the MLP's six tensors). At batch 32 each kernel costs ~15 µs of TensorFlow.js bookkeeping, more than its
 * arithmetic, so Adam alone took ~0.25 s of a 5435-row epoch. Here the gradients are read once, the
 * moments and the weights live in Float32Arrays, `adamUpdate` applies
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
 * (tfjs's and Keras's formula) and the new weights are written back: a dozen calls per batch instead of 84.
 * Host memory is what the wasm, cpu and tfjs-node backends compute on anyway, so the reads are copies, not
 * device transfers. The state (moments, step count) persists across `train` calls on the same optimizer.
 */
export class HostAdam {
  readonly settings: AdamSettings;
  /** Updates applied so far (t in the bias corrections). */
  iterations = 0;
  /** First and second moments per weight tensor (shared with FastMlpTrainer, which updates them too). */
  m: Float32Array[] = [];
  v: Float32Array[] = [];
  private w: Float32Array[] = [];
  private synced: tf.Variable[] = [];

  constructor(settings: AdamSettings) {
    this.settings = settings;
  }

  /** The settings of a tf.train.adam optimizer (from its config), or null for any other optimizer. */
  static settingsOf(optimizer: tf.Optimizer | undefined): AdamSettings | null {
    if (!optimizer || optimizer.getClassName() !== 'Adam') return null;
    const c = optimizer.getConfig() as Partial<AdamSettings>;
    if (typeof c.learningRate !== 'number') return null;
    return { learningRate: c.learningRate, beta1: c.beta1 ?? 0.9, beta2: c.beta2 ?? 0.999, epsilon: c.epsilon ?? 1e-7 };
  }

  /**
   * Read the current weights (call before a run of `apply`s: weights may have been changed outside, e.g.
   * by setWeights). Creates zero moments the first time.
   */
  sync(variables: readonly tf.Variable[]): void {
    if (this.m.length !== variables.length || this.m.some((m, i) => m.length !== variables[i].size)) {
      this.m = variables.map((x) => new Float32Array(x.size));
      this.v = variables.map((x) => new Float32Array(x.size));
      this.iterations = 0;
    }
    this.w = variables.map((x) => Float32Array.from(x.dataSync() as Float32Array));
    this.synced = [...variables];
  }

  /** One Adam step: `grads[i]` is the gradient of `variables[i]`. `sync` must have been called first. */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    if (this.synced.length !== variables.length || this.synced.some((x, i) => x !== variables[i])) {
      this.sync(variables);
    }
    const k = adamStepConstants(this.settings, ++this.iterations);
    for (let i = 0; i < variables.length; i++) {
      adamUpdate(this.w[i], this.m[i], this.v[i], grads[i].dataSync() as Float32Array, k);
      // A copy: some backends (cpu) keep the array they are given, and w changes again next step.
      tf.tidy(() => variables[i].assign(tf.tensor(this.w[i].slice(), variables[i].shape, 'float32')));
    }
  }
}
