import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio, decodeWav, decodeWavMono, parseWav, toMono } from '../../lib/audio';
import { seededRandom } from './wav-builder';
import { f32, f64, fmtBody, interleave, riffWave, s16, s24, s32, simpleWav, u32 } from './wav-builder';

const PCM = 1;
const FLOAT = 3;
const EXT = 0xfffe;

/** The AudioDecodeError reason for these bytes (fails the test if decoding succeeds or throws anything else). */
function reasonOf(bytes: Uint8Array): string {
  try {
    decodeWav(bytes, 'x.wav');
  } catch (err) {
    expect(err).toBeInstanceOf(AudioDecodeError);
    const e = err as AudioDecodeError;
    expect(e.path).toBe('x.wav');
    expect(e.message).toBe(`x.wav: ${e.reason}`);
    return e.reason;
  }
  throw new Error('expected an AudioDecodeError');
}

describe('decodeWav: encodings, scaled like libsndfile', () => {
  it('16-bit PCM stereo: x / 32768, channels de-interleaved', () => {
    const d = decodeWav(simpleWav({ tag: PCM, channels: 2, sampleRate: 44100, bits: 16 }, interleave([[-32768, 32767], [-1, 1], [0, 16384]], s16)), 'a.wav');
    expect(d.sampleRate).toBe(44100);
    expect(Array.from(d.channels[0])).toEqual([-1, -1 / 32768, 0]);
    expect(Array.from(d.channels[1])).toEqual([32767 / 32768, 1 / 32768, 0.5]);
    expect(d.info).toMatchObject({ container: 'wav', encoding: 'pcm_s16le', formatTag: 1, extensible: false, bitsPerSample: 16, channelCount: 2, frameCount: 3, truncated: false });
    expect(d.info.durationSeconds).toBeCloseTo(3 / 44100, 12);
  });

  it('8-bit PCM is unsigned: (x - 128) / 128', () => {
    const d = decodeWav(simpleWav({ tag: PCM, channels: 1, sampleRate: 11025, bits: 8 }, Uint8Array.from([0, 64, 128, 255])), 'a.wav');
    expect(Array.from(d.channels[0])).toEqual([-1, -0.5, 0, 127 / 128]);
    expect(d.info.encoding).toBe('pcm_u8');
  });

  it('24-bit PCM, plain and WAVE_FORMAT_EXTENSIBLE: x / 2^23 with the sign of the top byte', () => {
    const values = [-8388608, 8388607, -1, 1, 0x123456, -0x123456];
    const data = interleave(values.map((v) => [v]), s24);
    const expected = values.map((v) => Math.fround(v / 8388608));
    const plain = decodeWav(simpleWav({ tag: PCM, channels: 1, sampleRate: 48000, bits: 24 }, data), 'a.wav');
    const ext = decodeWav(simpleWav({ tag: EXT, channels: 1, sampleRate: 48000, bits: 24, subTag: PCM }, data), 'b.wav');
    expect(Array.from(plain.channels[0])).toEqual(expected);
    expect(Array.from(ext.channels[0])).toEqual(expected);
    expect(ext.info).toMatchObject({ encoding: 'pcm_s24le', formatTag: 0xfffe, extensible: true, bitsPerSample: 24 });
  });

  it('32-bit PCM: x / 2^31 rounded to float32', () => {
    const values = [-2147483648, 2147483647, 1, -0x40000000];
    const d = decodeWav(simpleWav({ tag: PCM, channels: 1, sampleRate: 8000, bits: 32 }, interleave(values.map((v) => [v]), s32)), 'a.wav');
    expect(Array.from(d.channels[0])).toEqual(values.map((v) => Math.fround(v / 2147483648)));
    expect(d.info.encoding).toBe('pcm_s32le');
  });

  it('32-bit float, plain and extensible, is passed through bit for bit', () => {
    const values = [0.25, -0.7071067690849304, 1.5, -3e-8].map(Math.fround);
    const data = interleave(values.map((v) => [v, -v]), f32);
    for (const fmt of [{ tag: FLOAT, channels: 2, sampleRate: 22050, bits: 32 }, { tag: EXT, channels: 2, sampleRate: 22050, bits: 32, subTag: FLOAT }]) {
      const d = decodeWav(simpleWav(fmt, data, [{ id: 'fact', body: Uint8Array.from(u32(values.length)) }]), 'a.wav');
      expect(Array.from(d.channels[0])).toEqual(values);
      expect(Array.from(d.channels[1])).toEqual(values.map((v) => -v));
      expect(d.info.encoding).toBe('float32');
    }
  });

  it('64-bit float is rounded to float32', () => {
    const values = [0.1, -1 / 3, 0.999999999];
    const d = decodeWav(simpleWav({ tag: FLOAT, channels: 1, sampleRate: 16000, bits: 64 }, interleave(values.map((v) => [v]), f64)), 'a.wav');
    expect(Array.from(d.channels[0])).toEqual(values.map(Math.fround));
    expect(d.info).toMatchObject({ encoding: 'float64', bitsPerSample: 64 });
  });

  it('A-law and mu-law expand through the G.711 tables', () => {
    // A-law 0xD5 / 0x55 are the smallest positive / negative steps (±8); mu-law 0xFF is 0 and 0x00 / 0x80 the extremes (∓32124).
    const alaw = decodeWav(simpleWav({ tag: 6, channels: 1, sampleRate: 8000, bits: 8 }, Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a])), 'a.wav');
    expect(Array.from(alaw.channels[0])).toEqual([8 / 32768, -8 / 32768, 32256 / 32768, -32256 / 32768]);
    const mulaw = decodeWav(simpleWav({ tag: 7, channels: 1, sampleRate: 8000, bits: 8 }, Uint8Array.from([0xff, 0x00, 0x80, 0x7f])), 'a.wav');
    expect(Array.from(mulaw.channels[0])).toEqual([0, -32124 / 32768, 32124 / 32768, 0]);
  });

  it('3 to 8 channels de-interleave in order', () => {
    for (const channels of [3, 5, 8]) {
      const frames = Array.from({ length: 4 }, (_, i) => Array.from({ length: channels }, (_, c) => 100 * c + i));
      const d = decodeWav(simpleWav({ tag: PCM, channels, sampleRate: 44100, bits: 16 }, interleave(frames, s16)), 'a.wav');
      expect(d.channels).toHaveLength(channels);
      for (let c = 0; c < channels; c++) expect(Array.from(d.channels[c])).toEqual([0, 1, 2, 3].map((i) => (100 * c + i) / 32768));
    }
  });

  it('12-bit PCM in 16-bit words decodes as the 16-bit container (libsndfile does the same)', () => {
    const d = decodeWav(simpleWav({ tag: PCM, channels: 1, sampleRate: 8000, bits: 12 }, interleave([[0x7ff0], [-0x8000]], s16)), 'a.wav');
    expect(Array.from(d.channels[0])).toEqual([0x7ff0 / 32768, -1]);
  });
});

