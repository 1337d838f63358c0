// The one adapter between a saved model directory (lib/model's format) and the web export: everything
// export-web needs from a model goes through readModelForWeb, so a change of the saved format touches here only.
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CNN_DEFAULTS, FEATURE_DEFAULTS } from '../defaults';
import { selectBackend } from '../model/backend';
import { loadModelDir, MODEL_FILES, ModelDirError } from '../model/save';
import type { SiteFeatures, SiteModelInfo } from './pipeline';

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
 * Reads `dir` with lib/model's loadModelDir (so it is checked exactly as `soundlab predict` checks it)
 * and keeps what the page needs. Models whose inputs are scaled by lib/experiments' input scaler
 * (the CNN and the GRU) are refused for now: the page implements the MLP's standardisation only.
 * @throws ModelDirError naming the file and the reason.
 */
export async function readModelForWeb(dir: string, opts: { windowSeconds?: number } = {}): Promise<WebModel> {
  const root = resolve(dir);
  await selectBackend();
  const saved = await loadModelDir(root);
  saved.model.dispose();
  const f = saved.features;
  const infoFile = join(root, MODEL_FILES.info);
  if (f.inputScaler !== undefined) {
    throw new ModelDirError(infoFile, `a ${String(f.model ?? 'CNN/RNN')} model with its own input scaling: the web page classifies the tutorial's MLP (mfccMean features) only for now`);
  }
  if (f.kind !== 'mfccMean' && f.kind !== 'mfcc' && f.kind !== 'logmel') {
    throw new ModelDirError(infoFile, `feature kind '${f.kind}' is not computed by the web page (mfccMean, mfcc or logmel)`);
  }
  const features: SiteFeatures = {
    kind: f.kind,
    sampleRate: f.sampleRate,
    nMfcc: f.nMfcc ?? FEATURE_DEFAULTS.nMfcc,
    nMels: typeof f.nMels === 'number' ? f.nMels : CNN_DEFAULTS.nMels,
    frames: typeof f.frames === 'number' ? f.frames : CNN_DEFAULTS.frames,
    patchHop: typeof f.patchHop === 'number' ? f.patchHop : 0,
  };
  const windowSeconds = opts.windowSeconds ?? (features.kind === 'logmel' ? (features.frames * FEATURE_DEFAULTS.hopLength) / features.sampleRate : DEFAULT_WINDOW_SECONDS);
  const topology = JSON.parse(readFileSync(join(root, MODEL_FILES.topology), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const weights = Buffer.concat(topology.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(root, p)))));
  return {
    info: {
      classes: saved.encoder.classes,
      features,
      ...(saved.standardizer ? { standardizer: saved.standardizer } : {}),
      windowSeconds,
      source: basename(root),
    },
    modelTopology: topology.modelTopology,
    weightSpecs: topology.weightsManifest.flatMap((g) => g.weights),
    weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    files: [MODEL_FILES.topology, MODEL_FILES.info, ...topology.weightsManifest.flatMap((g) => g.paths)].map((name) => ({ name, path: join(root, name) })),
  };
}
