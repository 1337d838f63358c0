import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// wav-decoder is a plain CommonJS module without types: a cross-check for the plain 16-bit files.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const wavDecoder = require('wav-decoder') as { decode: { sync: (b: ArrayBuffer, o?: { symmetric?: boolean }) => { channelData: Float32Array[]; sampleRate: number } } };
import { AudioDecodeError, audioInfo, decodeAudio, loadAudio, loadAudioSync } from '../../lib/audio';
import { describeWithFixtures, fixture } from '../fixtures';
import { interleave, s16, simpleWav } from './wav-builder';

interface ClipReference {
  native_sr: number;
  native_channels: number;
  native_length: number;
  native_head: number[];
  sr: number;
  length: number;
  rms: number;
  sample_index: number[];
  sample_value: number[];
}

interface LoadedReference {
  sr: number;
  n: number;
  rms: number;
}

const rms = (x: Float32Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
};

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

// Tolerances are about 10× the largest error measured on 2026-11-30 over every clip (the old ones in brackets):
//   native samples                     0 (identical)    → exact        [1e-6]
//   resampled samples                  1.49e-7          → 1.5e-6       [1e-4]
//   RMS after loading, relative        2.9e-8           → 3e-7         [1e-4]
//   fold-1 / FSDD RMS beyond the reference's 7-decimal rounding (±5e-8): 0 / 2.0e-9 relative → 2e-8 [1e-4]
const TOL = { resampledSample: 1.5e-6, rmsRelative: 3e-7, roundedRmsRelative: 2e-8 };

describeWithFixtures('loadAudio parity with librosa 0.10 on the UrbanSound8K clips', () => {
  const ref = readJson<{ files: Record<string, ClipReference> }>(fixture('reference/urbansound8k.json'));
  const names = Object.keys(ref.files);

  it('covers every clip in the folder, including the 24-bit extensible 48 kHz one', () => {
    expect(names.sort()).toEqual(readdirSync(fixture('urbansound8k/audio')).filter((n) => n.endsWith('.wav')).sort());
    expect(ref.files['103074-7-0-0.wav'].native_sr).toBe(48000);
  });

  it.each(names)('%s: native samples, resampled length, samples and RMS', (name) => {
    const r = ref.files[name];
    const path = fixture('urbansound8k/audio', name);
    const native = decodeAudio(readFileSync(path), path);
    expect(native.sampleRate).toBe(r.native_sr);
    expect(native.channels).toHaveLength(r.native_channels);
    expect(native.info.frameCount).toBe(r.native_length);
    expect(Array.from(native.channels[0].subarray(0, r.native_head.length))).toEqual(r.native_head);

    const { samples, sampleRate } = loadAudioSync(path);
    expect(sampleRate).toBe(r.sr);
    expect(samples).toHaveLength(r.length);
    r.sample_index.forEach((idx, i) => expect(Math.abs(samples[idx] - r.sample_value[i])).toBeLessThanOrEqual(TOL.resampledSample));
    expect(Math.abs(rms(samples) - r.rms) / r.rms).toBeLessThanOrEqual(TOL.rmsRelative);
  });

  it('decodes the plain 16-bit clips exactly as wav-decoder (symmetric scaling) does', () => {
    for (const name of names.filter((n) => ref.files[n].native_sr === 44100).slice(0, 3)) {
      const bytes = readFileSync(fixture('urbansound8k/audio', name));
      const ours = decodeAudio(bytes, name);
      const theirs = wavDecoder.decode.sync(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), { symmetric: true });
      expect(ours.channels).toHaveLength(theirs.channelData.length);
      ours.channels.forEach((ch, c) => expect(Buffer.from(ch.buffer).equals(Buffer.from(theirs.channelData[c].buffer))).toBe(true));
    }
  });

  it('loadAudio (async) equals loadAudioSync; mono: false and sampleRate: null keep channels and rate', async () => {
    const path = fixture('urbansound8k/audio', '103074-7-0-0.wav');
    const sync = loadAudioSync(path);
    const async_ = await loadAudio(path);
    expect(Array.from(async_.samples)).toEqual(Array.from(sync.samples));
    // The overloads type the result by `mono` (these annotations fail to compile if they do not).
    const typedMono: Float32Array = async_.samples;
    const native: { samples: Float32Array[]; sampleRate: number } = await loadAudio(path, { sampleRate: null, mono: false });
    expect(typedMono).toBeInstanceOf(Float32Array);
    expect(native.sampleRate).toBe(48000);
    expect(native.samples).toHaveLength(2);
    expect(native.samples[1]).toHaveLength(192000);
    const stereo = loadAudioSync(path, { mono: false });
    expect(stereo.samples).toHaveLength(2);
    expect(stereo.samples[0]).toHaveLength(88200);
    // Resampling is linear, so the mean of the resampled channels is the resampled mean.
    for (const i of [100, 40000, 88000]) {
      expect((stereo.samples[0][i] + stereo.samples[1][i]) / 2).toBeCloseTo(sync.samples[i], 6);
    }
  });

  it('audioInfo reads the header: encoding, channels, rate, duration', async () => {
    const info = await audioInfo(fixture('urbansound8k/audio', '103074-7-0-0.wav'));
    expect(info).toMatchObject({ container: 'wav', encoding: 'pcm_s24le', extensible: true, formatTag: 0xfffe, channelCount: 2, sampleRate: 48000, frameCount: 192000, durationSeconds: 4, truncated: false });
  });
});

