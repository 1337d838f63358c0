// WAV encoding: float samples → a RIFF/WAVE file in any encoding UrbanSound8K ships (for sample data, tests, inline audio).
//
// Why our own encoder: wav-encoder 1.3.0 (the npm counterpart of wav-decoder; its source read before
// writing this) only writes a 16-byte `fmt ` chunk with tag 1 or 3 — no WAVE_FORMAT_EXTENSIBLE (the
// 24-bit 48 kHz layout with channel mask, valid bits and sub-format GUID that many UrbanSound8K files
// use), no float64, no `fact` chunk for float data, no pad byte after an odd-sized data chunk, and its
// default integer scaling is asymmetric (×32767 for positive, ×32768 for negative; 8-bit as
// (x/2 + 1/2)·255), which is not how libsndfile quantises. We need the files to look like the real
// dataset's and to round-trip exactly through a libsndfile-style decoder (int16 / 32768, …).

/** Sample encodings a WAV file can carry (libsndfile / soundfile subtype names in lower case). */
export type WavEncoding = 'pcm_u8' | 'pcm_s16le' | 'pcm_s24le' | 'pcm_s32le' | 'float32' | 'float64';

export interface WavEncodeOptions {
  /** Sample encoding; default `'pcm_s16le'`. */
  encoding?: WavEncoding;
  /**
   * Write WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE) with valid bits, a channel mask and the PCM / IEEE-float
   * sub-format GUID, plus a `fact` chunk — the header libsndfile writes for UrbanSound8K's 24-bit files.
   * Default false: plain tag 1 (PCM) or 3 (IEEE float).
   */
  extensible?: boolean;
}

/** Raised for inputs that cannot become a WAV file (no channels, unequal lengths, bad rate, too large). */
export class WavEncodeError extends Error {
  constructor(reason: string) {
    super(`cannot encode WAV: ${reason}`);
    this.name = 'WavEncodeError';
  }
}

const BITS: Record<WavEncoding, number> = {
  pcm_u8: 8,
  pcm_s16le: 16,
  pcm_s24le: 24,
  pcm_s32le: 32,
  float32: 32,
  float64: 64,
};

// KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00AA00389B71}, little-endian fields.
const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** The dwChannelMask libsndfile writes for the usual channel counts (0 = no speaker assignment). */
export function defaultChannelMask(channelCount: number): number {
  switch (channelCount) {
    case 1: return 0x4; // front centre
    case 2: return 0x3; // front left | front right
    case 3: return 0x7;
    case 4: return 0x33; // quad
    case 6: return 0x3f; // 5.1
    case 8: return 0x63f; // 7.1
    default: return 0;
  }
}

/** Round half to even, like C's lrintf in the default rounding mode (what libsndfile uses). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Scale a float in [-1, 1) to a signed integer of `bits` bits: ×2^(bits−1), round, clip. */
function quantise(x: number, bits: number): number {
  const full = 2 ** (bits - 1);
  if (Number.isNaN(x)) return 0;
  const q = roundHalfEven(x * full);
  return q >= full ? full - 1 : q < -full ? -full : q;
}

/**
 * Encode channels of float samples as a WAV file.
 *
 * @param channels one Float32Array per channel, all of the same length (frames); values nominally in
 *   [-1, 1]. Integer encodings quantise like libsndfile: multiply by 2^(bits−1) (128, 32768, 8388608,
 *   2^31), round to nearest (ties to even), clip to the integer range; `pcm_u8` then adds 128. Float
 *   encodings store the values unchanged (no clipping).
 * @param sampleRate frames per second in Hz (positive integer).
 * @param options encoding (default `'pcm_s16le'`) and `extensible` (default false).
 * @returns the complete file as bytes (`RIFF` size, `fmt `, optional `fact`, `data`, pad byte if odd).
 */
