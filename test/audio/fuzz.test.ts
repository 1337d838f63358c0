import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio, decodeWavMono, parseWav, resample, toMono } from '../../lib/audio';
import { fixture, HAVE_FIXTURES } from '../fixtures';
import { f32, fmtBody, interleave, riffWave, s16, s24, seededRandom, simpleWav, u32 } from './wav-builder';

/** Real WAV heads (header + the first few KB of samples), or hand-built files when the fixtures are absent. */
function sources(): Array<[string, Uint8Array]> {
  const built: Array<[string, Uint8Array]> = [
    ['built s16 stereo + LIST', simpleWav({ tag: 1, channels: 2, sampleRate: 44100, bits: 16 }, interleave(Array.from({ length: 300 }, (_, i) => [i * 50, -i * 50]), s16),
      [{ id: 'LIST', body: Uint8Array.from([73, 78, 70, 79, 1, 2, 3]) }])],
    ['built s24 extensible', simpleWav({ tag: 0xfffe, channels: 2, sampleRate: 48000, bits: 24, subTag: 1 }, interleave(Array.from({ length: 200 }, (_, i) => [i * 999, -i]), s24))],
    ['built u8 + fact', riffWave([{ id: 'fmt ', body: fmtBody({ tag: 1, channels: 1, sampleRate: 11025, bits: 8 }) }, { id: 'fact', body: Uint8Array.from(u32(301)) },
      { id: 'data', body: Uint8Array.from({ length: 301 }, (_, i) => i & 0xff) }])],
    ['built float32 x3', simpleWav({ tag: 3, channels: 3, sampleRate: 8000, bits: 32 }, interleave(Array.from({ length: 100 }, (_, i) => [i / 100, -i / 100, 0.5]), f32))],
  ];
  if (!HAVE_FIXTURES) return built;
  const real = ['100032-3-0-0.wav', '103074-7-0-0.wav'].map((name): [string, Uint8Array] =>
    [name, readFileSync(fixture('urbansound8k/audio', name)).subarray(0, 4096)]);
  return [...real, ...built];
}

/**
 * Decodes `bytes` (and, when it decodes, mixes down and resamples it as loadAudio would):
 * returns 'ok' or 'error', and fails the test on any exception other than AudioDecodeError or on
 * output larger than the input could justify.
 */
function attempt(bytes: Uint8Array, label: string): 'ok' | 'error' {
  try {
    const d = decodeAudio(bytes, label);
    const frames = d.info.frameCount;
    // No absurd allocation: every decoded sample came from bytes present in the file.
    expect(frames * d.channels.length).toBeLessThanOrEqual(bytes.length);
    for (const ch of d.channels) expect(ch.length).toBe(frames);
    const mono = decodeWavMono(bytes, parseWav(bytes, label));
    expect(mono.length).toBe(frames);
    if (frames > 0) {
      const y = resample(toMono(d.channels), d.sampleRate, 22050);
      expect(y.length).toBe(Math.ceil(frames * (22050 / d.sampleRate)));
    }
    return 'ok';
  } catch (err) {
    if (!(err instanceof AudioDecodeError)) {
      throw new Error(`${label}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    expect(err.reason.length).toBeGreaterThan(0);
    return 'error';
  }
}

describe('decoding corrupt WAV files (seeded fuzz)', () => {
  const files = sources();

  it('every truncation of every file decodes or throws AudioDecodeError', () => {
    const counts = { ok: 0, error: 0 };
    for (const [name, bytes] of files) {
      // Every offset through the headers, then every 7th byte through the samples.
      for (let cut = 0; cut < bytes.length; cut += cut < 128 ? 1 : 7) counts[attempt(bytes.subarray(0, cut), `${name}[:${cut}]`)]++;
    }
    // Both outcomes must occur: headers cut early fail, data cut late still decodes.
    expect(counts.ok).toBeGreaterThan(100);
    expect(counts.error).toBeGreaterThan(100);
  });

  it('random byte flips in the header decode or throw AudioDecodeError', () => {
    const rand = seededRandom(20261126);
    const counts = { ok: 0, error: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const [name, original] = files[trial % files.length];
      const bytes = original.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) {
        // Mostly the first 80 bytes (RIFF, fmt, extensible GUID, data header), sometimes anywhere.
        const at = Math.floor(rand() * (rand() < 0.9 ? Math.min(80, bytes.length) : bytes.length));
        bytes[at] = rand() < 0.3 ? 0xff : Math.floor(rand() * 256);
      }
      const cut = rand() < 0.3 ? Math.floor(rand() * bytes.length) : bytes.length;
      counts[attempt(bytes.subarray(0, cut), `${name} trial ${trial}`)]++;
    }
    expect(counts.ok).toBeGreaterThan(100);
    expect(counts.error).toBeGreaterThan(100);
  });
});
