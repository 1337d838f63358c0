import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, audioInfo, decodeAudioAsync, loadAudio, loadAudioSync, sniffContainer } from '../../lib/audio';

// test/audio/data: the same 0.25 s two-tone stereo signal (16 kHz, 16-bit) written by sox as WAV,
// FLAC, Ogg Vorbis and AIFF. The non-WAV containers go through the audio-decode package.
const data = (name: string) => join(__dirname, 'data', name);

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('other containers through audio-decode', () => {
  const wav = loadAudioSync(data('tone.wav'), { sampleRate: null, mono: false });

  it('recognises containers by their magic bytes', () => {
    expect(sniffContainer(readFileSync(data('tone.wav')))).toBe('wav');
    expect(sniffContainer(readFileSync(data('tone.flac')))).toBe('flac');
    expect(sniffContainer(readFileSync(data('tone.ogg')))).toBe('ogg');
    expect(sniffContainer(readFileSync(data('tone.aiff')))).toBe('aiff');
    expect(sniffContainer(Uint8Array.from([0x49, 0x44, 0x33, 4, 0]))).toBe('mp3');
    expect(sniffContainer(Uint8Array.from([0xff, 0xfb, 0x90, 0x00]))).toBe('mp3');
    expect(sniffContainer(Uint8Array.from([0xff, 0xf1, 0x50, 0x80]))).toBe('aac');
  });

  // Both come out bit-exact: FLAC after decodeAudioAsync rescales audio-decode's 1/32767 to libsndfile's 1/32768.
  it.each([['tone.flac', 0], ['tone.aiff', 0]] as const)('%s (lossless) loads to the same samples as the WAV', async (name, tolerance) => {
    const y = await loadAudio(data(name), { sampleRate: null, mono: false });
    expect(y.sampleRate).toBe(16000);
    expect(y.samples).toHaveLength(2);
    for (let c = 0; c < 2; c++) {
      expect(y.samples[c]).toHaveLength(wav.samples[c].length);
      let maxErr = 0;
      for (let i = 0; i < wav.samples[c].length; i++) maxErr = Math.max(maxErr, Math.abs(y.samples[c][i] - wav.samples[c][i]));
      expect(maxErr).toBeLessThanOrEqual(tolerance);
    }
  });

  it('Ogg Vorbis (lossy) loads with the right length, rate and loudness, and resamples like any file', async () => {
    const y = await loadAudio(data('tone.ogg'), { sampleRate: null, mono: false });
    expect(y.sampleRate).toBe(16000);
    expect(y.samples[0]).toHaveLength(wav.samples[0].length);
    expect(rms(y.samples[0])).toBeCloseTo(rms(wav.samples[0]), 2);
    const mono = await loadAudio(data('tone.ogg'));
    expect(mono.sampleRate).toBe(22050);
    expect(mono.samples).toHaveLength(Math.ceil(4000 * (22050 / 16000)));
  });

  it('audioInfo reports the codec; the synchronous loader says it cannot', async () => {
    expect(await audioInfo(data('tone.flac'))).toMatchObject({ container: 'flac', encoding: 'flac', bitsPerSample: 16, channelCount: 2, sampleRate: 16000, frameCount: 4000 });
    expect(() => loadAudioSync(data('tone.flac'))).toThrow(/tone\.flac: flac files can only be decoded asynchronously/);
  });

  it('a cut FLAC file is an AudioDecodeError or loads the frames present, never another error', async () => {
    const cut = readFileSync(data('tone.flac')).subarray(0, 200);
    try {
      const d = await decodeAudioAsync(cut, 'cut.flac');
      expect(d.info.frameCount).toBeLessThan(4000);
    } catch (err) {
      expect(err).toBeInstanceOf(AudioDecodeError);
      expect((err as AudioDecodeError).message).toMatch(/^cut\.flac: /);
    }
    await expect(decodeAudioAsync(Uint8Array.from([0x66, 0x4c, 0x61, 0x43]), 'tiny.flac')).rejects.toBeInstanceOf(AudioDecodeError);
  });
});
