// A sweep's results drawn: the sortable table, the scatter and parallel-coordinates figures, and the
// standalone HTML page of `soundlab sweep` that holds them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { bestRecord, type SweepRecord } from '../experiments/sweep';
import { figureHtml, plotlyBundleKind } from './display';
import { escapeHtml, type Figure } from './figures';

/**
 * Parameter names that vary across the records (the interesting columns): more than one value among
 * the runs that have the parameter (a baseline run has no epochs; that alone does not make epochs vary).
 */
export function varyingParams(records: readonly SweepRecord[]): string[] {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.params)))];
  return keys.filter((k) => new Set(records.filter((r) => k in r.params).map((r) => JSON.stringify(r.params[k]))).size > 1);
}

/**
 * The results as a self-contained HTML table: one row per run, click a header to sort (a few lines of
 * inline script, no network), the best run marked ★ and highlighted, each run linked to its report.
 */
export function sweepTableHtml(records: readonly SweepRecord[]): string {
  const best = bestRecord(records);
  const cols = varyingParams(records);
  const head = ['', 'run', ...cols, 'accuracy', 'macro-F1', 'baseline', 'train s', 'report'];
  const cell = (v: unknown) => escapeHtml(typeof v === 'number' ? String(Math.round(v * 10000) / 10000) : JSON.stringify(v ?? null).replace(/^"|"$/g, ''));
  const rows = records.map((r) => {
    const isBest = best !== null && r.hash === best.hash;
    const tds = [
      `<td>${isBest ? '★' : ''}</td>`,
      `<td><code>${escapeHtml(r.hash)}</code></td>`,
      ...cols.map((c) => `<td>${cell(r.params[c])}</td>`),
      `<td data-v="${r.metrics.accuracy}">${(100 * r.metrics.accuracy).toFixed(1)}%</td>`,
      `<td data-v="${r.metrics.macroF1}">${r.metrics.macroF1.toFixed(3)}</td>`,
      `<td data-v="${r.metrics.baselineAccuracy}">${(100 * r.metrics.baselineAccuracy).toFixed(1)}%</td>`,
      `<td data-v="${r.trainSeconds}">${r.trainSeconds.toFixed(1)}</td>`,
      `<td><a href="${escapeHtml(r.report)}">${escapeHtml(basename(r.report))}</a></td>`,
    ];
    return `<tr${isBest ? ' class="best"' : ''}>${tds.join('')}</tr>`;
  });
  const script =
    "document.querySelectorAll('table.sweep th').forEach(function(th,i){th.style.cursor='pointer';th.addEventListener('click',function(){" +
    "var t=th.closest('table'),b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows),d=th.dataset.dir==='asc'?-1:1;th.dataset.dir=d===1?'asc':'desc';" +
    "rs.sort(function(x,y){var a=x.cells[i],c=y.cells[i],p=a.dataset.v!==undefined?+a.dataset.v:a.textContent,q=c.dataset.v!==undefined?+c.dataset.v:c.textContent;" +
    "var n=+p,m=+q;if(!isNaN(n)&&!isNaN(m)&&p!==''&&q!==''){return d*(n-m);}return d*String(p).localeCompare(String(q));});rs.forEach(function(r){b.appendChild(r);});});});";
  return [
    '<style>table.sweep{border-collapse:collapse;font:13px sans-serif}table.sweep td,table.sweep th{border:1px solid #ccc;padding:2px 6px;text-align:right}table.sweep tr.best{background:#fff3c4;font-weight:bold}</style>',
    `<table class="sweep"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<script>${script}</script>`,
  ].join('\n');
}

/**
 * Parallel-coordinates figure of the runs: one axis per varying parameter (categorical values become
 * numbered ticks), then accuracy; lines coloured by accuracy. A plain plotly figure object.
 */
