// Showing figures, sound and tables in a tslab notebook: HTML with plotly's published partial bundle embedded once (compressed), WAV data URIs, tables.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { encodeWav } from '../audio/encode';
import { escapeHtml, type Figure } from './figures';

/**
 * Which published plotly bundle a page embeds: the cartesian partial bundle (1.4 MB minified, as the
 * plotly project publishes it) for every figure soundlab draws in the notebooks, the full bundle only
 * for a trace type the partial one lacks (the sweep report's parallel coordinates).
 */
export type PlotlyBundleKind = 'cartesian' | 'full';

/** The trace types in plotly.js-cartesian-dist-min (its README lists them). */
export const CARTESIAN_TRACE_TYPES: ReadonlySet<string> = new Set([
  'bar',
  'box',
  'contour',
  'heatmap',
  'histogram',
  'histogram2d',
  'histogram2dcontour',
  'image',
  'pie',
  'scatter',
  'scatterternary',
  'violin',
]);

/** The smallest bundle that draws every trace of these figures (a trace without a type is a scatter, as in plotly). */
export function plotlyBundleKind(figures: readonly Figure[]): PlotlyBundleKind {
  for (const figure of figures) {
    for (const trace of figure.data as readonly { type?: unknown }[]) {
      const type = typeof trace.type === 'string' ? trace.type : 'scatter';
      if (!CARTESIAN_TRACE_TYPES.has(type)) return 'full';
    }
  }
  return 'cartesian';
}

/** Where a bundle comes from: the plotly project's own minified bundles, installed from npm, never a CDN. */
export function plotlyBundlePath(kind: PlotlyBundleKind = 'cartesian'): string {
  return kind === 'cartesian'
    ? require.resolve('plotly.js-cartesian-dist-min/plotly-cartesian.min.js')
    : require.resolve('plotly.js-dist-min/plotly.min.js');
}

const bundleCache = new Map<PlotlyBundleKind, string>();

/** plotly.js exactly as published (the cartesian partial bundle, or the full one): the code a page runs. */
export function plotlyBundle(kind: PlotlyBundleKind = 'cartesian'): string {
  let code = bundleCache.get(kind);
  if (code === undefined) {
    code = readFileSync(plotlyBundlePath(kind), 'utf8');
    bundleCache.set(kind, code);
  }
  return code;
}

const scriptCache = new Map<PlotlyBundleKind, string>();

/**
 * The `<script>` that loads plotly into a page: the bundle's bytes gzip-compressed and base64-encoded
 * (1.4 MB → 0.63 MB for the cartesian one), unpacked in the browser with DecompressionStream and run as
 * a script element, so the code that runs is the published file byte for byte. Why compress: a report set
 * carries the bundle twice per notebook (the HTML report and the executed .ipynb), and at 1.4 MB a copy
 * the bundles alone would be 28 MB of the 30 MB budget. Running it signals `soundlab-plotly-ready`, which
 * the figures drawn before it wait for. base64 holds no `<`, so nothing can end the element early.
 */
export function plotlyBundleScript(kind: PlotlyBundleKind = 'cartesian'): string {
  let script = scriptCache.get(kind);
  if (script === undefined) {
    const packed = gzipSync(Buffer.from(plotlyBundle(kind), 'utf8'), { level: 9 }).toString('base64');
    script =
      `<script id="${PLOTLY_BUNDLE_ID}">(function(){` +
      `var packed="${packed}";` +
      "if(typeof DecompressionStream==='undefined'){console.error('soundlab: this browser cannot unpack the embedded plotly (no DecompressionStream); open the report in a current browser');return;}" +
      'var bytes=Uint8Array.from(atob(packed),function(c){return c.charCodeAt(0);});' +
      "new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function(code){" +
      "var s=document.createElement('script');s.textContent=code;document.head.appendChild(s);" +
      "window.dispatchEvent(new Event('soundlab-plotly-ready'));});" +
      '})();</script>';
    scriptCache.set(kind, script);
  }
  return script;
}

