// `npm run make-sample [-- OUT_DIR]`: regenerate data.sample/ (synthetic UrbanSound8K-like clips in the tutorial's layout).
//
// Deterministic: every clip draws from its own seeded stream, so the output is byte-for-byte the same on
// every run (test/data/sample.test.ts checks the committed folder against a fresh generation).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeWav, type WavEncoding } from '../lib/audio/encode';
import { deriveSeed, mulberry32, shuffleInPlace, uniform } from '../lib/util/random';
import { type SyntheticClipOptions, synthesizeClip, URBANSOUND_CLASSES, type UrbanSoundClass } from './sample/synth';

/** Clips per class: proportions like the tutorial's train.csv (jackhammer most, gun_shot and car_horn least). */
export const SAMPLE_COUNTS: Record<UrbanSoundClass, { train: number; test: number }> = {
  air_conditioner: { train: 18, test: 4 },
  car_horn: { train: 9, test: 3 },
  children_playing: { train: 17, test: 4 },
  dog_bark: { train: 18, test: 4 },
  drilling: { train: 18, test: 4 },
  engine_idling: { train: 18, test: 5 },
  gun_shot: { train: 7, test: 3 },
  jackhammer: { train: 20, test: 5 },
  siren: { train: 18, test: 4 },
  street_music: { train: 17, test: 4 },
};

interface FileFormat {
  encoding: WavEncoding;
  sampleRate: number;
  channelCount: number;
  extensible: boolean;
  /** Relative frequency in the sample. */
  weight: number;
}

// The mix of encodings UrbanSound8K ships. Most clips are 16-bit mono at 22050 Hz: band-limited files
// (8–16 kHz rates leave the upper mel bands empty) are a real nuisance for MFCC means, and with only 160
// training clips too many of them drown the classes (measured: 1-NN leave-one-out accuracy 0.58 with half
// the clips at 11025/16000 Hz, 0.79 with this mix), so they stay a minority here, as in the real dataset.
const FORMATS: FileFormat[] = [
  { encoding: 'pcm_s16le', sampleRate: 44100, channelCount: 2, extensible: false, weight: 4 },
  { encoding: 'pcm_s24le', sampleRate: 48000, channelCount: 2, extensible: true, weight: 2 },
  { encoding: 'float32', sampleRate: 22050, channelCount: 1, extensible: false, weight: 4 },
  { encoding: 'pcm_u8', sampleRate: 11025, channelCount: 1, extensible: false, weight: 6 },
  { encoding: 'pcm_s16le', sampleRate: 22050, channelCount: 1, extensible: false, weight: 84 },
];

export const SAMPLE_SEED = 8732;
/** Clip durations in seconds (uniform). */
export const SAMPLE_DURATION_SECONDS: [number, number] = [0.5, 0.8];
/** Background noise and distractor settings of every clip. */
export const SAMPLE_CLIP_OPTIONS: Required<Pick<SyntheticClipOptions, 'snrDb' | 'distractorProbability'>> = {
  snrDb: [6, 30],
  distractorProbability: 0.2,
};
/** The train clip written with a truncated header, on purpose. */
export const CORRUPT_CLASS: UrbanSoundClass = 'dog_bark';

export interface SampleSummary {
  outDir: string;
  train: Array<{ id: number; className: UrbanSoundClass; format: string }>;
  test: Array<{ id: number; className: UrbanSoundClass; format: string }>;
  corruptId: number;
  bytes: number;
}

function pickFormat(u: number): FileFormat {
  const total = FORMATS.reduce((s, f) => s + f.weight, 0);
  let acc = 0;
  for (const f of FORMATS) {
    acc += f.weight / total;
    if (u < acc) return f;
  }
  return FORMATS[FORMATS.length - 1];
}

const describeFormat = (f: FileFormat) =>
  `${f.encoding}${f.extensible ? ' (extensible)' : ''} ${f.sampleRate} Hz ${f.channelCount === 1 ? 'mono' : 'stereo'}`;

/**
 * Write the sample dataset to `outDir` (replacing Train/, Test/ and the CSVs there).
 * @param seed master seed (default SAMPLE_SEED); each clip uses a stream derived from it and the clip's ID.
 */
