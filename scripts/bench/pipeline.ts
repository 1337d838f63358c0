// Bench section `pipeline`: the tutorial's step 2 (load, mono, resample to 22050 Hz, 40-MFCC mean) per clip
// on one thread, side by side with torchaudio and librosa in the same run; batch throughput on 1 and 2
// workers; a cached re-run of 8,732 clips; where a clip's time goes.
//
// Clips: 200 real 4-s clips (the first 200 of ../shared/fixtures/urbansound8k-fold1) re-encoded the way
// UrbanSound8K ships most of its originals — 16-bit PCM stereo 44.1 kHz — with lib's own resampler and
// WAV encoder, in a temporary folder (the right channel is the left delayed by 7 samples, so the
// mix-down does real work). Every tool reads the same files.
//
// The peers run in one Python process (scripts/bench/pipeline_peers.py) kept alive for the whole run:
// torchaudio when `import torchaudio` works (one torch thread), librosa when importable; each is
// skipped with a message otherwise. Start-up (imports, building transforms) is excluded for every
// tool. Passes alternate soundlab / torchaudio / librosa so a change in the machine's load hits all of
// them; each clip's figure is its best pass, and the per-tool figure the median over the clips.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { decodeWavMono, encodeWav, loadAudioSync, parseWav, resample } from '../../lib/audio';
import { closeFeatureWorkers, extractFeatures } from '../../lib/features/extract';
import { logMelSpectrogram, melSpectrogram, mfccMean, mfccMeanFromLogMel } from '../../lib/features/mfcc';
import { defaultFftEngine } from '../../lib/features/stft';

const FIXTURES = resolve(process.env.SOUNDLAB_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures'));
const SAMPLE_RATE = 22050;
const CLIPS = 200;
const ROUNDS = 2;
const BATCH_CLIPS = 1000;
const DATASET_CLIPS = 8732; // UrbanSound8K's size

/** Targets (issue 12): one worker ≤ torchaudio per clip; two workers ≥ 1.8× one; cached re-run of 8,732 clips < 2 s. */
export const TARGETS = { twoWorkerSpeedup: 1.8, cachedRerunSeconds: 2 } as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

/** Process CPU time (user + system) in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Writes the 200 bench clips (16-bit stereo 44.1 kHz) into `dir`; returns their paths. */
function makeClips(dir: string): string[] {
  const source = join(FIXTURES, 'urbansound8k-fold1', 'audio');
  const names = readdirSync(source).filter((f) => f.endsWith('.wav')).sort().slice(0, CLIPS);
  const hourAgo = new Date(Date.now() - 3600_000);
  return names.map((name) => {
    const { samples, sampleRate } = loadAudioSync(join(source, name), { sampleRate: null });
    const left = resample(samples, sampleRate, 44100);
    const right = new Float32Array(left.length);
    right.set(left.subarray(0, left.length - 7), 7);
    const path = join(dir, name);
    writeFileSync(path, encodeWav([left, right], 44100, { encoding: 'pcm_s16le' }));
    // Settled files, as a dataset on disk is: the cache's FileIndex remembers only those.
    utimesSync(path, hourAgo, hourAgo);
    return path;
  });
}

interface PassTimes {
  ms: number[];
  cpuMs: number[];
  means: number[][];
}

function soundlabPass(paths: string[]): PassTimes {
  const out: PassTimes = { ms: [], cpuMs: [], means: [] };
  for (const path of paths) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const { samples, sampleRate } = loadAudioSync(path, { sampleRate: SAMPLE_RATE, mono: true });
    const m = mfccMean(samples, sampleRate, { nMfcc: 40 });
    out.ms.push(performance.now() - t0);
    out.cpuMs.push(cpuMs() - c0);
    out.means.push(Array.from(m));
  }
  return out;
}

/** The Python peers, one process answering one JSON request per line. */
class Peers {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: AsyncIterator<string>;