/** JSON safe to put inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Marks the element carrying the bundle; the browser test and `figureHtml` callers can look for it. */
export const PLOTLY_BUNDLE_ID = 'soundlab-plotly-bundle';

let figureCounter = 0;

/**
 * The HTML of one figure: a `<div>` and a script that draws it with `Plotly.newPlot`.
 * With `includePlotly`, a plotly bundle is put in front (once per page is enough: later outputs reuse
 * `window.Plotly`; a figure whose output renders before the bundle's waits for its load event). `true`
 * embeds the smallest bundle this figure needs; a page whose later figures need more passes the kind
 * for all of them (`plotlyBundleKind(figures)`).
 *
 * @param figure a figure from the builders in figures.ts.
 * @param options includePlotly (default false), a div id (default a fresh `soundlab-fig-N`).
 */
export function figureHtml(figure: Figure, options: { includePlotly?: boolean | PlotlyBundleKind; id?: string } = {}): string {
  const id = options.id ?? `soundlab-fig-${Date.now().toString(36)}-${++figureCounter}`;
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 320;
  const parts: string[] = [];
  if (options.includePlotly) {
    const kind = options.includePlotly === true ? plotlyBundleKind([figure]) : options.includePlotly;
    parts.push(plotlyBundleScript(kind));
  }
  parts.push(`<div id="${id}" class="soundlab-figure" style="width:100%;min-height:${height}px"></div>`);
  parts.push(
    '<script>(function(){' +
      `var data=${scriptJson(figure.data)},layout=${scriptJson(figure.layout)};` +
      `function draw(){window.Plotly.newPlot(${scriptJson(id)},data,layout,{responsive:true,displaylogo:false});}` +
      "if(window.Plotly){draw();}else{window.addEventListener('soundlab-plotly-ready',draw,{once:true});}" +
      '})();</script>',
  );
  return parts.join('\n');
}

/**
 * `<audio controls>` with the clip as a base64 data URI of a 16-bit PCM WAV (the tutorial's `ipd.Audio`).
 *
 * @param samples one Float32Array (mono) or one per channel; values in [-1, 1] (clipped when written).
 * @param sampleRate in Hz (an integer).
 * @param options label: text shown before the player.
 */
export function audioHtml(samples: Float32Array | Float32Array[], sampleRate: number, options: { label?: string } = {}): string {
  const channels = Array.isArray(samples) ? samples : [samples];
  const wav = encodeWav(channels, Math.round(sampleRate), { encoding: 'pcm_s16le' });
  const uri = `data:audio/wav;base64,${Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString('base64')}`;
  const player = `<audio controls preload="auto" src="${uri}"></audio>`;
  return options.label ? `<div class="soundlab-audio"><span>${escapeHtml(options.label)}</span><br>${player}</div>` : player;
}

/** Something with named columns and rows: a danfojs DataFrame has both. */
export interface TableLike {
  columns: readonly string[];
  values: readonly unknown[];
}

