// Containers lib's WAV parser does not read (mp3, ogg, flac, …), decoded by the browser at the file's own
// rate, so lib's mix-down and kaiser_fast resampler do the rest as they do in Node.
import { AudioDecodeError } from '../../audio/errors';
import type { AudioContainer, DecodedAudio } from '../../audio/types';

const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** MPEG audio sample rates by version bits (00 = 2.5, 10 = 2, 11 = 1) and rate index. */
const MPEG_RATES: Record<number, number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

/**
 * The native sample rate written in a compressed file's header, or null when it cannot be read:
 * decodeAudioData resamples to its context's rate, so the context is made at this rate.
 */
export function nativeRateHint(bytes: Uint8Array, container: AudioContainer): number | null {
  if (container === 'opus') return 48000; // Opus always decodes at 48 kHz
  if (container === 'flac' && bytes.length >= 21) {
    // fLaC, then the STREAMINFO block: 4-byte block header, 10 bytes of sizes, then 20 bits of rate.
    const rate = (bytes[18] << 12) | (bytes[19] << 4) | (bytes[20] >> 4);
    return rate > 0 ? rate : null;
  }
  if (container === 'ogg' && bytes.length >= 44) {
    // First page: 27-byte header + segment table, then the Vorbis identification header (\x01vorbis, version, channels, rate LE).
    const start = 27 + bytes[26];
    if (bytes[start] === 1 && String.fromCharCode(...bytes.subarray(start + 1, start + 7)) === 'vorbis') {
      const at = start + 12;
      return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
    }
    return null;
  }
  if (container === 'mp3') {
    let at = 0;
    if (String.fromCharCode(bytes[0], bytes[1], bytes[2]) === 'ID3' && bytes.length >= 10) {
      at = 10 + ((bytes[6] & 0x7f) << 21 | (bytes[7] & 0x7f) << 14 | (bytes[8] & 0x7f) << 7 | (bytes[9] & 0x7f));
    }
    for (; at + 4 <= bytes.length && at < 1 << 20; at++) {
      if (bytes[at] !== 0xff || (bytes[at + 1] & 0xe0) !== 0xe0) continue;
      const version = (bytes[at + 1] >> 3) & 3;
      const index = (bytes[at + 2] >> 2) & 3;
      if (version !== 1 && index !== 3) return MPEG_RATES[version][index];
    }
    return null;
  }
  if (container === 'aiff' && bytes.length >= 12) {
    // COMM chunk: the rate is an 80-bit extended float.
    for (let at = 12; at + 8 <= bytes.length; ) {
      const id = String.fromCharCode(...bytes.subarray(at, at + 4));
      const size = u32be(bytes, at + 4);
      if (id === 'COMM' && at + 26 <= bytes.length) {
        const exponent = ((bytes[at + 16] & 0x7f) << 8) | bytes[at + 17];
        const mantissa = u32be(bytes, at + 18);
        return Math.round(mantissa * 2 ** (exponent - 16383 - 31));
      }
      at += 8 + size + (size & 1);
    }
  }
  return null;
}

/**
 * Decodes bytes with WebAudio's decodeAudioData in an OfflineAudioContext at the file's native rate
 * (44100 Hz when the header does not say). Failures become AudioDecodeError with the command line's text.
 */
export async function decodeWithWebAudio(bytes: Uint8Array, name: string, container: AudioContainer): Promise<DecodedAudio> {
  const rate = nativeRateHint(bytes, container) ?? 44100;
  let buffer: AudioBuffer;
  try {
    const context = new OfflineAudioContext(1, 1, rate);
    buffer = await context.decodeAudioData(bytes.slice().buffer);
  } catch (err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AudioDecodeError(name, `cannot decode ${container} audio: ${reason || 'the browser could not decode it'}`);
  }
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  const frameCount = buffer.length;
  return {
    channels,
    sampleRate: buffer.sampleRate,
    info: {
      container, encoding: container === 'ogg' ? 'vorbis' : container, formatTag: 0, extensible: false, bitsPerSample: 0,
      channelCount: channels.length, sampleRate: buffer.sampleRate, frameCount, durationSeconds: frameCount / buffer.sampleRate, truncated: false,
    },
  };
}
