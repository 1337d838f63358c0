// Both embedded plotly bundles unpack and draw offline in Chromium: the cartesian one for soundlab's trace types, the full one for parcoords.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { barFigure, confusionMatrixFigure, figureHtml, plotlyBundleKind, waveformFigure, type Figure } from '../../lib/plot';
import { HAVE_CHROMIUM, inspectReport, launchChromium } from './report-page';

const dir = mkdtempSync(join(tmpdir(), 'soundlab-bundles-'));

/** A page with these figures, plotly embedded once with the first (the kind all of them need). */
function page(name: string, figures: Figure[]): string {
  const kind = plotlyBundleKind(figures);
  const body = figures.map((f, i) => figureHtml(f, { includePlotly: i === 0 ? kind : false })).join('\n');
  const file = join(dir, `${name}.html`);
  writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body>${body}</body></html>`);
  return file;
}

(HAVE_CHROMIUM ? describe : describe.skip)('embedded plotly bundles in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the cartesian bundle draws scatter, bar and heatmap figures as SVG, offline and without errors', async () => {
    const wave = waveformFigure(Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i / 20)), 1000);
    const file = page('cartesian', [wave, barFigure(['a', 'b'], [1, 2]), confusionMatrixFigure([[3, 1], [0, 4]], ['a', 'b'])]);
    const got = await inspectReport(browser, file);
    expect(got).toMatchObject({ figures: 3, renderedFigures: 3, plotlyBundles: 1, consoleErrors: [], networkRequests: [] });
  }, 60_000);

  it('the full bundle draws a parallel-coordinates figure the cartesian one cannot', async () => {
    const parcoords = { data: [{ type: 'parcoords', dimensions: [{ label: 'epochs', values: [5, 10, 20] }, { label: 'accuracy', values: [0.5, 0.7, 0.6] }] }], layout: { height: 300 } } as unknown as Figure;
    const file = page('full', [barFigure(['a', 'b'], [1, 2]), parcoords]);
    const got = await inspectReport(browser, file);
    expect(got).toMatchObject({ figures: 2, renderedFigures: 2, plotlyBundles: 1, consoleErrors: [], networkRequests: [] });
    // Without the parcoords module plotly still draws an empty SVG frame; the axes named by the dimensions prove the trace drew.
    const p = await browser.newPage();
    try {
      await p.goto(pathToFileURL(file).href);
      await p.waitForFunction(() => document.querySelectorAll('.parcoords').length > 0, undefined, { timeout: 30_000 }).catch(() => undefined);
      const labels = await p.evaluate(() => Array.from(document.querySelectorAll('.parcoords text')).map((t) => t.textContent));
      expect(labels).toEqual(expect.arrayContaining(['epochs', 'accuracy']));
    } finally {
      await p.close();
    }
  }, 60_000);
});
