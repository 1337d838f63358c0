// Datasets: reading the tutorial's, UrbanSound8K's and folder-per-class layouts, and CSV.
export * from './errors';
export * from './csv';
export * from './dataset';
