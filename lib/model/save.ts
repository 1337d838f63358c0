// A trained model on disk: the tfjs model, its classes and the feature parameters it was trained on.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LabelEncoder } from './labels';
import type { Standardizer } from './scaler';

/**
 * How the model's input rows were computed, so `predict` computes the same: `kind` and the options of
 * lib/features' `extractFeatures` (sampleRate in Hz, nMfcc, nMels, frames…), stored as given.
 */
export interface FeatureParams {
  kind: string;
  sampleRate: number;
  nMfcc?: number;
  [option: string]: unknown;
}

/** What `saveModelDir` writes besides the network and `loadModelDir` returns. */
export interface ModelInfo {
  format: 'soundlab-model';
  version: 1;
  /** Class names in output-unit order (the LabelEncoder's classes). */
  classes: string[];
  features: FeatureParams;
  /** Column standardisation fitted on the training rows, applied to every input before the network. */
  standardizer?: Standardizer;
  /** Anything worth keeping: training options, history, evaluation summary… */
  training?: Record<string, unknown>;
}

/** What a model directory holds. */
export interface ModelBundle {
  model: tf.LayersModel;
  encoder: LabelEncoder;
  features: FeatureParams;
  standardizer?: Standardizer;
  training?: Record<string, unknown>;
}

/** A loaded model directory. */
export interface SavedModel extends ModelBundle {
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
 * `dir/soundlab.json` (classes, feature parameters, standardizer, training notes). Creates `dir`.
 */
export async function saveModelDir(dir: string, bundle: ModelBundle): Promise<void> {
  const { model, encoder, features, standardizer, training } = bundle;
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
    format: 'soundlab-model',
    version: 1,
    classes: encoder.classes,
    features,
    ...(standardizer ? { standardizer } : {}),
    ...(training ? { training } : {}),
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

/** Read a directory written by `saveModelDir`: the network (uncompiled), its encoder and feature parameters. */
export async function loadModelDir(dir: string): Promise<SavedModel> {
  const root = resolve(dir);
  const infoFile = join(root, MODEL_FILES.info);
  const info = readJson(infoFile) as ModelInfo;
  if (info.format !== 'soundlab-model' || !Array.isArray(info.classes) || !info.features) {
    throw new ModelDirError(infoFile, 'not a soundlab model description (format, classes, features)');
  }
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
  return {
    model,
    encoder: LabelEncoder.fromClasses(info.classes),
    features: info.features,
    standardizer: info.standardizer,
    training: info.training,
    info,
  };
}
