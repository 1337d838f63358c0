// Writes notebooks/NN-*.ipynb from the cell texts below (outputs empty): `npx tsx scripts/make-notebooks.ts`.
// The .ipynb files are committed; this script keeps their JSON uniform (ids, kernelspec, no outputs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_NAME } from '../lib/notebook/kernel';

type Cell = ['md' | 'code', string];

// tslab (1.0.22) rewrites a cell's top-level names to \`exports.name\` and gets some forms wrong, so cells
// here avoid them: no top-level destructuring (\`const { a } = …\`, \`const [a, b] = …\`) and no shorthand
// properties naming a top-level variable (\`{ samples }\`); write \`const audio = …; audio.samples\` and
// \`{ samples: audio.samples }\` instead.

/** The note every parameters cell opens with: how to override, and why `./lib` works here. */
const PARAMS_NOTE = `// Parameters: change them here, or without editing the notebook:
//   npx soundlab notebooks --param data=path/to/UrbanSound8K   (sets SOUNDLAB_PARAM_DATA for the kernel)
// Kernel "TypeScript (soundlab)" (npm install registers it under .jupyter/, found through JUPYTER_PATH):
// tslab started from the project root with tsx's loader, because tslab compiles with rootDir = its
// working directory, so '../lib' from notebooks/ would be refused. Hence './lib' below, and paths such
// as 'data.sample' are relative to the project root, not to notebooks/.`;

