// FLAC loads exactly as soundfile (libsndfile) reads it: integers over 2^(bits−1), like our WAV reader.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudioAsync, loadAudio } from '../../lib/audio';
import { flacBitsPerSample, rescaleFlacSamples } from '../../lib/audio/decode';
import { meanOverFrames, mfcc } from '../../lib/features';
import { describeWithFixtures, fixture, HAVE_FIXTURES } from '../fixtures';
import { verbatimFlac } from './flac-writer';

/** Known integers at a bit depth: both extremes, zero, ±1, and a spread between. */
function integersAt(bits: number): number[] {
  const full = 2 ** (bits - 1);
  const spread = Array.from({ length: 40 }, (_, i) => Math.round(((i * 7919) % 1000) / 1000 * 2 * full) - full);
  return [-full, full - 1, 0, 1, -1, full / 2, -full / 2, full / 2 - 1, ...spread];
}

describe('FLAC through audio-decode, rescaled to libsndfile’s scale', () => {
  it.each([8, 16, 24])('%i-bit: every sample is exactly integer / 2^(bits−1), both extremes included', async (bits) => {
    const left = integersAt(bits);
    const right = left.map((x) => -x - 1);
    const decoded = await decodeAudioAsync(verbatimFlac([left, right], 44100, bits), `t${bits}.flac`);
    expect(decoded.info).toMatchObject({ container: 'flac', encoding: 'flac', bitsPerSample: bits, channelCount: 2, sampleRate: 44100, frameCount: left.length });
    const full = 2 ** (bits - 1);
    expect(Array.from(decoded.channels[0])).toEqual(Array.from(Float32Array.from(left, (x) => x / full)));
    expect(Array.from(decoded.channels[1])).toEqual(Array.from(Float32Array.from(right, (x) => x / full)));
    expect(decoded.channels[0][0]).toBe(-1);
  });

  it.each([12, 20])('%i-bit streams, which the decoder turns into ±Infinity, are an AudioDecodeError', async (bits) => {
    await expect(decodeAudioAsync(verbatimFlac([integersAt(bits)], 44100, bits), `t${bits}.flac`)).rejects.toThrow(
      new AudioDecodeError(`t${bits}.flac`, `cannot decode ${bits}-bit FLAC (the decoder reads 8, 16, 24-bit streams)`),
    );
  });

  it('reads the sample size from STREAMINFO, and refuses a stream without it', () => {
    expect(flacBitsPerSample(verbatimFlac([integersAt(24)], 48000, 24), 'a.flac')).toBe(24);
    expect(flacBitsPerSample(verbatimFlac([integersAt(8)], 8000, 8), 'a.flac')).toBe(8);
    expect(() => flacBitsPerSample(Uint8Array.from([0x66, 0x4c, 0x61, 0x43]), 'tiny.flac')).toThrow('tiny.flac: FLAC stream without a STREAMINFO block');
  });

  it('rescaleFlacSamples maps the decoder’s k / (2^15 − 1) to k / 2^15', () => {
    const ch = Float32Array.from([-32768, -1, 0, 1, 16384, 32767], (k) => k / 32767);
    rescaleFlacSamples([ch], 16);
    expect(Array.from(ch)).toEqual([-1, -1 / 32768, 0, 1 / 32768, 0.5, 32767 / 32768]);
  });
});

interface Fold2Reference {
  sr: number;
  length: number;
  rms: number;
  head: number[];
  mfcc_mean: number[];
}

const rms = (x: Float32Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
};

describeWithFixtures('loadAudio on all 888 fold-2 FLAC clips against soundfile (librosa 0.10.2)', () => {
  const ref = HAVE_FIXTURES ? (JSON.parse(readFileSync(fixture('reference', 'urbansound8k-fold2.json'), 'utf8')) as { files: Record<string, Fold2Reference> }).files : {};
  const names = Object.keys(ref);

  it('the reference covers every clip in the folder', () => {
    expect(names.sort()).toEqual(readdirSync(fixture('urbansound8k-fold2', 'audio')).filter((n) => n.endsWith('.flac')).sort());
    expect(names).toHaveLength(888);
  });

  it('every clip: rate and length, its first 8 samples and RMS within 1e-8, its 40 MFCC means within 1e-3', async () => {
    // Tolerances from the measured errors (2026-11-30, all 888 clips): first samples 5.0e-9 and RMS 5.0e-9,
    // which is the reference's own rounding to 8 decimals (the samples themselves are exact), so 1e-8;
    // before the rescale the RMS was up to 1.5e-5 relative off (positive samples over 32767). MFCC
    // means: 1.04e-4 against the reference's 4 decimals (its rounding is 5e-5 of that), so 1e-3.
    const off: string[] = [];
    let worst = { head: 0, rms: 0, mfcc: 0 };
    for (const name of names) {
      const r = ref[name];
      const y = await loadAudio(fixture('urbansound8k-fold2', 'audio', name));
      if (y.sampleRate !== r.sr || y.samples.length !== r.length) {
        off.push(`${name}: ${y.samples.length} samples at ${y.sampleRate} Hz, soundfile has ${r.length} at ${r.sr}`);
        continue;
      }
      const head = Math.max(...r.head.map((v, i) => Math.abs(y.samples[i] - v)));
      const rmsErr = Math.abs(rms(y.samples) - r.rms);
      const means = meanOverFrames(mfcc(y.samples, y.sampleRate));
      const mfccErr = Math.max(...r.mfcc_mean.map((v, i) => Math.abs(means[i] - v)));
      worst = { head: Math.max(worst.head, head), rms: Math.max(worst.rms, rmsErr), mfcc: Math.max(worst.mfcc, mfccErr) };
      if (!(head <= 1e-8 && rmsErr <= 1e-8 && mfccErr <= 1e-3)) off.push(`${name}: first samples ${head.toExponential(2)}, RMS ${rmsErr.toExponential(2)}, MFCC means ${mfccErr.toExponential(2)}`);
    }
    expect(off).toEqual([]);
    expect(worst.head).toBeLessThanOrEqual(1e-8);
  }, 600_000);
});
