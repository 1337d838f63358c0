// The index page's new parts without running a notebook: previews, the command that made the set, folder sizes.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderBytes, formatBytes, reportsIndexHtml, runCommand, writeReportsIndex, type RunSummary } from '../../lib/notebook';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function summary(outDir: string, params?: string[]): RunSummary {
  return {
    outDir,
    indexHtml: join(outDir, 'index.html'),
    overrides: {},
    params,
    ok: true,
    seconds: 3,
    notebooks: [
      { name: '02-waveform', ok: true, seconds: 1, html: '02-waveform.html', ipynb: '02-waveform.ipynb', pdf: '02-waveform.pdf', preview: PNG, results: {} },
      { name: '04-baseline', ok: true, seconds: 1, html: '04-baseline.html', results: {} },
    ],
  };
}

describe('the reports index', () => {
  it('shows a preview only for the notebooks that have one, linked to their report, and links the PDF', () => {
    const html = reportsIndexHtml(summary('/tmp/x'));
    expect(html.match(/<img class="preview"/g)).toHaveLength(1);
    expect(html).toContain(`<a href="02-waveform.html"><img class="preview" src="${PNG}" alt="first figure of 02-waveform"></a>`);
    expect(html).toContain('href="02-waveform.pdf"');
    expect(html).not.toContain('href="04-baseline.pdf"');
  });

  it('says the command that made the set, quoting what a shell would split', () => {
    expect(runCommand({ params: ['epochs=5', 'data=my data/UrbanSound8K', "name=it's"] })).toBe(
      "npx soundlab notebooks --param epochs=5 --param 'data=my data/UrbanSound8K' --param 'name=it'\\''s'",
    );
    expect(runCommand({})).toBe('npx soundlab notebooks');
    expect(reportsIndexHtml(summary('/tmp/x', ['epochs=5']))).toContain('Made with <code>npx soundlab notebooks --param epochs=5</code>;');
    expect(reportsIndexHtml(summary('/tmp/x'))).toContain('(every notebook with its defaults)');
  });

  it('keeps index.json free of image data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-index-'));
    writeReportsIndex(summary(dir, ['epochs=5']));
    const json = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(json.notebooks[0].preview).toBeUndefined();
    expect(json.notebooks[0].pdf).toBe('02-waveform.pdf');
    expect(json.command).toBe('npx soundlab notebooks --param epochs=5');
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain(PNG);
  });
});

describe('folderBytes', () => {
  it('adds the sizes of every file below the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soundlab-bytes-'));
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'a.html'), Buffer.alloc(1500));
    writeFileSync(join(dir, 'logs', 'a.log'), Buffer.alloc(250));
    expect(folderBytes(dir)).toBe(1750);
    expect(formatBytes(1750)).toBe('2 kB');
    expect(formatBytes(28_440_000)).toBe('28.4 MB');
    expect(formatBytes(12)).toBe('12 B');
  });
});
