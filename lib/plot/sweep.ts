// A sweep's results drawn: the standalone HTML page (best run, sortable table, figures) of `soundlab sweep`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bestRecord, sweepFigure, sweepScatterFigure, sweepTableHtml, type SweepRecord } from '../experiments/sweep';
import { figureHtml, plotlyBundleKind } from './display';
import { escapeHtml } from './figures';

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
