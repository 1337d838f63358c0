// Decoding audio file bytes, whatever the container: WAV through our parser, the rest through `audio-decode`.

import { pathToFileURL } from 'node:url';
import { AudioDecodeError } from './errors';
import type { DecodedAudio } from './types';
import { ascii, sniffContainer } from './sniff';
import { decodeWav } from './wav';

// Sniffing lives in its own module so a browser bundle can use it without this file's Node imports.
export { sniffContainer };

/**
 * Decodes a WAV file's bytes synchronously into float channels (see decodeWav for the encodings).
 * Other containers need `decodeAudioAsync` (their decoders are asynchronous): for them, and for
 * anything that is not audio, this throws AudioDecodeError naming `path` and the reason.
 */
export function decodeAudio(bytes: Uint8Array, path: string): DecodedAudio {
  const container = sniffContainer(bytes);
  if (container === 'wav' || container === 'other') return decodeWav(bytes, path);
  throw new AudioDecodeError(
    path,
    `${container} files can only be decoded asynchronously (use loadAudio or decodeAudioAsync, not the synchronous loader)`,
  );
}

/**
 * A dynamic import() that stays one after transpiling to CommonJS: tsc (and so tslab's notebook
 * kernel) rewrites `import()` into `require()`, which cannot load an ES module such as audio-decode
 * in Node 20 before 20.19. A function built at run time is not rewritten (but has no import hook
 * inside vitest's module runner, hence the plain import() first).
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** audio-decode's entry as a file URL, resolved from here (not from wherever the process was started). */
function audioDecodeUrl(): string {
  try {
    return pathToFileURL(require.resolve('audio-decode')).href;
  } catch {
    return 'audio-decode';
  }
}

type AudioDecodeModule = { default: (buf: Uint8Array) => Promise<{ channelData: Float32Array[]; sampleRate: number }> };

/** audio-decode (an ES module): a plain import() where it survives (tsx, vitest), else the run-time one. */
async function loadAudioDecode(): Promise<AudioDecodeModule> {
  try {
    return (await import('audio-decode')) as unknown as AudioDecodeModule;
  } catch {
    return (await importModule(audioDecodeUrl())) as AudioDecodeModule;
  }
}

/**
 * A FLAC stream's sample size in bits (4–32), from its STREAMINFO block — the mandatory first metadata
 * block: after `fLaC` and the 4-byte block header come 16+16+24+24 bits of block and frame sizes, 20 of
 * sample rate, 3 of channels − 1, then 5 of bits per sample − 1. Throws AudioDecodeError naming `path`
 * when the block is not there.
 */
export function flacBitsPerSample(bytes: Uint8Array, path: string): number {
  if (ascii(bytes, 0, 4) !== 'fLaC' || bytes.length < 8 + 34 || (bytes[4] & 0x7f) !== 0) {
    throw new AudioDecodeError(path, 'FLAC stream without a STREAMINFO block');
  }
  return (((bytes[20] & 0x01) << 4) | (bytes[21] >> 4)) + 1;
}

/** The FLAC sample sizes audio-decode decodes (it returns ±Infinity for 12- and 20-bit streams; 32 is unverified). */
export const FLAC_BITS_DECODED = [8, 16, 24] as const;

/**
 * Rescales FLAC samples as decoded by audio-decode to libsndfile's scale, in place.
 *
 * Why: its FLAC decoder divides every integer sample by 2^(bits−1) − 1 (so −32768 becomes −1.00003 and
 * 16384 becomes 0.50002), where libsndfile — soundfile, librosa — and our WAV reader divide by
 * 2^(bits−1). Up to 24 bits the decoder's float32 value still identifies its integer exactly (an error
 * under 2^-25 against steps of 2^-23 or more), so the integer is recovered by rounding and divided
 * again: the result is exactly libsndfile's (checked on 8, 16 and 24-bit files in the tests).
 */
export function rescaleFlacSamples(channels: Float32Array[], bitsPerSample: number): void {
  const decoderScale = 2 ** (bitsPerSample - 1) - 1;
  const fullScale = 2 ** (bitsPerSample - 1);
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) channel[i] = Math.round(channel[i] * decoderScale) / fullScale;
  }
}

/**
 * Decodes audio file bytes: WAV with our own parser, mp3 / flac / ogg vorbis / opus / qoa / aac
 * through the `audio-decode` package (an ES module of wasm decoders, hence asynchronous). The result
 * has the decoder's channels and rate; `info.encoding` is the codec name for compressed formats.
 */
export async function decodeAudioAsync(bytes: Uint8Array, path: string): Promise<DecodedAudio> {
  const container = sniffContainer(bytes);
  if (container === 'wav' || container === 'other') return decodeWav(bytes, path);
  const bitsPerSample = container === 'flac' ? flacBitsPerSample(bytes, path) : 0;
  if (container === 'flac' && !(FLAC_BITS_DECODED as readonly number[]).includes(bitsPerSample)) {
    throw new AudioDecodeError(path, `cannot decode ${bitsPerSample}-bit FLAC (the decoder reads ${FLAC_BITS_DECODED.join(', ')}-bit streams)`);
  }
  let decoded: { channelData: Float32Array[]; sampleRate: number };
  try {
    const mod = await loadAudioDecode();
    decoded = await mod.default(bytes);
  } catch (err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AudioDecodeError(path, `cannot decode ${container} audio: ${reason}`);
  }
  const channels = decoded.channelData;
  if (!channels || channels.length === 0 || !(decoded.sampleRate > 0)) {
    throw new AudioDecodeError(path, `cannot decode ${container} audio: the decoder returned no audio`);
  }
  // FLAC is lossless: its integers scaled as libsndfile scales them, so FLAC loads exactly as the WAV would.
  if (container === 'flac') rescaleFlacSamples(channels, bitsPerSample);
  const frameCount = channels[0].length;
  return {
    channels,
    sampleRate: decoded.sampleRate,
    info: {
      container,
      encoding: container === 'ogg' ? 'vorbis' : container,
      formatTag: 0,
      extensible: false,
      bitsPerSample,
      channelCount: channels.length,
      sampleRate: decoded.sampleRate,
      frameCount,
      durationSeconds: frameCount / decoded.sampleRate,
      truncated: false,
    },
  };
}
