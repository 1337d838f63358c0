// SB-CNN's training crops: a clip's whole log-mel matrix, rebuilt from its cached patches, and a fresh
// random window of it per epoch (Salamon & Bello 2017 train on a random 3-s patch of each clip).
import { mulberry32, deriveSeed } from '../util/random';

/** One clip's log-mel matrix: bands × frames, row-major (lib/features' FeatureMatrix layout). */
export interface ClipMatrix {
  data: Float32Array;
  nMels: number;
  nFrames: number;
}

/** Raised when a cached row cannot be the patches of one clip (names the shape and the reason). */
export class CropError extends Error {
  constructor(reason: string) {
    super(`lib/model/crops.ts: ${reason}`);
    this.name = 'CropError';
  }
}

/**
 * The whole bands × frames log-mel matrix of a clip from its 'logmel' feature row, as the featurizer
 * caches it for patch averaging: [patches, nMels, frames], patches starting every `patchHop` frames
 * with the last one aligned to the clip's end (lib/features' patchStarts), or a single
 * [nMels, frames] patch (a clip of ≤ `frames` frames, padded by the featurizer: its one crop).
 *
 * Why rebuild instead of re-reading the audio: the cache already holds every frame (the patches
 * overlap and cover the clip), so the random crops cost no feature computation. The one unknown is
 * the last patch's start (the clip's length is not in the row): it is the first offset after the
 * regular starts at which the last patch's columns equal the previous patch's — exact copies of the
 * same matrix, so the comparison is exact.
 */
export function clipMatrixFromPatches(row: Float32Array, shape: readonly number[], patchHop: number): ClipMatrix {
  if (shape.length === 2) return { data: row, nMels: shape[0], nFrames: shape[1] };
  if (shape.length !== 3) throw new CropError(`a log-mel row has shape [patches, nMels, frames] or [nMels, frames], got [${shape.join(', ')}]`);
  const [count, nMels, frames] = shape;
  if (row.length !== count * nMels * frames) throw new CropError(`a row of ${row.length} values is not [${shape.join(', ')}]`);
  if (count === 1) return { data: row.subarray(0, nMels * frames), nMels, nFrames: frames };
  if (!(Number.isInteger(patchHop) && patchHop >= 1 && patchHop <= frames)) throw new CropError(`patchHop must be an integer in [1, ${frames}], got ${patchHop}`);
  const size = nMels * frames;
  const prevStart = (count - 2) * patchHop;
  const prev = row.subarray((count - 2) * size, (count - 1) * size);
  const last = row.subarray((count - 1) * size, count * size);
  let lastStart = -1;
  // patchStarts puts the last start in (prevStart, prevStart + patchHop].
  for (let offset = 1; offset <= patchHop && lastStart < 0; offset++) {
    let same = true;
    for (let i = 0; i < nMels && same; i++) {
      const p = i * frames;
      for (let t = offset; t < frames; t++) {
        if (prev[p + t] !== last[p + t - offset]) {
          same = false;
          break;
        }
      }
    }
    if (same) lastStart = prevStart + offset;
  }
  if (lastStart < 0) throw new CropError(`the last two of ${count} patches do not overlap as patches ${patchHop} frames apart would: not one clip's patches, or another patchHop`);
  const nFrames = lastStart + frames;
  const data = new Float32Array(nMels * nFrames);
  for (let p = 0; p < count; p++) {
    const start = p === count - 1 ? lastStart : p * patchHop;
    for (let i = 0; i < nMels; i++) data.set(row.subarray(p * size + i * frames, p * size + (i + 1) * frames), i * nFrames + start);
  }
  return { data, nMels, nFrames };
}

/**
 * Copy the `frames`-wide window of `m` starting at frame `start` into `out` at `offset` (row-major
 * [nMels, frames], the CNN's input layout). A clip narrower than `frames` is its single padded patch.
 */
export function copyWindow(m: ClipMatrix, start: number, frames: number, out: Float32Array, offset = 0): void {
  if (start < 0 || start + frames > m.nFrames) throw new CropError(`window [${start}, ${start + frames}) is outside the clip's ${m.nFrames} frames`);
  for (let i = 0; i < m.nMels; i++) out.set(m.data.subarray(i * m.nFrames + start, i * m.nFrames + start + frames), offset + i * frames);
}

/**
 * The start frame of every clip's training crop for one epoch: uniform in [0, nFrames − frames],
 * from a stream seeded by (seed, epoch) — a fresh window each epoch, the same ones for the same seed.
 */
export function randomCropStarts(nFrames: readonly number[], frames: number, seed: number, epoch: number): Int32Array {
  const rng = mulberry32(deriveSeed(seed, `crops/${epoch}`));
  const starts = new Int32Array(nFrames.length);
  nFrames.forEach((n, k) => {
    if (n < frames) throw new CropError(`clip ${k} has ${n} frames, fewer than a ${frames}-frame crop`);
    starts[k] = Math.floor(rng() * (n - frames + 1));
  });
  return starts;
}

/** SpecAugment on training crops: the widest time mask (frames) and frequency mask (mel bands), one of each per crop. */
export interface CropMaskOptions {
  timeMaskFrames: number;
  freqMaskBands: number;
}

/**
 * Every clip's SpecAugment masks for one epoch (Park et al. 2019, as lib/augment's timeMask/freqMask, on the
 * crop): 4 values per clip — first masked frame, frames masked, first masked band, bands masked — widths
 * uniform in [0, max], positions uniform where the mask fits, from a stream seeded by (seed, epoch). A mask
 * never covers more than a quarter of the crop's frames or bands (small patches keep most of their content).
 */
export function randomCropMasks(count: number, nMels: number, frames: number, opts: CropMaskOptions, seed: number, epoch: number): Int32Array {
  const rng = mulberry32(deriveSeed(seed, `masks/${epoch}`));
  const masks = new Int32Array(4 * count);
  const draw = (max: number, size: number, at: number) => {
    const width = Math.floor(rng() * (Math.min(max, Math.floor(size / 4)) + 1));
    masks[at] = Math.floor(rng() * (size - width + 1));
    masks[at + 1] = width;
  };
  for (let k = 0; k < count; k++) {
    draw(opts.timeMaskFrames, frames, 4 * k);
    draw(opts.freqMaskBands, nMels, 4 * k + 2);
  }
  return masks;
}

/**
 * Apply one crop's masks (randomCropMasks' 4 values at `mask[at]`) to the patch at `out[offset]` ([nMels, frames]
 * row-major): the masked frames of every band and every frame of the masked bands become 0 — the mean, as
 * the patches are standardised.
 */
export function applyCropMask(out: Float32Array, offset: number, nMels: number, frames: number, mask: Int32Array, at: number): void {
  const [t0, tw, f0, fh] = [mask[at], mask[at + 1], mask[at + 2], mask[at + 3]];
  if (tw > 0) for (let i = 0; i < nMels; i++) out.fill(0, offset + i * frames + t0, offset + i * frames + t0 + tw);
  if (fh > 0) out.fill(0, offset + f0 * frames, offset + (f0 + fh) * frames);
}
