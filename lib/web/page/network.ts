// The page's network: TensorFlow.js core + layers, rebuilt from the model.js export, on the backend
// export-web chose.
//
// Why two backends (measured, README): the pure-JS cpu backend needs no .wasm fetch, so the page also
// works opened from file://, and for the MLP and the GRU a forward pass takes a millisecond or two; an
// SB-CNN patch takes ~0.5 s on cpu and ~15 ms on wasm, so a CNN's site uses wasm (served over http; from
// file:// the page falls back to cpu and says so). Only core, layers and these two backends are bundled:
// @tensorflow/tfjs would add webgl, the converter and tfjs-data.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { SiteBackend } from '../backends';
import type { SiteModelInfo } from '../pipeline';


/** What export-web writes into model.js (`window.SOUNDLAB_MODEL`). */
export interface ExportedModel {
  info: SiteModelInfo;
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** weights.bin, base64. */
  weightsBase64: string;
  /** The backend to run on; the .wasm files sit next to index.html for 'wasm'. */
  backend: SiteBackend;
}

function base64Bytes(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * Starts the exported model's backend: wasm (its .wasm files fetched from next to the page) or cpu. Returns
 * why wasm was not used when it was asked for and could not start (e.g. a page opened from file://), else ''.
 */
async function startBackend(wanted: SiteBackend): Promise<string> {
  if (wanted === 'wasm') {
    try {
      setWasmPaths(new URL('./', document.baseURI).href);
      if (await tf.setBackend('wasm')) return '';
    } catch {
      // reported below
    }
    await tf.setBackend('cpu');
    return location.protocol === 'file:'
      ? 'the WebAssembly backend cannot load from a file:// page (serve the folder: soundlab serve SITE); the slower cpu backend runs instead'
      : 'the WebAssembly backend did not start; the slower cpu backend runs instead';
  }
  await tf.setBackend('cpu');
  return '';
}

/** The network of an exported model on its backend, and why the backend differs from the one asked for ('' when it does not). */
export async function loadNetwork(exported: ExportedModel): Promise<{ model: LayersModel; fallback: string }> {
  const fallback = await startBackend(exported.backend ?? 'cpu');
  await tf.ready();
  const model = await loadLayersModel(
    tf.io.fromMemory({ modelTopology: exported.modelTopology, weightSpecs: exported.weightSpecs, weightData: base64Bytes(exported.weightsBase64) }),
  );
  return { model, fallback };
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
