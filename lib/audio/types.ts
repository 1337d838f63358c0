// The shapes decoders hand back: channel arrays plus what the file said about its encoding.

/** Container formats `decodeAudio` recognises by their first bytes. */
export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg' | 'opus' | 'aac' | 'm4a' | 'qoa' | 'aiff' | 'webm' | 'wma' | 'other';

/** What a file says about its audio, as read from its header (or reported by its decoder). */
export interface AudioFileInfo {
  container: AudioContainer;
  /** Sample encoding, ffmpeg-style: 'pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'float32', 'float64', 'alaw', 'mulaw', or the codec ('mp3', 'flac', ...). */
  encoding: string;
  /** WAV format tag as written in the 'fmt ' chunk (0xFFFE for WAVE_FORMAT_EXTENSIBLE); 0 for non-WAV containers. */
  formatTag: number;
  /** True when the file uses WAVE_FORMAT_EXTENSIBLE (the sub-format GUID gave the encoding). */
  extensible: boolean;
  /** Bits per sample of the stored container word (8, 16, 24, 32, 64); 0 when the codec has none (mp3, ...). */
  bitsPerSample: number;
  channelCount: number;
  /** Native sample rate in Hz. */
  sampleRate: number;
  /** Frames (samples per channel) actually decoded. */
  frameCount: number;
  /** frameCount / sampleRate, in seconds. */
  durationSeconds: number;
  /** True when the data chunk claims more bytes than the file holds (the frames present were decoded). */
  truncated: boolean;
}

/** Decoded audio: one Float32Array per channel (all the same length), values in [-1, 1) for integer encodings. */
export interface DecodedAudio {
  channels: Float32Array[];
  /** Native sample rate in Hz. */
  sampleRate: number;
  info: AudioFileInfo;
}
