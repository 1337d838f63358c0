// `soundlab info FILE...`: what each audio file holds (encoding, channels, native rate, duration), or why it cannot be read.
import type { Command } from 'commander';
import { audioInfo, AudioDecodeError } from '../audio';
import type { AudioFileInfo } from '../audio';
import { consoleIo, type CliIo } from './io';

/** One line about a readable file, e.g. `a.wav: wav pcm_s24le (extensible), 2 channels, 48000 Hz, 4.000 s (192000 frames)`. */
export function describeAudioFile(path: string, info: AudioFileInfo): string {
  const codec = info.encoding === info.container ? info.container : `${info.container} ${info.encoding}`;
  const encoding = info.extensible ? `${codec} (extensible)` : codec;
  const channels = `${info.channelCount} channel${info.channelCount === 1 ? '' : 's'}`;
  const truncated = info.truncated ? ' [data chunk truncated: decoded the frames present]' : '';
  return `${path}: ${encoding}, ${channels}, ${info.sampleRate} Hz, ` +
    `${info.durationSeconds.toFixed(3)} s (${info.frameCount} frames)${truncated}`;
}

/**
 * Reports on every file in order: readable ones through `io.out`, failures (the file and the reason)
 * through `io.err`. Returns how many failed; it never stops at the first failure.
 */
export async function reportAudioFiles(paths: string[], io: CliIo = consoleIo): Promise<number> {
  const { out, err } = io;
  let failed = 0;
  for (const path of paths) {
    try {
      out(describeAudioFile(path, await audioInfo(path)));
    } catch (e: unknown) {
      if (!(e instanceof AudioDecodeError)) throw e;
      failed++;
      err(`${path}: error: ${e.reason}`);
    }
  }
  return failed;
}

export function register(program: Command): void {
  program
    .command('info')
    .description('Print encoding, channels, native sample rate and duration of audio files (exit code 1 if any cannot be read)')
    .argument('<files...>', 'audio files (WAV of any common encoding; MP3, FLAC, Ogg Vorbis, AIFF through audio-decode)')
    .action(async (files: string[]) => {
      const failed = await reportAudioFiles(files);
      if (failed > 0) process.exitCode = 1;
    });
}
