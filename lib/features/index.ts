// lib/features: spectral features the librosa way (stft → mel → dB → DCT) and meyda descriptors.
export * from './matrix';
export * from './errors';
export * from './window';
export * from './stft';
export * from './mel';
export * from './db';
export * from './dct';
export * from './mfcc';
export * from './extract';
export * from './descriptors';
