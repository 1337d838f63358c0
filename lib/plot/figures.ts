// Plotly figure builders: plain `{ data, layout }` objects (no browser needed) for waveforms, bars, heatmaps and curves.

/** One plotly trace: a plain object plotly.js accepts (`type`, `x`, `y`, `z`, …). */
export type Trace = Record<string, unknown>;

/** A plotly figure as `Plotly.newPlot(div, data, layout)` takes it; plain JSON, so tests can read it. */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

/** A number sequence as the builders accept it. */
export type Numbers = ArrayLike<number>;

/** Default figure height in pixels; one place so all tutorial plots look alike. */
const HEIGHT = 320;

// Coordinates are rounded before they go into the figure: the figure is serialised into the notebook
// and report, and 17-digit floats would triple its size for no visible difference.
function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function toList(values: Numbers, digits = 6): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = round(values[i], digits);
  return out;
}

function axisTitle(text: string | undefined): Record<string, unknown> | undefined {
  return text === undefined ? undefined : { text };
}

function baseLayout(title: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    height: HEIGHT,
    margin: { l: 60, r: 20, t: title ? 50 : 20, b: 50 },
    ...extra,
  };
  if (title) layout.title = { text: title };
  return layout;
}

/** Per-bin minimum and maximum of a signal: what a waveform plot of a long clip draws. */
export interface Envelope {
  /** Time of each bin's start, in seconds. */
  timeSeconds: number[];
  /** Smallest sample in each bin. */
  min: number[];
  /** Largest sample in each bin. */
  max: number[];
}

/**
 * Min/max envelope of `samples` in `binCount` equal bins (the last may be shorter), like
 * librosa.display.waveshow does for long signals: every peak survives, whatever the zoom.
 *
 * @param samples the signal (one channel).
 * @param sampleRate in Hz, to put the bins on a time axis in seconds.
 * @param binCount number of bins (default 1000); at most samples.length.
 */
export function minMaxEnvelope(samples: Numbers, sampleRate: number, binCount = 1000): Envelope {
  const n = samples.length;
  const bins = Math.max(1, Math.min(binCount, n));
  const timeSeconds: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * n) / bins);
    const end = Math.max(start + 1, Math.floor(((b + 1) * n) / bins));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < end && i < n; i++) {
      const v = samples[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) lo = hi = 0; // only for an empty signal
    timeSeconds.push(round(start / sampleRate, 6));
    min.push(round(lo, 5));
    max.push(round(hi, 5));
  }
  return { timeSeconds, min, max };
}

export interface WaveformOptions {
  title?: string;
  /** Most points per trace (default 2000): longer clips are drawn as a min/max envelope of this many bins. */
  maxPoints?: number;
  /** Line colour (default plotly's first colour). */
  color?: string;
}

/**
 * The waveform plot (librosa.display.waveshow): amplitude against time in seconds.
 * Clips of at most `maxPoints` samples are drawn sample by sample; longer ones as a filled min/max
 * envelope (two traces of at most `maxPoints` points each), so a 4 s clip at 44.1 kHz is not 176 400 points.
 *
 * @param samples one channel of audio, nominally in [-1, 1].
 * @param sampleRate in Hz.
 */
export function waveformFigure(samples: Numbers, sampleRate: number, options: WaveformOptions = {}): Figure {
  const maxPoints = Math.max(2, options.maxPoints ?? 2000);
  const color = options.color ?? '#1f77b4';
  const layout = baseLayout(options.title, {
    xaxis: { title: axisTitle('time (s)'), range: [0, samples.length / sampleRate] },
    yaxis: { title: axisTitle('amplitude') },
    showlegend: false,
  });
  if (samples.length <= maxPoints) {
    const x = new Array<number>(samples.length);
    for (let i = 0; i < samples.length; i++) x[i] = round(i / sampleRate, 6);
    return { data: [{ type: 'scatter', mode: 'lines', name: 'waveform', x, y: toList(samples, 5), line: { color, width: 1 } }], layout };
  }
  const env = minMaxEnvelope(samples, sampleRate, maxPoints);
  return {
    data: [
      { type: 'scatter', mode: 'lines', name: 'max', x: env.timeSeconds, y: env.max, line: { color, width: 1 } },
      { type: 'scatter', mode: 'lines', name: 'min', x: env.timeSeconds, y: env.min, line: { color, width: 1 }, fill: 'tonexty', fillcolor: color },
    ],
    layout,
  };
}

export interface BarOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Draw bars horizontally (labels on the y axis). Default false. */
  horizontal?: boolean;
  /** Show each value on its bar, formatted with this many decimals (default: no text). */
  textDecimals?: number;
}

