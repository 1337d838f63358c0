// Notebook parameters and results: defaults in the parameters cell, overrides from the environment, results to reports/.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Environment variable prefix of a parameter: `epochs` ← SOUNDLAB_PARAM_EPOCHS, `batchSize` ← SOUNDLAB_PARAM_BATCH_SIZE. */
export const PARAM_PREFIX = 'SOUNDLAB_PARAM_';
/** Set by the runner: the folder results are recorded into. */
export const RESULTS_DIR_ENV = 'SOUNDLAB_RESULTS_DIR';
/** Set by the runner: the notebook being executed (its file name without `.ipynb`). */
export const NOTEBOOK_ENV = 'SOUNDLAB_NOTEBOOK';

/** A parameter value a notebook can take from the command line. */
export type ParamValue = string | number | boolean;

/** Raised when an override cannot be read as its parameter's type. */
export class ParamError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ParamError';
  }
}

/** `batchSize`, `batch-size`, `batch_size` → `BATCH_SIZE`: the one spelling used in the environment. */
export function paramEnvName(key: string): string {
  return (
    PARAM_PREFIX +
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[-.\s]+/g, '_')
      .toUpperCase()
  );
}

function coerce(variable: string, text: string, fallback: ParamValue): ParamValue {
  if (typeof fallback === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new ParamError(variable, `'${text}' is not a number`);
    return value;
  }
  if (typeof fallback === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(t)) return true;
    if (['0', 'false', 'no', 'off'].includes(t)) return false;
    throw new ParamError(variable, `'${text}' is not a boolean (true/false)`);
  }
  return text;
}

/**
 * The parameters cell: each default, unless the environment overrides it (`soundlab notebooks --param
 * epochs=20` sets SOUNDLAB_PARAM_EPOCHS=20 for the kernel). Overrides take the default's type: numbers
 * must parse, booleans are true/false/1/0. When the runner records results, the values used are recorded too.
 *
 * @param defaults the notebook's parameters and their defaults, e.g. `{ data: 'data.sample', epochs: 5 }`.
 * @param env where overrides come from (default process.env).
 */
export function notebookParams<T extends Record<string, ParamValue>>(defaults: T, env: NodeJS.ProcessEnv = process.env): T {
  const out: Record<string, ParamValue> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const variable = paramEnvName(key);
    const text = env[variable];
    out[key] = text === undefined ? fallback : coerce(variable, text, fallback);
  }
  if (env === process.env) recordResult({ params: out });
  return out as T;
}

/** Parses `key=value` pairs (the CLI's `--param`) into environment variables for the kernel. */
export function paramsToEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ParamError(pair, "expected key=value (for example --param epochs=20)");
    env[paramEnvName(pair.slice(0, eq).trim())] = pair.slice(eq + 1);
  }
  return env;
}

/** The results file of a notebook in a results folder. */
export function resultsFile(dir: string, notebook: string): string {
  return join(dir, `${notebook}.json`);
}

/**
 * Records values (accuracy, baseline, counts…) for the reports index: merged into
 * `<SOUNDLAB_RESULTS_DIR>/<notebook>.json` when the runner executes the notebook; does nothing when the
 * notebook runs interactively, since there is no report to write. Returns nothing, so that a notebook
 * cell ending with it shows no value.
 */
export function recordResult(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[RESULTS_DIR_ENV];
  const notebook = env[NOTEBOOK_ENV];
  if (!dir || !notebook) return;
  mkdirSync(dir, { recursive: true });
  const file = resultsFile(dir, notebook);
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      current = {}; // a half-written file from an interrupted run: start again
    }
  }
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2) + '\n');
}
