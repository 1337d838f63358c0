// Datasets: reading the tutorial's, UrbanSound8K's and folder-per-class layouts, CSV, seeded randomness.
export * from './random';
// Temporary: lib/audio/index.ts does not exist yet; the encoder moves there when it does.
export * from '../audio/encode';
