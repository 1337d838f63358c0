// Executes the notebooks top to bottom with `jupyter nbconvert --execute` and exports each as an HTML report (and a PDF, on request).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { browserUnavailable, BrowserMissingError, firstFigurePreview, launchBrowser, printPdf } from './browser';
import { installKernel, jupyterEnv, KERNEL_NAME, PROJECT_ROOT } from './kernel';
import { NOTEBOOK_ENV, RESULTS_DIR_ENV, resultsFile } from './params';
import { writeReportsIndex } from './reports';
import { REPORTS_DIR_ENV } from './tutorial';

/** The Debian command that installs what the runner needs (the CI script installs the same). */
export const JUPYTER_INSTALL_COMMAND = 'sudo apt-get install -y jupyter-nbconvert python3-ipykernel';

/** Raised when `jupyter-nbconvert` is not on PATH: says exactly what to install. */
export class JupyterMissingError extends Error {
  constructor() {
    super(
      `jupyter-nbconvert was not found on PATH; the notebooks run through Jupyter. Install it with:\n  ${JUPYTER_INSTALL_COMMAND}\n` +
        '(elsewhere: pip install nbconvert ipykernel)',
    );
    this.name = 'JupyterMissingError';
  }
}

/** Raised for a notebook selection or folder that cannot be run. */
export class NotebookRunError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'NotebookRunError';
  }
}

/** True when `jupyter-nbconvert` runs. */
export function haveNbconvert(): boolean {
  const probe = spawnSync('jupyter-nbconvert', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** The folder with nbconvert's `soundlab` template (JupyterLab's, without CDN scripts). */
export const TEMPLATES_DIR = join(__dirname, 'templates');

/** The notebooks of a folder, `NN-name.ipynb`, in order. */
export function listNotebooks(dir: string): string[] {
  if (!existsSync(dir)) throw new NotebookRunError(dir, 'no such folder');
  return readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Keeps the notebooks named in `only`: each entry is a number prefix (`01`, `1`) or a name (`02-waveform`).
 * Throws NotebookRunError naming an entry that matches nothing.
 */
export function selectNotebooks(files: readonly string[], only: readonly string[] | undefined): string[] {
  if (!only || only.length === 0) return [...files];
  const chosen = new Set<string>();
  for (const raw of only) {
    const want = raw.trim().replace(/\.ipynb$/, '');
    if (!want) continue;
    const hits = files.filter((f) => {
      const name = basename(f, '.ipynb');
      const number = name.slice(0, 2);
      return name === want || number === want.padStart(2, '0');
    });
    if (hits.length === 0) throw new NotebookRunError(want, `no notebook matches (have ${files.map((f) => basename(f, '.ipynb')).join(', ')})`);
    hits.forEach((h) => chosen.add(h));
  }
  return files.filter((f) => chosen.has(f));
}

/** The first error a cell produced in an executed notebook. */
export interface CellError {
  /** 1-based index among the notebook's code cells. */
  cell: number;
  ename: string;
  evalue: string;
}

/** Finds the first error output of an executed notebook (nbformat 4 JSON), or undefined. */
export function firstCellError(notebook: { cells: { cell_type: string; outputs?: { output_type: string; ename?: string; evalue?: string }[] }[] }): CellError | undefined {
  let codeIndex = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    codeIndex++;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') return { cell: codeIndex, ename: out.ename ?? 'Error', evalue: out.evalue ?? '' };
    }
  }
  return undefined;
}

/** What happened to one notebook. */
export interface NotebookResult {
  /** File name without `.ipynb`, e.g. `01-load-audio`. */
  name: string;
  ok: boolean;
  /** Wall time of the execution in seconds. */
  seconds: number;
  /** The exported report and the executed notebook, relative to the output folder (absent if none was written). */
  html?: string;
  ipynb?: string;
  /** The PDF print of the report, relative to the output folder (with the `pdf` option). */
  pdf?: string;
  /** The report's first figure as a small PNG data URI, for the index (when Chromium is available). */
  preview?: string;
  /** Why it failed: the first cell error, or nbconvert's own message (timeout, dead kernel). */
  error?: string;
  /** What the notebook recorded with recordResult (params included). */
  results: Record<string, unknown>;
}

export interface RunOptions {
  /** Folder with the notebooks (default `<root>/notebooks`). */
  notebooksDir?: string;
  /** Where reports go (default `<root>/reports`). */
  outDir?: string;
  /** Subset to run (see selectNotebooks). */
  only?: readonly string[];
  /** Environment for the kernels, e.g. from paramsToEnv(['epochs=20']). */
  env?: Record<string, string>;
  /** Per-cell timeout in seconds (default 1800: featurizing the real UrbanSound8K takes a while). */
  cellTimeoutSeconds?: number;
  /** Notebooks run at the same time (default 1: in order, one kernel at a time). */
  jobs?: number;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
  /** The `--param key=value` pairs as given, listed on the index so a report set says how it was made. */
  params?: readonly string[];
  /** Also print each report to `NN-name.pdf` with headless Chromium (default false). */
  pdf?: boolean;
  /** Snapshot each report's first figure for the index (default: when Chromium is available). */
  previews?: boolean;
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err) => resolveRun({ code: 127, output: String(err), stdout: '' }));
    child.on('close', (code) => resolveRun({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8'), stdout: Buffer.concat(out).toString('utf8') }));
  });
}

