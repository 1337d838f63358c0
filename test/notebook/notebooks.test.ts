// Executes every notebook on data.sample/ through Jupyter (a cell error fails), then opens each report in Chromium.
// One file on purpose: the browser checks need the reports the first part writes, and vitest runs files in parallel.
import { mkdtempSync, readFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { haveNbconvert, listNotebooks, PROJECT_ROOT, runNotebooks, type RunSummary } from '../../lib/notebook';
import { readNotebook, reportExpectations, type ReportExpectations } from '../../lib/notebook/ipynb';
import { HAVE_CHROMIUM, inspectReport, launchChromium } from '../browser/report-page';

const HAVE_JUPYTER = haveNbconvert();
if (!HAVE_JUPYTER) console.warn('[soundlab tests] jupyter-nbconvert not found: notebook execution is skipped (sudo apt-get install -y jupyter-nbconvert python3-ipykernel).');
if (!HAVE_CHROMIUM) console.warn('[soundlab tests] /usr/bin/chromium not found: the browser test is skipped (sudo apt-get install -y chromium).');

/** What a notebook's report must show at least: declared in the notebook (metadata.soundlab.report, checked by committed.test.ts). */
function expectedInReport(name: string): ReportExpectations {
  const declared = reportExpectations(readNotebook(join(PROJECT_ROOT, 'notebooks', `${name}.ipynb`)));
  if (!declared) throw new Error(`${name}.ipynb declares no metadata.soundlab.report`);
  return declared;
}

const describeJupyter = HAVE_JUPYTER ? describe : describe.skip;

/** A notebook for the soundlab kernel with these code cells. */
function notebookJson(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'soundlab-ts', display_name: 'TypeScript (soundlab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

describeJupyter('a failing cell', () => {
  it('fails its notebook, names the cell and what it printed, and still writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-failing-'));
    mkdirSync(join(dir, 'notebooks'));
    writeFileSync(join(dir, 'notebooks', '01-type-error.ipynb'), notebookJson(['console.log("fine");', "const n: number = 'four';", 'console.log("never");']));
    writeFileSync(join(dir, 'notebooks', '02-throws.ipynb'), notebookJson(['console.log("fine");', "throw new RangeError('boom at run time');"]));
    const run = await runNotebooks({ notebooksDir: join(dir, 'notebooks'), outDir: join(dir, 'reports'), log: () => undefined });
    expect(run.ok).toBe(false);
    const [typeError, thrown] = run.notebooks;
    expect(typeError.ok).toBe(false);
    expect(typeError.error).toMatch(/^cell 2 .*Type 'string' is not assignable to type 'number'/);
    expect(thrown.ok).toBe(false);
    expect(thrown.error).toMatch(/^cell 2 .*RangeError: boom at run time/);
    for (const nb of run.notebooks) expect(existsSync(join(dir, 'reports', `${nb.name}.html`))).toBe(true);
    expect(readFileSync(join(dir, 'reports', '02-throws.html'), 'utf8')).toContain('boom at run time');
    expect(readFileSync(join(dir, 'reports', 'index.html'), 'utf8')).toContain('failed');
  }, 300_000);
});

describeJupyter('the notebooks, executed on data.sample/', () => {
  let summary: RunSummary;
  const outDir = mkdtempSync(join(tmpdir(), 'soundlab-reports-'));

  beforeAll(async () => {
    summary = await runNotebooks({ outDir, env: { SOUNDLAB_PARAM_DATA: join(PROJECT_ROOT, 'data.sample') }, jobs: 2, log: (l) => console.log(l) });
  }, 1_200_000);

  it('runs every notebook in notebooks/ without a cell error', () => {
    const names = listNotebooks(join(PROJECT_ROOT, 'notebooks')).map((f) => f.replace(/^.*\//, '').replace(/\.ipynb$/, ''));
    expect(summary.notebooks.map((n) => n.name)).toEqual(names);
    for (const nb of summary.notebooks) expect({ name: nb.name, error: nb.error }).toEqual({ name: nb.name, error: undefined });
  });

  it('writes the executed notebook and its HTML report for each, and an index linking them', () => {
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    for (const nb of summary.notebooks) {
      expect(existsSync(join(outDir, `${nb.name}.ipynb`))).toBe(true);
      expect(existsSync(join(outDir, `${nb.name}.html`))).toBe(true);
      expect(index).toContain(`href="${nb.name}.html"`);
      // Issue 13's budget: a report (or executed notebook) ≤ 3 MB, the whole folder ≤ 30 MB (105 MB with the full bundle).
      for (const ext of ['html', 'ipynb']) expect(statSync(join(outDir, `${nb.name}.${ext}`)).size, `${nb.name}.${ext}`).toBeLessThanOrEqual(3e6);
    }
    expect(summary.bytes).toBeLessThanOrEqual(30e6);
    expect(index).toContain('data.sample');
  });

  it('records the baseline and the trained model’s accuracy, the model above the baseline', () => {
    const byName = Object.fromEntries(summary.notebooks.map((n) => [n.name, n.results]));
    const baseline = byName['04-baseline']?.baselineAccuracy as number;
    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThan(0.5);
    const trained = byName['06-train'];
    expect(trained).toBeDefined();
    expect(trained?.accuracy as number).toBeGreaterThan(baseline);
    expect(existsSync(join(outDir, 'sub01.csv'))).toBe(true);
  });

  (HAVE_CHROMIUM ? describe : describe.skip)('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('each report draws its plots, has its audio players, logs no error and requests nothing over the network', async () => {
      for (const nb of summary.notebooks) {
        const page = await inspectReport(browser, join(outDir, `${nb.name}.html`));
        const want = expectedInReport(nb.name);
        const got = { name: nb.name, ...page };
        expect(got.figures, nb.name).toBeGreaterThanOrEqual(want.figures);
        expect(got.renderedFigures, nb.name).toBe(got.figures);
        expect(got.plotlyBundles, nb.name).toBe(got.figures > 0 ? 1 : 0);
        expect(got.audio, nb.name).toBeGreaterThanOrEqual(want.audio);
        expect(got.playableAudio, nb.name).toBe(got.audio);
        expect(got.consoleErrors, nb.name).toEqual([]);
        expect(got.networkRequests, nb.name).toEqual([]);
      }
    }, 300_000);

    it('the index opens offline and without errors', async () => {
      const page = await inspectReport(browser, join(outDir, 'index.html'));
      expect(page.consoleErrors).toEqual([]);
      expect(page.networkRequests).toEqual([]);
      expect(page.title).toBe('soundlab reports');
    });
  });
});
