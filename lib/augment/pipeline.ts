// The augmentation pipeline: a spec parsed from the CLI ("shift,stretch,pitch,noise:20,specaugment"),
// applied to training clips only — the API takes a split's training part, never a bare list.
import { AUGMENT_DEFAULTS } from '../defaults';
import { deriveSeed, mulberry32 } from '../util/random';
import type { FeatureMatrix } from '../features/matrix';
import { AugmentError } from './errors';
import { addNoise } from './noise';
import { pitchShift } from './pitch';
import { timeShift } from './shift';
import { freqMask, timeMask } from './specaugment';
import { timeStretch } from './stretch';

/** One deformation with the range its random parameter is drawn from. */
export type AugmentStep =
  | { kind: 'shift'; maxShiftSeconds: number }
  | { kind: 'stretch'; minRate: number; maxRate: number }
  | { kind: 'pitch'; maxSemitones: number }
  | { kind: 'noise'; minSnrDb: number; maxSnrDb: number; noise?: Float32Array }
  | { kind: 'timemask'; maxWidth: number; count: number }
  | { kind: 'freqmask'; maxWidth: number; count: number };

/**
 * A pipeline: every augmented copy of a clip goes through all `steps` in order, each with its own
 * seeded random parameter; `copies` augmented copies are made of each training clip (the original
 * is always kept).
 */
export interface AugmentSpec {
  steps: AugmentStep[];
  copies: number;
}

const WAVEFORM_KINDS = new Set(['shift', 'stretch', 'pitch', 'noise']);

function parseRange(text: string, where: string): [number, number] {
  const m = /^(-?[\d.]+)(?:-(-?[\d.]+))?$/.exec(text);
  if (!m) throw new AugmentError(where, `expected a number or a range like 0.8-1.2, got '${text}'`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) throw new AugmentError(where, `bad range '${text}'`);
  return [lo, hi];
}

function parseMask(arg: string | undefined, defWidth: number, where: string): { maxWidth: number; count: number } {
  if (arg === undefined) return { maxWidth: defWidth, count: 1 };
  const m = /^(\d+)(?:x(\d+))?$/.exec(arg);
  if (!m) throw new AugmentError(where, `expected WIDTH or WIDTHxCOUNT, got '${arg}'`);
  return { maxWidth: Number(m[1]), count: m[2] === undefined ? 1 : Number(m[2]) };
}

/**
 * Parse a pipeline spec: comma-separated steps, each `name[:arg]`:
 * - `shift[:MAX_SECONDS]` — roll by up to ±MAX seconds (default 0.5)
 * - `stretch[:MIN-MAX]` — time stretch rate in [MIN, MAX] (default 0.81-1.23)
 * - `pitch[:MAX_SEMITONES]` — pitch shift in [−MAX, +MAX] semitones (default 2)
 * - `noise[:SNR_DB or MIN-MAX]` — white noise at that SNR in dB (default 20)
 * - `timemask[:WIDTH[xCOUNT]]`, `freqmask[:WIDTH[xCOUNT]]` — SpecAugment masks (default 20 frames, 15 bands)
 * - `specaugment` — both masks with their defaults
 * `copies` (default 1) is how many augmented copies each training clip gets.
 */
