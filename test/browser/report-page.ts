// Opens an exported report in headless Chromium and says what rendered, what failed and what was requested.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchBrowser } from '../../lib/notebook/browser';

/** Debian's chromium, the one .ci/run installs (the same browser and flags the PDF export uses). */
export const CHROMIUM = CHROMIUM_PATH;
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return launchBrowser();
}

/** What a report page showed once loaded and drawn. */
export interface PageReport {
  /** `.soundlab-figure` divs (one per figure shown). */
  figures: number;
  /** Figures whose div holds plotly's rendered SVG (`.main-svg`). */
  renderedFigures: number;
  /** `<audio>` elements with a WAV data URI and a positive duration once loaded. */
  audio: number;
  playableAudio: number;
  /** `<script>` elements carrying the plotly bundle. */
  plotlyBundles: number;
  consoleErrors: string[];
  /** Every URL the page requested that is not file: or data:. */
  networkRequests: string[];
  title: string;
}

/** Loads `file` (an HTML report) and inspects it once plotly has drawn. */
export async function inspectReport(browser: Browser, file: string): Promise<PageReport> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const networkRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) networkRequests.push(url);
  });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
    // Plotly draws synchronously in newPlot for these traces, but give slow machines a moment.
    await page
      .waitForFunction(
        () => Array.from(document.querySelectorAll('.soundlab-figure')).every((d) => d.querySelector('.main-svg')),
        undefined,
        { timeout: 30_000 },
      )
      .catch(() => undefined); // the counts below say what did not render
    await page
      .waitForFunction(() => Array.from(document.querySelectorAll('audio')).every((a) => (a as HTMLAudioElement).readyState >= 1), undefined, { timeout: 15_000 })
      .catch(() => undefined);
    const counts = await page.evaluate(() => {
      const figs = Array.from(document.querySelectorAll('.soundlab-figure'));
      const audios = Array.from(document.querySelectorAll('audio')) as HTMLAudioElement[];
      const wav = audios.filter((a) => (a.getAttribute('src') ?? '').startsWith('data:audio/wav;base64,'));
      return {
        figures: figs.length,
        renderedFigures: figs.filter((d) => d.querySelector('.main-svg')).length,
        audio: wav.length,
        playableAudio: wav.filter((a) => Number.isFinite(a.duration) && a.duration > 0).length,
        plotlyBundles: document.querySelectorAll('script#soundlab-plotly-bundle').length,
        title: document.title,
      };
    });
    return { ...counts, consoleErrors, networkRequests };
  } finally {
    await page.close();
  }
}