export function encodeWav(channels: Float32Array[], sampleRate: number, options: WavEncodeOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'pcm_s16le';
  const extensible = options.extensible ?? false;
  const bits = BITS[encoding];
  if (bits === undefined) throw new WavEncodeError(`unknown encoding '${String(encoding)}'`);
  const channelCount = channels.length;
  if (channelCount < 1 || channelCount > 65535) throw new WavEncodeError(`channel count ${channelCount} (need 1–65535)`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new WavEncodeError(`sample rate ${sampleRate} Hz (need a positive integer)`);
  }
  const frames = channels[0].length;
  for (let c = 1; c < channelCount; c++) {
    if (channels[c].length !== frames) {
      throw new WavEncodeError(`channel ${c} has ${channels[c].length} samples, channel 0 has ${frames}`);
    }
  }
  const isFloat = encoding === 'float32' || encoding === 'float64';
  const bytesPerSample = bits / 8;
  const blockAlign = bytesPerSample * channelCount;
  const dataBytes = frames * blockAlign;
  const pad = dataBytes % 2;
  // Float data needs a `fact` chunk (frame count) by the spec; libsndfile also writes one for extensible.
  const withFact = isFloat || extensible;
  const fmtBytes = extensible ? 40 : isFloat ? 18 : 16;
  const riffBytes = 4 + (8 + fmtBytes) + (withFact ? 12 : 0) + (8 + dataBytes + pad);
  if (riffBytes + 8 > 0xffffffff) throw new WavEncodeError(`${riffBytes} bytes exceed the 4 GiB RIFF limit`);

  const out = new Uint8Array(8 + riffBytes);
  const view = new DataView(out.buffer);
  let pos = 0;
  const tag = (s: string) => {
    for (let i = 0; i < 4; i++) out[pos++] = s.charCodeAt(i);
  };
  const u16 = (v: number) => {
    view.setUint16(pos, v, true);
    pos += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(pos, v, true);
    pos += 4;
  };

  tag('RIFF');
  u32(riffBytes);
  tag('WAVE');
  tag('fmt ');
  u32(fmtBytes);
  u16(extensible ? 0xfffe : isFloat ? 0x0003 : 0x0001);
  u16(channelCount);
  u32(sampleRate);
  u32(sampleRate * blockAlign);
  u16(blockAlign);
  u16(bits);
  if (extensible) {
    u16(22); // cbSize
    u16(bits); // valid bits per sample: the container is fully used
    u32(defaultChannelMask(channelCount));
    u16(isFloat ? 0x0003 : 0x0001);
    u16(0x0000);
    for (const b of GUID_TAIL) out[pos++] = b;
  } else if (isFloat) {
    u16(0); // cbSize
  }
  if (withFact) {
    tag('fact');
    u32(4);
    u32(frames);
  }
  tag('data');
  u32(dataBytes);

  switch (encoding) {
    case 'pcm_u8':
      for (let i = 0; i < frames; i++) for (let c = 0; c < channelCount; c++) out[pos++] = quantise(channels[c][i], 8) + 128;
      break;
    case 'pcm_s16le':
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) {
          view.setInt16(pos, quantise(channels[c][i], 16), true);
          pos += 2;
        }
      }
      break;
    case 'pcm_s24le':
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) {
          const q = quantise(channels[c][i], 24) & 0xffffff;
          out[pos++] = q & 0xff;
          out[pos++] = (q >> 8) & 0xff;
          out[pos++] = (q >> 16) & 0xff;
        }
      }
      break;
    case 'pcm_s32le':
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) {
          view.setInt32(pos, quantise(channels[c][i], 32), true);
          pos += 4;
        }
      }
      break;
    case 'float32':
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) {
          view.setFloat32(pos, channels[c][i], true);
          pos += 4;
        }
      }
      break;
    case 'float64':
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channelCount; c++) {
          view.setFloat64(pos, channels[c][i], true);
          pos += 8;
        }
      }
      break;
  }
  // The pad byte (already zero) keeps the next chunk word-aligned, as RIFF requires.
  return out;
}
