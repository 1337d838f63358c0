// The one adapter between a saved model directory (lib/model's format) and the web export: everything
// export-web needs from a model goes through readModelForWeb, so a change of the saved format touches here only.
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FEATURE_DEFAULTS } from '../defaults';
import { selectBackend } from '../model/backend';
import { loadModelDir, MODEL_FILES, ModelDirError } from '../model/save';
import type { SiteModelInfo } from './pipeline';

/** Seconds of audio the live window holds when nothing says otherwise: an UrbanSound8K clip's length. */
export const DEFAULT_WINDOW_SECONDS = 4;

/** A model read for the web: what the page needs besides the network, and the network's raw files. */
export interface WebModel {
  info: SiteModelInfo;
  /** model.json's `modelTopology` and its weight specs, and weights.bin. */
  modelTopology: object;
  weightSpecs: unknown[];
  weights: Uint8Array;
  /** The files of the model directory, to copy as they are. */
  files: { name: string; path: string }[];
}

/**
 * Reads `dir` with lib/model's loadModelDir (so it is checked exactly as `soundlab predict` checks it:
 * format version, classes, parameters, features, input shape, standardizer) and keeps what the page needs.
 * @throws ModelDirError naming the file and the reason.
 */
export async function readModelForWeb(dir: string, opts: { windowSeconds?: number } = {}): Promise<WebModel> {
  const root = resolve(dir);
  await selectBackend();
  const saved = await loadModelDir(root);
  saved.model.dispose();
  const { classes, params, features, inputShape, standardizer } = saved.info;
  if (features.kind === 'vector') {
    throw new ModelDirError(join(root, MODEL_FILES.info), "feature kind 'vector' (meyda descriptors) is not computed by the web page (mfccMean, mfcc or logmel)");
  }
  // A CNN's or RNN's input spans `frames` frames; the MLP averages a whole clip, an UrbanSound8K clip by default.
  const windowSeconds = opts.windowSeconds ?? (features.kind === 'mfccMean' ? DEFAULT_WINDOW_SECONDS : (features.frames * FEATURE_DEFAULTS.hopLength) / features.sampleRate);
  const topology = JSON.parse(readFileSync(join(root, MODEL_FILES.topology), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const weights = Buffer.concat(topology.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(root, p)))));
  return {
    info: { classes, params, features, inputShape, standardizer, windowSeconds, source: basename(root) },
    modelTopology: topology.modelTopology,
    weightSpecs: topology.weightsManifest.flatMap((g) => g.weights),
    weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    files: [MODEL_FILES.topology, MODEL_FILES.info, ...topology.weightsManifest.flatMap((g) => g.paths)].map((name) => ({ name, path: join(root, name) })),
  };
}