describeWithFixtures('loadAudio length and RMS on 300 fold-1 clips and 1500 spoken digits (8 kHz → 22050 Hz)', () => {
  for (const [set, folder] of [['urbansound8k-fold1', 'urbansound8k-fold1/audio'], ['fsdd', 'fsdd']] as const) {
    it(`${set}: every clip`, () => {
      const ref = readJson<{ files: Record<string, LoadedReference> }>(fixture(`reference/${set}.json`));
      const names = Object.keys(ref.files);
      expect(names.length).toBeGreaterThanOrEqual(300);
      const bad: string[] = [];
      for (const name of names) {
        const r = ref.files[name];
        const { samples, sampleRate } = loadAudioSync(fixture(folder, name));
        const err = Math.abs(rms(samples) - r.rms);
        // The reference's own rounding (its RMS has 7 decimals: ±5e-8, up to 1e-4 relative by itself
        // on the quietest clips, RMS 0.0005), plus 2e-8 relative for ours.
        if (sampleRate !== r.sr || samples.length !== r.n || !(err <= TOL.roundedRmsRelative * r.rms + 5e-8)) {
          bad.push(`${name}: sr ${sampleRate}/${r.sr}, n ${samples.length}/${r.n}, rms ${rms(samples)} vs ${r.rms}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('loadAudio errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soundlab-load-'));

  it('a missing file is an AudioDecodeError saying so', async () => {
    const path = join(dir, 'missing.wav');
    await expect(loadAudio(path)).rejects.toThrow(new AudioDecodeError(path, 'no such file'));
    expect(() => loadAudioSync(path)).toThrow(`${path}: no such file`);
    await expect(audioInfo(path)).rejects.toBeInstanceOf(AudioDecodeError);
  });

  it('a directory, an empty file and a WAV without frames are AudioDecodeErrors', async () => {
    expect(() => loadAudioSync(dir)).toThrow(/is a directory/);
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, new Uint8Array(0));
    await expect(loadAudio(empty)).rejects.toThrow(`${empty}: empty file (0 bytes)`);
    const noFrames = join(dir, 'no-frames.wav');
    writeFileSync(noFrames, simpleWav({ tag: 1, channels: 1, sampleRate: 8000, bits: 16 }, new Uint8Array(0)));
    expect(() => loadAudioSync(noFrames)).toThrow(/no audio frames/);
  });

  it('loads a small hand-built file end to end, at its own rate and resampled', async () => {
    const path = join(dir, 'ramp.wav');
    const frames = Array.from({ length: 800 }, (_, i) => [i * 20, -i * 20]);
    writeFileSync(path, simpleWav({ tag: 1, channels: 2, sampleRate: 8000, bits: 16 }, interleave(frames, s16)));
    const native = await loadAudio(path, { sampleRate: null });
    expect(native.sampleRate).toBe(8000);
    expect(Array.from(native.samples)).toEqual(new Array(800).fill(0));
    const left = loadAudioSync(path, { sampleRate: 16000, mono: false });
    expect(left.samples[0]).toHaveLength(1600);
    // Away from the edges, upsampling a ramp by 2 lands half-way between input samples.
    expect(left.samples[0][801]).toBeCloseTo((400 * 20 + 20 / 2) / 32768, 3);
    expect(() => loadAudioSync(path, { sampleRate: -5 })).toThrow(RangeError);
  });
});
