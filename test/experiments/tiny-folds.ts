// A tiny UrbanSound8K-style dataset on disk (metadata/UrbanSound8K.csv + audio/foldN/), synthesised: no fixtures needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '../../lib/audio/encode';
import { deriveSeed, mulberry32 } from '../../lib/util/random';
import { synthesizeClip, type UrbanSoundClass } from '../../scripts/sample/synth';

export const TINY_CLASSES: UrbanSoundClass[] = ['dog_bark', 'siren', 'engine_idling'];

/**
 * `folds` folds × TINY_CLASSES × `perClass` clips of 0.5 s at 22050 Hz. Each recording (fsID) yields two
 * slices in the same fold, as in UrbanSound8K, so a random split puts slices of one recording on both sides.
 */
export function makeTinyFoldDataset(root: string, folds = 3, perClass = 4): string {
  mkdirSync(join(root, 'metadata'), { recursive: true });
  const rows = ['slice_file_name,fsID,start,end,salience,fold,classID,class'];
  const sampleRate = 22050;
  for (let fold = 1; fold <= folds; fold++) {
    mkdirSync(join(root, 'audio', `fold${fold}`), { recursive: true });
    TINY_CLASSES.forEach((cls, classID) => {
      for (let k = 0; k < perClass; k++) {
        const fsID = 1000 * fold + 10 * classID + Math.floor(k / 2);
        const name = `${fsID}-${classID}-0-${k % 2}.wav`;
        const clip = synthesizeClip(cls, mulberry32(deriveSeed(7, name)), sampleRate, sampleRate / 2);
        writeFileSync(join(root, 'audio', `fold${fold}`, name), encodeWav(clip, sampleRate));
        rows.push(`${name},${fsID},0,0.5,1,${fold},${classID},${cls}`);
      }
    });
  }
  writeFileSync(join(root, 'metadata', 'UrbanSound8K.csv'), `${rows.join('\n')}\n`);
  return root;
}
