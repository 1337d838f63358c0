// encodeWav: round trips through wav-decoder, the extensible header, libsndfile quantisation, real files re-encoded byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeWav, WavEncodeError, type WavEncoding } from '../../lib/audio/encode';
import { decodeWav } from '../../lib/audio/wav';
import { describeWithFixtures, fixture } from '../fixtures';

interface Decoded { sampleRate: number; channelData: Float32Array[] }
// wav-decoder ships no types; `symmetric` makes it scale integers like libsndfile (int16 / 32768, …).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const wavDecoder = require('wav-decoder') as { decode: { sync(buf: ArrayBuffer, opts?: { symmetric?: boolean }): Decoded } };

const decode = (bytes: Uint8Array, symmetric = true): Decoded =>
  wavDecoder.decode.sync(bytes.slice().buffer as ArrayBuffer, { symmetric });

/** A deterministic test signal in [-1, 1], including the extremes and values that need clipping. */
function signal(length: number, phase: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = 0.9 * Math.sin(0.013 * i * (1 + phase) + phase) * Math.cos(0.0007 * i);
  // -1 is left out: wav-decoder 1.3.0's 24-bit reader maps 0x800000 to +1 (`xx > 0x800000` should be
  // `>=`); the clipping test checks the bytes of -1 directly.
  x[0] = -0.999;
  x[1] = 0.999;
  x[2] = 0;
  return x;
}

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

