// Progress reporting for long batch jobs: a one-line bar on a TTY, sparse lines otherwise.
//
// Own implementation rather than a registry package (cli-progress, progress): we need ~80 lines —
// a bar with count, rate and ETA redrawn with \r, and a quiet line-based mode for logs, CI and
// notebooks (tslab's stderr is not a TTY) — and no dependency pulls that in without also bringing
// colours, multibars and terminal detection we would then have to switch off.

/** Where progress goes: anything with `write`, plus `isTTY` / `columns` when it is a terminal. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * 'auto' picks 'bar' when the stream is a TTY and 'lines' otherwise; `true` is 'auto';
 * `false` / 'off' prints nothing.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off' | boolean;

export interface ProgressOptions {
  /** Number of items the job will process. */
  total: number;
  /** Shown before the bar / at the start of each line, e.g. 'features'. */
  label?: string;
  /** Unit name for the rate, e.g. 'clips' → "142.0 clips/s". Default 'items'. */
  unit?: string;
  /** Default 'auto'. */
  mode?: ProgressMode;
  /** Default process.stderr: progress must never mix with a command's output on stdout. */
  stream?: ProgressStream;
  /** Bar mode: minimum time between redraws, in ms. Default 100. */
  redrawMs?: number;
  /** Lines mode: print at every `lineFraction` of the total (default 0.1 = every 10 %)… */
  lineFraction?: number;
  /** …or when this many seconds passed since the last line, whichever comes first. Default 10. */
  lineSeconds?: number;
  /** Clock in ms; injectable so the formatting can be tested without waiting. Default Date.now. */
  now?: () => number;
}

/** Formats seconds as "42s", "3m05s" or "1h02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Counts finished items and reports count, rate and ETA; call `tick()` per item and `done()` once. */
export class Progress {
  readonly total: number;
  private count = 0;
  private readonly mode: 'bar' | 'lines' | 'off';
  private readonly label: string;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly started: number;
  private readonly redrawMs: number;
  private readonly lineEvery: number;
  private readonly lineMs: number;
  private lastDraw = -Infinity;
  private lastDrawnCount = -1;
  private firstTickAt = -1;
  private firstTickCount = 0;
  private lastLineAt: number;
  private lastLineCount = 0;
  private finished = false;

  constructor(opts: ProgressOptions) {
    this.total = Math.max(0, opts.total);
    this.label = opts.label ?? 'progress';
    this.unit = opts.unit ?? 'items';
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? Date.now;
    this.redrawMs = opts.redrawMs ?? 100;
    this.lineEvery = Math.max(1, Math.ceil(this.total * (opts.lineFraction ?? 0.1)));
    this.lineMs = (opts.lineSeconds ?? 10) * 1000;
    const mode = opts.mode ?? 'auto';
    if (mode === false || mode === 'off') this.mode = 'off';
    else if (mode === 'bar' || mode === 'lines') this.mode = mode;
    else this.mode = this.stream.isTTY ? 'bar' : 'lines';
    this.started = this.now();
    this.lastLineAt = this.started;
  }

  /** Items finished so far. */
  get completed(): number {
    return this.count;
  }

  /** Records `n` more finished items and redraws when due. */
  tick(n = 1): void {
    if (this.finished) return;
    this.count = Math.min(this.total, this.count + n);
    const t = this.now();
    if (this.firstTickAt < 0) {
      this.firstTickAt = t;
      this.firstTickCount = this.count;
    }
    if (this.mode === 'bar') {
      if (t - this.lastDraw >= this.redrawMs || this.count === this.total) {
        this.lastDraw = t;
        this.lastDrawnCount = this.count;
        this.stream.write(`\r${this.barLine(t)}`);
      }
    } else if (this.mode === 'lines') {
      const dueByCount = this.count - this.lastLineCount >= this.lineEvery;
      const dueByTime = t - this.lastLineAt >= this.lineMs;
      if ((dueByCount || dueByTime) && this.count < this.total) {
        this.lastLineAt = t;
        this.lastLineCount = this.count;
        this.stream.write(`${this.statusLine(t)}\n`);
      }
    }
  }

  /** Ends the display: the final bar plus newline, or one summary line; `note` is appended. */
  done(note = ''): void {
    if (this.finished) return;
    this.finished = true;
    if (this.mode === 'off') return;
    const t = this.now();
    const seconds = (t - this.started) / 1000;
    const rate = seconds > 0 ? this.count / seconds : 0;
    const summary = `${this.label}: ${this.count}/${this.total} ${this.unit} in ${seconds.toFixed(1)}s` +
      (seconds > 0 && this.count > 0 ? ` (${rate.toFixed(1)} ${this.unit}/s)` : '') + (note ? `, ${note}` : '');
    if (this.mode === 'bar') {
      const finalBar = this.lastDrawnCount === this.count ? '' : `\r${this.barLine(t)}`;
      this.stream.write(`${finalBar}\n${summary}\n`);
    }
    else this.stream.write(`${summary}\n`);
  }

  /** "label [#####.....] 120/300  40%  85.3 clips/s  ETA 2s", fitted to the terminal width. */
  barLine(t = this.now()): string {
    const status = this.statusParts(t);
    const columns = this.stream.columns || 80; // 0 or absent: a pseudo-terminal without a size
    // Sized for the longest status this job can show, so the bar does not jump as the figures change.
    const widest = `${this.total}/${this.total} (100%)  9999.9 ${this.unit}/s  ETA 59m59s`;
    const width = Math.max(10, Math.min(40, columns - 1 - `${this.label} [] ${widest}`.length));
    const filled = this.total > 0 ? Math.round((width * this.count) / this.total) : width;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}`;
    // Pad so a shorter redraw fully overwrites the previous one.
    return line.padEnd(Math.min(columns - 1, line.length + 4));
  }

  /** "label: 120/300 (40%), 85.3 clips/s, ETA 2s" — one log line. */
  statusLine(t = this.now()): string {
    return `${this.label}: ${this.statusParts(t).replace(/ {2}/g, ', ')}`;
  }

  private statusParts(t: number): string {
    const seconds = (t - this.started) / 1000;
    const rate = seconds > 0 ? this.count / seconds : 0;
    const percent = this.total > 0 ? Math.floor((100 * this.count) / this.total) : 100;
    // The ETA uses the pace since the first item finished, once that spans a second: start-up time
    // (e.g. worker threads loading) is not repeated for the items still to come.
    const sinceFirst = (t - this.firstTickAt) / 1000;
    const pace = this.firstTickAt >= 0 && sinceFirst >= 1 && this.count > this.firstTickCount
      ? (this.count - this.firstTickCount) / sinceFirst
      : rate;
    const eta = pace > 0 ? formatDuration((this.total - this.count) / pace) : '?';
    return `${this.count}/${this.total} (${percent}%)  ${rate.toFixed(1)} ${this.unit}/s  ETA ${eta}`;
  }
}
