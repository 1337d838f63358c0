// RIFF/WAVE parsing and PCM/float decoding, scaled to float the way libsndfile (and so librosa) does.
//
// Why our own parser rather than wav-decoder 1.3.0 (which the project also depends on, and which the
// tests use as a cross-check on the plain 16-bit files): wav-decoder rejects WAVE_FORMAT_EXTENSIBLE
// (0xFFFE), which UrbanSound8K uses for many 24-bit files; its default integer scaling is asymmetric
// (x/32767 for positive values) and its 8-bit scaling is (x-127.5)/127.5 even with `symmetric`, neither
// of which is libsndfile's x/2^(bits-1); its 24-bit reader mis-signs the value 0x800000; a cut header
// surfaces as a raw RangeError from a DataView, and a zero block size makes it allocate an
// Infinity-length array. Its per-sample closure calls are also several times slower than the typed
// loops below. Fixing all that around it would leave nothing of it in use, so every WAV goes through here.

import { AudioDecodeError } from './errors';
import { toMono } from './mono';
import type { AudioFileInfo, DecodedAudio } from './types';

/** How the samples of a WAV file are stored, from its 'fmt ' chunk. */
export interface WavFormat {
  /** Format tag as written (0x0001 PCM, 0x0003 IEEE float, 0xFFFE extensible, ...). */
  formatTag: number;
  /** The tag that decides decoding: the sub-format of an extensible file, else formatTag. */
  effectiveTag: number;
  extensible: boolean;
  channelCount: number;
  /** Hz. */
  sampleRate: number;
  /** Bits per stored sample word (the container size; an extensible file's valid bits may be fewer). */
  bitsPerSample: number;
  /** Bytes per frame as decoded: channelCount × ceil(bitsPerSample / 8). */
  blockAlign: number;
  encoding: WavSampleEncoding;
}

export type WavSampleEncoding = 'pcm_u8' | 'pcm_s16le' | 'pcm_s24le' | 'pcm_s32le' | 'float32' | 'float64' | 'alaw' | 'mulaw';

/** Where the audio of a WAV file is: its format, the byte range of the frames present, and whether the data chunk was cut. */
export interface WavLayout {
  format: WavFormat;
  dataOffset: number;
  /** Bytes of whole frames actually present (≤ declared size). */
  dataBytes: number;
  frameCount: number;
  truncated: boolean;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Names of format tags people meet in the wild, so an error can say what the file is. */
const FORMAT_TAG_NAMES: Record<number, string> = {
  0x0001: 'PCM',
  0x0002: 'Microsoft ADPCM',
  0x0003: 'IEEE float',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0022: 'TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG Layer 1/2',
  0x0055: 'MPEG Layer 3',
  0x0092: 'Dolby AC-3 SPDIF',
  0x00ff: 'AAC',
  0x0160: 'Windows Media Audio v1',
  0x0161: 'Windows Media Audio',
  0x0162: 'Windows Media Audio Pro',
  0x0163: 'Windows Media Audio Lossless',
  0x1610: 'MPEG-4 AAC (HE-AAC)',
  0x2000: 'Dolby AC-3',
  0x2001: 'DTS',
  0xf1ac: 'FLAC',
  0xfffe: 'WAVE_FORMAT_EXTENSIBLE',
};

/** More channels than any real recording has; a header claiming more is corrupt (and would cost memory per channel). */
const MAX_CHANNELS = 256;

/**
 * Sample rates outside this range are corrupt headers, not audio; rejecting them keeps a flipped
 * byte from turning a small file into a gigantic resampling job (1 Hz → 22050 Hz is ×22050).
 */
const MIN_SAMPLE_RATE = 1000;
const MAX_SAMPLE_RATE = 1_000_000;

/** `0x0055` style, four hex digits. */
const hexTag = (tag: number) => `0x${tag.toString(16).toUpperCase().padStart(4, '0')}`;

const describeTag = (tag: number) => {
  const name = FORMAT_TAG_NAMES[tag];
  return name ? `format tag ${hexTag(tag)}, ${name}` : `format tag ${hexTag(tag)}`;
};

/** The 14 bytes after the first two of every standard KSDATAFORMAT_SUBTYPE GUID (xxxx0000-0000-0010-8000-00AA00389B71). */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const fourCC = (bytes: Uint8Array, at: number) =>
  String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);