function cell(value: unknown, decimals: number): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(decimals);
  if (value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/**
 * An HTML table from a danfojs DataFrame (or anything with `columns` and row `values`) or from plain rows
 * (objects: the keys of the first row are the columns).
 *
 * @param options maxRows (default 20; the rest are counted, not shown), decimals for non-integers (default 4),
 *   an optional index column shown first (DataFrame `index`), a caption.
 */
export function tableHtml(
  table: TableLike | readonly Record<string, unknown>[],
  options: { maxRows?: number; decimals?: number; caption?: string; index?: readonly unknown[] } = {},
): string {
  const maxRows = options.maxRows ?? 20;
  const decimals = options.decimals ?? 4;
  let columns: string[];
  let rows: unknown[][];
  let index = options.index;
  if (Array.isArray(table)) {
    const list = table as readonly Record<string, unknown>[];
    columns = list.length ? Object.keys(list[0]) : [];
    rows = list.map((r) => columns.map((c) => r[c]));
  } else {
    const frame = table as TableLike & { index?: readonly unknown[] };
    columns = [...frame.columns];
    // A danfojs Series has values as a flat array: one column.
    rows = frame.values.map((r) => (Array.isArray(r) ? r : [r]));
    index = index ?? frame.index;
  }
  const head = (index ? ['<th></th>'] : []).concat(columns.map((c) => `<th>${escapeHtml(String(c))}</th>`)).join('');
  const body = rows
    .slice(0, maxRows)
    .map((r, i) => {
      const idx = index ? `<th>${cell(index[i], decimals)}</th>` : '';
      return `<tr>${idx}${r.map((v) => `<td>${cell(v, decimals)}</td>`).join('')}</tr>`;
    })
    .join('');
  const more = rows.length > maxRows ? `<p>… ${rows.length - maxRows} more rows (${rows.length} in all)</p>` : '';
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<table class="soundlab-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** Where HTML goes: tslab's `display.html` in a notebook. */
export type HtmlSink = (html: string) => void;

/** Shows figures, audio and tables through one sink, embedding the plotly bundle with the first figure only. */
export class NotebookDisplay {
  /** The bundle already embedded in this notebook, if any. */
  private embedded: PlotlyBundleKind | undefined;

  constructor(private readonly sink: HtmlSink) {}

  /**
   * Draws a figure. The first one of the notebook carries the cartesian bundle (or the full one if it
   * needs it); a later figure with a trace the cartesian bundle lacks carries the full bundle, which
   * replaces `window.Plotly` for the figures after it (those already drawn stay as they are).
   */
  figure(figure: Figure): void {
    const need = plotlyBundleKind([figure]);
    const include = this.embedded === undefined || (need === 'full' && this.embedded === 'cartesian') ? need : false;
    this.sink(figureHtml(figure, { includePlotly: include }));
    if (include) this.embedded = include;
  }

  /** An inline audio player for the clip. */
  audio(samples: Float32Array | Float32Array[], sampleRate: number, options: { label?: string } = {}): void {
    this.sink(audioHtml(samples, sampleRate, options));
  }

  /** A table (see tableHtml). */
  table(table: TableLike | readonly Record<string, unknown>[], options: Parameters<typeof tableHtml>[1] = {}): void {
    this.sink(tableHtml(table, options));
  }

  /** Raw HTML. */
  html(html: string): void {
    this.sink(html);
  }
}

let notebookDisplay: NotebookDisplay | undefined;

/** The display of the running tslab kernel (one per notebook, since each notebook has its own kernel). */
function kernelDisplay(): NotebookDisplay {
  if (!notebookDisplay) {
    // Loaded lazily: tslab is only meaningful inside its kernel, and lib/ must stay importable from the CLI and tests.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tslab = require('tslab') as { display: { html(s: string): void } };
    notebookDisplay = new NotebookDisplay((html) => tslab.display.html(html));
  }
  return notebookDisplay;
}

/** Shows a figure in the notebook (plotly embedded with the first one, no CDN). */
export function showFigure(figure: Figure): void {
  kernelDisplay().figure(figure);
}

/** Plays a clip inline in the notebook: `<audio controls>` with a 16-bit WAV data URI. */
export function playAudio(samples: Float32Array | Float32Array[], sampleRate: number, options: { label?: string } = {}): void {
  kernelDisplay().audio(samples, sampleRate, options);
}

/** Shows a DataFrame or plain rows as an HTML table in the notebook. */
export function displayTable(table: TableLike | readonly Record<string, unknown>[], options: Parameters<typeof tableHtml>[1] = {}): void {
  kernelDisplay().table(table, options);
}

/** Shows raw HTML in the notebook. */
export function displayHtml(html: string): void {
  kernelDisplay().html(html);
}
