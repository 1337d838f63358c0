// Experiments beyond the tutorial: model comparisons, fold-correct cross-validation, hyperparameter sweeps.
export * from './run';
export * from './compare';
export * from './sweep';
export * from './error-analysis';
export * from './train-model';
export * from './predict';
export * from './comparison-split';