const isChunkId = (bytes: Uint8Array, at: number) => {
  if (at + 4 > bytes.length) return false;
  for (let i = at; i < at + 4; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  return true;
};

const guidString = (b: Uint8Array, at: number) => {
  const h = (i: number) => b[at + i].toString(16).padStart(2, '0');
  const le = (...idx: number[]) => idx.map(h).join('');
  return `{${le(3, 2, 1, 0)}-${le(5, 4)}-${le(7, 6)}-${le(8, 9)}-${le(10, 11, 12, 13, 14, 15)}}`.toUpperCase();
};

/** Reads a 'fmt ' chunk body of `size` bytes at `at` (all present in `bytes`). */
function parseFormat(bytes: Uint8Array, view: DataView, at: number, size: number, path: string): WavFormat {
  if (size < 14) throw new AudioDecodeError(path, `malformed 'fmt ' chunk (${size} bytes, need at least 16)`);
  const formatTag = view.getUint16(at, true);
  const channelCount = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  // WAVEFORMAT (14 bytes, no bits field) only exists for ancient 8-bit files: treat it as 8 bits.
  const bitsPerSample = size >= 16 ? view.getUint16(at + 14, true) : 8;
  let effectiveTag = formatTag;
  const extensible = formatTag === WAVE_FORMAT_EXTENSIBLE;
  if (extensible) {
    if (size < 40) {
      throw new AudioDecodeError(path, `malformed WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk (${size} bytes, need 40)`);
    }
    const guidAt = at + 24;
    effectiveTag = view.getUint16(guidAt, true);
    const standard = SUBTYPE_GUID_TAIL.every((v, i) => bytes[guidAt + 2 + i] === v);
    if (!standard || (effectiveTag !== WAVE_FORMAT_PCM && effectiveTag !== WAVE_FORMAT_IEEE_FLOAT &&
        effectiveTag !== WAVE_FORMAT_ALAW && effectiveTag !== WAVE_FORMAT_MULAW)) {
      const what = standard ? describeTag(effectiveTag) : `GUID ${guidString(bytes, guidAt)}`;
      throw new AudioDecodeError(path, `unsupported WAV encoding (WAVE_FORMAT_EXTENSIBLE sub-format ${what})`);
    }
  }
  if (channelCount === 0) throw new AudioDecodeError(path, "zero channels in the 'fmt ' chunk");
  if (channelCount > MAX_CHANNELS) {
    throw new AudioDecodeError(path, `implausible channel count ${channelCount} in the 'fmt ' chunk (corrupt header?)`);
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioDecodeError(path, `implausible sample rate ${sampleRate} Hz in the 'fmt ' chunk (corrupt header?)`);
  }

  let encoding: WavSampleEncoding;
  switch (effectiveTag) {
    case WAVE_FORMAT_PCM: {
      // Bit depths that are not a whole number of bytes (12, 20) are stored left-justified in the
      // next container size; libsndfile decodes them as that container, and so do we.
      const containerBytes = Math.ceil(bitsPerSample / 8);
      const byWidth: Record<number, WavSampleEncoding> = { 1: 'pcm_u8', 2: 'pcm_s16le', 3: 'pcm_s24le', 4: 'pcm_s32le' };
      const enc = byWidth[containerBytes];
      if (!enc) throw new AudioDecodeError(path, `unsupported PCM bit depth (${bitsPerSample} bits)`);
      encoding = enc;
      break;
    }
    case WAVE_FORMAT_IEEE_FLOAT:
      if (bitsPerSample === 32) encoding = 'float32';
      else if (bitsPerSample === 64) encoding = 'float64';
      else throw new AudioDecodeError(path, `unsupported IEEE float bit depth (${bitsPerSample} bits)`);
      break;
    case WAVE_FORMAT_ALAW:
    case WAVE_FORMAT_MULAW:
      if (bitsPerSample !== 8) {
        throw new AudioDecodeError(path, `unsupported ${FORMAT_TAG_NAMES[effectiveTag]} bit depth (${bitsPerSample} bits)`);
      }
      encoding = effectiveTag === WAVE_FORMAT_ALAW ? 'alaw' : 'mulaw';
      break;
    default:
      throw new AudioDecodeError(path, `unsupported WAV encoding (${describeTag(formatTag)})`);
  }
  const bytesPerSample = encoding === 'float64' ? 8 : Math.ceil(bitsPerSample / 8);
  return {
    formatTag,
    effectiveTag,
    extensible,
    channelCount,
    sampleRate,
    bitsPerSample: bytesPerSample * 8,
    blockAlign: bytesPerSample * channelCount,
    encoding,
  };
}

/**
 * Walks the RIFF chunks of a WAV file and finds its format and audio data, without decoding.
 * A data chunk that claims more bytes than the file holds is clipped to the whole frames present
 * (libsndfile does the same, so librosa loads such files); a header cut before the data chunk, a
 * missing 'fmt ' chunk, or anything that is not RIFF/WAVE throws AudioDecodeError.
 */
export function parseWav(bytes: Uint8Array, path: string): WavLayout {
  if (bytes.length === 0) throw new AudioDecodeError(path, 'empty file (0 bytes)');
  if (bytes.length < 12) {
    throw new AudioDecodeError(path, `not a RIFF/WAVE file (only ${bytes.length} bytes)`);
  }
  const riff = fourCC(bytes, 0);
  if (riff === 'RIFX') throw new AudioDecodeError(path, 'big-endian RIFX WAV files are not supported');
  if (riff === 'RF64') throw new AudioDecodeError(path, 'RF64 (64-bit WAV) files are not supported');
  if (riff !== 'RIFF' || fourCC(bytes, 8) !== 'WAVE') {
    throw new AudioDecodeError(path, 'not a RIFF/WAVE file (no RIFF....WAVE signature)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | null = null;
  let pos = 12;
  // Every step advances pos by at least 8, so this loop ends within bytes.length / 8 steps.
  while (pos + 8 <= bytes.length) {
    const id = fourCC(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (body + size > bytes.length) {
        throw new AudioDecodeError(path, "truncated header: the file ends inside the 'fmt ' chunk");
      }
      format = parseFormat(bytes, view, body, size, path);
    } else if (id === 'data') {
      if (!format) throw new AudioDecodeError(path, "malformed WAV: 'data' chunk before any 'fmt ' chunk");
      const available = bytes.length - body;
      // 0 and 0xFFFFFFFF are what streaming writers leave when they never came back to fill in the size.
      const declared = size === 0xffffffff || (size === 0 && available > 0 && isStreamingSize(bytes, body)) ? available : size;
      const present = Math.min(declared, available);
      const frameCount = Math.floor(present / format.blockAlign);
      return {
        format,
        dataOffset: body,
        dataBytes: frameCount * format.blockAlign,
        frameCount,
        truncated: declared > available,
      };
    }
    // Chunks are padded to an even size; some writers forget the pad byte, so only skip it when a
    // chunk id actually follows it.
    let next = body + size;
    if (size % 2 === 1 && !isChunkId(bytes, next) && isChunkId(bytes, next + 1)) next += 1;
    else if (size % 2 === 1 && next < bytes.length && bytes[next] === 0) next += 1;
    pos = next;
  }
  if (!format) throw new AudioDecodeError(path, "truncated or malformed header: no 'fmt ' chunk");
  throw new AudioDecodeError(path, "truncated header: no 'data' chunk before the end of the file");
}

/**
 * A data size of 0 followed by more bytes is ambiguous: an empty data chunk followed by other chunks,
 * or a streamed file whose size was never written. It is an empty chunk only if a chunk id follows.
 */
function isStreamingSize(bytes: Uint8Array, body: number): boolean {
  return !isChunkId(bytes, body);
}

/** Sun's G.711 A-law expansion (the table libsndfile uses): 8-bit code → 16-bit linear. */
function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else {
    t += 0x108;
    if (segment > 1) t <<= segment - 1;
  }
  return a & 0x80 ? t : -t;
}

/** Sun's G.711 mu-law expansion: 8-bit code → 16-bit linear. */
function mulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

let companderTables: { alaw: Float32Array; mulaw: Float32Array } | null = null;
const companders = () => {
  if (!companderTables) {
    const alaw = new Float32Array(256);
    const mulaw = new Float32Array(256);
    for (let c = 0; c < 256; c++) {
      alaw[c] = alawToLinear(c) / 32768;
      mulaw[c] = mulawToLinear(c) / 32768;
    }
    companderTables = { alaw, mulaw };
  }
  return companderTables;
};

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Interleaved sample words of the data chunk as a typed array, and the factor that scales them to float. */
interface SampleWords {
  words: Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  scale: number;
  /** Added before scaling (−128 for unsigned 8-bit). */
  bias: number;
}

/**
 * A typed view of `count` little-endian words of `width` bytes at `offset`: the file's own bytes when
 * aligned (no copy), an aligned copy otherwise, read through a DataView on a big-endian host.
 */
function wordsAt<T extends Int16Array | Int32Array | Float32Array | Float64Array>(
  Kind: { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T; new (length: number): T },
  bytes: Uint8Array, offset: number, count: number, width: number,
  read: (view: DataView, at: number) => number,
): T {
  if (!LITTLE_ENDIAN_HOST) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * width);
    const out = new Kind(count);
    for (let i = 0; i < count; i++) out[i] = read(view, i * width);
    return out;
  }
  const at = bytes.byteOffset + offset;
  if (at % width === 0) return new Kind(bytes.buffer, at, count);
  // Copy through subarray: a Node Buffer's slice() is a view of the whole file, not a copy.
  return new Kind(new Uint8Array(bytes.subarray(offset, offset + count * width)).buffer, 0, count);
}

