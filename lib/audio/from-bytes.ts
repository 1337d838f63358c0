// librosa.load's steps after the file is read, on bytes already in memory: browser-safe (no Node imports),
// so the web page decodes, mixes down and resamples with exactly the code `loadAudio` runs in Node.
import { AUDIO_DEFAULTS } from '../defaults';
import { AudioDecodeError } from './errors';
import { toMono } from './mono';
import { resample } from './resample';
import { sniffContainer } from './sniff';
import type { DecodedAudio } from './types';
import { decodeWavMono, parseWav } from './wav';

/** Options of loadAudio / loadAudioSync (librosa.load's `sr` and `mono`). */
export interface LoadAudioOptions {
  /** Target rate in Hz, or null to keep the file's own rate. Default AUDIO_DEFAULTS.sampleRate (22050). */
  sampleRate?: number | null;
  /** Mix the channels down to one (their mean). Default AUDIO_DEFAULTS.mono (true). */
  mono?: boolean;
}

/** A mono signal: samples nominally in [-1, 1], `sampleRate` in Hz. */
export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** A multichannel signal: one Float32Array per channel, all the same length. */
export interface MultichannelAudio {
  samples: Float32Array[];
  sampleRate: number;
}

/** The options with their defaults filled in, checked. */
export function resolveOptions(options: LoadAudioOptions): { targetRate: number | null; mono: boolean } {
  const targetRate = options.sampleRate === undefined ? AUDIO_DEFAULTS.sampleRate : options.sampleRate;
  if (targetRate !== null && !(targetRate > 0 && Number.isFinite(targetRate))) {
    throw new RangeError(`loadAudio: sampleRate must be a positive number of Hz or null (got ${targetRate})`);
  }
  return { targetRate, mono: options.mono ?? AUDIO_DEFAULTS.mono };
}

export const noFrames = (path: string) => new AudioDecodeError(path, 'no audio frames (the data chunk is empty)');

/** Mono mix-down first (half the resampling work for stereo, and what librosa does), then resampling. */
export function prepare(decoded: DecodedAudio, path: string, options: LoadAudioOptions): MonoAudio | MultichannelAudio {
  const { targetRate, mono } = resolveOptions(options);
  if (decoded.info.frameCount === 0) throw noFrames(path);
  const rate = targetRate ?? decoded.sampleRate;
  if (mono) {
    return { samples: resample(toMono(decoded.channels), decoded.sampleRate, rate), sampleRate: rate };
  }
  return {
    samples: decoded.channels.map((ch) => (rate === decoded.sampleRate ? ch : resample(ch, decoded.sampleRate, rate))),
    sampleRate: rate,
  };
}

/**
 * The common case, WAV to mono, decoded and mixed down in one pass (same numbers as decode + toMono);
 * null when the file is not a WAV or several channels are wanted.
 */
export function loadWavMono(bytes: Uint8Array, path: string, options: LoadAudioOptions): MonoAudio | null {
  const { targetRate, mono } = resolveOptions(options);
  const container = sniffContainer(bytes);
  if (!mono || (container !== 'wav' && container !== 'other')) return null;
  const layout = parseWav(bytes, path);
  if (layout.frameCount === 0) throw noFrames(path);
  const nativeRate = layout.format.sampleRate;
  const rate = targetRate ?? nativeRate;
  return { samples: resample(decodeWavMono(bytes, layout), nativeRate, rate), sampleRate: rate };
}