export function makeSample(outDir: string, seed = SAMPLE_SEED, clipOptions: SyntheticClipOptions = SAMPLE_CLIP_OPTIONS): SampleSummary {
  const rng = mulberry32(seed);
  const labels: UrbanSoundClass[] = [];
  const splitOf: Array<'train' | 'test'> = [];
  for (const c of URBANSOUND_CLASSES) {
    for (let i = 0; i < SAMPLE_COUNTS[c].train; i++) (labels.push(c), splitOf.push('train'));
    for (let i = 0; i < SAMPLE_COUNTS[c].test; i++) (labels.push(c), splitOf.push('test'));
  }
  // IDs are a shuffled 0..N-1 over train and test together, as in the tutorial's files.
  const ids = shuffleInPlace(Array.from({ length: labels.length }, (_, i) => i), rng);
  const corruptIndex = labels.findIndex((c, i) => c === CORRUPT_CLASS && splitOf[i] === 'train');

  for (const dir of ['Train', 'Test']) rmSync(join(outDir, dir), { recursive: true, force: true });
  mkdirSync(join(outDir, 'Train'), { recursive: true });
  mkdirSync(join(outDir, 'Test'), { recursive: true });

  const summary: SampleSummary = { outDir: resolve(outDir), train: [], test: [], corruptId: ids[corruptIndex], bytes: 0 };
  labels.forEach((className, k) => {
    const id = ids[k];
    const clipRng = mulberry32(deriveSeed(seed, `clip-${id}`));
    const format = pickFormat(clipRng());
    const durationSeconds = uniform(clipRng, SAMPLE_DURATION_SECONDS[0], SAMPLE_DURATION_SECONDS[1]);
    const frameCount = Math.round(durationSeconds * format.sampleRate);
    const channels = synthesizeClip(className, clipRng, format.sampleRate, frameCount, format.channelCount, clipOptions);
    let bytes = encodeWav(channels, format.sampleRate, { encoding: format.encoding, extensible: format.extensible });
    // What real data has: a file cut off inside its header (the `fmt ` chunk ends early).
    if (k === corruptIndex) bytes = bytes.subarray(0, 30);
    const split = splitOf[k];
    writeFileSync(join(outDir, split === 'train' ? 'Train' : 'Test', `${id}.wav`), bytes);
    summary.bytes += bytes.length;
    summary[split].push({ id, className, format: k === corruptIndex ? 'corrupt (truncated header)' : describeFormat(format) });
  });
  summary.train.sort((a, b) => a.id - b.id);
  summary.test.sort((a, b) => a.id - b.id);
  writeFileSync(join(outDir, 'train.csv'), `ID,Class\n${summary.train.map((r) => `${r.id},${r.className}`).join('\n')}\n`);
  writeFileSync(join(outDir, 'test.csv'), `ID\n${summary.test.map((r) => `${r.id}`).join('\n')}\n`);
  // The answers for Test/, kept apart from test.csv as in the tutorial (which hides them); for scoring submissions.
  writeFileSync(join(outDir, 'test_labels.csv'), `ID,Class\n${summary.test.map((r) => `${r.id},${r.className}`).join('\n')}\n`);
  writeFileSync(join(outDir, 'README.md'), sampleReadme(summary, seed));
  return summary;
}

function countBy<T>(rows: T[], key: (r: T) => string): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** data.sample/README.md, written by the generator so it always matches the files. */
function sampleReadme(s: SampleSummary, seed: number): string {
  const classRows = URBANSOUND_CLASSES.map((c) => `| ${c} | ${SAMPLE_COUNTS[c].train} | ${SAMPLE_COUNTS[c].test} |`);
  const formatRows = countBy([...s.train, ...s.test], (r) => r.format).map(([f, n]) => `| ${f} | ${n} |`);
  return `# data.sample — a small synthetic UrbanSound8K in the tutorial's layout

Generated by \`npm run make-sample\` (scripts/make-sample.ts, seed ${seed}); do not edit by hand. The
generator is deterministic and a test (test/data/sample.test.ts) checks that it reproduces this folder
byte for byte. Every clip is synthesised (scripts/sample/synth.ts): no recording from UrbanSound8K is in here.

## Layout (as in the tutorial)
- \`train.csv\` (ID,Class) with \`Train/<ID>.wav\` — ${s.train.length} clips.
- \`test.csv\` (ID) with \`Test/<ID>.wav\` — ${s.test.length} clips, labels hidden as in the tutorial.
- \`test_labels.csv\` (ID,Class): the answers for Test/, for scoring a submission. The tutorial has no such
  file; \`loadDataset\` does not read it, so nothing trains on it by accident.

## What the sounds are
The ten UrbanSound8K classes, each with a plausible signature and per-clip random pitch, timing, level and
background noise (SNR ${SAMPLE_CLIP_OPTIONS.snrDb[0]}–${SAMPLE_CLIP_OPTIONS.snrDb[1]} dB); about ${Math.round(100 * SAMPLE_CLIP_OPTIONS.distractorProbability)} % of the clips also carry a faint sound of another class, as
UrbanSound8K's background (salience 2) clips do. Clips last ${SAMPLE_DURATION_SECONDS[0]}–${SAMPLE_DURATION_SECONDS[1]} s.
- air_conditioner: broadband hum (low-passed noise) with mains-like hum and fan-blade harmonics.
- car_horn: a two-tone harmonic chord (roughly a major third), one long or a few short honks.
- children_playing: 2–4 babbling voices (pulse trains through moving formants, syllable bursts).
- dog_bark: 1–3 short formant barks with falling pitch.
- drilling: a high harmonic whine (600–1500 Hz) with fast amplitude and pitch modulation, plus grinding noise.
- engine_idling: a low harmonic rumble (firing rate 22–55 Hz) with a slow amplitude wobble.
- gun_shot: impulses with an exponential decay, a low thump and a reverberant tail.
- jackhammer: hammer hits at 15–25 Hz with metallic ringing, sometimes a pause.
- siren: wail (slow up-and-down sweep), yelp (fast sweeps) or hi-lo two-tone.
- street_music: melodies on a pentatonic scale, plucked or sustained, with bass notes.

## Class counts (proportions like the tutorial's train.csv)
| class | Train | Test |
|---|---|---|
${classRows.join('\n')}

## Encodings (mixed, like the real dataset)
| encoding | clips |
|---|---|
${formatRows.join('\n')}

## The corrupt file
\`Train/${s.corruptId}.wav\` (listed in train.csv as ${CORRUPT_CLASS}) is cut off after 30 bytes, inside its
\`fmt \` chunk, on purpose: real datasets have unreadable files, and every notebook and command must report
it and carry on.
`;
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? resolve(__dirname, '../data.sample'));
  const started = Date.now();
  const s = makeSample(outDir);
  const formats = new Map<string, number>();
  for (const r of [...s.train, ...s.test]) formats.set(r.format, (formats.get(r.format) ?? 0) + 1);
  console.log(`wrote ${s.train.length} train + ${s.test.length} test clips to ${s.outDir} (${(s.bytes / 1e6).toFixed(2)} MB of audio) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [f, n] of [...formats].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${f}`);
  console.log(`  corrupt: Train/${s.corruptId}.wav (${CORRUPT_CLASS}, header truncated at 30 bytes)`);
}
