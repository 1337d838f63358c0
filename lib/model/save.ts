// A trained model on disk: the tfjs model, its classes and the feature parameters it was trained on.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LabelEncoder } from './labels';
import { modelKind, type FeatureSpec, type ModelParams } from './registry';
import type { Standardizer } from './scaler';

/** The one format of `soundlab.json`; bump MODEL_FORMAT_VERSION when its meaning changes. */
export const MODEL_FORMAT = 'soundlab-model';
export const MODEL_FORMAT_VERSION = 2;

/** What `saveModelDir` writes besides the network (`soundlab.json`), and `loadModelDir` returns. */
export interface ModelInfo {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  /** Class names in output-unit order (the LabelEncoder's classes). */
  classes: string[];
  /** The model kind (`params.model`) and every parameter of its training run. */
  params: ModelParams;
  /** How the clips' feature rows were computed, so `predict` computes the same. */
  features: FeatureSpec;
  /** Shape of one network input row. */
  inputShape: number[];
  /** Input standardisation fitted on the training rows (null: raw features). */
  standardizer: Standardizer | null;
}

/** What a model directory holds. */
export interface ModelBundle {
  model: tf.LayersModel;
  encoder: LabelEncoder;
  params: ModelParams;
  standardizer: Standardizer | null;
}

/** A loaded model directory. */
export interface SavedModel extends ModelBundle {
  dir: string;
  info: ModelInfo;
}

/** Raised for a directory that is not a soundlab model (names the file and the reason). */
export class ModelDirError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ModelDirError';
  }
}

export const MODEL_FILES = { topology: 'model.json', weights: 'weights.bin', info: 'soundlab.json' } as const;

/**
 * Write `dir/model.json` + `dir/weights.bin` (TensorFlow.js's layers-model format, as `model.save('file://…')`
 * with tfjs-node writes it — done by hand here because plain tfjs has no file handler) and
 * `dir/soundlab.json` (ModelInfo: classes, parameters, features, input shape, standardizer). Creates `dir`.
 */
export async function saveModelDir(dir: string, bundle: ModelBundle): Promise<void> {
  const { model, encoder, params, standardizer } = bundle;
  const entry = modelKind(params.model);
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const units = (model.outputs[0].shape as number[]).slice(-1)[0];
  if (units !== encoder.classes.length) {
    throw new ModelDirError(out, `the model has ${units} outputs but the encoder ${encoder.classes.length} classes`);
  }
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : (data ?? new ArrayBuffer(0));
      writeFileSync(join(out, MODEL_FILES.weights), Buffer.from(buffer));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(out, MODEL_FILES.topology), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const info: ModelInfo = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    classes: encoder.classes,
    params,
    features: entry.features(params),
    inputShape: entry.inputShape(params),
    standardizer,
  };
  writeFileSync(join(out, MODEL_FILES.info), JSON.stringify(info, null, 2) + '\n');
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new ModelDirError(file, 'not found (is this a model directory written by `soundlab train`?)');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelDirError(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * `soundlab.json`'s content as a ModelInfo of this version, or a ModelDirError naming the directory,
 * the version found and what to do (models are small and quick to retrain; an old layout is not guessed at).
 */
export function checkModelInfo(json: unknown, dir: string): ModelInfo {
  const file = join(dir, MODEL_FILES.info);
  const retrain = `retrain it with \`soundlab train --data DATA_DIR --out ${dir}\``;
  const info = json as Partial<ModelInfo> & { version?: unknown };
  if (typeof json !== 'object' || json === null || info.format !== MODEL_FORMAT) {
    throw new ModelDirError(file, `not a soundlab model description (no "format": "${MODEL_FORMAT}"); ${retrain}`);
  }
  if (info.formatVersion === undefined) {
    throw new ModelDirError(file, `written by an older soundlab (model format version ${String(info.version ?? 1)}); this soundlab reads version ${MODEL_FORMAT_VERSION}: ${retrain}`);
  }
  if (info.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelDirError(file, `unknown model format version ${JSON.stringify(info.formatVersion)}; this soundlab reads version ${MODEL_FORMAT_VERSION}: ${retrain}, or use the soundlab that wrote it`);
  }
  if (!Array.isArray(info.classes) || !info.params || !info.features || !Array.isArray(info.inputShape) || info.standardizer === undefined) {
    throw new ModelDirError(file, `incomplete model description (classes, params, features, inputShape, standardizer); ${retrain}`);
  }
  return info as ModelInfo;
}

/** Read a directory written by `saveModelDir`: the network (uncompiled), its encoder and feature parameters. */
export async function loadModelDir(dir: string): Promise<SavedModel> {
  const root = resolve(dir);
  const infoFile = join(root, MODEL_FILES.info);
  const info = checkModelInfo(readJson(infoFile), root);
  const topologyFile = join(root, MODEL_FILES.topology);
  const json = readJson(topologyFile) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => {
      const file = join(root, p);
      if (!existsSync(file)) throw new ModelDirError(file, 'weights file not found');
      const b = readFileSync(file);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }),
  );
  const weightData = buffers.length === 1 ? buffers[0] : tf.io.concatenateArrayBuffers(buffers);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  } catch (err) {
    throw new ModelDirError(topologyFile, `cannot rebuild the model (${err instanceof Error ? err.message : String(err)})`);
  }
  return { model, encoder: LabelEncoder.fromClasses(info.classes), params: info.params, standardizer: info.standardizer, dir: root, info };
}
