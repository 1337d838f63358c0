// Notebook parameters from the environment, results recorded for the reports index, notebook selection, the index page.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  firstCellError,
  jupyterEnv,
  kernelSpec,
  ParamError,
  paramEnvName,
  notebookParams,
  paramsToEnv,
  recordResult,
  reportsIndexHtml,
  selectNotebooks,
  NotebookRunError,
  errorSummary,
  parseVerdict,
} from '../../lib/notebook';

describe('notebookParams', () => {
  it('maps camelCase, kebab and snake keys to one variable name', () => {
    expect(paramEnvName('epochs')).toBe('SOUNDLAB_PARAM_EPOCHS');
    expect(paramEnvName('batchSize')).toBe('SOUNDLAB_PARAM_BATCH_SIZE');
    expect(paramEnvName('batch-size')).toBe('SOUNDLAB_PARAM_BATCH_SIZE');
    expect(paramEnvName('n_mfcc')).toBe('SOUNDLAB_PARAM_N_MFCC');
  });

  it('keeps defaults, takes overrides in the default’s type', () => {
    const env = paramsToEnv(['epochs=20', 'data=/x/UrbanSound8K', 'shuffle=false', 'batch-size=64']);
    const p = notebookParams({ data: 'data.sample', epochs: 5, batchSize: 32, shuffle: true, seed: 0 }, env);
    expect(p).toEqual({ data: '/x/UrbanSound8K', epochs: 20, batchSize: 64, shuffle: false, seed: 0 });
  });

  it('refuses an override that is not of the default’s type, naming the variable', () => {
    expect(() => notebookParams({ epochs: 5 }, { SOUNDLAB_PARAM_EPOCHS: 'many' })).toThrow(/SOUNDLAB_PARAM_EPOCHS: 'many' is not a number/);
    expect(() => notebookParams({ shuffle: true }, { SOUNDLAB_PARAM_SHUFFLE: 'maybe' })).toThrow(ParamError);
    expect(() => paramsToEnv(['epochs'])).toThrow(/key=value/);
  });

  it('keeps = inside a value', () => {
    expect(paramsToEnv(['data=a=b'])).toEqual({ SOUNDLAB_PARAM_DATA: 'a=b' });
  });
});

describe('recordResult', () => {
  it('merges values into <dir>/<notebook>.json under the runner, and does nothing interactively', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-results-'));
    const env = { SOUNDLAB_RESULTS_DIR: dir, SOUNDLAB_NOTEBOOK: '04-baseline' };
    recordResult({ baselineAccuracy: 0.25 }, env);
    recordResult({ testClips: 40 }, env);
    expect(JSON.parse(readFileSync(join(dir, '04-baseline.json'), 'utf8'))).toEqual({ baselineAccuracy: 0.25, testClips: 40 });
    recordResult({ x: 1 }, { SOUNDLAB_RESULTS_DIR: dir });
    expect(readdirSync(dir)).toEqual(['04-baseline.json']);
  });
});

describe('selectNotebooks', () => {
  const files = ['/n/01-load-audio.ipynb', '/n/02-waveform.ipynb', '/n/06-train.ipynb'];
  it('selects by number or name, in notebook order', () => {
    expect(selectNotebooks(files, ['06', '1'])).toEqual([files[0], files[2]]);
    expect(selectNotebooks(files, ['02-waveform'])).toEqual([files[1]]);
    expect(selectNotebooks(files, undefined)).toEqual(files);
  });
  it('names an entry that matches nothing', () => {
    expect(() => selectNotebooks(files, ['07'])).toThrow(NotebookRunError);
  });
});

describe('firstCellError', () => {
  it('finds the first error output and numbers code cells from 1', () => {
    const nb = {
      cells: [
        { cell_type: 'markdown' },
        { cell_type: 'code', outputs: [{ output_type: 'stream' }] },
        { cell_type: 'code', outputs: [{ output_type: 'error', ename: 'AudioDecodeError', evalue: 'x.wav: empty file' }] },
        { cell_type: 'code', outputs: [{ output_type: 'error', ename: 'Later', evalue: '' }] },
      ],
    };
    expect(firstCellError(nb)).toEqual({ cell: 2, ename: 'AudioDecodeError', evalue: 'x.wav: empty file' });
    expect(firstCellError({ cells: [{ cell_type: 'code', outputs: [] }] })).toBeUndefined();
  });
});

