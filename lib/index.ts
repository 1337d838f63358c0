// soundlab's public API: one import for notebooks and scripts.
export * from './audio';
export * from './features';
export * from './data';
export * from './plot';
export * from './notebook';
export * from './model';