export function parseAugmentSpec(text: string, copies: number = AUGMENT_DEFAULTS.copies): AugmentSpec {
  if (!Number.isInteger(copies) || copies < 1) throw new AugmentError('augment spec', `copies must be an integer ≥ 1, got ${copies}`);
  const steps: AugmentStep[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, arg] = raw.split(':', 2) as [string, string | undefined];
    const where = `augment step '${raw}'`;
    switch (name.toLowerCase()) {
      case 'shift': {
        const max = arg === undefined ? AUGMENT_DEFAULTS.maxShiftSeconds : Number(arg);
        if (!(max >= 0)) throw new AugmentError(where, 'the largest shift must be a number of seconds ≥ 0');
        steps.push({ kind: 'shift', maxShiftSeconds: max });
        break;
      }
      case 'stretch': {
        const [minRate, maxRate] = arg === undefined ? AUGMENT_DEFAULTS.stretchRates : parseRange(arg, where);
        if (!(minRate > 0)) throw new AugmentError(where, 'stretch rates must be > 0');
        steps.push({ kind: 'stretch', minRate, maxRate });
        break;
      }
      case 'pitch': {
        const max = arg === undefined ? AUGMENT_DEFAULTS.maxSemitones : Number(arg);
        if (!(max >= 0)) throw new AugmentError(where, 'the largest pitch shift must be a number of semitones ≥ 0');
        steps.push({ kind: 'pitch', maxSemitones: max });
        break;
      }
      case 'noise': {
        const [minSnrDb, maxSnrDb] = arg === undefined ? [AUGMENT_DEFAULTS.snrDb, AUGMENT_DEFAULTS.snrDb] : parseRange(arg, where);
        steps.push({ kind: 'noise', minSnrDb, maxSnrDb });
        break;
      }
      case 'timemask':
        steps.push({ kind: 'timemask', ...parseMask(arg, AUGMENT_DEFAULTS.maxTimeMaskFrames, where) });
        break;
      case 'freqmask':
        steps.push({ kind: 'freqmask', ...parseMask(arg, AUGMENT_DEFAULTS.maxFreqMaskBands, where) });
        break;
      case 'specaugment':
        if (arg !== undefined) throw new AugmentError(where, "specaugment takes no argument (use timemask:W and freqmask:W)");
        steps.push({ kind: 'timemask', maxWidth: AUGMENT_DEFAULTS.maxTimeMaskFrames, count: 1 });
        steps.push({ kind: 'freqmask', maxWidth: AUGMENT_DEFAULTS.maxFreqMaskBands, count: 1 });
        break;
      default:
        throw new AugmentError(where, 'unknown step (known: shift, stretch, pitch, noise, timemask, freqmask, specaugment)');
    }
  }
  if (steps.length === 0) throw new AugmentError('augment spec', `no steps in '${text}'`);
  return { steps, copies };
}