describe('decodeWav: chunk layouts', () => {
  const fmt = { tag: PCM, channels: 1, sampleRate: 8000, bits: 16 };
  const data = interleave([[1000], [-1000], [5]], s16);
  const expected = [1000 / 32768, -1000 / 32768, 5 / 32768];

  it('skips LIST, fact and odd-sized chunks with their pad byte', () => {
    const bytes = simpleWav(fmt, data, [
      { id: 'LIST', body: Uint8Array.from([...'INFOISFT'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 0x61, 0x62, 0x00])) },
      { id: 'fact', body: Uint8Array.from(u32(3)) },
      { id: 'junk', body: Uint8Array.from([1, 2, 3]) },
    ]);
    expect(Array.from(decodeWav(bytes, 'a.wav').channels[0])).toEqual(expected);
  });

  it('reads past an odd-sized chunk whose writer forgot the pad byte', () => {
    const bytes = simpleWav(fmt, data, [{ id: 'junk', body: Uint8Array.from([1, 2, 3]), noPad: true }]);
    expect(Array.from(decodeWav(bytes, 'a.wav').channels[0])).toEqual(expected);
  });

  it('finds chunks placed before the fmt chunk', () => {
    const bytes = riffWave([{ id: 'bext', body: new Uint8Array(10) }, { id: 'fmt ', body: fmtBody(fmt) }, { id: 'data', body: data }]);
    expect(Array.from(decodeWav(bytes, 'a.wav').channels[0])).toEqual(expected);
  });

  it('ignores chunks after the data chunk, and an odd data chunk’s pad byte', () => {
    const u8data = Uint8Array.from([0, 128, 255]);
    const bytes = riffWave([{ id: 'fmt ', body: fmtBody({ ...fmt, bits: 8 }) }, { id: 'data', body: u8data }, { id: 'LIST', body: new Uint8Array(6) }]);
    expect(Array.from(decodeWav(bytes, 'a.wav').channels[0])).toEqual([-1, 0, 127 / 128]);
  });

  it('a data chunk that claims more than the file holds yields the whole frames present, flagged truncated', () => {
    const stereo = interleave([[1, 2], [3, 4], [5, 6]], s16);
    const bytes = riffWave([{ id: 'fmt ', body: fmtBody({ ...fmt, channels: 2 }) }, { id: 'data', body: stereo.subarray(0, 10), declaredSize: 4000 }]);
    const d = decodeWav(bytes, 'a.wav');
    expect(d.info.frameCount).toBe(2);
    expect(d.info.truncated).toBe(true);
    expect(Array.from(d.channels[1])).toEqual([2 / 32768, 4 / 32768]);
  });

  it('a streaming writer’s data size 0xFFFFFFFF means "to the end of the file"', () => {
    const bytes = riffWave([{ id: 'fmt ', body: fmtBody(fmt) }, { id: 'data', body: data, declaredSize: 0xffffffff }]);
    const d = decodeWav(bytes, 'a.wav');
    expect(Array.from(d.channels[0])).toEqual(expected);
    expect(d.info.truncated).toBe(false);
  });

  it('an empty data chunk decodes to zero frames', () => {
    const d = decodeWav(simpleWav(fmt, new Uint8Array(0)), 'a.wav');
    expect(d.info.frameCount).toBe(0);
    expect(d.channels[0]).toHaveLength(0);
  });

  it('works on a Uint8Array that is a view into a larger buffer', () => {
    const bytes = simpleWav(fmt, data);
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 7);
    expect(Array.from(decodeWav(big.subarray(7), 'a.wav').channels[0])).toEqual(expected);
  });
});

