// Bench section `audio`: ms per clip to decode, and to mix down + resample, on the real fixture clips.
//
// Groups: the UrbanSound8K originals (44.1 kHz stereo 16-bit; the 48 kHz 24-bit extensible one),
// the 300 fold-1 clips (22050 Hz mono: decode only, no resampling) and the 1500 FSDD clips
// (8 kHz → 22050 Hz). Prints min and median per clip of: decoding to channels (decodeAudio), decoding
// and mixing down in one pass (what loadAudio does), resampling the mono signal, and loadAudioSync as
// a whole (file read included); CPU time of this thread (honest when other processes share the
// cores) and wall time. Then the same with the resampler's JS fallback.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeAudio, decodeWavMono, loadAudioSync, parseWav } from '../../lib/audio';
import { resampleWith } from '../../lib/audio/resample';
import type { ResampleEngine } from '../../lib/audio/resample';

const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures'));
const TARGET_RATE = 22050;

interface Group {
  name: string;
  files: string[];
  /** Passes over the group (small groups get more, so medians are stable). */
  reps: number;
}

function wavs(dir: string, filter: (name: string) => boolean = () => true): string[] {
  try {
    return readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.wav') && filter(f)).sort().map((f) => join(FIXTURES, dir, f));
  } catch {
    return [];
  }
}

/** Wall and CPU milliseconds of one call. */
function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(2)}  median ${median(xs).toFixed(2)}`;

function benchGroup(group: Group, engine: ResampleEngine): void {
  const names = ['decode to channels', 'decode + mix (one pass)', 'resample', 'loadAudioSync (all)'] as const;
  const wall: number[][] = names.map(() => []);
  const cpu: number[][] = names.map(() => []);
  const record = (k: number, t: { wallMs: number; cpuMs: number }) => {
    wall[k].push(t.wallMs);
    cpu[k].push(t.cpuMs);
  };
  let audioSeconds = 0;
  // Files are read once up front for the first three figures: decoding and resampling, not the disk.
  const bytes = group.files.map((f) => readFileSync(f));
  for (let r = 0; r < group.reps; r++) {
    group.files.forEach((path, i) => {
      const d = timed(() => decodeAudio(bytes[i], path));
      record(0, d);
      const m = timed(() => decodeWavMono(bytes[i], parseWav(bytes[i], path)));
      record(1, m);
      record(2, timed(() => resampleWith(m.value, d.value.sampleRate, TARGET_RATE, engine)));
      if (engine === 'simd') record(3, timed(() => loadAudioSync(path)));
      if (r === 0) audioSeconds += d.value.info.durationSeconds;
    });
  }
  const n = group.files.length;
  console.log(`${group.name}: ${n} clips, ${(audioSeconds / n).toFixed(2)} s average, ${group.reps} pass(es), resampler ${engine}`);
  names.forEach((name, k) => {
    if (cpu[k].length) console.log(`  ${name.padEnd(24)} ms/clip  cpu ${fmt(cpu[k])}   wall ${fmt(wall[k])}`);
  });
}

export async function run(): Promise<void> {
  const us8k = wavs('urbansound8k/audio');
  if (us8k.length === 0) {
    console.log(`audio: fixtures not found at ${FIXTURES} (set SOUNDLAB_FIXTURES); nothing to measure`);
    return;
  }
  const is48k = (f: string) => readFileSync(f).readUInt32LE(24) === 48000;
  const groups: Group[] = [
    { name: 'UrbanSound8K originals, 44.1 kHz stereo 16-bit', files: us8k.filter((f) => !is48k(f)), reps: 10 },
    { name: 'UrbanSound8K original, 48 kHz stereo 24-bit extensible', files: us8k.filter(is48k), reps: 30 },
    { name: 'fold 1, 22050 Hz mono 16-bit (no resampling)', files: wavs('urbansound8k-fold1/audio'), reps: 1 },
    { name: 'FSDD, 8 kHz mono → 22050 Hz', files: wavs('fsdd'), reps: 1 },
  ].filter((g) => g.files.length > 0);
  // Warm-up: compile the decoder, the SIMD module and the phase tables before timing.
  for (const g of groups) for (const f of g.files.slice(0, 3)) loadAudioSync(f);
  for (const g of groups) benchGroup(g, 'simd');
  console.log('JS fallback resampler (no WebAssembly SIMD), for comparison:');
  for (const g of groups.slice(0, 2)) benchGroup({ ...g, reps: 2 }, 'js');
}

if (require.main === module) void run();
