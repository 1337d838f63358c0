// librosa.load in TypeScript: read a file, decode it, mix down to mono, resample with kaiser_fast.

import { readFileSync, promises as fsp } from 'node:fs';
import { AUDIO_DEFAULTS } from '../defaults';
import { decodeAudio, decodeAudioAsync, sniffContainer } from './decode';
import { AudioDecodeError } from './errors';
import { toMono } from './mono';
import { resample } from './resample';
import type { AudioFileInfo, DecodedAudio } from './types';
import { decodeWavMono, parseWav, wavInfo } from './wav';

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

/** A person-readable reason for a failed read (ENOENT → "no such file", ...). */
function readFailure(path: string, err: unknown): AudioDecodeError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'is a directory, not an audio file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EMFILE: 'too many open files',
  };
  const reason = (code && reasons[code]) ?? `cannot read file (${err instanceof Error ? err.message : String(err)})`;
  return new AudioDecodeError(path, reason);
}

function readBytesSync(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err: unknown) {
    throw readFailure(path, err);
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await fsp.readFile(path);
  } catch (err: unknown) {
    throw readFailure(path, err);
  }
}

/** The options with their defaults filled in, checked. */
function resolveOptions(options: LoadAudioOptions): { targetRate: number | null; mono: boolean } {
  const targetRate = options.sampleRate === undefined ? AUDIO_DEFAULTS.sampleRate : options.sampleRate;
  if (targetRate !== null && !(targetRate > 0 && Number.isFinite(targetRate))) {
    throw new RangeError(`loadAudio: sampleRate must be a positive number of Hz or null (got ${targetRate})`);
  }
  return { targetRate, mono: options.mono ?? AUDIO_DEFAULTS.mono };
}

const noFrames = (path: string) => new AudioDecodeError(path, 'no audio frames (the data chunk is empty)');

/** Mono mix-down first (half the resampling work for stereo, and what librosa does), then resampling. */
function prepare(decoded: DecodedAudio, path: string, options: LoadAudioOptions): MonoAudio | MultichannelAudio {
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
function loadWavMono(bytes: Uint8Array, path: string, options: LoadAudioOptions): MonoAudio | null {
  const { targetRate, mono } = resolveOptions(options);
  const container = sniffContainer(bytes);
  if (!mono || (container !== 'wav' && container !== 'other')) return null;
  const layout = parseWav(bytes, path);
  if (layout.frameCount === 0) throw noFrames(path);
  const nativeRate = layout.format.sampleRate;
  const rate = targetRate ?? nativeRate;
  return { samples: resample(decodeWavMono(bytes, layout), nativeRate, rate), sampleRate: rate };
}

/**
 * Loads an audio file the way `librosa.load(path, sr=22050, mono=True, res_type='kaiser_fast')` does:
 * decode (WAV of any common encoding; MP3, FLAC, Ogg Vorbis, AIFF via audio-decode), mean of the channels,
 * resample to `sampleRate` Hz with resampy's kaiser_fast filter (length ceil(n · sr / native)).
 * `{ sampleRate: null }` keeps the native rate; `{ mono: false }` returns one array per channel.
 * @throws AudioDecodeError naming the file and the reason (missing, unreadable, not audio, corrupt).
 */
export function loadAudio(path: string, options?: LoadAudioOptions & { mono?: true }): Promise<MonoAudio>;
export function loadAudio(path: string, options: LoadAudioOptions & { mono: false }): Promise<MultichannelAudio>;
export function loadAudio(path: string, options?: LoadAudioOptions): Promise<MonoAudio | MultichannelAudio>;
export async function loadAudio(path: string, options: LoadAudioOptions = {}): Promise<MonoAudio | MultichannelAudio> {
  const bytes = await readBytes(path);
  return loadWavMono(bytes, path, options) ?? prepare(await decodeAudioAsync(bytes, path), path, options);
}

/**
 * loadAudio, synchronously (for worker threads and batch featurizing). Same options and results;
 * WAV files only, since the other formats' decoders are asynchronous (those throw AudioDecodeError).
 */
export function loadAudioSync(path: string, options?: LoadAudioOptions & { mono?: true }): MonoAudio;
export function loadAudioSync(path: string, options: LoadAudioOptions & { mono: false }): MultichannelAudio;
export function loadAudioSync(path: string, options?: LoadAudioOptions): MonoAudio | MultichannelAudio;
export function loadAudioSync(path: string, options: LoadAudioOptions = {}): MonoAudio | MultichannelAudio {
  const bytes = readBytesSync(path);
  return loadWavMono(bytes, path, options) ?? prepare(decodeAudio(bytes, path), path, options);
}

/**
 * What a file holds, without resampling: container, encoding, channels, native rate, frames and
 * duration. WAV headers are read without decoding the samples; other formats are decoded.
 * @throws AudioDecodeError when the file cannot be read or is not audio we can decode.
 */
export async function audioInfo(path: string): Promise<AudioFileInfo> {
  const bytes = await readBytes(path);
  const container = sniffContainer(bytes);
  if (container !== 'wav' && container !== 'other') return (await decodeAudioAsync(bytes, path)).info;
  return wavInfo(parseWav(bytes, path));
}
