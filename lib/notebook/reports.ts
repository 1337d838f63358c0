// The reports index: one page linking every executed notebook with a preview of its first figure, the dataset, the command and parameters, accuracy vs baseline and times.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../plot/figures';
import type { RunSummary } from './runner';

function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The accuracy and baseline accuracy recorded by the notebooks (the last notebook that recorded them wins). */
export function headline(summary: Pick<RunSummary, 'notebooks'>): { accuracy?: number; baselineAccuracy?: number; from?: string }[] {
  const rows: { accuracy?: number; baselineAccuracy?: number; from?: string }[] = [];
  for (const nb of summary.notebooks) {
    const { accuracy, baselineAccuracy } = nb.results as { accuracy?: unknown; baselineAccuracy?: unknown };
    if (typeof accuracy === 'number' || typeof baselineAccuracy === 'number') {
      rows.push({
        accuracy: typeof accuracy === 'number' ? accuracy : undefined,
        baselineAccuracy: typeof baselineAccuracy === 'number' ? baselineAccuracy : undefined,
        from: nb.name,
      });
    }
  }
  return rows;
}

/** Every parameter value the notebooks used, merged (a key used with two values lists both). */
export function usedParams(summary: Pick<RunSummary, 'notebooks'>): Record<string, string> {
  const seen = new Map<string, Set<string>>();
  for (const nb of summary.notebooks) {
    const p = (nb.results.params ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(p)) {
      if (!seen.has(k)) seen.set(k, new Set());
      (seen.get(k) as Set<string>).add(formatValue(v));
    }
  }
  const out: Record<string, string> = {};
  for (const [k, values] of seen) out[k] = [...values].join(' / ');
  return out;
}

/** Quotes a command-line word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that makes this report set again: `npx soundlab notebooks --param epochs=5 …`. */
export function runCommand(summary: Pick<RunSummary, 'params'>): string {
  return ['npx soundlab notebooks', ...(summary.params ?? []).map((p) => `--param ${shellWord(p)}`)].join(' ');
}

const percent = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);

/** The index page's HTML (self-contained: no scripts, no external resources; previews are inline PNGs). */
export function reportsIndexHtml(summary: RunSummary): string {
  const e = escapeHtml;
  const p = usedParams(summary);
  const dataset = p.data ?? 'data.sample';
  const rows = summary.notebooks
    .map((nb) => {
      const link = nb.html ? `<a href="${e(nb.html)}">${e(nb.name)}</a>` : e(nb.name);
      const ipynb = nb.ipynb ? ` <a class="ipynb" href="${e(nb.ipynb)}">.ipynb</a>` : '';
      const results = Object.entries(nb.results)
        .filter(([k]) => k !== 'params')
        .map(([k, v]) => `${e(k)}: ${e(formatValue(v))}`)
        .join('<br>');
      const status = nb.ok ? '<span class="ok">ok</span>' : `<span class="failed">failed</span><br><small>${e(nb.error ?? '')}</small>`;
      const pdf = nb.pdf ? ` <a class="ipynb" href="${e(nb.pdf)}">PDF</a>` : '';
      // The preview is a PNG data URI taken by our own browser step; escaped all the same.
      const preview = nb.preview ? `<a href="${e(nb.html ?? '')}"><img class="preview" src="${e(nb.preview)}" alt="first figure of ${e(nb.name)}"></a>` : '';
      return `<tr><td>${link}${ipynb}${pdf}</td><td class="preview">${preview}</td><td>${status}</td><td class="num">${nb.seconds.toFixed(1)} s</td><td>${results}</td></tr>`;
    })
    .join('\n');
  const params = Object.entries(p)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('');
  const overrides = Object.entries(summary.overrides)
    .map(([k, v]) => `${e(k)}=${e(v)}`)
    .join(', ');
  const scores = headline(summary)
    .map((h) => `<tr><td>${e(h.from ?? '')}</td><td class="num">${percent(h.accuracy)}</td><td class="num">${percent(h.baselineAccuracy)}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>soundlab reports</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
td.num{text-align:right}td.preview{padding:2px}img.preview{display:block;width:240px;height:auto}.ok{color:#1a7f37}.failed{color:#c62828;font-weight:bold}a.ipynb{font-size:.8em;color:#666}
</style></head>
<body>
<h1>soundlab: the tutorial, executed</h1>
<p>Dataset: <code>${e(dataset)}</code>. ${summary.notebooks.length} notebooks, ${summary.ok ? 'all ran without error' : '<span class="failed">some failed</span>'},
in ${summary.seconds.toFixed(1)} s. Written ${e(new Date().toISOString())}.${overrides ? ` Overrides: <code>${overrides}</code>.` : ''}</p>
<h2>Accuracy vs baseline</h2>
${scores ? `<table><thead><tr><th>notebook</th><th>accuracy</th><th>baseline (most frequent class)</th></tr></thead><tbody>${scores}</tbody></table>` : '<p>No notebook recorded an accuracy.</p>'}
<h2>Notebooks</h2>
<table><thead><tr><th>notebook</th><th>first figure</th><th>status</th><th>time</th><th>results</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Parameters</h2>
<p>Made with <code>${e(runCommand(summary))}</code>${summary.params?.length || Object.keys(summary.overrides).length ? '' : ' (every notebook with its defaults)'}; the values the notebooks used:</p>
<table><tbody>${params}</tbody></table>${summary.previewsSkipped ? `\n<p><small>No figure previews: ${e(summary.previewsSkipped)}.</small></p>` : ''}
<p>Change them without editing a notebook: <code>npx soundlab notebooks --param epochs=20 --param data=path/to/UrbanSound8K</code>.</p>
</body></html>
`;
}

/** Writes `index.html` and `index.json` (the same summary, for scripts) into the summary's output folder. */
export function writeReportsIndex(summary: RunSummary): void {
  writeFileSync(summary.indexHtml, reportsIndexHtml(summary));
  // The previews are in index.html already; index.json stays a small summary for scripts.
  const notebooks = summary.notebooks.map(({ preview: _preview, ...rest }) => rest);
  writeFileSync(join(summary.outDir, 'index.json'), JSON.stringify({ ...summary, notebooks, command: runCommand(summary), params: usedParams(summary) }, null, 2) + '\n');
}
