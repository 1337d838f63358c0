// Opens exported reports in headless Chromium (Debian's, through playwright-core): prints PDFs, snapshots each report's first figure for the index.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium, the one `.ci/run` installs; SOUNDLAB_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.SOUNDLAB_CHROMIUM ?? '/usr/bin/chromium';

/** The Debian command that installs the browser the PDFs and previews are made with. */
export const CHROMIUM_INSTALL_COMMAND = 'sudo apt-get install -y chromium';

/** Flags for a quiet, offline, root-friendly headless run. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Raised when a PDF is asked for and there is no Chromium or no playwright-core to drive it. */
export class BrowserMissingError extends Error {
  constructor(reason: string) {
    super(`${reason}; PDFs and the index previews are made with headless Chromium. Install it with:\n  ${CHROMIUM_INSTALL_COMMAND}`);
    this.name = 'BrowserMissingError';
  }
}

/** Why the browser cannot be used here, or undefined when it can. */
export function browserUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} not found`;
  try {
    require.resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install)';
  }
  return undefined;
}

/** Starts headless Chromium; throws BrowserMissingError when it cannot. */
export async function launchBrowser(): Promise<Browser> {
  const missing = browserUnavailable();
  if (missing) throw new BrowserMissingError(missing);
  // Loaded lazily: playwright-core is only needed for PDFs and previews, not to run the notebooks.
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

/** Waits until every figure of the page holds plotly's SVG (plotly draws after its bundle's load event). */
async function figuresDrawn(page: Page, timeoutMs: number): Promise<boolean> {
  return page
    .waitForFunction(() => Array.from(document.querySelectorAll('.soundlab-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: timeoutMs })
    .then(() => true)
    .catch(() => false);
}

/**
 * A4 at 96 dpi is 794 CSS px wide; minus the 12 mm margins, 703 px. The page is laid out at that width
 * before plotly draws, so responsive figures fit the paper instead of being cut at the screen's width.
 */
const PRINT_WIDTH_PX = 703;

/**
 * Prints an HTML report to PDF: print media, A4, backgrounds on, figures as plotly drew them (SVG, so
 * vectors in the PDF). The template's print CSS keeps cells and figures off page breaks where they fit.
 */
export async function printPdf(browser: Browser, htmlFile: string, pdfFile: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: PRINT_WIDTH_PX, height: 1000 } });
  try {
    await page.emulateMedia({ media: 'print' });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 120_000 });
    await figuresDrawn(page, 60_000);
    await page.pdf({ path: pdfFile, format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
  } finally {
    await page.close();
  }
}

/** The width of a preview as the page lays the figure out (CSS px); the index shows it at half that. */
const PREVIEW_WIDTH_PX = 480;

/**
 * The report's first figure as a small PNG data URI (plotly laid out at 480 px wide, as drawn in the page),
 * or undefined when the report has no figure or it did not render. A few tens of kB: the index stays light.
 */
export async function firstFigurePreview(browser: Browser, htmlFile: string): Promise<string | undefined> {
  const page = await browser.newPage({ viewport: { width: PREVIEW_WIDTH_PX + 120, height: 800 } });
  try {
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 120_000 });
    const figure = page.locator('.soundlab-figure').first();
    if ((await page.locator('.soundlab-figure').count()) === 0) return undefined;
    const drawn = await page
      .waitForFunction(() => !!document.querySelector('.soundlab-figure .main-svg'), undefined, { timeout: 60_000 })
      .then(() => true)
      .catch(() => false);
    if (!drawn) return undefined;
    // Only the plot: the modebar appears on hover and would be cut in half.
    const png = await figure.screenshot({ type: 'png', animations: 'disabled', style: '.modebar-container{display:none!important}' });
    return `data:image/png;base64,${png.toString('base64')}`;
  } finally {
    await page.close();
  }
}