/** A bar chart: one bar per label (e.g. the class distribution). `labels` and `values` have the same length. */
export function barFigure(labels: readonly string[], values: Numbers, options: BarOptions = {}): Figure {
  if (labels.length !== values.length) throw new RangeError(`barFigure: ${labels.length} labels but ${values.length} values`);
  const v = toList(values);
  const trace: Trace = options.horizontal
    ? { type: 'bar', orientation: 'h', x: v, y: [...labels] }
    : { type: 'bar', x: [...labels], y: v };
  if (options.textDecimals !== undefined) {
    trace.text = v.map((x) => x.toFixed(options.textDecimals));
    trace.textposition = 'auto';
  }
  return {
    data: [trace],
    layout: baseLayout(options.title, {
      xaxis: { title: axisTitle(options.xTitle), automargin: true },
      yaxis: { title: axisTitle(options.yTitle), automargin: true, ...(options.horizontal ? { autorange: 'reversed' } : {}) },
    }),
  };
}

export interface HeatmapOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Column coordinates or labels (default 0, 1, …). */
  x?: readonly (number | string)[];
  /** Row coordinates or labels (default 0, 1, …). */
  y?: readonly (number | string)[];
  /** Plotly colour scale: a name such as 'Viridis', or [position, colour] stops (default 'Viridis'). */
  colorscale?: string | [number, string][];
  /** Reverse the colour scale (plotly's 'Blues' runs dark to light). */
  reverseScale?: boolean;
  /** Colour bar title (e.g. 'dB'). */
  colorbarTitle?: string;
  /** Write each cell's value on it (for small matrices such as a confusion matrix). */
  annotate?: boolean;
  /** Put row 0 at the top (matrix order) instead of the bottom (image / spectrogram order). */
  rowsTopDown?: boolean;
}

/**
 * A heatmap of a matrix given as rows (`matrix[row][column]`): an MFCC or log-mel matrix
 * (rows = coefficients or mel bands, columns = frames) or a confusion matrix.
 */
export function heatmapFigure(matrix: readonly Numbers[], options: HeatmapOptions = {}): Figure {
  const z = matrix.map((row) => toList(row, 4));
  const trace: Trace = {
    type: 'heatmap',
    z,
    colorscale: options.colorscale ?? 'Viridis',
    reversescale: options.reverseScale ?? false,
    colorbar: options.colorbarTitle ? { title: { text: options.colorbarTitle } } : {},
  };
  if (options.x) trace.x = [...options.x];
  if (options.y) trace.y = [...options.y];
  if (options.annotate) {
    trace.text = z.map((row) => row.map((v) => String(v)));
    trace.texttemplate = '%{text}';
    trace.hovertemplate = 'row %{y}<br>column %{x}<br>%{z}<extra></extra>';
  }
  return {
    data: [trace],
    layout: baseLayout(options.title, {
      xaxis: { title: axisTitle(options.xTitle), automargin: true },
      yaxis: { title: axisTitle(options.yTitle), automargin: true, ...(options.rowsTopDown ? { autorange: 'reversed' } : {}) },
    }),
  };
}

/** matplotlib's 'magma' (librosa's specshow default), which plotly has no name for: five of its stops. */
export const MAGMA: [number, string][] = [
  [0, '#000004'],
  [0.25, '#51127c'],
  [0.5, '#b73779'],
  [0.75, '#fc8961'],
  [1, '#fcfdbf'],
];

/** A row-major matrix as lib/features returns it: `data[i * nCols + t]` is row i, column t. */
export interface MatrixLike {
  data: Numbers;
  nRows: number;
  nCols: number;
}

/** The rows of a row-major matrix, as plain arrays (plotly's `z`). */
export function matrixRows(m: MatrixLike): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < m.nRows; i++) {
    const row = new Array<number>(m.nCols);
    for (let t = 0; t < m.nCols; t++) row[t] = m.data[i * m.nCols + t];
    rows.push(row);
  }
  return rows;
}

function isMatrixLike(m: readonly Numbers[] | MatrixLike): m is MatrixLike {
  return !Array.isArray(m) && typeof (m as MatrixLike).nRows === 'number';
}

/** Centre time in seconds of each of `frames` frames (frame t ↦ t · hopLength / sampleRate, librosa's `center=True`). */
export function frameTimes(frames: number, sampleRate: number, hopLength: number): number[] {
  return Array.from({ length: frames }, (_, t) => round((t * hopLength) / sampleRate, 5));
}

/**
 * A time–frequency matrix (MFCCs or a log-mel spectrogram, `rows × frames`, as rows or as a lib/features
 * matrix) with frames placed at their centre time in seconds, row 0 at the bottom (librosa's specshow).
 */
