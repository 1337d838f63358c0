// Bench section `features-core`: ms per clip of each spectral stage (stft, mel, log-mel, MFCC, descriptors) on one thread.
//
// Input: the 300 fold-1 clips (4.000 s, 22050 Hz mono: 173 frames of 2048), decoded once up front
// so only feature time is measured. Each stage runs over every clip once to warm up the JIT, then
// PASSES more times; the figure is the best pass's mean (least disturbed by other processes), with
// the fastest single clip (closest to an idle machine when others share the cores) and the process
// CPU time per clip beside it. librosa 0.10 needs about 8 ms for the MFCC of such a clip.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadAudioSync } from '../../lib/audio';
import { defaultFftEngine, descriptors, logMelSpectrogram, melSpectrogram, mfcc, powerSpectrogram } from '../../lib/features';

const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures'));
const PASSES = 5;
const LIBROSA_MFCC_MS = 8;

/** Best-pass mean wall time, fastest single clip and best-pass CPU time per clip, in ms. */
function measure(clips: Float32Array[], stage: (x: Float32Array) => unknown): { wallMs: number; fastestMs: number; cpuMs: number } {
  for (const x of clips) stage(x);
  let wallMs = Infinity;
  let fastestMs = Infinity;
  let cpuMs = Infinity;
  for (let p = 0; p < PASSES; p++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const x of clips) {
      const c0 = performance.now();
      stage(x);
      fastestMs = Math.min(fastestMs, performance.now() - c0);
    }
    wallMs = Math.min(wallMs, (performance.now() - t0) / clips.length);
    const cpu = process.cpuUsage(cpu0);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000 / clips.length);
  }
  return { wallMs, fastestMs, cpuMs };
}

export async function run(): Promise<void> {
  const dir = join(FIXTURES, 'urbansound8k-fold1', 'audio');
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort();
  } catch {
    console.log(`features-core: skipped, ${dir} not found (the shared fixtures are absent)`);
    return;
  }
  const clips = names.map((f) => loadAudioSync(join(dir, f), { sampleRate: null }).samples);
  const sampleRate = 22050;
  console.log(`${clips.length} clips of ${(clips[0].length / sampleRate).toFixed(3)} s at ${sampleRate} Hz, best of ${PASSES} passes, one thread; FFT engine ${defaultFftEngine()}`);
  // meyda's extractors are plain JS loops with Math.pow: time them on a tenth of the clips.
  const some = clips.slice(0, Math.max(1, Math.floor(clips.length / 10)));
  const stages: [string, (x: Float32Array) => unknown, Float32Array[]][] = [
    ['powerSpectrogram (1025 × 173)', (x) => powerSpectrogram(x), clips],
    ['  same, fft.js (the plain-JS twin)', (x) => powerSpectrogram(x, { engine: 'js' }), clips],
    ['melSpectrogram (128 × 173)', (x) => melSpectrogram(x, sampleRate), clips],
    ['  same, fft.js (the plain-JS twin)', (x) => melSpectrogram(x, sampleRate, { engine: 'js' }), clips],
    ['logMelSpectrogram', (x) => logMelSpectrogram(x, sampleRate), clips],
    ['mfcc (40 × 173)', (x) => mfcc(x, sampleRate), clips],
    ['descriptors rms + spectralCentroid', (x) => descriptors(x, sampleRate, ['rms', 'spectralCentroid']), some],
    ['descriptors chroma', (x) => descriptors(x, sampleRate, ['chroma']), some],
  ];
  for (const [label, stage, input] of stages) {
    const { wallMs, fastestMs, cpuMs } = measure(input, stage);
    const vs = label.startsWith('mfcc') ? `  (librosa ≈ ${LIBROSA_MFCC_MS} ms; target ≤ 5 ms)` : '';
    console.log(
      `  ${label.padEnd(38)} ${wallMs.toFixed(2).padStart(7)} ms/clip  (fastest clip ${fastestMs.toFixed(2)}, cpu ${cpuMs.toFixed(2)})${vs}`,
    );
  }
}