/** Index of the first differing byte (or the shorter length), -1 when equal: cheap on megabyte files. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('encodeWav round trips through wav-decoder', () => {
  const cases: Array<[WavEncoding, number]> = [
    ['pcm_s16le', 1 / 32768],
    ['pcm_s24le', 1 / 8388608],
    ['pcm_s32le', 1e-7], // float32 input: the int32 step is below float32 resolution
    ['float32', 0],
    ['float64', 0],
  ];
  for (const [encoding, step] of cases) {
    for (const channelCount of [1, 2, 3]) {
      it(`${encoding}, ${channelCount} channel(s)`, () => {
        const channels = Array.from({ length: channelCount }, (_, c) => signal(1001, c));
        const bytes = encodeWav(channels, 44100, { encoding });
        const d = decode(bytes);
        expect(d.sampleRate).toBe(44100);
        expect(d.channelData.length).toBe(channelCount);
        for (let c = 0; c < channelCount; c++) {
          expect(d.channelData[c].length).toBe(1001);
          let maxErr = 0;
          for (let i = 0; i < 1001; i++) maxErr = Math.max(maxErr, Math.abs(d.channelData[c][i] - channels[c][i]));
          // Rounding to nearest: at most half a quantisation step (exact for floats).
          expect(maxErr).toBeLessThanOrEqual(step / 2 + 1e-12);
        }
      });
    }
  }

  it('pcm_u8 stores x·128 + 128, rounded and clipped', () => {
    const x = new Float32Array([-1, -0.5, 0, 0.25, 0.5, 0.99, 1, 1.5, -2, 1 / 256, 3 / 256]);
    const bytes = encodeWav([x], 11025, { encoding: 'pcm_u8' });
    const data = bytes.subarray(44, 44 + x.length);
    // 1/256·128 = 0.5 → ties to even → 0; 3/256·128 = 1.5 → 2.
    expect(Array.from(data)).toEqual([0, 64, 128, 160, 192, 255, 255, 255, 0, 128, 130]);
    // 11 one-byte samples: the data chunk is odd-sized, so a pad byte follows and RIFF counts it.
    expect(bytes.length).toBe(44 + 11 + 1);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(bytes.length - 8);
    const d = decode(bytes, false);
    expect(d.channelData[0][1]).toBe(-0.5);
    expect(d.channelData[0][2]).toBe(0);
  });

  it('integer encodings clip out-of-range values instead of wrapping', () => {
    const x = new Float32Array([1.5, -1.5, 1, -1]);
    const d16 = new DataView(encodeWav([x], 8000).buffer);
    expect([0, 1, 2, 3].map((i) => d16.getInt16(44 + 2 * i, true))).toEqual([32767, -32768, 32767, -32768]);
    const d32 = new DataView(encodeWav([x], 8000, { encoding: 'pcm_s32le' }).buffer);
    expect([0, 1, 2, 3].map((i) => d32.getInt32(44 + 4 * i, true))).toEqual([2147483647, -2147483648, 2147483647, -2147483648]);
    const b24 = encodeWav([x], 8000, { encoding: 'pcm_s24le' });
    expect(Array.from(b24.subarray(44, 50))).toEqual([0xff, 0xff, 0x7f, 0x00, 0x00, 0x80]);
  });

  it('writes plain PCM and float headers', () => {
    const pcm = encodeWav([new Float32Array(4), new Float32Array(4)], 22050);
    const v = new DataView(pcm.buffer);
    expect(ascii(pcm, 0) + ascii(pcm, 8) + ascii(pcm, 12) + ascii(pcm, 36)).toBe('RIFFWAVEfmt data');
    expect([v.getUint32(16, true), v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true)]).toEqual([16, 1, 2, 22050]);
    expect([v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true), v.getUint32(40, true)]).toEqual([88200, 4, 16, 16]);
    const f = encodeWav([new Float32Array(5)], 8000, { encoding: 'float64' });
    const fv = new DataView(f.buffer);
    expect([fv.getUint32(16, true), fv.getUint16(20, true), fv.getUint16(34, true), fv.getUint16(36, true)]).toEqual([18, 3, 64, 0]);
    expect(ascii(f, 38)).toBe('fact');
    expect(fv.getUint32(46, true)).toBe(5);
    expect(ascii(f, 50)).toBe('data');
    expect(fv.getUint32(54, true)).toBe(40);
  });
});

describe('encodeWav extensible', () => {
  it('writes tag 0xFFFE, valid bits, channel mask, the sub-format GUID and a fact chunk', () => {
    for (const [encoding, subFormat] of [['pcm_s24le', 1], ['float32', 3]] as const) {
      const x = signal(300, 0.5);
      const bytes = encodeWav([x, x], 48000, { encoding, extensible: true });
      const v = new DataView(bytes.buffer);
      const bits = encoding === 'pcm_s24le' ? 24 : 32;
      expect(v.getUint32(16, true)).toBe(40);
      expect(v.getUint16(20, true)).toBe(0xfffe);
      expect(v.getUint16(34, true)).toBe(bits);
      expect(v.getUint16(36, true)).toBe(22);
      expect(v.getUint16(38, true)).toBe(bits);
      expect(v.getUint32(40, true)).toBe(0x3);
      expect(Array.from(bytes.subarray(44, 60))).toEqual([subFormat, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]);
      expect(ascii(bytes, 60)).toBe('fact');
      expect(v.getUint32(68, true)).toBe(300);
      expect(ascii(bytes, 72)).toBe('data');
      // Same samples as the plain encoding: only the header differs.
      const plain = encodeWav([x, x], 48000, { encoding });
      const plainDataAt = plain.length - 300 * 2 * (bits / 8);
      expect(bytes.subarray(80)).toEqual(plain.subarray(plainDataAt));
      // wav-decoder rejects 0xFFFE; with the tag set to the sub-format it must read our samples back.
      const patched = bytes.slice();
      new DataView(patched.buffer).setUint16(20, subFormat, true);
      const d = decode(patched);
      expect(d.channelData[1].length).toBe(300);
      expect(Math.abs(d.channelData[1][7] - x[7])).toBeLessThanOrEqual(0.5 / 8388608);
    }
  });

  it('rejects inputs that cannot be a WAV file', () => {
    expect(() => encodeWav([], 8000)).toThrow(WavEncodeError);
    expect(() => encodeWav([new Float32Array(3), new Float32Array(2)], 8000)).toThrow(/channel 1 has 2 samples/);
    expect(() => encodeWav([new Float32Array(3)], 0)).toThrow(/sample rate/);
    expect(() => encodeWav([new Float32Array(3)], 44100.5)).toThrow(WavEncodeError);
  });
});

describeWithFixtures('encodeWav reproduces real UrbanSound8K files byte for byte', () => {
  it('16-bit PCM stereo 44.1 kHz (100032-3-0-0.wav)', () => {
    const original = new Uint8Array(readFileSync(fixture('urbansound8k/audio/100032-3-0-0.wav')));
    const d = decode(original);
    expect(firstDifference(encodeWav(d.channelData, d.sampleRate, { encoding: 'pcm_s16le' }), original)).toBe(-1);
  });

  it('24-bit WAVE_FORMAT_EXTENSIBLE stereo 48 kHz (103074-7-0-0.wav)', () => {
    const original = new Uint8Array(readFileSync(fixture('urbansound8k/audio/103074-7-0-0.wav')));
    const patched = original.slice();
    new DataView(patched.buffer).setUint16(20, 1, true); // let wav-decoder read the PCM sub-format
    const d = decode(patched);
    expect(d.sampleRate).toBe(48000);
    expect(firstDifference(encodeWav(d.channelData, d.sampleRate, { encoding: 'pcm_s24le', extensible: true }), original)).toBe(-1);
  });
});

describe('encodeWav round trips through our own decoder (lib/audio/wav), extensible and 8-bit included', () => {
  const steps: Record<WavEncoding, number> = { pcm_u8: 1 / 128, pcm_s16le: 1 / 32768, pcm_s24le: 1 / 8388608, pcm_s32le: 1e-7, float32: 0, float64: 0 };
  for (const encoding of Object.keys(steps) as WavEncoding[]) {
    for (const extensible of [false, true]) {
      it(`${encoding}${extensible ? ' extensible' : ''}`, () => {
        const channels = [signal(777, 0), signal(777, 1)];
        channels[0][0] = -1; // our decoder must map the most negative code to exactly -1
        const d = decodeWav(encodeWav(channels, 48000, { encoding, extensible }), 'round-trip.wav');
        expect(d.sampleRate).toBe(48000);
        expect(d.info.encoding).toBe(encoding);
        expect(d.info.extensible).toBe(extensible);
        expect(d.info.frameCount).toBe(777);
        expect(d.channels[0][0]).toBe(-1);
        for (let c = 0; c < 2; c++) {
          let maxErr = 0;
          // Integer codes top out one step below +1 (0.999 becomes 127/128 in 8 bits): compare with the clipped value.
          const top = encoding === 'pcm_u8' ? 127 / 128 : 1;
          for (let i = 0; i < 777; i++) maxErr = Math.max(maxErr, Math.abs(d.channels[c][i] - Math.min(channels[c][i], top)));
          expect(maxErr).toBeLessThanOrEqual(steps[encoding] / 2 + 1e-12);
        }
      });
    }
  }
});