/** The spec back as text (canonical; parseAugmentSpec(formatAugmentSpec(s)) gives s back, copies aside). */
export function formatAugmentSpec(spec: AugmentSpec): string {
  const range = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`);
  return spec.steps
    .map((s) => {
      switch (s.kind) {
        case 'shift': return `shift:${s.maxShiftSeconds}`;
        case 'stretch': return `stretch:${range(s.minRate, s.maxRate)}`;
        case 'pitch': return `pitch:${s.maxSemitones}`;
        case 'noise': return `noise:${range(s.minSnrDb, s.maxSnrDb)}`;
        case 'timemask': return `timemask:${s.maxWidth}x${s.count}`;
        case 'freqmask': return `freqmask:${s.maxWidth}x${s.count}`;
      }
    })
    .join(',');
}

/** Does the spec have steps on the spectrogram (masks), which run after feature extraction? */
export function hasSpectrogramSteps(spec: AugmentSpec): boolean {
  return spec.steps.some((s) => !WAVEFORM_KINDS.has(s.kind));
}

/**
 * Apply the spec's waveform steps (shift, stretch, pitch, noise) to `samples` (mono, `sampleRate` Hz),
 * drawing each step's parameter from its range with `seed`. Mask steps are skipped (see
 * augmentSpectrogram). Returns a new array; stretch changes the length, the others keep it.
 */
export function augmentWaveform(samples: Float32Array, sampleRate: number, spec: AugmentSpec, seed: number): Float32Array {
  const rng = mulberry32(seed);
  let y = samples;
  for (const step of spec.steps) {
    const u = rng();
    const stepSeed = Math.floor(rng() * 0xffffffff);
    switch (step.kind) {
      case 'shift':
        y = timeShift(y, { maxShiftSeconds: step.maxShiftSeconds, sampleRate, seed: stepSeed });
        break;
      case 'stretch':
        y = timeStretch(y, step.minRate + u * (step.maxRate - step.minRate), { sampleRate });
        break;
      case 'pitch':
        y = pitchShift(y, sampleRate, (2 * u - 1) * step.maxSemitones);
        break;
      case 'noise':
        y = addNoise(y, step.noise ?? 'white', step.minSnrDb + u * (step.maxSnrDb - step.minSnrDb), stepSeed);
        break;
      default:
        break;
    }
  }
  return y === samples ? samples.slice() : y;
}

/** Apply the spec's mask steps to a log-mel matrix (nMels × frames); waveform steps are skipped. */
export function augmentSpectrogram(logMel: FeatureMatrix, spec: AugmentSpec, seed: number): FeatureMatrix {
  const rng = mulberry32(seed ^ 0x5bd1e995);
  let m = logMel;
  for (const step of spec.steps) {
    const stepSeed = Math.floor(rng() * 0xffffffff);
    if (step.kind === 'timemask') m = timeMask(m, { maxWidth: step.maxWidth, count: step.count, seed: stepSeed }).matrix;
    else if (step.kind === 'freqmask') m = freqMask(m, { maxWidth: step.maxWidth, count: step.count, seed: stepSeed }).matrix;
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Training data only. Augmenting validation or test data would measure the model on sounds that
// are not in the dataset (and, with copies, weight some clips more than others), so the functions
// that make copies accept only a TrainingPart: a branded copy of `split.train` that only
// trainingPart() creates. A bare array — `split.test`, `split.validation` — is a compile error, and
// a cast does not get past the runtime check either.

declare const TRAINING_BRAND: unique symbol;
/** A split's training items, as returned by trainingPart(); the only input augmentation accepts. */
export type TrainingPart<T> = readonly T[] & { readonly [TRAINING_BRAND]: true };

const trainingParts = new WeakSet<object>();

/** The training part of a split (`{ train, validation?, test? }`), marked as safe to augment. */
export function trainingPart<T>(split: { train: readonly T[] }): TrainingPart<T> {
  const part = split.train.slice();
  trainingParts.add(part);
  return part as unknown as TrainingPart<T>;
}

function requireTrainingPart(items: object, where: string): void {
  if (!trainingParts.has(items)) {
    throw new AugmentError(where, 'augmentation applies to training data only: pass trainingPart(split), not a validation or test list');
  }
}

/** A decoded clip; augmented copies carry the id of the clip they were made from. */
export interface Clip {
  id: string;
  samples: Float32Array;
  sampleRate: number;
  label?: string;
  /** Set on augmented copies: the source clip's id (so a copy can never be mistaken for real data). */
  augmentedFrom?: string;
  /** Seed the copy was made with; augmentSpectrogram uses it for the masks of the same copy. */
  augmentSeed?: number;
}

/**
 * The training clips plus `spec.copies` augmented copies of each (ids `<id>#aug<k>`, same label,
 * `augmentedFrom` set). Copies of a clip are made from that clip only, so they stay on its side of
 * the split. Throws AugmentError unless `training` came from trainingPart().
 */
export function augmentTrainingClips(training: TrainingPart<Clip>, spec: AugmentSpec, seed = 0): Clip[] {
  requireTrainingPart(training, 'augmentTrainingClips');
  const out: Clip[] = [];
  for (const clip of training) {
    out.push(clip);
    for (let k = 1; k <= spec.copies; k++) {
      const s = deriveSeed(seed, `${clip.id}#${k}`);
      out.push({
        id: `${clip.id}#aug${k}`,
        samples: augmentWaveform(clip.samples, clip.sampleRate, spec, s),
        sampleRate: clip.sampleRate,
        label: clip.label,
        augmentedFrom: clip.id,
        augmentSeed: s,
      });
    }
  }
  return out;
}

/** Throw if any item is an augmented copy: call it on every validation/test set before evaluating. */
export function assertNotAugmented(items: readonly { id: string; augmentedFrom?: string }[], where = 'evaluation set'): void {
  const bad = items.find((c) => c.augmentedFrom !== undefined);
  if (bad) throw new AugmentError(where, `contains the augmented copy '${bad.id}' of '${bad.augmentedFrom}': evaluate on real clips only`);
}
