// Data augmentation: seeded, pure deformations of waveforms and log-mel matrices, and a training-only pipeline.
export { AugmentError } from './errors';
export { timeShift, shiftBy, type TimeShiftOptions } from './shift';
export { timeStretch, type TimeStretchOptions } from './stretch';
export { pitchShift, fixLength, type PitchShiftOptions } from './pitch';
export { addNoise, meanPower } from './noise';
export { timeMask, freqMask, type MaskOptions, type MaskedRange } from './specaugment';
export {
  parseAugmentSpec,
  formatAugmentSpec,
  hasSpectrogramSteps,
  augmentWaveform,
  augmentSpectrogram,
  trainingPart,
  augmentTrainingClips,
  assertNotAugmented,
  type AugmentSpec,
  type AugmentStep,
  type TrainingPart,
  type Clip,
} from './pipeline';
