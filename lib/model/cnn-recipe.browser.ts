// cnn-recipe.ts for the web page's bundle (lib/web/export.ts swaps it in): the page only predicts, and the
// CNN's training recipe runs on Node's worker threads, so the registry's training entry is a clear refusal here.
import type { trainCnnOnClips as nodeTrainCnnOnClips } from './cnn-recipe';

export const trainCnnOnClips: typeof nodeTrainCnnOnClips = async () => {
  throw new Error('the CNN is trained in Node (soundlab train --model cnn); the web page only classifies');
};
