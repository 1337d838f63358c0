// Hand-built WAV files for decoder tests: every byte of the header is spelled out here, not by the encoder under test.
import { mulberry32 } from '../../lib/util/random';

export interface ChunkSpec {
  id: string;
  body: Uint8Array;
  /** Write the declared size as this instead of body.length (for truncated or lying headers). */
  declaredSize?: number;
  /** Omit the pad byte after an odd-sized body (what some writers do). */
  noPad?: boolean;
}

export const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
export const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The 16 bytes of KSDATAFORMAT_SUBTYPE_PCM (tag 1) or _IEEE_FLOAT (tag 3). */
export const subtypeGuid = (tag: number) => [...u16(tag), 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** A 'fmt ' chunk body: 16 bytes, or 40 for WAVE_FORMAT_EXTENSIBLE with the sub-format GUID of `subTag`. */
export function fmtBody(o: { tag: number; channels: number; sampleRate: number; bits: number; subTag?: number; validBits?: number }): Uint8Array {
  const blockAlign = o.channels * Math.ceil(o.bits / 8);
  const base = [...u16(o.tag), ...u16(o.channels), ...u32(o.sampleRate), ...u32(o.sampleRate * blockAlign), ...u16(blockAlign), ...u16(o.bits)];
  if (o.subTag === undefined) return Uint8Array.from(base);
  return Uint8Array.from([...base, ...u16(22), ...u16(o.validBits ?? o.bits), ...u32(0x3), ...subtypeGuid(o.subTag)]);
}

/** RIFF/WAVE file from chunks, in order, with pad bytes after odd bodies unless told otherwise. */
export function riffWave(chunks: ChunkSpec[]): Uint8Array {
  const parts: number[] = [];
  const push = (values: ArrayLike<number>) => {
    for (let i = 0; i < values.length; i++) parts.push(values[i]);
  };
  for (const c of chunks) {
    push([...ascii(c.id), ...u32(c.declaredSize ?? c.body.length)]);
    push(c.body);
    if (c.body.length % 2 === 1 && !c.noPad) parts.push(0);
  }
  const header = [...ascii('RIFF'), ...u32(parts.length + 4), ...ascii('WAVE')];
  const out = new Uint8Array(header.length + parts.length);
  out.set(header);
  out.set(parts, header.length);
  return out;
}

/** Interleaved little-endian sample bytes from integer or float sample values, frame by frame. */
export function interleave(frames: number[][], encode: (v: number) => number[]): Uint8Array {
  const out: number[] = [];
  for (const frame of frames) for (const v of frame) for (const b of encode(v)) out.push(b);
  return Uint8Array.from(out);
}

export const s16 = (v: number) => u16(v & 0xffff);
export const s24 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
export const s32 = (v: number) => u32(v >>> 0);
export const f32 = (v: number) => [...new Uint8Array(Float32Array.of(v).buffer)];
export const f64 = (v: number) => [...new Uint8Array(Float64Array.of(v).buffer)];

/** A simple complete WAV: fmt + data (+ optional extra chunks before data). */
export function simpleWav(
  fmt: Parameters<typeof fmtBody>[0],
  data: Uint8Array,
  before: ChunkSpec[] = [],
): Uint8Array {
  return riffWave([{ id: 'fmt ', body: fmtBody(fmt) }, ...before, { id: 'data', body: data }]);
}

/** The project's seeded PRNG (mulberry32), so fuzz cases are the same on every run. */
export const seededRandom = mulberry32;
