// Seeded pseudo-random numbers: the same seed gives the same sample data, splits and augmentations on every machine.
//
// Our own instead of `seedrandom` (installed only as a tfjs dependency): mulberry32 is six lines, has a
// 32-bit state that is trivial to derive sub-seeds from, and keeps generated files byte-for-byte stable
// without tying them to another package's version.

/** A generator of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32's increment: its j-th draw hashes state + j·MULBERRY32_STEP (lib/model/dropout.ts jumps ahead with it). */
export const MULBERRY32_STEP = 0x6d2b79f5;

/**
 * mulberry32 (Tommy Ettinger): a fast 32-bit-state generator, good enough for data synthesis and shuffles.
 * @param seed any number; only its low 32 bits matter.
 * @returns a function giving uniform numbers in [0, 1), each a multiple of 2^-32.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + MULBERRY32_STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a seed and a label, so independent streams (per clip, per fold) stay reproducible. */
export function deriveSeed(seed: number, label: string | number): number {
  // FNV-1a over the label's characters, mixed with the seed.
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const s = String(label);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Uniform number in [low, high). */
export function uniform(rng: Rng, low = 0, high = 1): number {
  return low + (high - low) * rng();
}

/** Uniform integer in [low, high) (high exclusive, like numpy's `randint`). */
export function randomInt(rng: Rng, low: number, high: number): number {
  return low + Math.floor(rng() * (high - low));
}

/**
 * One normally distributed number (Box–Muller; the second value is dropped so each call uses exactly
 * two uniforms, which keeps streams easy to reason about).
 * @param mean default 0; @param std standard deviation, default 1.
 */
export function gaussianRandom(rng: Rng, mean = 0, std = 1): number {
  let u = rng();
  while (u === 0) u = rng();
  const v = rng();
  return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher–Yates shuffle of an array in place; returns the same array. */
export function shuffleInPlace<T>(array: T[], rng: Rng): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/** One element chosen uniformly. Throws on an empty array. */
export function choice<T>(array: readonly T[], rng: Rng): T {
  if (array.length === 0) throw new RangeError('choice() from an empty array');
  return array[Math.floor(rng() * array.length)];
}
