// The committed notebooks as files: reading an .ipynb, its code cells, and the rules a committed one follows.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { KERNEL_NAME } from './kernel';

/** One cell as nbformat 4.5 stores it (source as a list of lines or one string). */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}

/** The parts of an .ipynb the project reads. */
export interface NotebookJson {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string; display_name?: string; language?: string }; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

/**
 * What a notebook's report must show, declared in the notebook itself (`metadata.soundlab.report`, editable
 * in Jupyter's notebook metadata): at least this many plotly figures and audio players. Count the display
 * calls that always run (not those inside a loop or an `if` that may run zero times).
 */
export interface ReportExpectations {
  figures: number;
  audio: number;
}

/** The notebook's declared report expectations, or undefined when it declares none (or malformed ones). */
export function reportExpectations(nb: NotebookJson): ReportExpectations | undefined {
  const report = (nb.metadata?.soundlab as { report?: Partial<ReportExpectations> } | undefined)?.report;
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  return report && count(report.figures) && count(report.audio) ? { figures: report.figures as number, audio: report.audio as number } : undefined;
}

/** Raised when a file is not a notebook at all (unreadable, not JSON, no cell list). */
export class NotebookFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'NotebookFileError';
  }
}

/** Reads and parses an .ipynb file. */
export function readNotebook(file: string): NotebookJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new NotebookFileError(file, `cannot read: ${(err as Error).message}`);
  }
  let nb: NotebookJson;
  try {
    nb = JSON.parse(text) as NotebookJson;
  } catch (err) {
    throw new NotebookFileError(file, `not JSON: ${(err as Error).message}`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new NotebookFileError(file, 'no "cells" list: not an nbformat 4 notebook');
  return nb;
}

/** A cell's text, however the file stores it. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** A code cell with what a message about it needs: its id, its position among the code cells (from 1) and its text. */
export interface CodeCell {
  id: string;
  /** 1-based position among the notebook's code cells (what "cell 3" means in the runner's errors). */
  index: number;
  source: string;
}

/** The notebook's code cells in order. */
export function codeCells(nb: NotebookJson): CodeCell[] {
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c, i) => ({ id: c.id ?? `(no id, code cell ${i + 1})`, index: i + 1, source: cellSource(c) }));
}

/** nbformat 4.5's rule for a cell id. */
const ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
/** The ids the old generator gave (`06-3`: notebook number and position), which renumber when a cell is inserted. */
const POSITIONAL_ID = /^\d+-\d+$/;

/**
 * What is wrong with a notebook as committed, one sentence per problem (empty when none): outputs,
 * execution counts or execution timings left in (`clearOutputs`, `scripts/check-notebooks.ts --clear`), a missing, duplicate, malformed or positional cell id, a kernelspec
 * other than the project's, no report expectations, a first code cell that is not the imports and
 * parameters cell, or top-level destructuring.
 */
export function notebookProblems(nb: NotebookJson, file: string): string[] {
  const name = basename(file);
  const problems: string[] = [];
  if (nb.nbformat !== 4 || !(nb.nbformat_minor >= 5)) problems.push(`${name}: nbformat ${nb.nbformat}.${nb.nbformat_minor}, expected 4.5 or later (cell ids)`);
  const kernel = nb.metadata?.kernelspec?.name;
  if (kernel !== KERNEL_NAME) problems.push(`${name}: kernelspec is ${JSON.stringify(kernel)}, expected "${KERNEL_NAME}" (pick the kernel "TypeScript (soundlab)")`);
  if (!reportExpectations(nb)) problems.push(`${name}: metadata.soundlab.report is missing: declare { "figures": N, "audio": M }, what its report must show at least`);
  const seen = new Set<string>();
  nb.cells.forEach((cell, i) => {
    const where = `${name} cell ${i + 1}${cell.id ? ` (${cell.id})` : ''}`;
    if (cell.id === undefined) problems.push(`${where}: no id`);
    else if (!ID_PATTERN.test(cell.id)) problems.push(`${where}: id ${JSON.stringify(cell.id)} is not 1-64 letters, digits, - or _`);
    else if (POSITIONAL_ID.test(cell.id)) problems.push(`${where}: id ${JSON.stringify(cell.id)} is positional (NN-index); give it a name or random hex that stays when cells move`);
    else if (seen.has(cell.id)) problems.push(`${where}: id ${JSON.stringify(cell.id)} is used twice`);
    if (cell.id !== undefined) seen.add(cell.id);
    if (cell.metadata && 'execution' in cell.metadata) problems.push(`${where}: has execution timing in its metadata (clear it before committing)`);
    if (cell.cell_type === 'code') {
      if (cell.outputs === undefined || cell.outputs.length > 0) problems.push(`${where}: has outputs (clear them before committing)`);
      if (cell.execution_count !== null) problems.push(`${where}: has execution count ${JSON.stringify(cell.execution_count)} (clear outputs before committing)`);
    }
  });
  const code = codeCells(nb);
  if (code.length === 0) problems.push(`${name}: no code cells`);
  else {
    const first = code[0].source;
    if (!/^import\s[^;]*?\sfrom\s+['"]\.\/lib['"]/m.test(first)) problems.push(`${name}: the first code cell does not import from './lib' (it holds the imports and parameters)`);
    if (!/^const\s+p\s*=\s*notebookParams\(/m.test(first)) problems.push(`${name}: the first code cell does not set the parameters (const p = notebookParams({ … }))`);
    for (const c of code) {
      // tslab 1.0.22 rewrites a cell's top-level names to `exports.name` and gets this form wrong at run
      // time (the type-check passes), so it is caught here: `const audio = …; audio.samples` instead.
      if (/^(?:const|let|var)\s*[[{]/m.test(c.source)) problems.push(`${name} code cell ${c.index} (${c.id}): top-level destructuring (const { a } = …), which tslab runs wrongly`);
    }
    for (const c of code.slice(1)) {
      if (/^import\s/m.test(c.source)) problems.push(`${name} code cell ${c.index} (${c.id}): imports belong in the first code cell`);
      if (/\bnotebookParams\(\{/.test(c.source)) problems.push(`${name} code cell ${c.index} (${c.id}): parameters belong in the first code cell`);
    }
  }
  return problems;
}

/**
 * The notebook as it is committed: without outputs, execution counts, or the execution timings that
 * nbconvert's executor (and JupyterLab with "record timing" on) writes into cell metadata and that
 * `jupyter nbconvert --clear-output` keeps. Everything else — ids, sources, other metadata — is kept.
 */
export function clearOutputs(nb: NotebookJson): NotebookJson {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      const metadata = { ...(cell.metadata ?? {}) };
      delete metadata.execution;
      return cell.cell_type === 'code' ? { ...cell, metadata, outputs: [], execution_count: null } : { ...cell, metadata };
    }),
  };
}

/** A notebook's JSON text as Jupyter writes it (one-space indent, final newline). */
export function notebookText(nb: NotebookJson): string {
  return JSON.stringify(nb, null, 1) + '\n';
}
