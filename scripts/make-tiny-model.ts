// Writes test/model/tiny-model/: a small MLP (8 hidden units, 1 epoch, every data.sample clip) in the current
// saved-model format, committed so test/model/save.test.ts checks that this format still loads and predicts.
// Rerun after a deliberate format change (and bump MODEL_FORMAT_VERSION): npx tsx scripts/make-tiny-model.ts
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trainModel } from '../lib/experiments/train-model';
import { selectBackend } from '../lib/model/backend';

async function main(): Promise<void> {
  await selectBackend({ quiet: true });
  const out = resolve(__dirname, '../test/model/tiny-model');
  await trainModel({ data: resolve(__dirname, '../data.sample'), out, model: 'mlp', hiddenUnits: [8], epochs: 1, validationSplit: 0, seed: 0, workers: 0 });
  // evaluation.json records absolute paths of this machine; the test needs only the model files.
  rmSync(join(out, 'evaluation.json'));
}

void main();
