// The public API (lib/index.ts): the exact list of names a notebook or script gets from one import, so
// that any change to the surface is a visible diff in this file, and the names the notebooks use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as lib from '../lib';

const ROOT = join(__dirname, '..');
const INDEX = join(ROOT, 'lib/index.ts');

/** Values (functions, classes, constants) exported by lib/index.ts, sorted. */
const VALUES = [
  'AUDIO_DEFAULTS',
  'AUGMENT_DEFAULTS',
  'AudioDecodeError',
  'CNN_DEFAULTS',
  'DESCRIPTORS',
  'DESCRIPTOR_CATEGORIES',
  'DatasetError',
  'FEATURE_DEFAULTS',
  'LabelEncoder',
  'MODEL_REGISTRY',
  'REFERENCE_RESULTS',
  'TRAIN_DEFAULTS',
  'accuracy',
  'addNoise',
  'audioInfo',
  'augmentTrainingClips',
  'barFigure',
  'baselineAccuracy',
  'buildCnn',
  'buildMlp',
  'buildRnn',
  'classCounts',
  'classificationReport',
  'compareModels',
  'comparisonSplit',
  'confusedPairs',
  'confusionMatrix',
  'confusionMatrixFigure',
  'crossValidateModels',
  'csvRecords',
  'descriptors',
  'displayHtml',
  'displayTable',
  'expandSweep',
  'exportWebSite',
  'extractFeatures',
  'featureCurvesFigure',
  'featureTable',
  'freqMask',
  'labelledItems',
  'labelsForIds',
  'loadAudio',
  'loadAudioSync',
  'loadClipPerClass',
  'loadDataset',
  'loadModelDir',
  'logMelSpectrogram',
  'matrixRows',
  'meanOverFrames',
  'meanPower',
  'melSpectrogram',
  'mfcc',
  'mfccMean',
  'misclassified',
  'mostFrequentClass',
  'notebookParams',
  'parseAugmentSpec',
  'perClassRows',
  'pitchShift',
  'playAudio',
  'powerSpectrogram',
  'powerToDb',
  'predictClips',
  'predictLabels',
  'readCsv',
  'readSweepConfig',
  'recordResult',
  'reportPath',
  'resolveExperimentParams',
  'resolveModelParams',
  'runSplit',
  'runSweep',
  'saveModelDir',
  'selectBackend',
  'serveSite',
  'showFigure',
  'signalsFigure',
  'spectrogramFigure',
  'stratifiedSplit',
  'sweepScatterFigure',
  'sweepTableHtml',
  'timeMask',
  'timeShift',
  'timeStretch',
  'toCategorical',
  'train',
  'trainModel',
  'trainingCurvesFigure',
  'trainingPart',
  'valueCounts',
  'waveformFigure',
  'waveformGridFigure',
  'writeSubmission',
  'writeSweepReport',
];

/** Types (interfaces and type aliases) exported by lib/index.ts, sorted. */
const TYPES = [
  'AudioFileInfo',
  'ClassificationReport',
  'Dataset',
  'DatasetItem',
  'ExperimentParams',
  'ExtractOptions',
  'ExtractResult',
  'FeatureMatrix',
  'Figure',
  'LabelledItem',
  'ModelInfo',
  'ModelKind',
  'MonoAudio',
  'Prediction',
  'RunResult',
  'Split',
  'SweepConfig',
  'SweepRecord',
  'TrainModelOptions',
  'TrainModelResult',
  'WebExport',
];

/** Every name the notebooks import from './lib' (their cells' import lines). */
function notebookImports(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const dir = join(ROOT, 'notebooks');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort()) {
    const nb = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    for (const m of code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'\.\/lib'/g)) {
      for (const raw of m[1].split(',')) {
        const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        if (name) used.set(name, [...(used.get(name) ?? []), file]);
      }
    }
  }
  return used;
}

describe('lib/index.ts, the public API', () => {
  it('exports exactly the listed values, each defined', () => {
    const exported = Object.keys(lib).sort();
    expect(exported).toEqual(VALUES);
    for (const name of VALUES) expect((lib as Record<string, unknown>)[name], name).toBeDefined();
  });

  it('stays at about a hundred values at most', () => {
    expect(VALUES.length).toBeLessThanOrEqual(100);
  });

  it('exports exactly the listed types', () => {
    const program = ts.createProgram([INDEX], { esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'] });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
    const typeOnly = checker
      .getExportsOfModule(moduleSymbol)
      .filter((s) => !((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value))
      .map((s) => s.name)
      .sort();
    expect(typeOnly).toEqual(TYPES);
  });

  it('names every export explicitly (no export *), so the file is the whole list', () => {
    const source = readFileSync(INDEX, 'utf8');
    expect(source).not.toMatch(/export\s+\*/);
  });

  it('exports every name the notebooks import from ./lib', () => {
    const used = notebookImports();
    // A notebook with no import from './lib' would make this test vacuous.
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter(([name]) => !VALUES.includes(name) && !TYPES.includes(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
