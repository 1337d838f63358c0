// The committed notebooks are the source: edited in Jupyter, saved without outputs, each cell with a stable id.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAME, listNotebooks, PROJECT_ROOT } from '../../lib/notebook';
import { cellSource, clearOutputs, codeCells, notebookProblems, notebookText, readNotebook, reportExpectations, type NotebookJson } from '../../lib/notebook/ipynb';

const files = listNotebooks(join(PROJECT_ROOT, 'notebooks'));

describe('notebooks/', () => {
  it('holds the six tutorial steps and the four next steps (and whatever is added after them)', () => {
    expect(files.map((f) => basename(f))).toEqual(
      expect.arrayContaining([
        '01-load-audio.ipynb',
        '02-waveform.ipynb',
        '03-class-distribution.ipynb',
        '04-baseline.ipynb',
        '05-features.ipynb',
        '06-train.ipynb',
        '07-error-analysis.ipynb',
        '08-cnn.ipynb',
        '09-augmentation.ipynb',
        '10-experiments.ipynb',
      ]),
    );
  });

  for (const file of files) {
    it(`${basename(file)}: no outputs or execution counts, unique non-positional cell ids, the soundlab kernel, report expectations, imports and parameters first`, () => {
      const nb = readNotebook(file);
      expect(notebookProblems(nb, file)).toEqual([]);
      expect(nb.metadata.kernelspec?.name).toBe(KERNEL_NAME);
      expect(nb.cells[0].cell_type).toBe('markdown');
      // The tslab/rootDir explanation lives in the README; the cell keeps one line on changing parameters.
      expect(codeCells(nb)[0].source).not.toMatch(/rootDir/);
      expect(codeCells(nb)[0].source).toMatch(/^\/\/ Parameters: .*--param/);
    });
  }
});

describe('notebookProblems', () => {
  const original = readNotebook(join(PROJECT_ROOT, 'notebooks', '01-load-audio.ipynb'));
  const copy = (): NotebookJson => JSON.parse(JSON.stringify(original)) as NotebookJson;
  const codeAt = (nb: NotebookJson, k: number) => nb.cells.filter((c) => c.cell_type === 'code')[k];

  it('reports a notebook saved after running: outputs and execution counts', () => {
    const nb = copy();
    const cell = codeAt(nb, 1);
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }];
    cell.execution_count = 2;
    const problems = notebookProblems(nb, 'x.ipynb');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`cell \\d+ \\(${cell.id}\\): has outputs`));
    expect(problems[1]).toMatch(/has execution count 2/);
  });

  it('reports missing, duplicate, malformed and positional cell ids', () => {
    const nb = copy();
    delete nb.cells[1].id;
    nb.cells[2].id = nb.cells[3].id;
    nb.cells[4].id = 'has space';
    nb.cells[5].id = '01-5';
    const problems = notebookProblems(nb, 'x.ipynb').join('\n');
    expect(problems).toMatch(/cell 2: no id/);
    expect(problems).toMatch(/is used twice/);
    expect(problems).toMatch(/"has space" is not 1-64 letters/);
    expect(problems).toMatch(/"01-5" is positional/);
  });

  it('accepts the imports spread over several lines, and reports a first cell without them or the parameters', () => {
    const nb = copy();
    const first = codeAt(nb, 0);
    first.source = cellSource(first).replace(/import \{ ([^}]*) \} from '\.\/lib';/, (_, names: string) => `import {\n  ${names.split(', ').join(',\n  ')},\n} from './lib';`);
    expect(cellSource(first)).toMatch(/^import \{\n  audioInfo,\n/m);
    expect(notebookProblems(nb, 'x.ipynb')).toEqual([]);
    first.source = 'const x = 1;';
    expect(notebookProblems(nb, 'x.ipynb')).toEqual([
      "x.ipynb: the first code cell does not import from './lib' (it holds the imports and parameters)",
      'x.ipynb: the first code cell does not set the parameters (const p = notebookParams({ … }))',
    ]);
  });

  it('reports another kernel, and imports or parameters outside the first code cell', () => {
    const nb = copy();
    nb.metadata.kernelspec = { name: 'tslab', display_name: 'TypeScript' };
    const later = codeAt(nb, 2);
    later.source = `import { mfcc } from './lib';\nconst q = notebookParams({ n: 1 });\n${cellSource(later)}`;
    const problems = notebookProblems(nb, 'x.ipynb').join('\n');
    expect(problems).toMatch(/kernelspec is "tslab", expected "soundlab-ts"/);
    expect(problems).toMatch(/imports belong in the first code cell/);
    expect(problems).toMatch(/parameters belong in the first code cell/);
  });

  it('reports top-level destructuring, which tslab runs wrongly, but not destructuring inside a block', () => {
    const nb = copy();
    const later = codeAt(nb, 2);
    later.source = `for (const x of [1]) {\n  const { a } = { a: x };\n}\n${cellSource(later)}`;
    expect(notebookProblems(nb, 'x.ipynb')).toEqual([]);
    later.source = `const { samples } = audio;\n${cellSource(later)}`;
    expect(notebookProblems(nb, 'x.ipynb')).toEqual([expect.stringMatching(/code cell 3 \(\w+\): top-level destructuring/)]);
  });

  it('reports a notebook that does not declare what its report shows', () => {
    const nb = copy();
    expect(reportExpectations(nb)).toEqual({ figures: 1, audio: 2 });
    nb.metadata.soundlab = { report: { figures: -1, audio: 0 } };
    expect(reportExpectations(nb)).toBeUndefined();
    delete nb.metadata.soundlab;
    expect(notebookProblems(nb, 'x.ipynb')).toEqual([expect.stringMatching(/^x\.ipynb: metadata\.soundlab\.report is missing/)]);
  });

  it('clearOutputs leaves a notebook run by nbconvert as committed: only outputs, counts and timings go', () => {
    const nb = copy();
    const cell = codeAt(nb, 1);
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }];
    cell.execution_count = 2;
    cell.metadata = { execution: { 'iopub.status.busy': '2026-11-30T08:19:00.426000Z' }, tags: ['keep'] };
    expect(notebookProblems(nb, 'x.ipynb')).toHaveLength(3);
    const cleared = clearOutputs(nb);
    expect(notebookProblems(cleared, 'x.ipynb')).toEqual([]);
    expect(codeAt(cleared, 1).metadata).toEqual({ tags: ['keep'] });
    codeAt(cleared, 1).metadata = {};
    expect(notebookText(cleared)).toBe(readFileSync(join(PROJECT_ROOT, 'notebooks', '01-load-audio.ipynb'), 'utf8'));
  });

  it('reads a file saved with outputs from disk the same way', () => {
    const nb = copy();
    codeAt(nb, 0).execution_count = 1;
    const path = join(mkdtempSync(join(tmpdir(), 'soundlab-nb-')), 'saved.ipynb');
    writeFileSync(path, JSON.stringify(nb));
    expect(notebookProblems(readNotebook(path), path)).toEqual([expect.stringMatching(/saved\.ipynb cell 2 \(imports-and-parameters\): has execution count 1/)]);
  });
});