function sampleWords(bytes: Uint8Array, layout: WavLayout): SampleWords {
  const { format, dataOffset } = layout;
  const count = layout.frameCount * format.channelCount;
  switch (format.encoding) {
    case 'pcm_u8':
      return { words: bytes.subarray(dataOffset, dataOffset + count), scale: 1 / 128, bias: -128 };
    case 'pcm_s16le':
      return { words: wordsAt(Int16Array, bytes, dataOffset, count, 2, (v, i) => v.getInt16(i, true)), scale: 1 / 32768, bias: 0 };
    case 'pcm_s24le': {
      const words = new Int32Array(count);
      for (let i = 0, p = dataOffset; i < count; i++, p += 3) {
        // (b2 << 24) >> 8 sign-extends the top byte.
        words[i] = bytes[p] | (bytes[p + 1] << 8) | ((bytes[p + 2] << 24) >> 8);
      }
      return { words, scale: 1 / 8388608, bias: 0 };
    }
    case 'pcm_s32le':
      return { words: wordsAt(Int32Array, bytes, dataOffset, count, 4, (v, i) => v.getInt32(i, true)), scale: 1 / 2147483648, bias: 0 };
    case 'float32':
      return { words: wordsAt(Float32Array, bytes, dataOffset, count, 4, (v, i) => v.getFloat32(i, true)), scale: 1, bias: 0 };
    case 'float64':
      return { words: wordsAt(Float64Array, bytes, dataOffset, count, 8, (v, i) => v.getFloat64(i, true)), scale: 1, bias: 0 };
    case 'alaw':
    case 'mulaw': {
      const table = companders()[format.encoding];
      const words = new Float32Array(count);
      for (let i = 0; i < count; i++) words[i] = table[bytes[dataOffset + i]];
      return { words, scale: 1, bias: 0 };
    }
  }
}

