// Worker-thread entry of the data-parallel CNN training (lib/model/cnn-train.ts): one CnnReplica that
// answers 'grad' (its shard's gradient into its shared buffer) and 'predict' (validation patches).
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from './backend';
import type { CnnOptions } from './cnn';
import { CnnReplica } from './cnn-replica';
import { assembleShard, type SharedStore } from './cnn-shards';

/** What cnn-train.ts passes as workerData. */
export interface CnnWorkerData {
  options: CnnOptions;
  seed: number;
  index: number;
  /** The main thread's backend, so every replica computes with the same kernels. */
  backend: string;
  store: SharedStore;
}

/** main → worker. `version` names the weights in store.weights; a replica reloads them when it changes. */
export type CnnWorkerRequest =
  | { type: 'grad'; version: number; clips: Int32Array; starts: Int32Array; masks?: Int32Array; batchRows: number; withPenalty: boolean }
  | { type: 'predict'; version: number; from: number; to: number };

async function main(): Promise<void> {
  const data = workerData as CnnWorkerData;
  const port = parentPort;
  if (!port) throw new Error('lib/model/cnn-worker.ts must run in a worker thread');
  process.env.SOUNDLAB_BACKEND = data.backend;
  await selectBackend({ quiet: true });
  const replica = new CnnReplica(data.options, data.seed, data.index);
  const { store } = data;
  const size = store.nMels * store.frames;
  let x = new Float32Array(0);
  let loaded = -1;
  const load = (version: number) => {
    if (version !== loaded) {
      replica.setWeights(store.weights);
      loaded = version;
    }
  };
  port.on('message', (msg: CnnWorkerRequest) => {
    try {
      load(msg.version);
      if (msg.type === 'grad') {
        if (x.length < msg.clips.length * size) x = new Float32Array(msg.clips.length * size);
        const labels = assembleShard(store, msg, x);
        const result = replica.gradient(x, labels, msg.batchRows, msg.withPenalty, store.grads[data.index]);
        port.postMessage({ type: 'grad', result });
      } else {
        const rows = msg.to - msg.from;
        replica.predict(store.valPatches.subarray(msg.from * size, msg.to * size), rows, store.valProbs.subarray(msg.from * store.classCount, msg.to * store.classCount));
        port.postMessage({ type: 'predicted' });
      }
    } catch (err) {
      port.postMessage({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  });
  port.postMessage({ type: 'ready', parameterCount: replica.parameterCount });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
});
