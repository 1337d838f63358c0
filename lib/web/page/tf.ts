// What the page bundles in place of '@tensorflow/tfjs' (lib/model imports it): core, layers and the cpu
// backend — not webgl, the converter or tfjs-data, which the full package would add to the bundle.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
