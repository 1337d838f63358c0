// Seeded dropout masks for training: a fresh, reproducible mask per batch, made cheaply in JavaScript.
import * as tf from '@tensorflow/tfjs';
import { MULBERRY32_STEP } from '../util/random';

/** The state after `draws` draws from `state` (unsigned 32-bit). */
export const advanceState = (state: number, draws: number): number => (state + Math.imul(draws, MULBERRY32_STEP)) >>> 0;

/** A mask's kept value (1/(1 − rate)) and the 16-bit threshold below which a unit is kept. */
export function maskConstants(rate: number): { scale: number; threshold: number } {
  return { scale: 1 / (1 - rate), threshold: Math.round((1 - rate) * 65536) };
}

/**
 * Why not tfjs's own dropout: `tf.layers.dropout({ seed })` passes the same seed to `randomUniform` on
 * every call, so a seeded layer drops the *same* units in every batch of every epoch (and an unseeded one
 * is not reproducible); it also draws its uniforms with seedrandom's alea and then spends four kernels
 * (add, floor, div, mul) turning them into a mask. Here one mulberry32 stream per training run gives
 * every batch its own mask, the mask already holds 0 or 1/keepProbability (inverted dropout, as Keras),
 * and applying it is one multiply — the same computation, on a mask that changes per batch.
 */
export class DropoutMaskStream {
  private state: number;

  /** @param seed seed of the whole stream (one per training run). */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * A mask of `size` values: each is 1/(1 − rate) with probability 1 − rate, else 0.
   * @param rate fraction dropped, in (0, 1). The keep probability is quantised to 1/65536 (exact for 0.5).
   */
  mask(size: number, rate: number): Float32Array {
    return this.fill(new Float32Array(size), size, rate);
  }

  /** `mask`, written into the first `size` values of `out` (no allocation); returns `out`. */
  fill(out: Float32Array, size: number, rate: number): Float32Array {
    const { scale, threshold } = maskConstants(rate);
    // mulberry32 (as lib/util/random.ts), inlined: each 32-bit draw decides two units with 16 bits each,
    // which halves the cost of the ~16k draws a batch of the MLP needs. (The MLP step draws them with the
    // `dropout` kernel of kernels/mlp.wat instead, the same values from `state` on.)
    let a = this.state;
    for (let i = 0; i < size; i += 2) {
      a = (a + MULBERRY32_STEP) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const r = (t ^ (t >>> 14)) >>> 0;
      out[i] = (r & 0xffff) < threshold ? scale : 0;
      if (i + 1 < size) out[i + 1] = r >>> 16 < threshold ? scale : 0;
    }
    this.state = a;
    return out;
  }

  /**
   * Let a kernel draw the next `size` mask values (`size` even): `draw(state)` gets the stream's state and
   * draws them as `fill` would; the stream then continues after them.
   */
  drawWith(size: number, draw: (state: number) => void): void {
    if (size % 2) throw new RangeError(`lib/model/dropout.ts: drawWith needs an even count of units, got ${size}`);
    draw(this.state);
    this.state = advanceState(this.state, size / 2);
  }
}

interface DropoutLike extends tf.layers.Layer {
  rate: number;
  noiseShape?: number[] | null;
}

/**
 * While training, give every Dropout layer of `model` masks from `stream` (instance-level override of
 * `call`, so the model object, its config and its saved form stay standard Keras/tfjs Dropout).
 * Returns a function that restores the original layers. Layers with a `noiseShape` keep tfjs's own path.
 */
export function useSeededDropout(model: tf.LayersModel, stream: DropoutMaskStream): () => void {
  const restored: Array<() => void> = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dropout') continue;
    const d = layer as DropoutLike;
    if (d.noiseShape != null || !(d.rate > 0 && d.rate < 1)) continue;
    const own = Object.prototype.hasOwnProperty.call(d, 'call');
    const previous = d.call;
    d.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }) => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs || !kwargs.training) return x;
      return tf.tidy(() => tf.mul(x, tf.tensor(stream.mask(x.size, d.rate), x.shape, 'float32')));
    };
    restored.push(() => {
      if (own) d.call = previous;
      else delete (d as { call?: unknown }).call;
    });
  }
  return () => restored.forEach((restore) => restore());
}
