// librosa.load in TypeScript: read a file, decode it, mix down to mono, resample with kaiser_fast.

import { readFileSync, promises as fsp } from 'node:fs';
import { decodeAudio, decodeAudioAsync, sniffContainer } from './decode';
import { AudioDecodeError } from './errors';
import { loadWavMono, prepare, type LoadAudioOptions, type MonoAudio, type MultichannelAudio } from './from-bytes';
import type { AudioFileInfo } from './types';
import { parseWav, wavInfo } from './wav';

export type { LoadAudioOptions, MonoAudio, MultichannelAudio } from './from-bytes';

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
