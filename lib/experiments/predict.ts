// The one way to classify clips with a saved model: the features, scaling and input shape it was trained
// with (lib/model/registry.ts), a CNN's clip classified by the mean over its patches as in its evaluation.
import { extractFeatures } from '../features/extract';
import { argMax, predictClipProbabilities } from '../model/predict';
import { networkInputs } from '../model/registry';
import type { SavedModel } from '../model/save';
import { stack } from '../model/train';

/** One classified clip. */
export interface Prediction {
  id: string;
  file: string;
  label: string;
  probability: number;
  /** Class probabilities in the model's class order. */
  probabilities: Float32Array;
}

/**
 * Featurize clips exactly as the model's training did and classify them. Clips that cannot be read come
 * back in `skipped` with the reason.
 */
export async function predictClips(
  saved: SavedModel,
  clips: readonly { id: string; path: string }[],
  opts: { workers?: number; cache?: boolean } = {},
): Promise<{ predictions: Prediction[]; skipped: { file: string; reason: string }[] }> {
  const { info } = saved;
  const extracted = await extractFeatures(clips, {
    ...info.features,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    cache: opts.cache ?? true,
  });
  const skipped = extracted.skipped.map((s) => ({ file: s.file, reason: s.reason }));
  if (extracted.X.length === 0) return { predictions: [], skipped };
  const rows = extracted.X.map((data, k) => ({ data, shape: extracted.shapes[k] }));
  const inputs = networkInputs(saved.params, saved.standardizer, rows, 'all');
  const x = stack(inputs.rows, info.inputShape);
  try {
    const probs = predictClipProbabilities(saved.model, x, inputs.perClip);
    const predictions = probs.map((p, k) => {
      const id = argMax(p);
      return { id: extracted.ids[k], file: extracted.paths[k], label: saved.encoder.classes[id], probability: p[id], probabilities: p };
    });
    return { predictions, skipped };
  } finally {
    x.dispose();
  }
}
