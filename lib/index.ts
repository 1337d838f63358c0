// soundlab's public API: one import for notebooks and scripts.
export * from './audio';
export * from './features';
export * from './data';
export * from './plot';
export * from './notebook';
export * from './model';
export * from './defaults';
export * from './model/cnn';
export * from './model/rnn';
export * from './augment';
export * from './experiments';
export * from './web';
