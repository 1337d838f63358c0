// Class probabilities and labels from a model, in batches, without keeping tensors around.
import * as tf from '@tensorflow/tfjs';
import type { LabelEncoder } from './labels';
import { Features, toTensor } from './train';

/**
 * Class probabilities for each row (inference mode: dropout off).
 * @param X [samples, ...features]; @param batchSize rows per forward pass (default 256).
 * @returns one Float32Array of class probabilities per row.
 */
export function predictProbabilities(model: tf.LayersModel, X: Features, batchSize = 256): Float32Array[] {
  const x = toTensor(X);
  const out: Float32Array[] = [];
  try {
    const n = x.shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const probs = tf.tidy(() => {
        const xb = tf.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]);
        return model.predict(xb) as tf.Tensor;
      });
      const flat = probs.dataSync() as Float32Array;
      const width = probs.shape[1] as number;
      probs.dispose();
      for (let i = 0; i < size; i++) out.push(flat.slice(i * width, (i + 1) * width));
    }
  } finally {
    if (x !== X) x.dispose();
  }
  return out;
}

/**
 * Clip-level class probabilities from several input rows per clip (a CNN's log-mel patches): the mean
 * of the rows' probabilities, as SB-CNN (Salamon & Bello 2017) classifies a clip.
 * @param X [rows, ...features], the rows of clip 0, then of clip 1, …
 * @param rowsPerClip how many consecutive rows belong to each clip (each ≥ 1; they sum to the row count).
 * @returns one Float32Array of class probabilities per clip.
 */
export function predictClipProbabilities(model: tf.LayersModel, X: Features, rowsPerClip: readonly number[], batchSize = 256): Float32Array[] {
  const probs = predictProbabilities(model, X, batchSize);
  const total = rowsPerClip.reduce((a, b) => a + b, 0);
  if (total !== probs.length || rowsPerClip.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new RangeError(`predictClipProbabilities: rowsPerClip must be positive integers summing to the ${probs.length} rows, got [${rowsPerClip.join(', ')}]`);
  }
  const out: Float32Array[] = [];
  let row = 0;
  for (const count of rowsPerClip) {
    // Summed in float64, so the mean does not depend on the order rounding would otherwise impose.
    const sum = new Float64Array(probs[row].length);
    for (let r = row; r < row + count; r++) for (let j = 0; j < sum.length; j++) sum[j] += probs[r][j];
    out.push(Float32Array.from(sum, (v) => v / count));
    row += count;
  }
  return out;
}

/** Index of the largest value (the first on ties). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Predicted class name and its probability for each row. */
export function predictLabels(
  model: tf.LayersModel,
  X: Features,
  encoder: LabelEncoder,
): { label: string; probability: number; probabilities: Float32Array }[] {
  return predictProbabilities(model, X).map((p) => {
    const id = argMax(p);
    return { label: encoder.inverseTransform([id])[0], probability: p[id], probabilities: p };
  });
}
