// The augmentation pipeline: spec parsing, determinism, and that only a split's training part can be augmented.
import { describe, expect, it } from 'vitest';
import {
  assertNotAugmented,
  augmentSpectrogram,
  augmentTrainingClips,
  augmentWaveform,
  formatAugmentSpec,
  parseAugmentSpec,
  trainingPart,
  type Clip,
} from '../../lib/augment';

const SR = 8000;
const tone = (f: number) => Float32Array.from({ length: SR }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * i) / SR));

describe('parseAugmentSpec', () => {
  it('parses the CLI form with defaults and arguments', () => {
    const spec = parseAugmentSpec('shift,stretch:0.9-1.1,pitch,noise:20,specaugment', 2);
    expect(spec.copies).toBe(2);
    expect(spec.steps.map((s) => s.kind)).toEqual(['shift', 'stretch', 'pitch', 'noise', 'timemask', 'freqmask']);
    expect(spec.steps[1]).toEqual({ kind: 'stretch', minRate: 0.9, maxRate: 1.1 });
    expect(spec.steps[3]).toEqual({ kind: 'noise', minSnrDb: 20, maxSnrDb: 20 });
    expect(formatAugmentSpec(parseAugmentSpec(formatAugmentSpec(spec)))).toBe(formatAugmentSpec(spec));
  });
  it('names the bad step', () => {
    expect(() => parseAugmentSpec('shift,reverb')).toThrow(/augment step 'reverb': unknown step/);
    expect(() => parseAugmentSpec('stretch:1.2-0.8')).toThrow(/stretch:1.2-0.8/);
    expect(() => parseAugmentSpec('')).toThrow(/no steps/);
  });
});

describe('training data only', () => {
  const clips: Clip[] = [0, 1, 2, 3].map((i) => ({ id: `c${i}`, samples: tone(200 + 100 * i), sampleRate: SR, label: i % 2 ? 'a' : 'b' }));
  const split = { train: clips.slice(0, 3), test: clips.slice(3) };
  const spec = parseAugmentSpec('shift:0.1,noise:10', 2);

  it('adds copies of the training clips only, keeping originals and labels', () => {
    const out = augmentTrainingClips(trainingPart(split), spec, 0);
    expect(out.length).toBe(3 * 3);
    expect(out.filter((c) => !c.augmentedFrom).map((c) => c.id)).toEqual(['c0', 'c1', 'c2']);
    for (const c of out.filter((x) => x.augmentedFrom)) {
      const src = clips.find((x) => x.id === c.augmentedFrom)!;
      expect(c.label).toBe(src.label);
      expect(Array.from(c.samples)).not.toEqual(Array.from(src.samples));
    }
    expect(split.test[0].samples).toBe(clips[3].samples);
  });
  it('refuses a validation/test list, even cast to a training part', () => {
    // @ts-expect-error a bare array is not a TrainingPart: the compiler stops this
    expect(() => augmentTrainingClips(split.test, spec)).toThrow(/training data only/);
    expect(() => augmentTrainingClips(split.test as unknown as ReturnType<typeof trainingPart<Clip>>, spec)).toThrow(/training data only/);
  });
  it('assertNotAugmented catches a copy in an evaluation set', () => {
    const out = augmentTrainingClips(trainingPart(split), spec, 0);
    expect(() => assertNotAugmented(split.test)).not.toThrow();
    expect(() => assertNotAugmented(out, 'test fold 3')).toThrow(/test fold 3: contains the augmented copy 'c0#aug1'/);
  });
  it('is deterministic per (seed, clip, copy), independent of order', () => {
    const a = augmentTrainingClips(trainingPart(split), spec, 5);
    const b = augmentTrainingClips(trainingPart({ train: [...split.train].reverse() }), spec, 5);
    const byId = (xs: Clip[], id: string) => Array.from(xs.find((c) => c.id === id)!.samples);
    expect(byId(a, 'c1#aug2')).toEqual(byId(b, 'c1#aug2'));
    const c = augmentTrainingClips(trainingPart(split), spec, 6);
    expect(byId(a, 'c1#aug2')).not.toEqual(byId(c, 'c1#aug2'));
  });
  it('waveform and spectrogram steps each ignore the other kind', () => {
    const masksOnly = parseAugmentSpec('specaugment');
    const x = tone(300);
    expect(Array.from(augmentWaveform(x, SR, masksOnly, 1))).toEqual(Array.from(x));
    const m = { data: Float32Array.from({ length: 20 * 30 }, (_, i) => i), nRows: 20, nCols: 30 };
    expect(Array.from(augmentSpectrogram(m, spec, 1).data)).toEqual(Array.from(m.data));
    expect(Array.from(augmentSpectrogram(m, masksOnly, 1).data)).not.toEqual(Array.from(m.data));
  });
});