/**
 * Decodes the interleaved frames of `layout` into one Float32Array per channel.
 * Integer scaling is libsndfile's: u8 → (x − 128) / 128, s16 → x / 32768, s24 → x / 2^23,
 * s32 → x / 2^31 (rounded to float32); float64 is rounded to float32.
 */
export function decodeWavFrames(bytes: Uint8Array, layout: WavLayout): Float32Array[] {
  const { frameCount } = layout;
  const channelCount = layout.format.channelCount;
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frameCount));
  if (frameCount === 0) return channels;
  const { words, scale, bias } = sampleWords(bytes, layout);
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c];
    for (let i = 0, p = c; i < frameCount; i++, p += channelCount) out[i] = (words[p] + bias) * scale;
  }
  return channels;
}

/** out[i] = (L + R) / 65536 over interleaved 16-bit stereo words, in a function of its own so V8 compiles it for Int16Array alone. */
function mixInt16Stereo(words: Int16Array, out: Float32Array): Float32Array {
  for (let i = 0, p = 0; i < out.length; i++, p += 2) out[i] = (words[p] + words[p + 1]) * (1 / 65536);
  return out;
}

/**
 * Decodes and mixes down in one pass: the same numbers as `toMono(decodeWavFrames(bytes, layout))`
 * (each sample rounded to float32 first, then the float32 mean), without the per-channel arrays.
 */