const NOTEBOOKS: Record<string, Cell[]> = {
  '01-load-audio': [
    ['md', `# 1 · Loading audio

The tutorial's first step is a single line:

\`\`\`python
data, sampling_rate = librosa.load('../data/Train/2022.wav')
\`\`\`

\`librosa.load\` reads the file, whatever its encoding, mixes the channels down to **mono** and resamples
the signal to **22 050 Hz** (\`res_type='kaiser_fast'\`). What comes back is a floating-point time series
(amplitudes between -1 and 1) and its sampling rate. \`loadAudio\` does the same in TypeScript: the same
decoding, the same mean of the channels, a port of resampy's kaiser_fast filter.

This notebook loads one clip, looks at what the file says about itself, plays it, and compares the
file's native rate with librosa's 22 050 Hz.`],
    ['code', `${PARAMS_NOTE}
import { audioInfo, displayTable, loadAudio, loadDataset, params, playAudio, recordResult, showFigure, signalsFigure } from './lib';

const p = params({ data: 'data.sample', clip: '154' });`],
    ['md', `## The dataset

The tutorial's data has a \`train.csv\` (ID, Class) and a \`Train/\` folder of \`<ID>.wav\` files.
\`loadDataset\` reads that layout (and UrbanSound8K's own, and a folder per class).`],
    ['code', `const train = loadDataset(p.data);
console.log(\`\${train.layout} layout: \${train.items.length} labelled clips, \${train.classes.length} classes\`);
const item = train.items.find((it) => it.id === p.clip) ?? train.items[0];
console.log(\`clip \${item.id}: \${item.label}, \${item.path}\`);`],
    ['md', `## What the file says

Before decoding, the header tells the encoding, the channel count and the native sample rate.
UrbanSound8K mixes them all: 16-bit and 24-bit integers, floats, 8-bit, mono and stereo, 8 kHz to 96 kHz.`],
    ['code', `const info = await audioInfo(item.path);
displayTable([{ encoding: info.encoding, channels: info.channelCount, 'native rate (Hz)': info.sampleRate, frames: info.frameCount, 'duration (s)': info.durationSeconds }]);`],
    ['md', `## \`librosa.load\`: mono, 22 050 Hz

With the defaults, the clip comes back as one channel at 22 050 Hz, whatever the file held.`],
    ['code', `const audio = await loadAudio(item.path);
console.log(\`sampling rate: \${audio.sampleRate} Hz, \${audio.samples.length} samples, \${(audio.samples.length / audio.sampleRate).toFixed(3)} s\`);
console.log('first samples:', Array.from(audio.samples.subarray(0, 6), (x) => x.toFixed(5)).join(' '));`],
    ['md', `## Listen to it

The tutorial plays the clip inline with \`IPython.display.Audio\`. Here the clip becomes a WAV data URI
inside an \`<audio>\` element, so it plays in Jupyter and in the exported report, offline.`],
    ['code', `playAudio(audio.samples, audio.sampleRate, { label: \`\${item.id}.wav (\${item.label}) at \${audio.sampleRate} Hz\` });`],
    ['md', `## Native rate vs 22 050 Hz

\`librosa.load(path, sr=None)\` keeps the file's own rate; \`loadAudio(path, { sampleRate: null })\` is the
same. Resampling to a common rate is what lets every clip give features of the same meaning; for a
44.1 kHz file it halves the number of samples and drops everything above 11 025 Hz, which these sounds
barely use. Listen to both: they should sound the same.`],
    ['code', `const native = await loadAudio(item.path, { sampleRate: null });
displayTable([
  { version: 'native (sr=None)', 'rate (Hz)': native.sampleRate, samples: native.samples.length, 'duration (s)': native.samples.length / native.sampleRate },
  { version: 'librosa default', 'rate (Hz)': audio.sampleRate, samples: audio.samples.length, 'duration (s)': audio.samples.length / audio.sampleRate },
]);
playAudio(native.samples, native.sampleRate, { label: \`native, \${native.sampleRate} Hz\` });`],
    ['md', `The first 5 milliseconds of both, sample by sample: the resampled signal follows the same curve with fewer points.`],
    ['code', `showFigure(signalsFigure(
  [{ name: \`native \${native.sampleRate} Hz\`, samples: native.samples, sampleRate: native.sampleRate },
   { name: \`resampled \${audio.sampleRate} Hz\`, samples: audio.samples, sampleRate: audio.sampleRate }],
  { startSeconds: 0.1, durationSeconds: 0.005, title: 'native vs resampled' },
));
recordResult({ clip: item.id, nativeSampleRate: native.sampleRate, sampleRate: audio.sampleRate, durationSeconds: audio.samples.length / audio.sampleRate });`],
  ],

  '02-waveform': [
    ['md', `# 2 · Seeing sound: the waveform

The tutorial plots the clip it loaded:

\`\`\`python
%pylab inline
plt.figure(figsize=(12, 4))
librosa.display.waveplot(data, sr=sampling_rate)
\`\`\`

A waveform is amplitude against time. A clip has tens of thousands of samples, more than a plot has
pixels, so (like librosa's \`waveshow\`) \`waveformFigure\` draws the minimum and maximum of each small
stretch of time: every peak stays visible, and the figure stays small.`],
    ['code', `${PARAMS_NOTE}
import { loadAudio, loadClipPerClass, loadDataset, params, playAudio, recordResult, showFigure, waveformFigure, waveformGridFigure, displayTable } from './lib';

const p = params({ data: 'data.sample', clip: '154', seed: 0 });`],
    ['code', `const train = loadDataset(p.data);
const item = train.items.find((it) => it.id === p.clip) ?? train.items[0];
const audio = await loadAudio(item.path);
showFigure(waveformFigure(audio.samples, audio.sampleRate, { title: \`\${item.id}.wav: \${item.label}\` }));`],
    ['md', `## One random clip per class

The tutorial then looks for patterns between classes with a loop: pick a random row of \`train.csv\`,
load its file, print its class and plot its waveform. \`loadClipPerClass\` does that for every class at
once, with a seed so the picks are the same on every run (change \`seed\` to see others). A file that
cannot be read is skipped and listed, as the tutorial's parser does.`],
    ['code', `const picked = await loadClipPerClass(train.items, (path) => loadAudio(path), { seed: p.seed });
console.log(picked.clips.map((c) => \`\${c.label}: \${c.id}.wav\`).join('\\n'));
if (picked.unreadable.length) displayTable(picked.unreadable.map((u) => ({ file: u.path, reason: u.reason })), { caption: 'skipped: unreadable files' });`],
    ['code', `showFigure(waveformGridFigure(picked.clips, { columns: 2, title: 'one random clip per class' }));`],
    ['md', `Some classes are easy to tell apart by eye: a gun shot is one sharp impulse that dies away, a
jackhammer is a fast train of hits, an engine idling or an air conditioner is a steady band. Others look
alike: jackhammer and drilling are both dense, and a dog bark and a car horn are both short bursts.
Listening helps; so will the features of the next notebooks, which look at frequencies, not just loudness.`],
    ['code', `for (const clip of picked.clips) playAudio(clip.samples, clip.sampleRate, { label: \`\${clip.label} (\${clip.id}.wav)\` });
recordResult({ classesShown: picked.clips.length, unreadable: picked.unreadable.map((u) => u.id) });`],
  ],

  '03-class-distribution': [
    ['md', `# 3 · How the classes are distributed

Before building a model, the tutorial checks how many clips each class has:

\`\`\`python
train = pd.read_csv('../data/train.csv')
train.Class.value_counts(normalize=True)
\`\`\`

In the tutorial's data, jackhammer is the most frequent class and car_horn and gun_shot the rarest. An
unbalanced dataset matters twice: a model can score well by favouring the big classes, and plain
accuracy hides how it does on the small ones. pandas becomes **danfojs** here.`],
    ['code', `${PARAMS_NOTE}
import * as dfd from 'danfojs-node';
import { join } from 'path';
import { barFigure, displayTable, params, recordResult, showFigure, valueCounts } from './lib';

const p = params({ data: 'data.sample' });`],
    ['code', `const train = await dfd.readCSV(join(p.data, 'train.csv'));
console.log(\`train.csv: \${train.shape[0]} rows, columns \${train.columns.join(', ')}\`);
displayTable(train.head(5));`],
    ['md', `\`value_counts(normalize=True)\`: the share of each class, most frequent first. danfojs's
\`valueCounts()\` gives the counts; dividing by the number of rows gives the shares.`],
    ['code', `const classes = train['Class'].values as string[];
const counts = train['Class'].valueCounts();
displayTable({ columns: ['count'], values: counts.values, index: counts.index } as any);
const shares = valueCounts(classes, { normalize: true });
displayTable(shares.map(([Class, share]) => ({ Class, share })));`],
    ['code', `showFigure(barFigure(shares.map(([c]) => c), shares.map(([, s]) => s), { title: 'train.Class.value_counts(normalize=True)', yTitle: 'share of clips', textDecimals: 3 }));
const top = shares[0];
console.log(\`most frequent: \${top[0]} (\${(100 * top[1]).toFixed(1)} % of the clips); rarest: \${shares[shares.length - 1][0]}\`);
recordResult({ trainClips: classes.length, classes: shares.length, mostFrequentClass: top[0], mostFrequentShare: top[1] });`],
  ],

  '04-baseline': [
    ['md', `# 4 · A first submission: the baseline

The tutorial's first submission predicts the most frequent class for every test clip:

\`\`\`python
test = pd.read_csv('../data/test.csv')
test['Class'] = 'jackhammer'
test.to_csv('sub01.csv', index=False)
\`\`\`

It knows nothing about sound, and that is the point: any model must beat it, or it learned nothing.
Its score is the share of the most frequent class, so on an unbalanced dataset it can look better than
chance (one in ten classes).`],
    ['code', `${PARAMS_NOTE}
import { accuracy, baselineAccuracy, barFigure, csvRecords, displayTable, loadDataset, mostFrequentClass, params, readCsv, recordResult, reportPath, showFigure, stratifiedSplit, writeSubmission } from './lib';

const p = params({ data: 'data.sample', validationFraction: 0.2, seed: 0 });`],
    ['code', `const train = loadDataset(p.data);
const labels = train.items.map((it) => it.label as string);
const top = mostFrequentClass(labels);
console.log(\`\${train.items.length} training clips; most frequent class: \${top}\`);`],
    ['md', `## \`sub01.csv\`

Every clip listed in \`test.csv\` gets that class. The file goes next to the reports.`],
    ['code', `const test = loadDataset(p.data, { split: 'test' });
const submission = writeSubmission(reportPath('sub01.csv'), test.items.map((it) => it.id), test.items.map(() => top));
console.log(\`wrote \${submission}: \${test.items.length} rows\`);
displayTable(csvRecords(readCsv(submission)), { maxRows: 5 });`],
    ['md', `## What would it score?

The test labels are hidden (the tutorial's leaderboard scored them), so hold out part of the training
data instead: a stratified split (each class keeps its share on both sides), with a seed. The baseline
takes the most frequent class of the training part and predicts it for every validation clip.`],
    ['code', `const split = stratifiedSplit(labels, { testSize: p.validationFraction, seed: p.seed });
const fitLabels = split.train.map((i) => labels[i]);
const valLabels = split.test.map((i) => labels[i]);
const guess = mostFrequentClass(fitLabels);
const score = accuracy(valLabels, valLabels.map(() => guess));
console.log(\`validation: \${valLabels.length} clips; baseline predicts \${guess}; accuracy \${(100 * score).toFixed(1)} %\`);
console.log(\`(same as baselineAccuracy: \${(100 * baselineAccuracy(fitLabels, valLabels)).toFixed(1)} %; chance with \${train.classes.length} classes: \${(100 / train.classes.length).toFixed(1)} %)\`);`],
    ['code', `const valCounts = train.classes.map((c) => valLabels.filter((l) => l === c).length / valLabels.length);
showFigure(barFigure(train.classes, valCounts, { title: \`validation split: the baseline is right only on \${guess}\`, yTitle: 'share of validation clips', textDecimals: 2 }));
recordResult({ baselineAccuracy: score, mostFrequentClass: guess, validationClips: valLabels.length, testClips: test.items.length, submission: 'sub01.csv' });`],
  ],
};

function toSource(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

for (const [name, cells] of Object.entries(NOTEBOOKS)) {
  const notebook = {
    cells: cells.map(([kind, text], i) =>
      kind === 'md'
        ? { cell_type: 'markdown', id: `${name.slice(0, 2)}-${i}`, metadata: {}, source: toSource(text) }
        : { cell_type: 'code', execution_count: null, id: `${name.slice(0, 2)}-${i}`, metadata: {}, outputs: [], source: toSource(text) },
    ),
    metadata: {
      kernelspec: { display_name: 'TypeScript (soundlab)', language: 'typescript', name: KERNEL_NAME },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = join(__dirname, '..', 'notebooks', `${name}.ipynb`);
  writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
  console.log(`wrote ${file}`);
}
