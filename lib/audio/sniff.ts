// Naming an audio container from its first bytes (browser-safe: no Node imports).
import type { AudioContainer } from './types';

/** The `length` bytes at `at` as ASCII, or '' past the end. */
export const ascii = (b: Uint8Array, at: number, length: number) =>
  at + length <= b.length ? String.fromCharCode(...b.subarray(at, at + length)) : '';

/**
 * Names the container from the first bytes of a file (its magic numbers; the file name is not
 * trusted). Returns 'other' when nothing matches.
 */
export function sniffContainer(bytes: Uint8Array): AudioContainer {
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'RIFF' || head4 === 'RIFX' || head4 === 'RF64') return 'wav';
  if (head4 === 'fLaC') return 'flac';
  if (head4 === 'OggS') return ascii(bytes, 28, 8) === 'OpusHead' ? 'opus' : 'ogg';
  if (head4 === 'qoaf') return 'qoa';
  if (head4 === 'FORM' && /^AIF[FC]$/.test(ascii(bytes, 8, 4))) return 'aiff';
  if (ascii(bytes, 4, 4) === 'ftyp') return 'm4a';
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  if (bytes.length >= 4 && bytes[0] === 0x30 && bytes[1] === 0x26 && bytes[2] === 0xb2 && bytes[3] === 0x75) return 'wma';
  if (ascii(bytes, 0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    // Frame sync: layer bits 00 mean ADTS AAC, anything else an MPEG audio frame.
    return (bytes[1] & 0x06) === 0 ? 'aac' : 'mp3';
  }
  return 'other';
}