export function decodeWavMono(bytes: Uint8Array, layout: WavLayout): Float32Array {
  const { frameCount } = layout;
  const channelCount = layout.format.channelCount;
  if (channelCount > 2) return toMono(decodeWavFrames(bytes, layout));
  const out = new Float32Array(frameCount);
  if (frameCount === 0) return out;
  if (layout.format.encoding === 'pcm_s24le' && channelCount === 2) {
    // The 24-bit extensible UrbanSound8K files: straight from the bytes, no intermediate words.
    // (L + R) / 2^24 rounds once to float32, exactly as float32(L / 2^23) + float32(R / 2^23), halved.
    for (let i = 0, p = layout.dataOffset; i < frameCount; i++, p += 6) {
      const left = bytes[p] | (bytes[p + 1] << 8) | ((bytes[p + 2] << 24) >> 8);
      const right = bytes[p + 3] | (bytes[p + 4] << 8) | ((bytes[p + 5] << 24) >> 8);
      out[i] = (left + right) * (1 / 16777216);
    }
    return out;
  }
  const { words, scale, bias } = sampleWords(bytes, layout);
  if (words instanceof Int16Array && channelCount === 2) {
    // 16-bit stereo, most of UrbanSound8K, in its own loop (one element type, so V8 keeps it fast):
    // (L + R) / 65536 is exact in float32, as numpy's float32 mean of L / 32768 and R / 32768 is.
    return mixInt16Stereo(words, out);
  }
  if (channelCount === 1) {
    for (let i = 0; i < frameCount; i++) out[i] = (words[i] + bias) * scale;
  } else {
    const fround = Math.fround;
    for (let i = 0, p = 0; i < frameCount; i++, p += 2) {
      out[i] = (fround((words[p] + bias) * scale) + fround((words[p + 1] + bias) * scale)) * 0.5;
    }
  }
  return out;
}

/** The AudioFileInfo of a parsed WAV layout (no samples decoded). */
export function wavInfo(layout: WavLayout): AudioFileInfo {
  const { format } = layout;
  return {
    container: 'wav',
    encoding: format.encoding,
    formatTag: format.formatTag,
    extensible: format.extensible,
    bitsPerSample: format.bitsPerSample,
    channelCount: format.channelCount,
    sampleRate: format.sampleRate,
    frameCount: layout.frameCount,
    durationSeconds: layout.frameCount / format.sampleRate,
    truncated: layout.truncated,
  };
}

/**
 * Decodes a whole WAV file (bytes of the file) into float channels.
 * @throws AudioDecodeError naming `path` and the reason (not RIFF/WAVE, truncated header,
 *   unsupported encoding with its tag, zero channels, ...). Never a RangeError.
 */
export function decodeWav(bytes: Uint8Array, path: string): DecodedAudio {
  const layout = parseWav(bytes, path);
  return { channels: decodeWavFrames(bytes, layout), sampleRate: layout.format.sampleRate, info: wavInfo(layout) };
}
