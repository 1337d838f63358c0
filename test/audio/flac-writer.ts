// A minimal FLAC writer for tests: one frame of VERBATIM subframes (the integers stored as they are), any
// bit depth from 8 to 24, so a decoder's scaling can be checked on known integers (there is no FLAC
// encoder on this machine). Layout from the FLAC format specification (RFC 9639).

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, bits: number): void {
    for (let b = bits - 1; b >= 0; b--) {
      this.acc = (this.acc << 1) | (Math.floor(value / 2 ** b) & 1);
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  /** Zero bits up to the next byte boundary. */
  align(): void {
    while (this.n !== 0) this.write(0, 1);
  }
  get length(): number {
    return this.bytes.length;
  }
  result(): number[] {
    return [...this.bytes];
  }
}

function crc8(bytes: number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Frame-header codes: the decoder may read frames without STREAMINFO, so rate and size are spelled out. */
const RATE_CODES: Record<number, number> = { 8000: 0b0100, 16000: 0b0101, 22050: 0b0110, 24000: 0b0111, 32000: 0b1000, 44100: 0b1001, 48000: 0b1010, 96000: 0b1011 };
const SIZE_CODES: Record<number, number> = { 8: 0b001, 12: 0b010, 16: 0b100, 20: 0b101, 24: 0b110 };

/**
 * A FLAC file holding `channels` (integer samples in [−2^(bits−1), 2^(bits−1) − 1], all the same length,
 * 16 to 65535 frames) at `sampleRate`, in one frame of verbatim subframes.
 */
export function verbatimFlac(channels: number[][], sampleRate: number, bitsPerSample: number): Uint8Array {
  if (!(sampleRate in RATE_CODES) || !(bitsPerSample in SIZE_CODES)) throw new Error(`verbatimFlac: no frame-header code for ${sampleRate} Hz / ${bitsPerSample} bits`);
  const frames = channels[0].length;
  const info = new BitWriter();
  info.write(frames, 16); // min block size
  info.write(frames, 16); // max block size
  info.write(0, 24); // min frame size: unknown
  info.write(0, 24); // max frame size: unknown
  info.write(sampleRate, 20);
  info.write(channels.length - 1, 3);
  info.write(bitsPerSample - 1, 5);
  info.write(frames, 36);
  for (let i = 0; i < 16; i++) info.write(0, 8); // MD5: all zero means not computed

  const frame = new BitWriter();
  frame.write(0b11111111111110, 14); // sync code
  frame.write(0, 1); // reserved
  frame.write(0, 1); // fixed block size
  frame.write(0b0111, 4); // block size − 1 follows as 16 bits
  frame.write(RATE_CODES[sampleRate], 4);
  frame.write(channels.length - 1, 4); // independent channels
  frame.write(SIZE_CODES[bitsPerSample], 3);
  frame.write(0, 1); // reserved
  frame.write(0, 8); // frame number 0 (UTF-8 coded: one byte)
  frame.write(frames - 1, 16);
  frame.write(crc8(frame.result()), 8);
  for (const channel of channels) {
    frame.write(0, 1); // padding bit
    frame.write(0b000001, 6); // VERBATIM
    frame.write(0, 1); // no wasted bits
    for (const x of channel) frame.write(x < 0 ? x + 2 ** bitsPerSample : x, bitsPerSample);
  }
  frame.align();
  const frameBytes = frame.result();
  const crc = crc16(frameBytes);

  const header = [0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]; // 'fLaC', last metadata block, STREAMINFO, 34 bytes
  return Uint8Array.from([...header, ...info.result(), ...frameBytes, crc >> 8, crc & 0xff]);
}
