// The page's network: TensorFlow.js core + layers on the pure-JS cpu backend, rebuilt from the model.js export.
//
// Why the cpu backend and not wasm: it needs no .wasm fetch, so the page also works opened from file://,
// and for the tutorial's MLP (40 → 256 → 256 → 10) a forward pass is well under a millisecond either way
// (figures in the README). Only core, layers and the cpu backend are bundled: @tensorflow/tfjs would add
// webgl, the converter and tfjs-data.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { SiteModelInfo } from '../pipeline';

/** What export-web writes into model.js (`window.SOUNDLAB_MODEL`). */
export interface ExportedModel {
  info: SiteModelInfo;
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** weights.bin, base64. */
  weightsBase64: string;
}

function base64Bytes(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** The network of an exported model, on the cpu backend. */
export async function loadNetwork(exported: ExportedModel): Promise<LayersModel> {
  await tf.setBackend('cpu');
  await tf.ready();
  return loadLayersModel(
    tf.io.fromMemory({ modelTopology: exported.modelTopology, weightSpecs: exported.weightSpecs, weightData: base64Bytes(exported.weightsBase64) }),
  );
}

/** Class probabilities of each input row (rows of the model's input width), one forward pass. */
export function probabilities(model: LayersModel, rows: readonly Float32Array[], inputShape: readonly number[]): Float32Array[] {
  if (rows.length === 0) return [];
  const width = inputShape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(rows.length * width);
  rows.forEach((r, k) => flat.set(r, k * width));
  const out = tf.tidy(() => model.predict(tf.tensor(flat, [rows.length, ...inputShape])) as tf.Tensor);
  const data = out.dataSync() as Float32Array;
  const classes = out.shape[1] as number;
  out.dispose();
  return rows.map((_, k) => data.slice(k * classes, (k + 1) * classes));
}

export const backendName = () => tf.getBackend();
