// Registers the project-local tslab kernel that the notebooks run on (found through JUPYTER_PATH, nothing global).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';

/** The kernel's name, as notebooks list it in `metadata.kernelspec.name`. */
export const KERNEL_NAME = 'soundlab-ts';

/** The project root: two levels up from lib/notebook. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** The folder to put on JUPYTER_PATH so Jupyter finds `kernels/soundlab-ts/kernel.json` (default `<root>/.jupyter`). */
export function jupyterPath(root: string = PROJECT_ROOT): string {
  return join(root, '.jupyter');
}

/** The kernel spec as Jupyter reads it. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env?: Record<string, string>;
}

/** Quotes a path for `sh -c` (single quotes, embedded quotes escaped). */
function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The kernel spec for a project at `root`.
 *
 * Why start the kernel from the project root: tslab compiles every cell with `rootDir` = the kernel's
 * working directory, and Jupyter starts kernels in the notebook's folder, so `import … from '../lib'`
 * in notebooks/ fails ("is not under 'rootDir'", tslab issue #63). `sh -c 'cd <root> && exec …'` makes
 * the root the working directory: notebooks `import { … } from './lib'` and paths such as
 * `data.sample` resolve from the root.
 *
 * Why `node --require tsx/cjs`: tslab type-checks `./lib` but at run time resolves a local import only
 * as `<path>.js` (so `./lib`, a folder with index.ts, and lib's own folder imports are not found).
 * With tsx's require hook in the kernel process, Node loads lib/ the way the CLI does — the same code,
 * compiled the same way — while tslab still type-checks every cell against it.
 *
 * Why `--require ./lib/notebook/tslab-compiler.ts`: tslab type-checks with its own fixed, non-strict,
 * DOM-less options; that preload gives it tsconfig.json's strict flags and libs (see the file).
 */
export function kernelSpec(root: string = PROJECT_ROOT): KernelSpec {
  const tslab = join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  return {
    argv: [
      'sh',
      '-c',
      `cd ${shQuote(root)} && exec node --require tsx/cjs --require ./lib/notebook/tslab-compiler.ts ${shQuote(tslab)} kernel --config-path "$0"`,
      '{connection_file}',
    ],
    display_name: 'TypeScript (soundlab)',
    language: 'typescript',
  };
}

/**
 * Writes `<root>/.jupyter/kernels/soundlab-ts/kernel.json` for the project at `root` (absolute path baked in,
 * so it is rewritten whenever the project may have moved). Returns the path written; leaves an identical
 * file untouched.
 */
export function installKernel(root: string = PROJECT_ROOT): string {
  const dir = join(jupyterPath(root), 'kernels', KERNEL_NAME);
  const file = join(dir, 'kernel.json');
  const text = JSON.stringify(kernelSpec(root), null, 2) + '\n';
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return file;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** The environment for a Jupyter process: JUPYTER_PATH gets the project's folder first, the rest is kept. */
export function jupyterEnv(root: string = PROJECT_ROOT, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = jupyterPath(root);
  const rest = (base.JUPYTER_PATH ?? '').split(':').filter((p) => p && p !== own);
  return { ...base, JUPYTER_PATH: [own, ...rest].join(':') };
}