  constructor(python: string) {
    this.child = spawn(python, [join(__dirname, 'pipeline_peers.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.resume();
    this.replies = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask(request: object): Promise<{ ok: boolean; reason?: string; version?: string; ms?: number[]; cpu_ms?: number[]; means?: number[][] }> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const line = await this.replies.next();
    if (line.done) throw new Error('the Python peer process ended');
    return JSON.parse(line.value) as { ok: boolean };
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** The first Python that can import torch (PATH's python3 may be a separate install without the Debian packages). */
function findPython(): string | null {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import torchaudio'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import json'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

/** Per clip: the best of the rounds. */
const bestPerClip = (passes: number[][]) => passes[0].map((_, i) => Math.min(...passes.map((p) => p[i])));

/** Where a clip's time goes, stage by stage (CPU ms per clip, median over the clips). */
function breakdown(paths: string[]): Record<string, number> {
  const acc: Record<string, number[]> = { read: [], 'decode+mono': [], resample: [], 'stft+mel': [], powerToDb: [], 'mean+dct': [] };
  for (const path of paths) {
    const t0 = cpuMs();
    const bytes = readFileSync(path);
    const t1 = cpuMs();
    const layout = parseWav(bytes, path);
    const mono = decodeWavMono(bytes, layout);
    const t2 = cpuMs();
    const samples = resample(mono, layout.format.sampleRate, SAMPLE_RATE);
    const t3 = cpuMs();
    melSpectrogram(samples, SAMPLE_RATE);
    const t4 = cpuMs();
    const logMel = logMelSpectrogram(samples, SAMPLE_RATE);
    const t5 = cpuMs();
    mfccMeanFromLogMel(logMel, 40);
    const t6 = cpuMs();
    acc.read.push(t1 - t0);
    acc['decode+mono'].push(t2 - t1);
    acc.resample.push(t3 - t2);
    acc['stft+mel'].push(t4 - t3);
    // logMel = mel + dB (+ a transpose), so the difference isolates the dB stage.
    acc.powerToDb.push(t5 - t4 - (t4 - t3));
    acc['mean+dct'].push(t6 - t5);
  }
  return Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, Math.max(0, median(v))]));
}

/** One extractFeatures batch without cache; `fresh` closes the pool first so thread start-up is included. */
async function batch(paths: string[], workers: number, fresh: boolean): Promise<{ seconds: number; cpuSeconds: number; started: number }> {
  if (fresh) await closeFeatureWorkers();
  const c0 = cpuMs();
  const t0 = performance.now();
  const r = await extractFeatures(paths, { workers, cache: false, progress: false });
  const seconds = (performance.now() - t0) / 1000;
  if (r.skipped.length) throw new Error(`bench clips failed: ${r.skipped.map((s) => `${s.file}: ${s.reason}`).join('; ')}`);
  return { seconds, cpuSeconds: (cpuMs() - c0) / 1000, started: r.stats.workersStarted ?? 0 };
}

export async function run(): Promise<void> {
  try {
    readdirSync(join(FIXTURES, 'urbansound8k-fold1', 'audio'));
  } catch {
    console.log(`(skipped: no fixture clips under ${FIXTURES})`);
    return;
  }
  const uptime = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
  console.log(`machine: ${availableParallelism()} cores, Node ${process.version}; at start: ${uptime || `load ${loadavg().map(f2).join(' ')}`}`);
  console.log(`soundlab FFT engine: ${defaultFftEngine()} (${defaultFftEngine() === 'wasm' ? 'PFFFT WebAssembly SIMD + lib/features/kernels/stft.wat' : 'fft.js'})`);

  const tmp = mkdtempSync(join(tmpdir(), 'soundlab-bench-pipeline-'));
  const peers = (() => {
    const python = findPython();
    return python ? new Peers(python) : null;
  })();
  try {
    const paths = makeClips(tmp);
    console.log(`clips: ${paths.length} real 4-s clips from urbansound8k-fold1, re-encoded as 16-bit stereo 44.1 kHz WAV (UrbanSound8K's usual format)`);

    // Which peers can run.
    const peerNames: string[] = [];
    const versions: Record<string, string> = { soundlab: 'soundlab' };
    for (const name of ['torchaudio', 'librosa']) {
      const probe = peers ? await peers.ask({ tool: name, probe: true }) : { ok: false, reason: 'no python3 found' };
      if (probe.ok) {
        peerNames.push(name);
        versions[name] = probe.version ?? name;
      } else {
        console.log(`  ${name}: skipped (${probe.reason})`);
      }
    }

    // Warm-up (JIT, tables, PFFFT setup; the peers' first calls), not timed.
    const warm = paths.slice(0, 8);
    soundlabPass(warm);
    for (const name of peerNames) await peers!.ask({ tool: name, paths: warm });

    const passes: Record<string, { ms: number[][]; cpu: number[][]; means: number[][] }> = {};
    for (const name of ['soundlab', ...peerNames]) passes[name] = { ms: [], cpu: [], means: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const s = soundlabPass(paths);
      passes.soundlab.ms.push(s.ms);
      passes.soundlab.cpu.push(s.cpuMs);
      passes.soundlab.means = s.means;
      for (const name of peerNames) {
        const reply = await peers!.ask({ tool: name, paths });
        if (!reply.ok) throw new Error(`${name} failed: ${reply.reason}`);
        passes[name].ms.push(reply.ms!);
        passes[name].cpu.push(reply.cpu_ms!);
        passes[name].means = reply.means!;
      }
    }
    const perTool = Object.fromEntries(
      Object.entries(passes).map(([name, p]) => [name, { ms: median(bestPerClip(p.ms)), cpu: median(bestPerClip(p.cpu)) }]),
    );
    console.log(`\none thread, per clip (load + mono + resample to 22050 + 40-MFCC mean), median over ${paths.length} clips of each clip's best of ${ROUNDS} passes:`);
    const base = perTool.soundlab;
    for (const [name, t] of Object.entries(perTool)) {
      const ratio = name === 'soundlab' ? '' : `   soundlab is ${f2(t.ms / base.ms)}× faster (wall), ${f2(t.cpu / base.cpu)}× (CPU)`;
      console.log(`  ${versions[name].padEnd(52)} ${f2(t.ms).padStart(7)} ms wall  ${f2(t.cpu).padStart(7)} ms CPU${ratio}`);
    }
    for (const name of peerNames) {
      // Same recipe, different resampler and dB details: the rows should agree roughly, not exactly.
      const a = passes.soundlab.means;
      const b = passes[name].means;
      let sum = 0;
      let count = 0;
      a.forEach((row, i) => row.forEach((v, k) => {
        sum += Math.abs(v - b[i][k]);
        count++;
      }));
      console.log(`  (check: mean |soundlab − ${name}| over the ${count} MFCC means = ${f2(sum / count)}; coefficient 0 spans ~${f1(Math.max(...a.map((r) => Math.abs(r[0]))))})`);
    }

    const parts = breakdown(paths);
    console.log(`\nwhere a clip's time goes (CPU ms, median over the clips): ${Object.entries(parts).map(([k, v]) => `${k} ${f2(v)}`).join(' · ')}`);

    // Throughput, thread start-up included: the pool is closed before each batch. Order 2, 1, 1, 2 so
    // a drift in the machine's load does not favour either (and the last batch leaves two threads for
    // the reuse figure).
    const batchPaths = Array.from({ length: BATCH_CLIPS }, (_, i) => paths[i % paths.length]);
    const runs: Record<number, { seconds: number; cpuSeconds: number }[]> = { 1: [], 2: [] };
    for (const w of [2, 1, 1, 2]) runs[w].push(await batch(batchPaths, w, true));
    const best = (w: number) => runs[w].reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const rate = (w: number) => BATCH_CLIPS / best(w).seconds;
    console.log(`\nextractFeatures, ${BATCH_CLIPS} clips, no cache, thread start-up included (best of 2 batches each; CPU = all threads):`);
    for (const w of [1, 2]) {
      console.log(
        `  ${w} worker${w === 1 ? ' ' : 's'}: ${f1(rate(w)).padStart(6)} clips/s  (${runs[w].map((r) => `${f2(r.seconds)} s wall / ${f2(r.cpuSeconds)} s CPU`).join(', ')})` +
          (w === 2 ? `  = ${f2(rate(2) / rate(1))}× one worker` : ''),
      );
    }
    const reused = await batch(batchPaths, 2, false);
    console.log(`  2 workers again, threads kept from the previous call: ${f1(BATCH_CLIPS / reused.seconds)} clips/s (${f2(reused.seconds)} s wall / ${f2(reused.cpuSeconds)} s CPU), ${reused.started} threads started`);

    // The cache: 8,732 distinct names (hard links to the 200 clips: distinct paths, realistic files).
    const links = join(tmp, 'dataset');
    mkdirSync(links);
    const datasetPaths = Array.from({ length: DATASET_CLIPS }, (_, i) => {
      const p = join(links, `clip-${String(i).padStart(4, '0')}.wav`);
      linkSync(paths[i % paths.length], p);
      return p;
    });
    const cacheDir = join(tmp, 'cache');
    const c0 = performance.now();
    const cold = await extractFeatures(datasetPaths, { cacheDir, progress: false, workers: 2 });
    const coldSeconds = (performance.now() - c0) / 1000;
    const reruns: { seconds: number; cpuSeconds: number; cached: number; computed: number }[] = [];
    for (let r = 0; r < 3; r++) {
      const c1 = cpuMs();
      const w0 = performance.now();
      const again = await extractFeatures(datasetPaths, { cacheDir, progress: false, workers: 2 });
      reruns.push({ seconds: (performance.now() - w0) / 1000, cpuSeconds: (cpuMs() - c1) / 1000, cached: again.stats.cached, computed: again.stats.computed });
    }
    const warmSeconds = median(reruns.map((r) => r.seconds));
    const warmRun = reruns[0];
    console.log(`\ncache, ${DATASET_CLIPS} clips (${DATASET_CLIPS} hard-linked names over the ${paths.length} clips):`);
    console.log(`  first run (fills it; every file hashed in the workers): ${f2(coldSeconds)} s, ${cold.stats.computed} computed, ${cold.stats.cached} cached`);
    console.log(`  re-run ×3: ${reruns.map((r) => `${f2(r.seconds)} s wall / ${f2(r.cpuSeconds)} s CPU`).join(', ')}; median ${f2(warmSeconds)} s; ${warmRun.cached} cached, ${warmRun.computed} computed`);

    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`\npeak memory (maxRSS, whole process incl. workers): ${maxRssMb.toFixed(0)} MB`);
    const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
    const ta = perTool.torchaudio;
    console.log('targets:');
    console.log(`  one thread ≤ torchaudio per clip: ${ta ? `${f2(base.ms)} vs ${f2(ta.ms)} ms wall (${f2(base.cpu)} vs ${f2(ta.cpu)} CPU) ${verdict(base.ms <= ta.ms)}` : 'torchaudio not available'}`);
    console.log(`  two workers ≥ ${TARGETS.twoWorkerSpeedup}× one worker (start-up included, ${BATCH_CLIPS} clips): ${f2(rate(2) / rate(1))}× ${verdict(rate(2) / rate(1) >= TARGETS.twoWorkerSpeedup)}`);
    console.log(`  cached re-run of ${DATASET_CLIPS} clips < ${TARGETS.cachedRerunSeconds} s: ${f2(warmSeconds)} s ${verdict(warmSeconds < TARGETS.cachedRerunSeconds)}`);
    console.log(`at end: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
  } finally {
    peers?.close();
    await closeFeatureWorkers();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
