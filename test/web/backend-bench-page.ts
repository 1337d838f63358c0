// The page side of backend-bench.ts: the exported MLP on the cpu backend, then wasm, then cpu again (the
// machine is noisy: the two cpu runs bracket the wasm one). Median of 7 runs of 200 single-row forward
// passes (fewer for large inputs), and the mean of passes over a batch of 40 rows.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { ExportedModel } from '../../lib/web/page/network';

const page = window as unknown as { SOUNDLAB_MODEL: ExportedModel; bench: () => Promise<unknown[]> };

async function run(backend: string) {
  await tf.setBackend(backend);
  await tf.ready();
  const m = page.SOUNDLAB_MODEL;
  const binary = atob(m.weightsBase64);
  const weights = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const model = await loadLayersModel(tf.io.fromMemory({ modelTopology: m.modelTopology, weightSpecs: m.weightSpecs, weightData: weights.buffer }));
  const shape = m.info.inputShape;
  const width = shape.reduce((a, b) => a * b, 1);
  const row = new Float32Array(width).map((_, i) => Math.sin(i));
  const forward = (x: Float32Array, n: number) => {
    const t = tf.tidy(() => model.predict(tf.tensor(x, [n, ...shape])) as tf.Tensor);
    t.dataSync();
    t.dispose();
  };
  // Fewer repetitions for big inputs (a CNN patch), so a run stays within seconds.
  const reps = Math.max(5, Math.min(200, Math.round(8000 / width)));
  for (let i = 0; i < Math.min(50, reps); i++) forward(row, 1);
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) forward(row, 1);
    runs.push((performance.now() - t0) / reps);
  }
  runs.sort((a, b) => a - b);
  const batch = new Float32Array(40 * width).map((_, i) => Math.cos(i));
  const batches = Math.max(2, Math.round(reps / 4));
  const b0 = performance.now();
  for (let i = 0; i < batches; i++) forward(batch, 40);
  return { backend: tf.getBackend(), input: shape.join('×'), 'ms per row (median)': runs[3], 'ms per row (min)': runs[0], 'ms per batch of 40': (performance.now() - b0) / batches };
}

page.bench = async () => {
  setWasmPaths('./');
  return [await run('cpu'), await run('wasm'), await run('cpu')];
};
