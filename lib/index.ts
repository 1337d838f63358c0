// soundlab's public API: what a notebook or a script needs, in one import (`import { … } from './lib'`).
// It reads like a table of contents, in the order of the tutorial. Everything else — the pieces these
// are made of, tuning knobs, workarounds, test hooks — is reachable through the folder that holds it
// (`lib/audio`, `lib/features`, `lib/data`, `lib/model`, `lib/augment`, `lib/experiments`, `lib/plot`,
// `lib/notebook`, `lib/web`, `lib/util`), each with an index.ts that is its public face. test/api.test.ts lists
// every name exported here: changing this surface shows up as a diff there.

// Load audio: librosa.load's equivalent (decode, mix down, resample to 22050 Hz) and a file's header.
export { loadAudio, loadAudioSync, audioInfo, AudioDecodeError } from './audio';
export { AUDIO_DEFAULTS } from './defaults';
export type { MonoAudio, AudioFileInfo } from './audio';

// Data: datasets in the tutorial's, UrbanSound8K's, folder-per-class and FSDD layouts; CSV; submissions.
export { loadDataset, classCounts, valueCounts, readCsv, csvRecords, DatasetError } from './data';
export type { Dataset, DatasetItem } from './data';
export { loadClipPerClass, labelsForIds, writeSubmission } from './notebook';

// Features: librosa's recipe one step at a time, meyda's descriptors, and the cached parallel featurizer.
export {
  powerSpectrogram,
  melSpectrogram,
  logMelSpectrogram,
  powerToDb,
  mfcc,
  mfccMean,
  meanOverFrames,
  descriptors,
  DESCRIPTORS,
  extractFeatures,
} from './features';
export type { FeatureMatrix, ExtractOptions, ExtractResult } from './features';
export { DESCRIPTOR_CATEGORIES } from './notebook';
export { FEATURE_DEFAULTS } from './defaults';

// Model: the TensorFlow.js backend, labels, the networks (one registry entry per model kind), saved models.
export {
  selectBackend,
  LabelEncoder,
  toCategorical,
  MODEL_REGISTRY,
  resolveModelParams,
  buildMlp,
  buildCnn,
  buildRnn,
  saveModelDir,
  loadModelDir,
} from './model';
export type { ModelKind, ModelInfo } from './model';
export { CNN_DEFAULTS } from './defaults';

// Train and evaluate: Keras-style fit, the one training path of `soundlab train` and `predict`, splits,
// metrics and the baseline to beat.
export {
  train,
  predictLabels,
  stratifiedSplit,
  accuracy,
  classificationReport,
  confusionMatrix,
  mostFrequentClass,
  baselineAccuracy,
} from './model';
export type { Split, ClassificationReport } from './model';
export { trainModel, predictClips } from './experiments';
export type { TrainModelOptions, TrainModelResult, Prediction } from './experiments';
export { TRAIN_DEFAULTS } from './defaults';

// Plot and display: plain plotly figures, shown in a notebook with plotly embedded once; tables; audio.
export {
  showFigure,
  displayTable,
  displayHtml,
  playAudio,
  waveformFigure,
  waveformGridFigure,
  signalsFigure,
  spectrogramFigure,
  matrixRows,
  barFigure,
  featureCurvesFigure,
  trainingCurvesFigure,
  confusionMatrixFigure,
} from './plot';
export type { Figure } from './plot';

// Augment: seeded deformations of waveforms and log-mel matrices, applied to the training side only.
export {
  timeShift,
  timeStretch,
  pitchShift,
  addNoise,
  meanPower,
  timeMask,
  freqMask,
  parseAugmentSpec,
  augmentTrainingClips,
  trainingPart,
} from './augment';
export { AUGMENT_DEFAULTS } from './defaults';

// Experiments: one run on a split for any model kind, model comparisons, cross-validation, error
// analysis, hyperparameter sweeps and their report.
export {
  labelledItems,
  resolveExperimentParams,
  featureTable,
  runSplit,
  comparisonSplit,
  compareModels,
  crossValidateModels,
  REFERENCE_RESULTS,
  confusedPairs,
  misclassified,
  perClassRows,
  readSweepConfig,
  expandSweep,
  runSweep,
} from './experiments';
export type { LabelledItem, ExperimentParams, RunResult, SweepConfig, SweepRecord } from './experiments';
export { sweepTableHtml, sweepScatterFigure, writeSweepReport } from './plot';

// Deploy: a saved model as a static web page that classifies sounds in the browser, and a local server for it.
export { exportWebSite, serveSite } from './web';
export type { WebExport } from './web';

// Notebook parameters and results: a notebook's parameters (overridable from `soundlab notebooks --param`),
// the numbers it records for the reports index, and where it writes files.
export { notebookParams, recordResult, reportPath } from './notebook';
