// Models: backend choice, labels, the tutorial's MLP (and the CNN / RNN builders, the CNN's crop trainer), training, evaluation, splits, saving and predicting.
export * from './backend';
export { installTfjsPatches, installTransposedMatMulFix, uninstallTransposedMatMulFix, installWasmConvGradients } from './tfjs-patches';
export * from './labels';
export * from './mlp';
export * from './train';
export * from './dropout';
export * from './metrics';
export * from './baseline';
export * from './splits';
export * from './save';
export * from './predict';
export * from './scaler';
export * from './adam';
export * from './cnn';
export { trainCnnOnClips, type CnnClipRows, type CnnRecipeOptions, type CnnRecipeResult } from './cnn-recipe';
export { fitCnnOnCrops, CnnTrainError, type CnnFitOptions, type CnnFitResult } from './cnn-train';
export * from './rnn';
export * from './registry';
