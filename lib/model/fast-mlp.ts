// A training step for Dense/ReLU/Dropout/softmax stacks written out by hand over one WebAssembly heap: same maths, no per-step allocation.
import * as tf from '@tensorflow/tfjs';
import { adamStepConstants, type AdamSettings } from './adam';
import type { DropoutMaskStream } from './dropout';
import { GEMM_COLS, KernelHeap, roundUp } from './mlp-kernels';

/**
 * Why this exists: at batch 32 the tutorial's MLP does ~2.5 M multiply-adds per batch, but TensorFlow.js's
 * autodiff path spends ~140 kernel calls on it (the tape clones every saved tensor, the loss is 8 kernels
 * and its gradient 15 more), each with ~15 µs of engine bookkeeping — more than the arithmetic; even ~30
 * direct kernel calls a batch left most of the time in tensor bookkeeping and in XNNPACK re-packing weights
 * that change every step. For the plain stacks Keras users write (Dense → ReLU/linear → Dropout …, Dense →
 * softmax, categorical crossentropy, Adam) the backward pass is short enough to write out, so this step
 *  - keeps weights, Adam's moments, gradients, activations and masks in one heap (lib/model/mlp-kernels.ts,
 *    a WebAssembly memory with the SIMD kernels of lib/model/kernels/mlp.wat), laid out once per run;
 *  - runs the forward pass as matmul+bias+ReLU products and applies the seeded Dropout masks;
 *  - computes softmax, the loss, the accuracy and the logits' gradient (p − y)/batch, as TensorFlow/Keras
 *    compute categorical crossentropy on a softmax output (from its logits);
 *  - back-propagates: dW = hᵀ·dz, db = Σ dz, dh = dz·Wᵀ (as (W·dzᵀ)ᵀ), the Dropout mask and ReLU's
 *    derivative (step(a));
 *  - updates the weights with Adam (the kernel twin of `adamUpdate`, which HostAdam uses) and, once per epoch,
 *    writes them to the model.
 * `train` uses it when `planFastMlp` accepts the model, else the general path.
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

function layerConfig(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/**
 * The layer stack if `model` is one this step handles exactly — a Sequential of Dense (linear or ReLU, with
 * or without bias, no regularisers or constraints), Activation('relu' | 'linear'), Dropout (no noiseShape),
 * ending in softmax; compiled with categorical crossentropy — else null.
 */