export function spectrogramFigure(
  matrix: readonly Numbers[] | MatrixLike,
  options: { sampleRate: number; hopLength: number; title?: string; yTitle?: string; colorbarTitle?: string },
): Figure {
  const rows = isMatrixLike(matrix) ? matrixRows(matrix) : matrix;
  const frames = rows.length ? rows[0].length : 0;
  return heatmapFigure(rows, {
    title: options.title,
    x: frameTimes(frames, options.sampleRate, options.hopLength),
    xTitle: 'time (s)',
    yTitle: options.yTitle,
    colorbarTitle: options.colorbarTitle,
    colorscale: MAGMA,
  });
}

/** One per-frame curve (a scalar descriptor): its name, unit and one value per frame. */
export interface FeatureCurve {
  name: string;
  unit?: string;
  values: Numbers;
}

/**
 * Per-frame curves (rms, zero-crossing rate, spectral centroid, …) against time in seconds, one panel
 * each (their units differ), in a grid.
 *
 * @param options sampleRate and hopLength place the frames; columns (default 3); an overall title.
 */
export function featureCurvesFigure(
  curves: readonly FeatureCurve[],
  options: { sampleRate: number; hopLength: number; columns?: number; title?: string },
): Figure {
  return subplots(
    curves.map((c) => ({
      title: c.unit ? `${c.name} (${c.unit})` : c.name,
      figure: linesFigure([{ name: c.name, x: frameTimes(c.values.length, options.sampleRate, options.hopLength), y: c.values }], { xTitle: 'time (s)' }),
    })),
    { columns: options.columns ?? 3, title: options.title, rowHeight: 200 },
  );
}

/**
 * A confusion matrix: rows are the true classes, columns the predicted ones, counts written on the cells,
 * first class at the top (the way scikit-learn prints it).
 */
export function confusionMatrixFigure(matrix: readonly Numbers[], classes: readonly string[], options: { title?: string } = {}): Figure {
  if (matrix.length !== classes.length) throw new RangeError(`confusionMatrixFigure: ${matrix.length} rows but ${classes.length} classes`);
  const fig = heatmapFigure(matrix, {
    title: options.title ?? 'confusion matrix',
    x: classes,
    y: classes,
    xTitle: 'predicted class',
    yTitle: 'true class',
    colorscale: 'Blues',
    reverseScale: true,
    annotate: true,
    rowsTopDown: true,
  });
  fig.layout.height = Math.max(HEIGHT, 120 + 36 * classes.length);
  return fig;
}

/** One line of a line chart. `x` defaults to 1, 2, … (epochs). */
export interface Series {
  name: string;
  y: Numbers;
  x?: Numbers;
  /** Dashed line (e.g. the validation curve or a baseline). */
  dash?: boolean;
}

export interface LinesOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** y axis range, e.g. [0, 1] for accuracy. */
  yRange?: [number, number];
}

/** A line chart of several series (training curves: train vs validation). */
export function linesFigure(series: readonly Series[], options: LinesOptions = {}): Figure {
  return {
    data: series.map((s) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: s.name,
      x: s.x ? toList(s.x) : Array.from({ length: s.y.length }, (_, i) => i + 1),
      y: toList(s.y),
      line: s.dash ? { dash: 'dash' } : {},
    })),
    layout: baseLayout(options.title, {
      xaxis: { title: axisTitle(options.xTitle) },
      yaxis: { title: axisTitle(options.yTitle), ...(options.yRange ? { range: options.yRange } : {}) },
    }),
  };
}

/** Keras-style training history: one value per epoch. */
export interface HistoryLike {
  loss: Numbers;
  acc: Numbers;
  valLoss?: Numbers;
  valAcc?: Numbers;
}

/** The two training-curve panels (loss, accuracy), each train vs validation (when there is any), side by side. */
export function trainingCurvesFigure(history: HistoryLike, options: { title?: string; baselineAccuracy?: number } = {}): Figure {
  const loss: Series[] = [{ name: 'loss', y: history.loss }];
  // A model trained without validation data has empty val arrays (lib/model/train's History): no empty legend entry.
  if (history.valLoss?.length) loss.push({ name: 'val_loss', y: history.valLoss, dash: true });
  const acc: Series[] = [{ name: 'acc', y: history.acc }];
  if (history.valAcc?.length) acc.push({ name: 'val_acc', y: history.valAcc, dash: true });
  if (options.baselineAccuracy !== undefined) {
    acc.push({ name: 'baseline', y: Array.from({ length: history.acc.length }, () => options.baselineAccuracy as number), dash: true });
  }
  return subplots(
    [
      { title: 'loss', figure: linesFigure(loss, { xTitle: 'epoch', yTitle: 'loss' }) },
      { title: 'accuracy', figure: linesFigure(acc, { xTitle: 'epoch', yTitle: 'accuracy', yRange: [0, 1] }) },
    ],
    { columns: 2, title: options.title, showLegend: true },
  );
}

