// The memory the data-parallel CNN training shares between the main thread and its replicas, and the
// shard arithmetic both sides use. Everything big lives in SharedArrayBuffers, laid out once per run:
// the training clips' log-mel matrices, the weights, one gradient buffer per replica, the validation
// patches and their predicted probabilities. Messages then carry only clip indices and crop starts.
import { applyCropMask, copyWindow, type ClipMatrix } from './crops';

/** What every replica can read (and the slices it writes): sent once, as workerData, never copied again. */
export interface SharedStore {
  nMels: number;
  frames: number;
  classCount: number;
  /** All training clips' matrices (nMels × nFrames each), concatenated. */
  clipData: Float32Array;
  /** Start of clip k in clipData, and its frame count. */
  clipOffset: Int32Array;
  clipFrames: Int32Array;
  /** Class id of each training clip. */
  labels: Int32Array;
  /** The current weights (flatWeights' layout), written by the main thread after every step. */
  weights: Float32Array;
  /** Gradient written by replica r. */
  grads: Float32Array[];
  /** Validation patches (nMels × frames each) and, per patch, the class probabilities replicas write. */
  valPatches: Float32Array;
  valProbs: Float32Array;
}

const shared = (floats: number): Float32Array => new Float32Array(new SharedArrayBuffer(Math.max(1, floats) * 4));

/** Lay the training clips, weights, gradients and validation patches out in shared memory. */
export function createSharedStore(
  clips: readonly ClipMatrix[],
  labels: Int32Array,
  dims: { nMels: number; frames: number; classCount: number; parameterCount: number; replicas: number },
  validation: Float32Array | null,
  validationPatches: number,
): SharedStore {
  const clipOffset = new Int32Array(new SharedArrayBuffer(Math.max(1, clips.length) * 4));
  const clipFrames = new Int32Array(new SharedArrayBuffer(Math.max(1, clips.length) * 4));
  let total = 0;
  clips.forEach((c, k) => {
    if (c.nMels !== dims.nMels) throw new RangeError(`lib/model/cnn-shards.ts: clip ${k} has ${c.nMels} mel bands, the network takes ${dims.nMels}`);
    clipOffset[k] = total;
    clipFrames[k] = c.nFrames;
    total += c.data.length;
  });
  const clipData = shared(total);
  clips.forEach((c, k) => clipData.set(c.data, clipOffset[k]));
  const sharedLabels = new Int32Array(new SharedArrayBuffer(Math.max(1, labels.length) * 4));
  sharedLabels.set(labels);
  const valPatches = shared(validation?.length ?? 0);
  if (validation) valPatches.set(validation);
  return {
    nMels: dims.nMels,
    frames: dims.frames,
    classCount: dims.classCount,
    clipData,
    clipOffset,
    clipFrames,
    labels: sharedLabels,
    weights: shared(dims.parameterCount),
    grads: Array.from({ length: dims.replicas }, () => shared(dims.parameterCount)),
    valPatches,
    valProbs: shared(validationPatches * dims.classCount),
  };
}

/** One replica's part of a batch: training clip indices and the first frame of each clip's crop. */
export interface Shard {
  clips: Int32Array;
  starts: Int32Array;
  /** SpecAugment masks of each crop, 4 values per crop (randomCropMasks), or none. */
  masks?: Int32Array;
}

/**
 * Split a batch (clip indices, crop starts) into `replicas` contiguous shards, sizes differing by at
 * most one, the larger ones first. Fixed by (batch, replicas) alone, so runs are reproducible.
 */
export function splitBatch(clips: Int32Array, starts: Int32Array, replicas: number, masks?: Int32Array): Shard[] {
  const base = Math.floor(clips.length / replicas);
  const extra = clips.length % replicas;
  const shards: Shard[] = [];
  let from = 0;
  for (let r = 0; r < replicas; r++) {
    const size = base + (r < extra ? 1 : 0);
    shards.push({ clips: clips.slice(from, from + size), starts: starts.slice(from, from + size), ...(masks ? { masks: masks.slice(4 * from, 4 * (from + size)) } : {}) });
    from += size;
  }
  return shards;
}

/** Contiguous ranges [from, to) of `count` items for `replicas` replicas (validation patches). */
export function splitRange(count: number, replicas: number): [number, number][] {
  const base = Math.floor(count / replicas);
  const extra = count % replicas;
  const out: [number, number][] = [];
  let from = 0;
  for (let r = 0; r < replicas; r++) {
    const size = base + (r < extra ? 1 : 0);
    out.push([from, from + size]);
    from += size;
  }
  return out;
}

/** The shard's input patches (rows × nMels × frames, into `x`) and labels, cropped from the shared clips. */
export function assembleShard(store: SharedStore, shard: Shard, x: Float32Array): Int32Array {
  const size = store.nMels * store.frames;
  const labels = new Int32Array(shard.clips.length);
  shard.clips.forEach((k, r) => {
    const nFrames = store.clipFrames[k];
    const m: ClipMatrix = { data: store.clipData.subarray(store.clipOffset[k], store.clipOffset[k] + store.nMels * nFrames), nMels: store.nMels, nFrames };
    copyWindow(m, shard.starts[r], store.frames, x, r * size);
    if (shard.masks) applyCropMask(x, r * size, store.nMels, store.frames, shard.masks, 4 * r);
    labels[r] = store.labels[k];
  });
  return labels;
}
