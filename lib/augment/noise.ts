// Additive noise at a chosen signal-to-noise ratio: white noise or a background recording (e.g. street noise).
import { gaussianRandom, mulberry32 } from '../util/random';
import { AugmentError } from './errors';

/** Mean power (mean of squares, float64 accumulation) of a signal. */
export function meanPower(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length ? sum / samples.length : 0;
}

/**
 * Add noise to `samples` so that 10·log10(P_signal / P_noise) = `snrDb`, powers being mean squares
 * over the whole clip. `noise` is `'white'` (seeded Gaussian) or a recording at the same sample rate:
 * a clip starting at a seeded random offset is taken from it, looped if shorter than `samples`.
 * A silent input is returned unchanged (no SNR is defined). Returns a new array, same length.
 */
export function addNoise(samples: Float32Array, noise: Float32Array | 'white', snrDb: number, seed = 0): Float32Array {
  if (!Number.isFinite(snrDb)) throw new AugmentError('addNoise', `snrDb must be finite, got ${snrDb}`);
  const n = samples.length;
  const out = samples.slice();
  const signalPower = meanPower(samples);
  if (n === 0 || signalPower === 0) return out;
  const rng = mulberry32(seed);
  const segment = new Float32Array(n);
  if (noise === 'white') {
    for (let i = 0; i < n; i++) segment[i] = gaussianRandom(rng);
  } else {
    if (noise.length === 0) throw new AugmentError('addNoise', 'the noise recording is empty');
    const offset = Math.floor(rng() * noise.length);
    for (let i = 0; i < n; i++) segment[i] = noise[(offset + i) % noise.length];
  }
  const noisePower = meanPower(segment);
  if (noisePower === 0) throw new AugmentError('addNoise', 'the noise recording is silent over the chosen segment');
  const gain = Math.sqrt(signalPower / (noisePower * Math.pow(10, snrDb / 10)));
  for (let i = 0; i < n; i++) out[i] += gain * segment[i];
  return out;
}