/** The Python that runs jupyter-nbconvert (from its `#!` line), so execute.py finds nbconvert's modules. */
export function nbconvertPython(): string {
  const which = spawnSync('sh', ['-c', 'command -v jupyter-nbconvert'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  if (path) {
    try {
      const first = readFileSync(path, 'utf8').split('\n', 1)[0];
      const m = first.match(/^#!\s*(\S+)(?:\s+(\S+))?/);
      if (m) return m[1].endsWith('/env') && m[2] ? m[2] : m[1];
    } catch {
      // not readable: fall back to PATH's python3
    }
  }
  return 'python3';
}

/** The executor script (nbconvert's ExecutePreprocessor + HTMLExporter, see its docstring for why). */
export const EXECUTE_SCRIPT = join(__dirname, 'execute.py');

/** What execute.py prints: whether the run got through, and where and why it stopped. */
export interface ExecutionVerdict {
  ok: boolean;
  /** 1-based index among the code cells of the failing cell. */
  cell: number | null;
  /** Its first non-blank source line. */
  source: string | null;
  /** What the failing cell printed on stderr (tslab's compile or runtime error), or the exception. */
  message: string | null;
}

/** The last JSON line of execute.py's stdout, or undefined when it printed none (it crashed). */
export function parseVerdict(stdout: string): ExecutionVerdict | undefined {
  const line = stdout.trim().split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (!line) return undefined;
  try {
    return JSON.parse(line) as ExecutionVerdict;
  } catch {
    return undefined;
  }
}

/**
 * The useful lines of an error a cell printed: TypeScript diagnostics (`file.ts 3:5 - …`) and
 * `SomethingError: …` lines, at most three; else the first line.
 */
export function errorSummary(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const useful = lines.filter((l) => /^([A-Za-z]*Error\b|unexpected error:)|\s\d+:\d+ - /.test(l));
  return (useful.length ? useful.slice(0, 3) : lines.slice(0, 1)).join('; ') || 'failed without a message';
}

/** The last meaningful line of nbconvert's output (the exception it died of). */
function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('[NbConvertApp]') && !/Warning|validate\(nb\)/.test(l));
  return lines.slice(-1)[0] ?? 'nbconvert failed';
}

/**
 * Executes one notebook into `outDir`: the executed `.ipynb` (errors kept in their cells, so a failing
 * notebook still gets a report showing where), then its HTML export with the offline template.
 */
export async function runNotebook(file: string, outDir: string, options: RunOptions = {}): Promise<NotebookResult> {
  const name = basename(file, '.ipynb');
  const resultsDir = join(outDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  rmSync(resultsFile(resultsDir, name), { force: true });
  const logsDir = join(outDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...jupyterEnv(PROJECT_ROOT),
    ...(options.env ?? {}),
    [RESULTS_DIR_ENV]: resultsDir,
    [REPORTS_DIR_ENV]: outDir,
    [NOTEBOOK_ENV]: name,
  };
  const timeout = options.cellTimeoutSeconds ?? 1800;
  const ipynbPath = join(outDir, `${name}.ipynb`);
  const htmlPath = join(outDir, `${name}.html`);
  rmSync(ipynbPath, { force: true });
  rmSync(htmlPath, { force: true });
  // A PDF from an earlier run would no longer match the report; --pdf prints a new one after the run.
  rmSync(join(outDir, `${name}.pdf`), { force: true });
  const started = Date.now();
  const exec = await runProcess(
    nbconvertPython(),
    [EXECUTE_SCRIPT, file, outDir, name, KERNEL_NAME, String(timeout), PROJECT_ROOT, TEMPLATES_DIR],
    env,
    PROJECT_ROOT,
  );
  const seconds = (Date.now() - started) / 1000;
  const result: NotebookResult = { name, ok: false, seconds, results: {} };
  const log = exec.output;
  const verdict = parseVerdict(exec.stdout);
  if (!verdict) {
    result.error = `the executor stopped: ${lastLine(exec.output)}`;
  } else if (!verdict.ok) {
    const where = verdict.cell ? `cell ${verdict.cell} ("${(verdict.source ?? '').trim().slice(0, 60)}")` : 'execution';
    result.error = `${where}: ${errorSummary(verdict.message ?? '')}`;
  }
  if (existsSync(ipynbPath)) {
    result.ipynb = `${name}.ipynb`;
    // Kernels that do send `error` outputs are caught here too.
    const cellError = firstCellError(JSON.parse(readFileSync(ipynbPath, 'utf8')));
    if (cellError && !result.error) result.error = `cell ${cellError.cell}: ${cellError.ename}: ${cellError.evalue}`;
  }
  if (existsSync(htmlPath)) result.html = `${name}.html`;
  else result.error = result.error ?? 'no HTML report written';
  result.ok = !result.error;
  writeFileSync(join(logsDir, `${name}.log`), log);
  const recorded = resultsFile(resultsDir, name);
  if (existsSync(recorded)) result.results = JSON.parse(readFileSync(recorded, 'utf8')) as Record<string, unknown>;
  return result;
}

/** The whole run: what ran, with which environment, and where the index is. */
export interface RunSummary {
  outDir: string;
  indexHtml: string;
  notebooks: NotebookResult[];
  /** The parameter overrides given (environment variables). */
  overrides: Record<string, string>;
  /** The `--param` pairs as given (absent or empty when none). */
  params?: string[];
  ok: boolean;
  seconds: number;
  /** Bytes in the output folder once everything is written (reports, executed notebooks, PDFs, logs). */
  bytes?: number;
  /** Why the index has no previews, when it has none because of the browser. */
  previewsSkipped?: string;
}

/** The total size in bytes of the files under `dir` (symbolic links counted as links, not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : lstatSync(path).size;
  }
  return total;
}

/** A byte count as people read it: `28.4 MB`, `512 kB` (powers of 1000, as `du --si`). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/**
 * Opens every written report in one headless Chromium: the first figure's preview for the index and,
 * with `pdf`, the PDF print next to the report. A page that fails is logged and left without them.
 */
async function browserOutputs(results: NotebookResult[], outDir: string, options: { pdf: boolean; previews: boolean; log: (line: string) => void }): Promise<void> {
  const browser = await launchBrowser();
  try {
    for (const result of results) {
      if (!result.html) continue;
      const html = join(outDir, result.html);
      try {
        if (options.previews) result.preview = await firstFigurePreview(browser, html);
        if (options.pdf) {
          const pdf = `${result.name}.pdf`;
          await printPdf(browser, html, join(outDir, pdf));
          result.pdf = pdf;
          options.log(`      ${join(outDir, pdf)}`);
        }
      } catch (err) {
        const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
        options.log(`      ${result.name}: the browser failed on ${html}: ${reason}`);
        // A missing PDF fails the notebook's row (it was asked for); a missing preview only leaves a gap.
        if (options.pdf && !result.pdf) {
          result.error = result.error ?? `no PDF written: ${reason}`;
          result.ok = false;
        }
      }
    }
  } finally {
    await browser.close();
  }
}

/**
 * Runs the notebooks in order (kernel registered first, so a moved project still works), printing a
 * progress line per notebook, then writes `index.html` and `index.json` into the output folder.
 * Throws JupyterMissingError without jupyter-nbconvert.
 */
export async function runNotebooks(options: RunOptions = {}): Promise<RunSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!haveNbconvert()) throw new JupyterMissingError();
  const noBrowser = browserUnavailable();
  // Said before minutes of execution, not after.
  if (options.pdf && noBrowser) throw new BrowserMissingError(noBrowser);
  installKernel(PROJECT_ROOT);
  const notebooksDir = resolve(options.notebooksDir ?? join(PROJECT_ROOT, 'notebooks'));
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, 'reports'));
  const files = selectNotebooks(listNotebooks(notebooksDir), options.only);
  if (files.length === 0) throw new NotebookRunError(notebooksDir, 'no notebooks (NN-name.ipynb) found');
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const results: NotebookResult[] = [];
  const slots: NotebookResult[] = new Array(files.length);
  let next = 0;
  // Notebooks are independent (each has its own kernel and results file), so `jobs` of them may run at once.
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const name = basename(files[i], '.ipynb');
      log(`[${i + 1}/${files.length}] ${name} …`);
      const result = await runNotebook(files[i], outDir, options);
      slots[i] = result;
      const where = result.html ? ` → ${join(outDir, result.html)}` : '';
      log(`[${i + 1}/${files.length}] ${name} ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(1)} s${where}${result.error ? `\n      ${result.error}` : ''}`);
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, files.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  results.push(...slots);
  const previews = options.previews ?? !noBrowser;
  if (options.pdf || previews) {
    if (options.pdf) log('PDF: printing the reports with headless Chromium …');
    await browserOutputs(results, outDir, { pdf: !!options.pdf, previews, log });
  }
  const summary: RunSummary = {
    outDir,
    indexHtml: join(outDir, 'index.html'),
    notebooks: results,
    overrides: options.env ?? {},
    params: [...(options.params ?? [])],
    ok: results.every((r) => r.ok),
    seconds: (Date.now() - started) / 1000,
    bytes: 0,
    previewsSkipped: options.previews === undefined && noBrowser ? noBrowser : undefined,
  };
  writeReportsIndex(summary);
  summary.bytes = folderBytes(outDir);
  return summary;
}
