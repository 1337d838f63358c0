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
UrbanSound8K mixes them: 16-bit and 24-bit integers, floats, 8-bit, mono and stereo, many sample rates.`],
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
44.1 kHz file it halves the number of samples and drops everything above 11 025 Hz, which matters
little for telling these sounds apart. Listen to both: they should sound nearly the same.`],
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

  '05-features': [
    ['md', `# 5 · Features: from sound to numbers

A network cannot take raw clips of different lengths and rates, so the tutorial turns each clip into a
fixed-size vector. Its parser loads the file and averages the **MFCCs** over time:

\`\`\`python
X, sample_rate = librosa.load(file_name, res_type='kaiser_fast')
mfccs = np.mean(librosa.feature.mfcc(y=X, sr=sample_rate, n_mfcc=40).T, axis=0)
\`\`\`

MFCCs (mel-frequency cepstral coefficients) describe the shape of the spectrum on a scale close to
hearing: frames of 2048 samples every 512, a mel filterbank of 128 bands, decibels, then a DCT keeping
40 coefficients. \`mfcc\` here follows librosa step by step (and is tested against it); \`mfccMean\` is the
tutorial's 40-value vector.`],
    ['code', `${PARAMS_NOTE}
import { DESCRIPTORS, DESCRIPTOR_CATEGORIES, barFigure, descriptors, displayTable, extractFeatures, featureCurvesFigure, FEATURE_DEFAULTS, loadAudio, loadDataset, logMelSpectrogram, matrixRows, meanOverFrames, mfcc, params, recordResult, showFigure, spectrogramFigure } from './lib';

const p = params({ data: 'data.sample', clip: '154', nMfcc: 40, cache: true });`],
    ['code', `const train = loadDataset(p.data);
const item = train.items.find((it) => it.id === p.clip) ?? train.items[0];
const audio = await loadAudio(item.path);
const hop = { sampleRate: audio.sampleRate, hopLength: FEATURE_DEFAULTS.hopLength };
console.log(\`\${item.id}.wav (\${item.label}): \${audio.samples.length} samples at \${audio.sampleRate} Hz\`);`],
    ['md', `## The log-mel spectrogram, then the MFCCs

First the mel spectrogram in decibels: time runs left to right, low frequencies at the bottom. The MFCCs
are a compact description of each column of it.`],
    ['code', `const logMel = logMelSpectrogram(audio.samples, audio.sampleRate);
showFigure(spectrogramFigure(logMel, { ...hop, title: \`log-mel spectrogram, \${item.label}\`, yTitle: 'mel band', colorbarTitle: 'dB' }));`],
    ['code', `const coefficients = mfcc(audio.samples, audio.sampleRate, { nMfcc: p.nMfcc });
console.log(\`MFCC matrix: \${coefficients.nRows} coefficients × \${coefficients.nCols} frames\`);
showFigure(spectrogramFigure(coefficients, { ...hop, title: \`MFCCs, \${item.label}\`, yTitle: 'coefficient' }));`],
    ['md', `## The tutorial's feature vector: the mean over time

\`np.mean(mfccs.T, axis=0)\`: one value per coefficient, whatever the clip's length. Coefficient 0 is the
overall level; the next ones describe the broad shape of the spectrum.`],
    ['code', `const meanVector = meanOverFrames(coefficients);
showFigure(barFigure(Array.from(meanVector, (_, i) => String(i)), meanVector, { title: \`the \${meanVector.length}-value mean MFCC vector of \${item.id}.wav\`, xTitle: 'coefficient', yTitle: 'mean' }));`],
    ['md', `## More descriptors, by category (meyda)

MFCCs are one family among many. **meyda** computes the others, framed here exactly like the MFCCs so
that frame *t* lines up everywhere: loudness and noisiness in the time domain, the shape of the spectrum
(centroid = its centre of mass, rolloff = the frequency below which 85 % of the energy lies, flatness =
noise-like vs tonal), perceptual models, and pitch classes (chroma). Any of them can be added to the
feature vector (\`features: ['mfcc', 'rms', 'spectralCentroid']\`).`],
    ['code', `const categories = Object.entries(DESCRIPTOR_CATEGORIES);
const frames = descriptors(audio.samples, audio.sampleRate, categories.flatMap((c) => c[1]).filter((n) => DESCRIPTORS[n].size === 1));
for (const category of categories.slice(0, 3)) {
  const curves = category[1].map((name) => ({ name, unit: DESCRIPTORS[name].unit, values: matrixRows(frames[name])[0] }));
  showFigure(featureCurvesFigure(curves, { ...hop, title: category[0] }));
}`],
    ['code', `const chroma = descriptors(audio.samples, audio.sampleRate, ['chroma']).chroma;
showFigure(spectrogramFigure(chroma, { ...hop, title: 'pitch class (chroma)', yTitle: 'pitch class (C = 0 … B = 11)' }));`],
    ['md', `## The whole dataset

The tutorial applies its parser to every row of \`train.csv\`; a file that cannot be read is printed and
skipped. \`extractFeatures\` does the same on worker threads, with progress, and caches each clip's
vector on disk (keyed by the file's content and the parameters), so running this again is instant.`],
    ['code', `const features = await extractFeatures(train, { nMfcc: p.nMfcc, cache: p.cache, progress: true });
console.log(\`\${features.X.length} clips featurized (\${features.stats.computed} computed, \${features.stats.cached} from the cache) in \${features.stats.seconds.toFixed(1)} s; \${features.skipped.length} skipped\`);
displayTable(features.skipped.map((s) => ({ file: s.file, reason: s.reason })), { caption: 'skipped: unreadable files' });`],
    ['code', `displayTable(features.X.slice(0, 5).map((row, i) => ({ ID: features.ids[i], ...Object.fromEntries(Array.from(row.subarray(0, 6), (v, k) => [\`mfcc\${k}\`, v])) })), { caption: 'the first rows of X (first 6 of the coefficients)' });
recordResult({ featurized: features.X.length, skipped: features.skipped.length, skippedFiles: features.skipped.map((s) => s.id), nMfcc: p.nMfcc });`],
  ],

  '06-train': [
    ['md', `# 6 · Training the tutorial's network

The tutorial encodes the class names as numbers, one-hot encodes them, and trains a small network on
the 40-value MFCC vectors:

\`\`\`python
lb = LabelEncoder()
y = np_utils.to_categorical(lb.fit_transform(y))
model = Sequential()
model.add(Dense(256, input_shape=(40,))); model.add(Activation('relu')); model.add(Dropout(0.5))
model.add(Dense(256)); model.add(Activation('relu')); model.add(Dropout(0.5))
model.add(Dense(num_labels)); model.add(Activation('softmax'))
model.compile(loss='categorical_crossentropy', metrics=['accuracy'], optimizer='adam')
model.fit(X, y, batch_size=32, epochs=5, validation_data=(val_x, val_y))
\`\`\`

Here the same steps run on TensorFlow.js. Then, beyond the tutorial: the training curves, the accuracy
against the baseline of notebook 4, and where the model goes wrong (per class, confusion matrix).`],
    ['code', `${PARAMS_NOTE}
import { baselineAccuracy, buildMlp, classificationReport, confusionMatrixFigure, displayTable, extractFeatures, LabelEncoder, labelsForIds, loadDataset, params, predictLabels, recordResult, selectBackend, showFigure, stratifiedSplit, toCategorical, train, trainingCurvesFigure } from './lib';

const p = params({ data: 'data.sample', epochs: 30, batchSize: 32, validationFraction: 0.2, nMfcc: 40, seed: 0 });`],
    ['md', `The tutorial trains for 5 epochs on 5 435 clips. On the 160 clips of \`data.sample/\` an epoch is
only 4 batches, so the default here is 30 epochs; \`--param epochs=5\` gives the tutorial's setting.`],
    ['code', `const backend = await selectBackend();
const dataset = loadDataset(p.data);
const features = await extractFeatures(dataset, { nMfcc: p.nMfcc, progress: false });
const labels = labelsForIds(features.ids, dataset.items);
console.log(\`\${features.X.length} clips with features (\${features.skipped.length} unreadable, skipped), \${dataset.classes.length} classes\`);`],
    ['md', `## \`LabelEncoder\` and \`to_categorical\`

Class names become integers in sorted order (scikit-learn's), and each integer a one-hot row.`],
    ['code', `const encoder = new LabelEncoder().fit(labels);
const y = toCategorical(encoder.transform(labels), encoder.classes.length);
displayTable(encoder.classes.map((name, id) => ({ class: name, id, 'one-hot': Array.from(y[labels.indexOf(name)]).join('') })));`],
    ['md', `## A validation split

The tutorial validates on a separate set; here a stratified, seeded split of the training clips plays
that role (each class keeps its share on both sides).`],
    ['code', `const split = stratifiedSplit(labels, { testSize: p.validationFraction, seed: p.seed });
const xTrain = split.train.map((i) => features.X[i]);
const yTrain = split.train.map((i) => y[i]);
const xVal = split.test.map((i) => features.X[i]);
const yVal = split.test.map((i) => y[i]);
const valLabels = split.test.map((i) => labels[i]);
const baseline = baselineAccuracy(split.train.map((i) => labels[i]), valLabels);
console.log(\`\${xTrain.length} training clips, \${xVal.length} validation clips; baseline (most frequent class) \${(100 * baseline).toFixed(1)} %\`);`],
    ['md', `## The model and \`fit\`

One line per epoch, in Keras's shape: loss and accuracy on the training batches (with dropout active),
then on the validation clips.`],
    ['code', `const model = buildMlp({ inputSize: features.X[0].length, classCount: encoder.classes.length, seed: p.seed });
model.summary();`],
    ['code', `const history = await train(model, xTrain, yTrain, { epochs: p.epochs, batchSize: p.batchSize, validationData: [xVal, yVal], seed: p.seed });`],
    ['code', `showFigure(trainingCurvesFigure(history, { title: \`training curves (\${backend.name} backend)\`, baselineAccuracy: baseline }));`],
    ['md', `## Against the baseline, class by class

Accuracy alone hides the small classes, so look at precision, recall and F1 per class, and at the
confusion matrix: row = the true class, column = the prediction. Classes that sound alike (drilling and
jackhammer, for example) show up off the diagonal.`],
    ['code', `const predicted = predictLabels(model, xVal, encoder).map((r) => r.label);
const report = classificationReport(valLabels, predicted, encoder.classes);
displayTable([{ model: 'MLP (this notebook)', accuracy: report.accuracy }, { model: 'baseline: most frequent class', accuracy: baseline }], { caption: 'validation accuracy' });
displayTable(report.classes.map((c) => ({ class: c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })), { caption: 'per class', decimals: 2 });`],
    ['code', `showFigure(confusionMatrixFigure(report.confusion, encoder.classes, { title: 'confusion matrix (validation clips)' }));
recordResult({ accuracy: report.accuracy, baselineAccuracy: baseline, epochs: p.epochs, trainClips: xTrain.length, validationClips: xVal.length, backend: backend.name, finalValLoss: history.valLoss[history.valLoss.length - 1] });`],
  ],

  '07-error-analysis': [
    ['md', `# 7 · Where the model goes wrong

The tutorial's first "next step" is to *understand where the model fails*. Accuracy is one number; the
mistakes have a shape. Some classes sound alike (jackhammer and drilling, engine idling and air
conditioner), and some clips are hard because the labelled sound is faint under another one.

This notebook trains the tutorial's MLP (mean MFCCs) on a stratified split, then looks at:
the confusion matrix as a heatmap, the class pairs it mixes up most, precision / recall / F1 per class,
and — most useful — the misclassified clips themselves, with their waveform and a player, so you can
listen to what the model got wrong.`],
    ['code', `${PARAMS_NOTE}
import { confusedPairs, confusionMatrixFigure, displayTable, featurize, labelledItems, loadAudio, loadDataset, misclassified, params, perClassRows, playAudio, recordResult, resolveExperimentParams, runSplit, selectBackend, showFigure, stratifiedSplit, waveformFigure } from './lib';

const p = params({ data: 'data.sample', epochs: 30, testSize: 0.25, seed: 0, listen: 6 });`],
    ['md', `## Train and predict

Features come from the cached, parallel featurizer (the 40 MFCC means of notebook 5); inputs are
standardised with the training side's statistics only; the model is notebook 6's.`],
    ['code', `const backend = await selectBackend();
const dataset = loadDataset(p.data);
const items = labelledItems(dataset);
const mlpParams = resolveExperimentParams({ model: 'mlp', epochs: p.epochs, seed: p.seed });
const table = await featurize(items, mlpParams);
const split = stratifiedSplit(items.map((it) => it.label), { testSize: p.testSize, seed: p.seed });
const result = await runSplit(items, table, split, mlpParams);
console.log(\`MLP on mean MFCCs: \${(100 * result.accuracy).toFixed(1)} % of \${result.testCount} held-out clips right (baseline \${(100 * result.baselineAccuracy).toFixed(1)} %), \${backend.name} backend\`);`],
    ['md', `## The confusion matrix

Row = the true class, column = the prediction. A perfect model has everything on the diagonal; each
off-diagonal cell is a kind of mistake.`],
    ['code', `showFigure(confusionMatrixFigure(result.report.confusion, result.classes, { title: 'confusion matrix (held-out clips)' }));`],
    ['md', `## The most confused pairs

Summing both directions of each pair (A taken for B, and B for A) ranks the pairs the model cannot
tell apart.`],
    ['code', `const pairs = confusedPairs(result.report.confusion, result.classes, 5);
displayTable(pairs.map((q) => ({ 'class A': q.a, 'class B': q.b, 'A predicted as B': q.aAsB, 'B predicted as A': q.bAsA, total: q.total })), { caption: 'most confused class pairs' });`],
    ['md', `## Precision, recall and F1 per class

Recall: of the clips of a class, how many were found. Precision: of the clips predicted as a class,
how many were right. A class with high recall and low precision is a "catch-all" the model falls
back on.`],
    ['code', `displayTable(perClassRows(result.report), { caption: 'per class (held-out clips)', decimals: 2 });`],
    ['md', `## Listen to the mistakes

The misclassified clips, most confident mistakes first. Listening often explains them: a siren far
away under traffic, a dog bark that is mostly echo, a clip where the labelled sound is the quiet one.`],
    ['code', `const wrong = misclassified(result);
console.log(\`\${wrong.length} of \${result.testCount} held-out clips misclassified\`);
displayTable(wrong.map((w) => ({ clip: w.id, 'true class': w.label, predicted: w.predicted, probability: w.probability })), { caption: 'misclassified clips', decimals: 2 });`],
    ['code', `for (const w of wrong.slice(0, p.listen)) {
  const clip = await loadAudio(w.path);
  showFigure(waveformFigure(clip.samples, clip.sampleRate, { title: \`\${w.id}: \${w.label}, predicted \${w.predicted} (p = \${w.probability.toFixed(2)})\` }));
  playAudio(clip.samples, clip.sampleRate, { label: \`\${w.id}: true \${w.label}, predicted \${w.predicted}\` });
}
recordResult({ accuracy: result.accuracy, baselineAccuracy: result.baselineAccuracy, misclassified: wrong.length, testClips: result.testCount });`],
  ],

  '08-cnn': [
    ['md', `# 8 · A CNN on log-mel spectrograms (and an RNN)

The tutorial's second "next step": better models. The MLP sees 40 numbers per clip — the MFCCs
averaged over time — so it cannot know *when* anything happens. Salamon & Bello (2017, "Deep
convolutional neural networks and data augmentation for environmental sound classification") instead
feed a convolutional network fixed-size **log-mel patches** (128 mel bands × 128 frames ≈ 3 s, padded
or cropped): SB-CNN, conv 5×5 (24) → max-pool 4×2 → conv 5×5 (48) → max-pool 4×2 → conv 5×5 (48) →
dense 64 → softmax, ReLU, dropout 0.5, L2 0.001. They report 73 % on UrbanSound8K's 10 folds (79 % with
augmentation, notebook 9).

The tutorial also names RNNs: a small GRU reading the MFCC frames in order is the second variant.
All of them are trained with the same \`train\` loop and evaluated the same way as the MLP, on the same
split. The parameters below keep the networks small so the notebook runs in a minute on
\`data.sample/\`'s short clips; \`--param nMels=128 --param frames=128 --param filters=24,48,48
--param padding=valid\` gives the paper's network for real runs.`],
    ['code', `${PARAMS_NOTE}
import { buildCnn, compareModels, confusionMatrixFigure, displayTable, extractFeatures, labelledItems, loadDataset, params, recordResult, selectBackend, showFigure, spectrogramFigure, stratifiedSplit, trainingCurvesFigure } from './lib';

const p = params({ data: 'data.sample', epochs: 20, mlpEpochs: 30, rnnEpochs: 20, nMels: 64, frames: 32, filters: '8,16,16', padding: 'same', denseUnits: 32, rnnUnits: 32, nMfcc: 40, testSize: 0.25, seed: 0 });
const filters = String(p.filters).split(',').map(Number);`],
    ['md', `## The input: a log-mel patch

Each clip becomes an nMels × frames matrix of log-mel energies (dB), through the same cached, parallel
featurizer as the MFCCs (\`extractFeatures(…, { kind: 'logmel' })\`); shorter clips are padded with
their quietest value, longer ones cropped.`],
    ['code', `const backend = await selectBackend();
const dataset = loadDataset(p.data);
const items = labelledItems(dataset);
const example = await extractFeatures([items[0]], { kind: 'logmel', nMels: p.nMels, frames: p.frames, progress: false });
showFigure(spectrogramFigure({ data: example.X[0], nRows: p.nMels, nCols: p.frames }, { sampleRate: 22050, hopLength: 512, title: \`log-mel patch of \${items[0].id} (\${items[0].label})\`, yTitle: 'mel band', colorbarTitle: 'dB' }));`],
    ['md', `## The network

First the paper's SB-CNN on a 128 × 128 patch (shapes and parameter count), then the small version
this notebook trains.`],
    ['code', `const sbCnn = buildCnn({ classCount: dataset.classes.length });
sbCnn.summary();
const sbCnnParams = sbCnn.countParams();
sbCnn.dispose();
const small = buildCnn({ classCount: dataset.classes.length, nMels: p.nMels, frames: p.frames, filters: filters, padding: p.padding === 'valid' ? 'valid' : 'same', denseUnits: p.denseUnits });
small.summary();
const smallParams = small.countParams();
small.dispose();
console.log(\`SB-CNN: \${sbCnnParams} parameters; the small version trained here: \${smallParams}\`);`],
    ['md', `## Baseline, MLP, CNN and RNN on the same split

One table: accuracy, macro-F1 (the mean of the per-class F1, so small classes count as much as big
ones) and training time. Every model gets the same training clips and is tested on the same held-out
clips.`],
    ['code', `const split = stratifiedSplit(items.map((it) => it.label), { testSize: p.testSize, seed: p.seed });
const rows = await compareModels(items, split, {
  models: ['baseline', 'mlp', 'cnn', 'rnn'],
  params: { seed: p.seed, nMfcc: p.nMfcc },
  perModel: {
    mlp: { epochs: p.mlpEpochs },
    cnn: { epochs: p.epochs, nMels: p.nMels, frames: p.frames, cnnFilters: filters, cnnPadding: p.padding === 'valid' ? 'valid' : 'same', denseUnits: p.denseUnits },
    rnn: { epochs: p.rnnEpochs, frames: p.frames, rnnUnits: p.rnnUnits },
  },
});
displayTable(rows.map((r) => ({ model: r.model, accuracy: r.accuracy, 'macro-F1': r.macroF1, 'train s': r.trainSeconds })), { caption: \`same split: \${split.train.length} training, \${split.test.length} held-out clips (\${backend.name} backend)\`, decimals: 3 });`],
    ['md', `## How the CNN learned, and where it errs`],
    ['code', `const cnn = rows.find((r) => r.model === 'cnn');
const mlp = rows.find((r) => r.model === 'mlp');
const rnn = rows.find((r) => r.model === 'rnn');
if (cnn && cnn.result.history) showFigure(trainingCurvesFigure(cnn.result.history, { title: 'CNN training curves', baselineAccuracy: cnn.baselineAccuracy }));
if (cnn) showFigure(confusionMatrixFigure(cnn.result.report.confusion, cnn.result.classes, { title: 'CNN confusion matrix (held-out clips)' }));
recordResult({ accuracy: cnn ? cnn.accuracy : 0, baselineAccuracy: cnn ? cnn.baselineAccuracy : 0, mlpAccuracy: mlp ? mlp.accuracy : 0, rnnAccuracy: rnn ? rnn.accuracy : 0, cnnTrainSeconds: cnn ? cnn.trainSeconds : 0 });`],
    ['md', `On \`data.sample/\` (160 short synthetic clips) these numbers say little about which model is
better — there is too little data, and the clips are shorter than one patch. The comparison measured
on the real fixtures, and the command that runs UrbanSound8K's 10 folds, are in the README ("Beyond
the tutorial"): \`npx soundlab evaluate --data UrbanSound8K --folds --models baseline,mlp,cnn,rnn\`.`],
  ],

  '09-augmentation': [
    ['md', `# 9 · Data augmentation

The tutorial's third "next step". With few examples per class, a network memorises the clips instead
of learning the sounds. Augmentation makes new training examples by deforming the ones we have in ways
that keep the label: play the clip a bit earlier, faster or higher, or in a noisier street.
Salamon & Bello (2017) gained 6 points on UrbanSound8K this way (73 % → 79 %).

Each deformation in \`lib/augment\` is a pure, seeded function of the samples: same seed, same result.
Below, each one before and after — look and listen — then training with and without it. Augmentation
applies to the **training clips only**: a validation or test clip must stay the recording it is, or
the score no longer measures anything real.`],
    ['code', `${PARAMS_NOTE}
import { addNoise, augmentTrainingClips, displayTable, featurize, freqMask, labelledItems, loadAudio, loadDataset, logMelSpectrogram, meanPower, params, parseAugmentSpec, pitchShift, playAudio, recordResult, resolveExperimentParams, runSplit, selectBackend, showFigure, signalsFigure, spectrogramFigure, stratifiedSplit, timeMask, timeShift, timeStretch, trainingPart } from './lib';

const p = params({ data: 'data.sample', clipClass: 'siren', seed: 0, shiftSeconds: 0.2, stretch: 1.25, semitones: 4, snrDb: 10, augment: 'shift:0.2,pitch:2,noise:10-30', copies: 2, epochs: 30, testSize: 0.25 });`],
    ['code', `const dataset = loadDataset(p.data);
const items = labelledItems(dataset);
const item = items.find((it) => it.label === p.clipClass) ?? items[0];
const audio = await loadAudio(item.path);
console.log(\`\${item.id} (\${item.label}): \${audio.samples.length} samples at \${audio.sampleRate} Hz\`);
playAudio(audio.samples, audio.sampleRate, { label: \`original: \${item.id} (\${item.label})\` });`],
    ['md', `## Time shift

The event moves in time (here rolled round, so nothing is lost): a model should not care when the dog
barks.`],
    ['code', `const shifted = timeShift(audio.samples, { maxShiftSeconds: p.shiftSeconds, sampleRate: audio.sampleRate, seed: p.seed });
showFigure(signalsFigure([{ name: 'original', samples: audio.samples, sampleRate: audio.sampleRate }, { name: 'shifted', samples: shifted, sampleRate: audio.sampleRate }], { title: 'time shift' }));
playAudio(shifted, audio.sampleRate, { label: 'time shift' });`],
    ['md', `## Time stretch

Faster or slower without changing the pitch (\`librosa.effects.time_stretch\`; here by WSOLA, a
time-domain overlap-add that keeps transients sharp). Rate 1.25 plays 25 % faster: the clip gets shorter.`],
    ['code', `const stretched = timeStretch(audio.samples, p.stretch, { sampleRate: audio.sampleRate });
console.log(\`\${audio.samples.length} samples → \${stretched.length} (rate \${p.stretch})\`);
showFigure(signalsFigure([{ name: 'original', samples: audio.samples, sampleRate: audio.sampleRate }, { name: \`stretched ×\${p.stretch}\`, samples: stretched, sampleRate: audio.sampleRate }], { title: 'time stretch' }));
playAudio(stretched, audio.sampleRate, { label: \`time stretch, rate \${p.stretch}\` });`],
    ['md', `## Pitch shift

Higher or lower by some semitones, same length (\`librosa.effects.pitch_shift\`: stretch, then
resample). The paper's best single deformation for UrbanSound8K.`],
    ['code', `const pitched = pitchShift(audio.samples, audio.sampleRate, p.semitones);
showFigure(spectrogramFigure(logMelSpectrogram(pitched, audio.sampleRate), { sampleRate: audio.sampleRate, hopLength: 512, title: \`log-mel after a pitch shift of \${p.semitones} semitones\`, yTitle: 'mel band', colorbarTitle: 'dB' }));
playAudio(pitched, audio.sampleRate, { label: \`pitch shift \${p.semitones > 0 ? '+' : ''}\${p.semitones} semitones\` });`],
    ['md', `## Background noise at a chosen SNR

White noise (or any recording, e.g. street noise) scaled so that signal power / noise power is the
given signal-to-noise ratio.`],
    ['code', `const noisy = addNoise(audio.samples, 'white', p.snrDb, p.seed);
const residual = noisy.map((v, i) => v - audio.samples[i]);
console.log(\`asked \${p.snrDb} dB SNR, measured \${(10 * Math.log10(meanPower(audio.samples) / meanPower(residual))).toFixed(2)} dB\`);
playAudio(noisy, audio.sampleRate, { label: \`white noise at \${p.snrDb} dB SNR\` });`],
    ['md', `## SpecAugment: masking time and frequency bands

Park et al. (2019) deform the spectrogram instead of the sound: blank a few consecutive frames
(time mask) and a few consecutive mel bands (frequency mask), so the network cannot rely on any single
one.`],
    ['code', `const logMel = logMelSpectrogram(audio.samples, audio.sampleRate);
const masked = freqMask(timeMask(logMel, { maxWidth: 8, seed: p.seed + 1 }).matrix, { maxWidth: 24, seed: p.seed + 2 }).matrix;
showFigure(spectrogramFigure(logMel, { sampleRate: audio.sampleRate, hopLength: 512, title: 'log-mel, original', yTitle: 'mel band', colorbarTitle: 'dB' }));
showFigure(spectrogramFigure(masked, { sampleRate: audio.sampleRate, hopLength: 512, title: 'log-mel, time and frequency masked', yTitle: 'mel band', colorbarTitle: 'dB' }));`],
    ['md', `## Training clips only

\`augmentTrainingClips\` takes the training part of a split, made by \`trainingPart(split)\`, and nothing
else: passing the test list is a type error in TypeScript, and a runtime error if forced.`],
    ['code', `const clips = items.slice(0, 4).map((it) => ({ id: it.id, samples: audio.samples, sampleRate: audio.sampleRate, label: it.label }));
const demo = { train: clips.slice(0, 3), test: clips.slice(3) };
const spec = parseAugmentSpec(p.augment, p.copies);
console.log(\`training side: \${demo.train.length} clips → \${augmentTrainingClips(trainingPart(demo), spec, p.seed).length} with copies\`);
try {
  augmentTrainingClips(demo.test as never, spec, p.seed);
} catch (err) {
  console.log(\`test side refused: \${err instanceof Error ? err.message : String(err)}\`);
}`],
    ['md', `## With and without augmentation

The same MLP, same split; the augmented run adds \`copies\` deformed versions of every training clip
(spec \`augment\` above). On \`data.sample/\` the difference is small and noisy; on the real data it
is the paper's 6 points for a CNN.`],
    ['code', `await selectBackend();
const split = stratifiedSplit(items.map((it) => it.label), { testSize: p.testSize, seed: p.seed });
const plain = resolveExperimentParams({ model: 'mlp', epochs: p.epochs, seed: p.seed });
const table = await featurize(items, plain);
const without = await runSplit(items, table, split, plain);
const withAug = await runSplit(items, table, split, resolveExperimentParams({ model: 'mlp', epochs: p.epochs, seed: p.seed, augment: p.augment, augmentCopies: p.copies }));
displayTable([
  { training: 'real clips only', 'training examples': without.trainCount, accuracy: without.accuracy, 'macro-F1': without.macroF1 },
  { training: \`+ augmented copies (\${p.augment} ×\${p.copies})\`, 'training examples': withAug.trainCount + withAug.augmentedCount, accuracy: withAug.accuracy, 'macro-F1': withAug.macroF1 },
], { caption: \`MLP, same \${split.test.length} held-out clips (never augmented)\`, decimals: 3 });
recordResult({ accuracy: withAug.accuracy, baselineAccuracy: withAug.baselineAccuracy, accuracyWithoutAugmentation: without.accuracy, augmentedCopies: withAug.augmentedCount });`],
  ],

  '10-experiments': [
    ['md', `# 10 · Experiments: evaluation done right, and hyperparameter sweeps

Two habits separate a result from a lucky number.

**Evaluate the way the dataset asks.** UrbanSound8K's clips are slices of longer recordings, and
slices of one recording sound alike. A random split puts some on both sides, and the model is
tested on sounds it has practically heard: accuracy goes up, meaning goes down. The dataset ships 10
folds (no recording in two folds); the protocol is to train on 9, test on the 10th, ten times, and
report the mean ± std. From the command line:

\`\`\`sh
npx soundlab evaluate --data path/to/UrbanSound8K --folds --models baseline,mlp,cnn,rnn
\`\`\`

prints one row per model with the published reference points beside it (Salamon & Bello 2017, SB-CNN:
73 % without augmentation, 79 % with). On a random split it prints the leak warning.

**Compare settings systematically.** A sweep runs a grid (or random draws) of settings — epochs, batch
size, hidden units, dropout, learning rate, n_mfcc, model kind — logs each run (parameters, metrics,
time, seed) as a line of a results file, and skips the runs already there when started again.`],
    ['code', `${PARAMS_NOTE}
import { displayHtml, displayTable, expandSweep, labelledItems, loadDataset, params, recordResult, REFERENCE_RESULTS, reportPath, runSweep, selectBackend, showFigure, sweepScatterFigure, sweepTableHtml } from './lib';

const p = params({ data: 'data.sample', results: 'sweeps/10-experiments.jsonl', seed: 0, testSize: 0.25 });`],
    ['code', `displayTable(REFERENCE_RESULTS.map((r) => ({ 'published result (full UrbanSound8K, 10-fold)': r.name, accuracy: r.accuracy })), { decimals: 2 });`],
    ['md', `## The sweep

The same configuration \`soundlab sweep --config sweep.json --out results.jsonl\` reads from a file.
Runs that differ only in parameters a model ignores are one run (the baseline has no epochs).`],
    ['code', `const config = {
  grid: { model: ['baseline', 'mlp'], hiddenUnits: [[64], [256, 256]], dropout: [0.2, 0.5], epochs: [10, 30] },
  split: { testSize: p.testSize },
  seed: p.seed,
};
console.log(\`\${expandSweep(config).length} distinct runs\`);
await selectBackend();
const dataset = loadDataset(p.data);
const items = labelledItems(dataset);
const out = reportPath(p.results);
const summary = await runSweep(items, dataset.root, config, { out: out, log: (line) => console.log(line) });
console.log(\`ran \${summary.ran}, skipped \${summary.skipped} (already in \${out})\`);`],
    ['md', `## Resuming

Run the same sweep again: every run is found in the results file by the hash of its parameters,
dataset and split, and nothing is recomputed.`],
    ['code', `const again = await runSweep(items, dataset.root, config, { out: out, log: () => undefined });
console.log(\`second call: ran \${again.ran}, skipped \${again.skipped}\`);`],
    ['md', `## Results

Click a column header to sort; the best run is marked ★ and links to its full report (per-class
scores, confusion matrix, predictions). The scatter shows accuracy against training time per model.`],
    ['code', `displayHtml(sweepTableHtml(summary.records));
showFigure(sweepScatterFigure(summary.records));
const best = summary.best;
if (best) console.log(\`best: \${best.hash} \${JSON.stringify(best.params)} → \${(100 * best.metrics.accuracy).toFixed(1)} % (baseline \${(100 * best.metrics.baselineAccuracy).toFixed(1)} %)\`);
recordResult({ accuracy: best ? best.metrics.accuracy : 0, baselineAccuracy: best ? best.metrics.baselineAccuracy : 0, runs: summary.records.length, best: best ? best.hash : '' });`],
    ['md', `A word of caution: picking the best of many runs on one test split overfits that split a little.
For a final number, choose the settings on a validation split (or on the training folds), then report
the cross-validated score of that one choice.`],
  ],
};

function toSource(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

/** Each notebook's file name and its JSON text, as committed in notebooks/. */
export function buildNotebooks(): { file: string; text: string }[] {
  return Object.entries(NOTEBOOKS).map(([name, cells]) => {
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
    return { file: `${name}.ipynb`, text: JSON.stringify(notebook, null, 1) + '\n' };
  });
}

if (require.main === module) {
  for (const { file, text } of buildNotebooks()) {
    const path = join(__dirname, '..', 'notebooks', file);
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