/** A panel of a multi-panel figure: a figure and the title written above it. */
export interface Panel {
  title: string;
  figure: Figure;
}

/**
 * Several figures as one figure with a grid of panels (plotly subplots): each panel's traces move to
 * their own axes (x2/y2, …), axis titles and ranges are kept, each panel's title is written above it.
 *
 * @param panels the figures, filled row by row.
 * @param options columns (default 2), rowHeight in pixels (default 220), an overall title, showLegend (default false).
 */
export function subplots(
  panels: readonly Panel[],
  options: { columns?: number; rowHeight?: number; title?: string; showLegend?: boolean } = {},
): Figure {
  const columns = Math.max(1, Math.min(options.columns ?? 2, panels.length || 1));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const rowHeight = options.rowHeight ?? 220;
  const gapX = 0.08;
  const gapY = Math.min(0.3, 90 / (rows * rowHeight));
  const width = (1 - gapX * (columns - 1)) / columns;
  const height = (1 - gapY * (rows - 1)) / rows;
  const data: Trace[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    height: rows * rowHeight + 80,
    margin: { l: 60, r: 20, t: options.title ? 80 : 40, b: 50 },
    showlegend: options.showLegend ?? false,
  };
  if (options.title) layout.title = { text: options.title };
  panels.forEach((panel, i) => {
    const n = i + 1;
    const suffix = n === 1 ? '' : String(n);
    const col = i % columns;
    const row = Math.floor(i / columns);
    const x0 = col * (width + gapX);
    const y1 = 1 - row * (height + gapY);
    const y0 = y1 - height;
    for (const trace of panel.figure.data) {
      const moved: Trace = { ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      if (trace.type === 'heatmap') moved.showscale = false;
      data.push(moved);
    }
    const src = panel.figure.layout;
    layout[`xaxis${suffix}`] = { ...((src.xaxis as object) ?? {}), domain: [round(x0, 4), round(x0 + width, 4)], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...((src.yaxis as object) ?? {}), domain: [round(y0, 4), round(y1, 4)], anchor: `x${suffix}` };
    annotations.push({
      text: `<b>${escapeHtml(panel.title)}</b>`,
      x: round(x0 + width / 2, 4),
      y: round(y1, 4),
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
  });
  layout.annotations = annotations;
  return { data, layout };
}

/** One clip of a "one clip per class" grid. */
export interface LabelledClip {
  label: string;
  samples: Numbers;
  sampleRate: number;
}

/** The tutorial's loop of waveforms, one random clip per class, as one grid figure titled by class. */
export function waveformGridFigure(clips: readonly LabelledClip[], options: { columns?: number; maxPoints?: number; title?: string } = {}): Figure {
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  return subplots(
    clips.map((clip, i) => ({
      title: clip.label,
      figure: waveformFigure(clip.samples, clip.sampleRate, { maxPoints: options.maxPoints ?? 1000, color: palette[i % palette.length] }),
    })),
    { columns: options.columns ?? 2, title: options.title },
  );
}

/** Escapes text for HTML (plotly renders titles and annotations as a small HTML subset). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A signal to overlay: its samples and rate, and the legend name. */
export interface NamedSignal {
  name: string;
  samples: Numbers;
  sampleRate: number;
}

/**
 * Several signals sample by sample over the same stretch of time (e.g. a clip at its native rate and at
 * 22050 Hz), x in seconds, one marker per sample so the different rates are visible.
 *
 * @param options startSeconds (default 0) and durationSeconds (default 0.01) of the window; title.
 */
export function signalsFigure(signals: readonly NamedSignal[], options: { startSeconds?: number; durationSeconds?: number; title?: string } = {}): Figure {
  const start = options.startSeconds ?? 0;
  const duration = options.durationSeconds ?? 0.01;
  return {
    data: signals.map((s) => {
      const first = Math.max(0, Math.ceil(start * s.sampleRate));
      const last = Math.min(s.samples.length, Math.floor((start + duration) * s.sampleRate) + 1);
      const x: number[] = [];
      const y: number[] = [];
      for (let i = first; i < last; i++) {
        x.push(round(i / s.sampleRate, 7));
        y.push(round(s.samples[i], 5));
      }
      return { type: 'scatter', mode: 'lines+markers', name: s.name, x, y, marker: { size: 4 } };
    }),
    layout: baseLayout(options.title, {
      xaxis: { title: axisTitle('time (s)') },
      yaxis: { title: axisTitle('amplitude') },
    }),
  };
}