export function sweepFigure(records: readonly SweepRecord[], options: { title?: string } = {}): Figure {
  const dims: Record<string, unknown>[] = [];
  for (const c of varyingParams(records)) {
    const raw = records.map((r) => r.params[c]);
    if (raw.every((v) => typeof v === 'number')) {
      dims.push({ label: c, values: raw });
    } else {
      const names = [...new Set(raw.map((v) => JSON.stringify(v ?? null).replace(/^"|"$/g, '')))].sort();
      dims.push({ label: c, values: raw.map((v) => names.indexOf(JSON.stringify(v ?? null).replace(/^"|"$/g, ''))), tickvals: names.map((_, i) => i), ticktext: names });
    }
  }
  const acc = records.map((r) => Math.round(r.metrics.accuracy * 10000) / 10000);
  dims.push({ label: 'accuracy', values: acc, range: [0, 1] });
  return {
    data: [{ type: 'parcoords', line: { color: acc, colorscale: 'Viridis', showscale: true, cmin: 0, cmax: 1 }, dimensions: dims }],
    layout: { title: { text: options.title ?? `Sweep: ${records.length} runs` }, height: 380, margin: { l: 60, r: 40, t: 60, b: 30 } },
  };
}

/**
 * Scatter of the runs: accuracy against training seconds, one colour per model kind, the best run
 * drawn as a star; hovering shows the varying parameters. A plain plotly figure (SVG, no WebGL —
 * unlike parcoords it renders in any browser, headless ones included).
 */
export function sweepScatterFigure(records: readonly SweepRecord[], options: { title?: string } = {}): Figure {
  const best = bestRecord(records);
  const cols = varyingParams(records);
  const label = (r: SweepRecord) => cols.map((c) => `${c}=${JSON.stringify(r.params[c] ?? null)}`).join('<br>') || r.hash;
  const models = [...new Set(records.map((r) => String(r.params.model)))].sort();
  const data: Record<string, unknown>[] = models.map((m) => {
    const rs = records.filter((r) => String(r.params.model) === m);
    return {
      type: 'scatter', mode: 'markers', name: m,
      x: rs.map((r) => Math.round(r.trainSeconds * 100) / 100),
      y: rs.map((r) => Math.round(r.metrics.accuracy * 10000) / 10000),
      text: rs.map(label), hoverinfo: 'text+x+y', marker: { size: 10 },
    };
  });
  if (best) {
    data.push({
      type: 'scatter', mode: 'markers+text', name: 'best', x: [Math.round(best.trainSeconds * 100) / 100], y: [Math.round(best.metrics.accuracy * 10000) / 10000],
      text: ['★ best'], textposition: 'top center', marker: { size: 18, symbol: 'star', color: '#e6a700' }, hoverinfo: 'x+y',
    });
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? `Sweep: accuracy vs training time (${records.length} runs)` }, height: 360,
      xaxis: { title: { text: 'training seconds' } }, yaxis: { title: { text: 'test accuracy' }, range: [0, 1.05] },
    },
  };
}

/** The sweep page's two figures, plotly embedded once with the first: the full bundle, as parallel coordinates need it. */
function figuresHtml(records: readonly SweepRecord[]): string[] {
  if (!records.length) return [];
  const figures = [sweepScatterFigure(records), sweepFigure(records, { title: 'parameters → accuracy (parallel coordinates)' })];
  const kind = plotlyBundleKind(figures);
  return figures.map((f, i) => figureHtml(f, { includePlotly: i === 0 ? kind : false }));
}

/**
 * A standalone HTML page for a sweep: the best run, the sortable results table (each run linked to
 * its report), an accuracy-vs-time scatter and a parallel-coordinates plot, plotly embedded (works offline). Written to `file`.
 */
export function writeSweepReport(records: readonly SweepRecord[], file: string, options: { title?: string } = {}): void {
  const best = bestRecord(records);
  const title = options.title ?? 'soundlab sweep';
  const bestHtml = best
    ? `<p>Best run ★ <code>${escapeHtml(best.hash)}</code>: accuracy ${(100 * best.metrics.accuracy).toFixed(1)}% (baseline ${(100 * best.metrics.baselineAccuracy).toFixed(1)}%), macro-F1 ${best.metrics.macroF1.toFixed(3)} — <a href="${escapeHtml(best.report)}">report</a>; parameters <code>${escapeHtml(JSON.stringify(best.params))}</code></p>`
    : '<p>No finished runs.</p>';
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title></head><body style="font-family:sans-serif">',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${records.length} runs on ${escapeHtml([...new Set(records.map((r) => r.dataset))].join(', '))}, split ${escapeHtml([...new Set(records.map((r) => r.split))].join(', '))}. Click a column header to sort.</p>`,
    bestHtml,
    sweepTableHtml(records),
    ...figuresHtml(records),
    '</body></html>',
  ].join('\n');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
}
