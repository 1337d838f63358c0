// Datasets: reading the tutorial's, UrbanSound8K's and folder-per-class layouts, CSV, synthetic clips.
export * from './synth';
export * from './errors';
export * from './csv';
export * from './dataset';
