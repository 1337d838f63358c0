import { describe, expect, it } from 'vitest';
import { loadAudioSync } from '../../lib/audio';
import { extractFeatures } from '../../lib/features/extract';
import { featureOfSamples, featureSpec } from '../../lib/experiments/run';
import { describeWithFixtures, fixture } from '../fixtures';
import { readdirSync } from 'node:fs';

// Augmented copies are featurized from samples in memory, the originals by the cached featurizer from
// their files: a model must see the same numbers either way.
describeWithFixtures('featureOfSamples (experiments) vs extractFeatures (featurizer)', () => {
  const dir = fixture('urbansound8k-fold1', 'audio');
  const paths = readdirSync(dir).sort().slice(0, 3).map((f) => `${dir}/${f}`);

  for (const model of ['mlp', 'rnn', 'cnn'] as const) {
    it(`gives identical rows for the ${model}'s feature`, async () => {
      const spec = featureSpec({ model, nMfcc: 40, nMels: 64, frames: 64, sampleRate: 22050 } as Parameters<typeof featureSpec>[0]);
      expect(spec).not.toBeNull();
      if (!spec) return;
      const batch = await extractFeatures(paths, { ...spec, workers: 0, cache: false, progress: false });
      expect(batch.skipped).toEqual([]);
      paths.forEach((path, i) => {
        const { samples, sampleRate } = loadAudioSync(path);
        const row = featureOfSamples(samples, sampleRate, spec);
        expect(row.shape).toEqual(batch.shapes[i]);
        expect(Array.from(row.data)).toEqual(Array.from(batch.X[i]));
      });
    });
  }
});

describe('featureSpec', () => {
  it('has no feature for the baseline', () => {
    expect(featureSpec({ model: 'baseline' } as Parameters<typeof featureSpec>[0])).toBeNull();
  });
});