export function planFastMlp(model: tf.LayersModel, lossName: unknown): FastMlpPlan | null {
  if (!(model instanceof tf.Sequential) || lossName !== 'categoricalCrossentropy') return null;
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

/** Where one Dense layer's arrays sit in the heap (offsets in floats) and their padded sizes. */
interface LayerSlots {
  /** Inputs and outputs (units), and the same rounded up to GEMM_COLS (the heap's row strides). */
  inputs: number;
  units: number;
  ldIn: number;
  ldOut: number;
  /** kernel [ldIn × ldOut] and bias [ldOut] in the weights block; the same offsets + block size in m, v, g. */
  kernel: number;
  bias: number;
  /** Output before dropout [rows × ldOut] (post-ReLU for ReLU layers: ReLU's derivative is post > 0). */
  post: number;
  /** Output after dropout (= post without dropout), the next layer's input. */
  out: number;
  /** Gradient of the loss with respect to this layer's pre-activation, [rows × ldOut]. */
  dz: number;
  /** This layer's dropout mask for the batch in the heap, units per row (DropoutMaskStream's order), or -1. */
  mask: number;
}

/**
 * Training state of one run. Weights, Adam's moments, gradients, activations and masks live in one heap
 * (`KernelHeap`, a WebAssembly memory when SIMD is available) laid out once; a step calls the SIMD matrix
 * product three times per layer, the ReLU-gradient kernel per hidden layer and the Adam kernel once, and
 * does the small element-wise work (dropout, softmax, the last layers' gradients) in JavaScript loops over
 * the same heap. Nothing is allocated
 * per step. Matrices are padded with zero columns (and rows) to multiples of GEMM_COLS; zeros stay zeros
 * through the products and Adam (zero gradient, zero moments), so the padding never changes the results.
 */
export class FastMlpTrainer {
  private readonly heap: KernelHeap;
  private readonly slots: LayerSlots[];
  /** Size of the weights block (floats); moments, second moments and gradients follow, same layout. */
  private readonly block: number;
  /** Input rows [rows × ldIn of layer 0], the transposed batch gradient and the transposed input gradient. */
  private x = 0;
  private dzT = 0;
  private dhT = 0;
  /** `widest` floats for a bias gradient nobody reads (layers without bias); the float before: a constant. */
  private scratch = 0;
  /** Rows the activation buffers hold (a multiple of GEMM_COLS). */
  private rows = 0;

  /**
   * @param state Adam's moments and step count, kept by the caller between runs (`iterations` is updated
   * every step, `m` and `v` by `syncToModel`).
   * @param opts.threads 2: large kernel calls split with a helper thread (KernelHeap; same results); default 1.
   */
  constructor(
    private readonly plan: FastMlpPlan,
    private readonly adam: AdamSettings,
    private readonly state: { m: Float32Array[]; v: Float32Array[]; iterations: number },
    opts: { threads?: number } = {},
  ) {
    let offset = 0;
    this.slots = plan.layers.map((l) => {
      const [inputs, units] = l.kernel.shape;
      const ldIn = roundUp(inputs, GEMM_COLS);
      const ldOut = roundUp(units, GEMM_COLS);
      const kernel = offset;
      const bias = kernel + ldIn * ldOut;
      offset = bias + ldOut;
      return { inputs, units, ldIn, ldOut, kernel, bias, post: 0, out: 0, dz: 0, mask: -1 };
    });
    this.block = offset;
    this.heap = new KernelHeap(4 * this.block + 8, { threads: opts.threads ?? 1 });
    const vars = this.variables();
    if (state.m.length !== vars.length || state.m.some((a, i) => a.length !== vars[i].size)) {
      state.m = vars.map((x) => new Float32Array(x.size));
      state.v = vars.map((x) => new Float32Array(x.size));
      state.iterations = 0;
    }
    const h = this.heap.f32;
    this.eachArray((k, at, rows, cols, ld) => {
      copyIn(h, at, vars[k].dataSync() as Float32Array, rows, cols, ld);
      copyIn(h, at + this.block, state.m[k], rows, cols, ld);
      copyIn(h, at + 2 * this.block, state.v[k], rows, cols, ld);
    });
  }

  /** kernel₁, bias₁, kernel₂, … : the model's variables in the order of `state.m` / `state.v`. */
  private variables(): tf.Variable[] {
    return this.plan.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
  }

  /** Calls `f(k, heapOffset, rows, cols, rowStride)` for each variable k (in `variables()` order). */
  private eachArray(f: (k: number, at: number, rows: number, cols: number, ld: number) => void): void {
    let k = 0;
    this.plan.layers.forEach((l, i) => {
      const s = this.slots[i];
      f(k++, s.kernel, s.inputs, s.units, s.ldOut);
      if (l.bias) f(k++, s.bias, 1, s.units, s.ldOut);
    });
  }

  /** Lay out the activation buffers for batches of up to `size` rows (grows the heap; weights stay). */
  private reserveRows(size: number): void {
    const rows = roundUp(size, GEMM_COLS);
    let offset = 4 * this.block + 8; // after the weights, moments, gradients and Adam's 8 constants
    this.x = offset;
    offset += rows * this.slots[0].ldIn;
    let widest = 0;
    this.plan.layers.forEach((l, i) => {
      const s = this.slots[i];
      s.post = offset;
      offset += rows * s.ldOut;
      s.out = s.post;
      if (l.dropout > 0) {
        s.out = offset;
        offset += rows * s.ldOut;
        s.mask = offset;
        offset += rows * s.units;
      }
      s.dz = offset;
      offset += rows * s.ldOut;
      widest = Math.max(widest, s.ldIn, s.ldOut);
    });
    this.dzT = offset;
    this.dhT = offset + widest * rows;
    this.scratch = this.dhT + widest * rows + 1;
    offset = this.scratch + widest;
    this.heap.grow(offset);
    // Fresh buffers must start at zero: padded columns are read by the products (as zeros).
    this.heap.f32.fill(0, 4 * this.block, offset);
    this.rows = rows;
  }

  /**
   * One batch: forward, loss, backward, Adam. `x` is [size, inputs] row-major, `labels` the class index of
   * each row. Returns the batch's summed loss and number of correct predictions.
   */
  step(x: Float32Array, labels: Int32Array, size: number, masks: DropoutMaskStream): { lossSum: number; correct: number } {
    if (size > this.rows) this.reserveRows(size);
    const { layers } = this.plan;
    const { heap, slots, rows } = this;
    const h = heap.f32;
    copyIn(h, this.x, x, size, slots[0].inputs, slots[0].ldIn);

    // Forward: z = input·W + b (ReLU fused), then the dropout mask.
    let input = this.x;
    layers.forEach((l, i) => {
      const s = slots[i];
      heap.gemm(size, s.units, s.inputs, input, s.ldIn, 1, s.kernel, s.ldOut, s.post, s.ldOut, l.bias ? s.bias : -1, l.relu);
      if (s.mask >= 0) heap.dropout(size, s.units, s.ldOut, s.post, s.out, s.mask, masks, l.dropout);
      input = s.out;
    });

    // Softmax, crossentropy, accuracy and the logits' gradient (p − y)/batch, as TensorFlow/Keras compute
    // categorical crossentropy on a softmax output (from its logits). Gradients are written both row-major
    // (dz, for dW = inputᵀ·dz) and transposed (dzT, for dhᵀ = W·dzᵀ); the bias gradient is Σ dz over rows.
    const g = this.block * 3;
    const last = slots[slots.length - 1];
    const classes = last.units;
    const z = last.post;
    const dz = last.dz;
    const dzT = this.dzT;
    const dbTop = layers[layers.length - 1].bias ? g + last.bias : -1;
    if (dbTop >= 0) h.fill(0, dbTop, dbTop + classes);
    let lossSum = 0;
    let correct = 0;
    // Keras clips probabilities to [ε, 1 − ε] before the log.
    const eps = 1e-7;
    for (let r = 0; r < size; r++) {
      const o = r * last.ldOut;
      let max = -Infinity;
      let best = 0;
      for (let c = 0; c < classes; c++) {
        if (h[z + o + c] > max) {
          max = h[z + o + c];
          best = c;
        }
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(h[z + o + c] - max);
      const label = labels[r];
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(h[z + o + c] - max) / sum;
        const d = (p - (c === label ? 1 : 0)) / size;
        h[dz + o + c] = d;
        h[dzT + c * rows + r] = d;
        if (dbTop >= 0) h[dbTop + c] += d;
        if (c === label) lossSum -= Math.log(Math.min(Math.max(p, eps), 1 - eps));
      }
      if (best === label) correct++;
    }

    // Backward: dW = inputᵀ·dz, and for the layer below dh = dz·Wᵀ (as (W·dzᵀ)ᵀ) times the Dropout mask and
    // ReLU's derivative, with its bias gradient summed on the way.
    const dhT = this.dhT;
    for (let i = layers.length - 1; i >= 0; i--) {
      const s = slots[i];
      const below = i > 0 ? slots[i - 1] : null;
      heap.gemm(s.inputs, s.units, size, below ? below.out : this.x, 1, s.ldIn, s.dz, s.ldOut, g + s.kernel, s.ldOut);
      if (!below) break;
      // Columns of dzT past the batch hold finite leftovers; the product computes them, nothing reads them.
      heap.gemm(s.inputs, size, s.units, s.kernel, s.ldOut, 1, dzT, rows, dhT, rows);
      const { relu, bias, dropout } = layers[i - 1];
      const { mask, units, ldOut, post, out, dz: dzBelow } = below;
      // With ReLU and dropout, mask·step(post) is `scale` where out = post·mask > 0, else 0.
      const scale = Math.fround(1 / (1 - dropout)); // the mask's float32 value
      if (relu) {
        const db = bias ? g + below.bias : this.scratch;
        h.fill(0, db, db + units);
        heap.reluGradient(size, units, rows, ldOut, dhT, dzBelow, dzT, mask >= 0 ? out : post, mask >= 0 ? scale : 1, db, this.scratch - 1);
      } else {
        gradientBelow(h, size, rows, units, ldOut, dhT, dzBelow, dzT, mask, bias ? g + below.bias : -1);
      }
    }
    this.adamStep();
    return { lossSum, correct };
  }

  /** Adam over the whole weights block at once (the `adam` kernel; HostAdam applies the same update in JS). */
  private adamStep(): void {
    const n = this.block;
    this.heap.adam(n, 0, n, 2 * n, 3 * n, adamStepConstants(this.adam, ++this.state.iterations), 4 * n);
  }

  /**
   * Write the weights into the model's variables and Adam's moments into `state` (before validation,
   * callbacks and at the end), so predict, save and a later autodiff run continue from here.
   */
  syncToModel(): void {
    const vars = this.variables();
    const h = this.heap.f32;
    const values = vars.map((x) => new Float32Array(x.size));
    this.eachArray((k, at, rows, cols, ld) => {
      copyOut(h, at, values[k], rows, cols, ld);
      copyOut(h, at + this.block, this.state.m[k], rows, cols, ld);
      copyOut(h, at + 2 * this.block, this.state.v[k], rows, cols, ld);
    });
    tf.tidy(() => vars.forEach((x, k) => x.assign(tf.tensor(values[k], x.shape, 'float32'))));
  }
}

/** Copy a [rows × cols] row-major array into the heap at `at` with row stride `ld`. */
function copyIn(h: Float32Array, at: number, from: Float32Array, rows: number, cols: number, ld: number): void {
  if (cols === ld) {
    h.set(from.subarray(0, rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) h.set(from.subarray(r * cols, (r + 1) * cols), at + r * ld);
}

/** Copy a [rows × cols] array with row stride `ld` out of the heap into a dense row-major array. */
function copyOut(h: Float32Array, at: number, to: Float32Array, rows: number, cols: number, ld: number): void {
  for (let r = 0; r < rows; r++) to.set(h.subarray(at + r * ld, at + r * ld + cols), r * cols);
}

/**
 * The gradient of a layer without ReLU from dhᵀ [units × rows]: d = dh (⊙ Dropout mask), written row-major at
 * `dz` (row stride ld) and transposed at `dzT` (row stride rows); its column sums (the bias gradient) at `db`
 * unless db < 0. (Layers with ReLU use the kernel `KernelHeap.reluGradient`.)
 */
function gradientBelow(h: Float32Array, size: number, rows: number, units: number, ld: number, dhT: number, dz: number,
  dzT: number, mask: number, db: number): void {
  if (db >= 0) h.fill(0, db, db + units);
  for (let r = 0; r < size; r++) {
    const o = r * ld;
    for (let c = 0, t = r; c < units; c++, t += rows) {
      let d = h[dhT + t];
      if (mask >= 0) d *= h[mask + r * units + c];
      h[dz + o + c] = d;
      h[dzT + t] = d;
      if (db >= 0) h[db + c] += d;
    }
  }
}
