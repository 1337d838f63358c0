// Utilities the other folders share: seeded randomness (splits, augmentation, dropout, sample data) and progress lines.
export { type Rng, mulberry32, deriveSeed, uniform, randomInt, gaussianRandom, shuffleInPlace, choice } from './random';
export { Progress, formatDuration, type ProgressMode, type ProgressOptions, type ProgressStream } from './progress';