describe('kernelSpec', () => {
  it('starts the kernel from the project root, even with spaces and quotes in the path', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'soundlab kernel ')), "it's here");
    // A stand-in tslab and tsx that report where and how they were started: what is under test is the
    // sh quoting, the working directory and the preload order (tsx first, then the compiler options), with the
    // real node resolving both --require from the root.
    mkdirSync(join(root, 'node_modules', 'tslab', 'bin'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'tsx'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'tsx', 'package.json'), JSON.stringify({ name: 'tsx', exports: { './cjs': './cjs.js' } }));
    writeFileSync(join(root, 'node_modules', 'tsx', 'cjs.js'), 'globalThis.tsxHook = true;');
    mkdirSync(join(root, 'lib', 'notebook'), { recursive: true });
    writeFileSync(join(root, 'lib', 'notebook', 'tslab-compiler.ts'), 'globalThis.compilerHook = globalThis.tsxHook;');
    writeFileSync(join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'console.log([process.cwd(), globalThis.compilerHook, ...process.argv.slice(2)].join("|"));');
    const argv = kernelSpec(root).argv.map((a) => a.replace('{connection_file}', '/tmp/kernel-1.json'));
    const run = spawnSync(argv[0], argv.slice(1), { cwd: tmpdir(), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`${root}|true|kernel|--config-path|/tmp/kernel-1.json`);
  });

  it('puts the project kernels first on JUPYTER_PATH and keeps the user’s entries', () => {
    expect(jupyterEnv('/p', { JUPYTER_PATH: '/a:/p/.jupyter' }).JUPYTER_PATH).toBe('/p/.jupyter:/a');
  });
});

describe('reportsIndexHtml', () => {
  it('links each report and shows accuracy against the baseline, dataset and parameters', () => {
    const html = reportsIndexHtml({
      outDir: '/r',
      indexHtml: '/r/index.html',
      ok: false,
      seconds: 12,
      overrides: { SOUNDLAB_PARAM_EPOCHS: '20' },
      notebooks: [
        { name: '04-baseline', ok: true, seconds: 3.25, html: '04-baseline.html', ipynb: '04-baseline.ipynb', results: { params: { data: 'data.sample' }, baselineAccuracy: 0.2 } },
        { name: '06-train', ok: false, seconds: 9, error: 'cell 3: Error: <boom>', results: { params: { data: 'data.sample', epochs: 20 }, accuracy: 0.8125, baselineAccuracy: 0.2 } },
      ],
    });
    expect(html).toContain('<a href="04-baseline.html">04-baseline</a>');
    expect(html).toContain('Dataset: <code>data.sample</code>');
    expect(html).toContain('<td class="num">81.3 %</td><td class="num">20.0 %</td>');
    expect(html).toContain('<th>epochs</th><td>20</td>');
    expect(html).toContain('cell 3: Error: &lt;boom&gt;');
    expect(html).toContain('3.3 s');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});

describe('execute.py verdicts', () => {
  it('reads the last JSON line, ignoring other output; undefined when there is none', () => {
    expect(parseVerdict('noise\n{"ok": false, "cell": 3, "source": "x", "message": "m"}\n')).toEqual({ ok: false, cell: 3, source: 'x', message: 'm' });
    expect(parseVerdict('Traceback (most recent call last):\n  ...')).toBeUndefined();
  });

  it('keeps the diagnostic and error lines of what a cell printed', () => {
    const printed = 'evalmachine.<anonymous>:3\n    throw x;\n    ^\n\nRangeError: boom\n    at evalmachine.<anonymous>:3:7';
    expect(errorSummary(printed)).toBe('RangeError: boom');
    expect(errorSummary("1:7 - Type 'string' is not assignable to type 'number'.")).toBe("1:7 - Type 'string' is not assignable to type 'number'.");
    expect(errorSummary('')).toBe('failed without a message');
  });
});
