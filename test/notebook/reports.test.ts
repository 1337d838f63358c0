// The report set as a reader gets it: execution counts, stderr shown as output where the cell succeeded,
// a PDF per report with text and vector figures, and an index with figure previews and the command used.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { haveNbconvert, listNotebooks, paramsToEnv, PROJECT_ROOT, runNotebooks, type RunSummary } from '../../lib/notebook';
import { HAVE_CHROMIUM } from '../browser/report-page';

const HAVE_PDFTOTEXT = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).status === 0;
const READY = haveNbconvert() && HAVE_CHROMIUM;
if (!READY) console.warn('[soundlab tests] the report-set test needs jupyter-nbconvert and /usr/bin/chromium: skipped (sudo apt-get install -y jupyter-nbconvert python3-ipykernel chromium).');
else if (!HAVE_PDFTOTEXT) console.warn('[soundlab tests] pdftotext not found: the PDF text check is skipped (sudo apt-get install -y poppler-utils).');

interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: { output_type: string; name?: string; text?: string | string[]; data?: Record<string, string | string[]> }[];
}
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));
const readNotebook = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { cells: Cell[] };

/** A notebook for the soundlab kernel: the cells as [type, source]. */
function notebookJson(cells: [string, string][]): string {
  return JSON.stringify({
    cells: cells.map(([type, source], i) =>
      type === 'code'
        ? { cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source }
        : { cell_type: 'markdown', id: `c${i}`, metadata: {}, source },
    ),
    metadata: { kernelspec: { name: 'soundlab-ts', display_name: 'TypeScript (soundlab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** The HTML elements of the report that hold a stream of this mime type (nbconvert's lab markup). */
function streamBlocks(html: string, mime: 'text/plain' | 'application/vnd.jupyter.stderr'): string[] {
  const re = new RegExp(`<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="${mime.replace(/[./]/g, '\\$&')}">\\s*<pre>([\\s\\S]*?)</pre>`, 'g');
  return [...html.matchAll(re)].map((m) => m[1]);
}

/** The layout of the first plotly figure among a notebook's outputs (figureHtml puts it in the page as JSON). */
function firstFigureLayout(nb: { cells: Cell[] }): { title?: { text?: string }; xaxis?: { title?: { text?: string } }; yaxis?: { title?: { text?: string } } } {
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const html = text(out.data?.['text/html']);
      const m = html.match(/,layout=(\{.*?\});function draw\(\)/);
      if (m) return JSON.parse(m[1]);
    }
  }
  throw new Error('no figure in the notebook');
}

(READY ? describe : describe.skip)('the report set (a real notebook and a banner one, with --pdf)', () => {
  let summary: RunSummary;
  const dir = mkdtempSync(join(tmpdir(), 'soundlab-report-set-'));
  const out = join(dir, 'reports');
  const source = listNotebooks(join(PROJECT_ROOT, 'notebooks')).find((f) => basename(f).startsWith('03-')) as string;
  const real = basename(source, '.ipynb');
  const params = [`data=${join(PROJECT_ROOT, 'data.sample')}`];

  beforeAll(async () => {
    mkdirSync(join(dir, 'notebooks'));
    copyFileSync(source, join(dir, 'notebooks', basename(source)));
    // The training notebooks' situation: selectBackend prints its banner on stderr, and the cell succeeds.
    writeFileSync(
      join(dir, 'notebooks', '01-banner.ipynb'),
      notebookJson([
        ['markdown', '# The banner'],
        ['code', "import { selectBackend } from './lib';\nawait selectBackend();"],
        ['code', "console.log('after the banner');"],
        ['code', "throw new RangeError('boom after the banner');"],
      ]),
    );
    summary = await runNotebooks({ notebooksDir: join(dir, 'notebooks'), outDir: out, env: paramsToEnv(params), params, pdf: true, jobs: 2, log: () => undefined });
  }, 600_000);

  it('ran the real notebook cleanly and stopped the banner one at its third cell', () => {
    const byName = Object.fromEntries(summary.notebooks.map((n) => [n.name, n]));
    expect(byName[real].error).toBeUndefined();
    expect(byName['01-banner'].error).toMatch(/^cell 3 .*RangeError: boom after the banner/);
  });

  it('keeps the execution counts in the executed notebook and the report (In [1]: …)', () => {
    const nb = readNotebook(join(out, `${real}.ipynb`));
    const counts = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
    const html = readFileSync(join(out, `${real}.html`), 'utf8');
    for (let i = 1; i <= counts.length; i++) expect(html).toContain(`In&nbsp;[${i}]:`);
    expect(html).not.toContain('In&nbsp;[&nbsp;]:');
    // The failing cell is numbered too; nothing after it ran.
    const banner = readNotebook(join(out, '01-banner.ipynb'));
    expect(banner.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count)).toEqual([1, 2, 3]);
  });

  it('shows the backend banner as normal output, and the failing cell’s error in the error style', () => {
    const html = readFileSync(join(out, '01-banner.html'), 'utf8');
    const plain = streamBlocks(html, 'text/plain').join('\n');
    const stderr = streamBlocks(html, 'application/vnd.jupyter.stderr').join('\n');
    expect(plain).toContain('soundlab: TensorFlow.js backend:');
    expect(plain).toContain('after the banner');
    expect(stderr).not.toContain('TensorFlow.js backend');
    expect(stderr).toContain('boom after the banner');
    // The executed notebook keeps the streams as the kernel sent them.
    const nb = readNotebook(join(out, '01-banner.ipynb'));
    const bannerStream = nb.cells.flatMap((c) => c.outputs ?? []).find((o) => text(o.text).includes('TensorFlow.js backend'));
    expect(bannerStream?.name).toBe('stderr');
  });

  (HAVE_PDFTOTEXT ? it : it.skip)('prints a PDF whose text has the notebook’s title and its first figure’s axis title (vector, not an image)', () => {
    const pdf = join(out, `${real}.pdf`);
    expect(summary.notebooks.find((n) => n.name === real)?.pdf).toBe(`${real}.pdf`);
    const words = (s: string) => s.replace(/\s+/g, ' ').trim();
    const pdfText = words(spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout);
    const title = text(readNotebook(source).cells[0].source).split('\n')[0].replace(/^#+\s*/, '');
    expect(title.length).toBeGreaterThan(3);
    expect(pdfText).toContain(words(title));
    const layout = firstFigureLayout(readNotebook(join(out, `${real}.ipynb`)));
    const axisTitle = layout.yaxis?.title?.text ?? layout.xaxis?.title?.text ?? '';
    expect(axisTitle.length).toBeGreaterThan(3);
    expect(pdfText).toContain(words(axisTitle));
    // Plotly draws SVG and Chromium prints it as paths and text: no raster image in the PDF.
    const images = spawnSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(images.length).toBe(2); // the header and its rule only
    expect(existsSync(join(out, '01-banner.pdf'))).toBe(true);
  });

  it('puts each report’s first figure on the index as a small inline PNG, and the command that made the set', () => {
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    const previews = [...index.matchAll(/<img class="preview" src="data:image\/png;base64,([A-Za-z0-9+/=]+)" alt="first figure of ([^"]+)">/g)];
    expect(previews.map((m) => m[2])).toEqual([real]); // the banner notebook has no figure
    const png = Buffer.from(previews[0][1], 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBeGreaterThan(300);
    expect(width).toBeLessThan(700);
    expect(height).toBeGreaterThan(150);
    expect(png.length).toBeLessThan(150_000);
    expect(index).toContain(`npx soundlab notebooks --param data=${join(PROJECT_ROOT, 'data.sample')}`);
    expect(index).toContain(`href="${real}.pdf"`);
    // index.json stays a summary: no image data in it.
    const json = readFileSync(join(out, 'index.json'), 'utf8');
    expect(json).not.toContain('data:image/png');
    expect(JSON.parse(json).command).toContain('--param data=');
  });

  it('measures the folder it wrote', () => {
    expect(summary.bytes).toBeGreaterThan(0);
    const du = spawnSync('du', ['-sb', '--apparent-size', out], { encoding: 'utf8' }).stdout;
    const duBytes = Number(du.split(/\s/)[0]);
    // du also counts the directories themselves (4 kB each here); the files are what a reader downloads.
    expect(Math.abs(duBytes - (summary.bytes as number))).toBeLessThan(64 * 1024);
  });
});
