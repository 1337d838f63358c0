// Datasets: reading the tutorial's, UrbanSound8K's and folder-per-class layouts, CSV, seeded randomness, synthetic clips.
export * from './random';
export * from './synth';
export * from './errors';
export * from './csv';
export * from './dataset';
