import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportAudioFiles } from '../../lib/cli/info';
import { buildProgram } from '../../lib/cli/main';
import { interleave, s16, s24, simpleWav } from '../audio/wav-builder';

const dir = mkdtempSync(join(tmpdir(), 'soundlab-info-'));
const good = join(dir, 'good.wav');
const ext = join(dir, 'ext24.wav');
const bad = join(dir, 'bad.wav');
writeFileSync(good, simpleWav({ tag: 1, channels: 2, sampleRate: 44100, bits: 16 }, interleave(Array.from({ length: 44100 }, () => [1, -1]), s16)));
writeFileSync(ext, simpleWav({ tag: 0xfffe, channels: 1, sampleRate: 48000, bits: 24, subTag: 1 }, interleave(Array.from({ length: 12000 }, () => [7]), s24)));
writeFileSync(bad, simpleWav({ tag: 0x55, channels: 2, sampleRate: 44100, bits: 0 }, new Uint8Array(100)));

describe('soundlab info', () => {
  it('reports every file in order, failures with their reason, and counts the failures', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const failed = await reportAudioFiles([good, join(dir, 'missing.wav'), ext, bad], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(failed).toBe(2);
    expect(out).toEqual([
      `${good}: wav pcm_s16le, 2 channels, 44100 Hz, 1.000 s (44100 frames)`,
      `${ext}: wav pcm_s24le (extensible), 1 channel, 48000 Hz, 0.250 s (12000 frames)`,
    ]);
    expect(err).toEqual([
      `${join(dir, 'missing.wav')}: error: no such file`,
      `${bad}: error: unsupported WAV encoding (format tag 0x0055, MPEG Layer 3)`,
    ]);
  });

  it('describes compressed files by their codec', async () => {
    const out: string[] = [];
    const flac = resolve(__dirname, '../audio/data/tone.flac');
    expect(await reportAudioFiles([flac], { out: (l) => out.push(l), err: (l) => { throw new Error(l); } })).toBe(0);
    expect(out).toEqual([`${flac}: flac, 2 channels, 16000 Hz, 0.250 s (4000 frames)`]);
  });

  it('is registered with --help', () => {
    const info = buildProgram().commands.find((c) => c.name() === 'info');
    expect(info).toBeDefined();
    expect(info!.helpInformation()).toMatch(/Usage: soundlab info \[options\] <files\.\.\.>/);
  });

  it('bin/soundlab info prints all files and exits 1 when one failed, 0 when none did', () => {
    const bin = resolve(__dirname, '../../bin/soundlab');
    const mixed = spawnSync(process.execPath, [bin, 'info', bad, good], { encoding: 'utf8', timeout: 60_000 });
    expect(mixed.status).toBe(1);
    expect(mixed.stdout).toContain(`${good}: wav pcm_s16le, 2 channels, 44100 Hz, 1.000 s`);
    expect(mixed.stderr).toContain(`${bad}: error: unsupported WAV encoding (format tag 0x0055, MPEG Layer 3)`);
    const fine = spawnSync(process.execPath, [bin, 'info', good, ext], { encoding: 'utf8', timeout: 60_000 });
    expect(fine.status).toBe(0);
    expect(fine.stdout.trim().split('\n')).toHaveLength(2);
  });
});
