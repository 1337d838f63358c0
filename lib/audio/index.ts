// Audio loading, the public face: librosa.load's equivalent and the pieces it is made of.
export { AudioDecodeError } from './errors';
export type { AudioContainer, AudioFileInfo, DecodedAudio } from './types';
export { decodeWav, decodeWavMono, parseWav } from './wav';
export type { WavSampleEncoding, WavFormat, WavLayout } from './wav';
export { decodeAudio, decodeAudioAsync, sniffContainer } from './decode';
export { toMono } from './mono';
export { resample, sincWindow, KAISER_FAST } from './resample';
export { loadAudio, loadAudioSync, audioInfo } from './load';
export type { LoadAudioOptions, MonoAudio, MultichannelAudio } from './load';
export * from './encode';