describe('decodeWav: errors name the file and the reason', () => {
  const fmt = { tag: PCM, channels: 1, sampleRate: 8000, bits: 16 };
  const good = simpleWav(fmt, interleave([[1], [2]], s16));

  it('empty file', () => expect(reasonOf(new Uint8Array(0))).toBe('empty file (0 bytes)'));
  it('not RIFF/WAVE', () => {
    expect(reasonOf(new TextEncoder().encode('hello, this is not audio at all'))).toMatch(/^not a RIFF\/WAVE file/);
    expect(reasonOf(good.subarray(0, 5))).toMatch(/^not a RIFF\/WAVE file \(only 5 bytes\)/);
    const rifx = good.slice();
    rifx[3] = 'X'.charCodeAt(0);
    expect(reasonOf(rifx)).toMatch(/RIFX/);
  });
  it('unsupported format tag, named', () => {
    expect(reasonOf(simpleWav({ ...fmt, tag: 0x55 }, new Uint8Array(8)))).toBe('unsupported WAV encoding (format tag 0x0055, MPEG Layer 3)');
    expect(reasonOf(simpleWav({ ...fmt, tag: 0x0002, bits: 4 }, new Uint8Array(8)))).toBe('unsupported WAV encoding (format tag 0x0002, Microsoft ADPCM)');
    expect(reasonOf(simpleWav({ ...fmt, tag: 0x1234 }, new Uint8Array(8)))).toBe('unsupported WAV encoding (format tag 0x1234)');
  });
  it('unsupported extensible sub-format, named', () => {
    expect(reasonOf(simpleWav({ ...fmt, tag: EXT, subTag: 0x0055 }, new Uint8Array(8)))).toBe(
      'unsupported WAV encoding (WAVE_FORMAT_EXTENSIBLE sub-format format tag 0x0055, MPEG Layer 3)');
    const odd = simpleWav({ ...fmt, tag: EXT, subTag: PCM }, new Uint8Array(8));
    odd[20 + 24 + 5] ^= 0xff; // a byte of the GUID's fixed tail
    expect(reasonOf(odd)).toMatch(/WAVE_FORMAT_EXTENSIBLE sub-format GUID \{/);
    const short = riffWave([{ id: 'fmt ', body: fmtBody({ ...fmt, tag: EXT }) }, { id: 'data', body: new Uint8Array(4) }]);
    expect(reasonOf(short)).toMatch(/malformed WAVE_FORMAT_EXTENSIBLE/);
  });
  it('unsupported bit depths', () => {
    expect(reasonOf(simpleWav({ ...fmt, bits: 40 }, new Uint8Array(10)))).toBe('unsupported PCM bit depth (40 bits)');
    expect(reasonOf(simpleWav({ ...fmt, tag: FLOAT, bits: 16 }, new Uint8Array(10)))).toBe('unsupported IEEE float bit depth (16 bits)');
  });
  it('zero channels, implausible rates', () => {
    expect(reasonOf(simpleWav({ ...fmt, channels: 0 }, new Uint8Array(4)))).toBe("zero channels in the 'fmt ' chunk");
    expect(reasonOf(simpleWav({ ...fmt, sampleRate: 0 }, new Uint8Array(4)))).toMatch(/implausible sample rate 0 Hz/);
    expect(reasonOf(simpleWav({ ...fmt, sampleRate: 3 }, new Uint8Array(4)))).toMatch(/implausible sample rate 3 Hz/);
  });
  it('a cut header is an error; a cut data chunk is not', () => {
    expect(reasonOf(good.subarray(0, 30))).toBe("truncated header: the file ends inside the 'fmt ' chunk");
    expect(reasonOf(good.subarray(0, 36))).toBe("truncated header: no 'data' chunk before the end of the file");
    expect(reasonOf(riffWave([{ id: 'data', body: new Uint8Array(4) }]))).toMatch(/'data' chunk before any 'fmt '/);
    expect(reasonOf(riffWave([{ id: 'LIST', body: new Uint8Array(4) }]))).toMatch(/no 'fmt ' chunk/);
    expect(decodeWav(good.subarray(0, 46), 'x.wav').info).toMatchObject({ frameCount: 1, truncated: true });
  });
  it('a chunk size that points far past the end is not followed into an allocation', () => {
    const bytes = riffWave([{ id: 'fmt ', body: fmtBody(fmt) }, { id: 'JUNK', body: new Uint8Array(4), declaredSize: 0xfffffff0 }, { id: 'data', body: new Uint8Array(4) }]);
    expect(reasonOf(bytes)).toBe("truncated header: no 'data' chunk before the end of the file");
  });
});

describe('decodeAudio: container dispatch', () => {
  it('decodes WAV synchronously and sends other containers to the asynchronous path', () => {
    const wav = simpleWav({ tag: PCM, channels: 1, sampleRate: 8000, bits: 16 }, interleave([[1]], s16));
    expect(decodeAudio(wav, 'a.wav').info.frameCount).toBe(1);
    const flac = Uint8Array.from([0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 0]);
    expect(() => decodeAudio(flac, 'a.flac')).toThrow(/a\.flac: flac files can only be decoded asynchronously/);
  });
  it('parseWav finds the frames without decoding', () => {
    const wav = simpleWav({ tag: PCM, channels: 2, sampleRate: 8000, bits: 24 }, new Uint8Array(6 * 5));
    expect(parseWav(wav, 'a.wav')).toMatchObject({ frameCount: 5, dataBytes: 30, dataOffset: 44, truncated: false });
  });
});

describe('decodeWavMono', () => {
  const rand = seededRandom(7);
  const cases: Array<[string, { tag: number; bits: number; subTag?: number }, (v: number) => number[], () => number]> = [
    ['u8', { tag: PCM, bits: 8 }, (v) => [v], () => Math.floor(rand() * 256)],
    ['s16', { tag: PCM, bits: 16 }, s16, () => Math.floor(rand() * 65536) - 32768],
    ['s24 extensible', { tag: EXT, bits: 24, subTag: PCM }, s24, () => Math.floor(rand() * 16777216) - 8388608],
    ['s32', { tag: PCM, bits: 32 }, s32, () => Math.floor(rand() * 4294967296) - 2147483648],
    ['float32', { tag: FLOAT, bits: 32 }, f32, () => rand() * 2 - 1],
    ['float64', { tag: FLOAT, bits: 64 }, f64, () => rand() * 2 - 1],
    ['mu-law', { tag: 7, bits: 8 }, (v) => [v], () => Math.floor(rand() * 256)],
  ];
  it.each(cases)('%s: equals toMono(decodeWav(...)) for 1, 2 and 3 channels, aligned or not', (_, fmt, encode, draw) => {
    for (const channels of [1, 2, 3]) {
      const frames = Array.from({ length: 257 }, () => Array.from({ length: channels }, draw));
      const bytes = simpleWav({ ...fmt, channels, sampleRate: 16000 }, interleave(frames, encode));
      // At an odd offset inside a larger buffer, typed views cannot alias the bytes: the copy path.
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      // A Node Buffer at an odd offset too: its slice() is a view, not a copy (readFileSync gives Buffers).
      const buffer = Buffer.concat([Buffer.alloc(1), Buffer.from(bytes)]).subarray(1);
      const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      const reference = decodeWav(bytes, 'a.wav').channels;
      const expected = toMono(reference);
      for (const b of [bytes, shifted.subarray(1), buffer]) {
        decodeWav(b, 'a.wav').channels.forEach((ch, c) => expect(same(ch, reference[c])).toBe(true));
        expect(same(decodeWavMono(b, parseWav(b, 'a.wav')), expected)).toBe(true);
      }
    }
  });
});
