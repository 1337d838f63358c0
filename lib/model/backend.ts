// Which TensorFlow.js backend runs the models: a user-installed tfjs-node, else WebAssembly (SIMD), else plain JS.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { installTfjsPatches } from './tfjs-patches';

/** The backends soundlab knows how to set up, fastest first. `tensorflow` is tfjs-node's native TensorFlow. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What `selectBackend` chose and why. */
export interface BackendChoice {
  name: BackendName;
  /** One human line: the backend and its settings (SIMD, threads) or why a faster one was not used. */
  description: string;
}

/** Raised when SOUNDLAB_BACKEND names a backend that is unknown or fails to start. */
export class BackendError extends Error {
  constructor(reason: string) {
    super(`TensorFlow.js backend: ${reason}`);
    this.name = 'BackendError';
  }
}

const KNOWN: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let chosen: Promise<BackendChoice> | null = null;

/**
 * The directory of a genuine `@tensorflow/tfjs-node` install, or null. danfojs-node's override in
 * package.json aliases `@tensorflow/tfjs-node` to plain `@tensorflow/tfjs`, so the folder
 * `node_modules/@tensorflow/tfjs-node` can exist without being tfjs-node: trust only the package's own name.
 */
export function findTfjsNode(): string | null {
  let pkgPath: string;
  try {
    pkgPath = require.resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    return null;
  }
  try {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string };
    return pkg.name === '@tensorflow/tfjs-node' ? dirname(pkgPath) : null;
  } catch {
    return null;
  }
}

async function tryTensorflow(): Promise<string | null> {
  if (!findTfjsNode()) return null;
  try {
    // Loaded by name only when present: it is an optional, user-installed native package.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('@tensorflow/tfjs-node');
    // tfjs-node registers 'tensorflow' on its own copy of tfjs-core; if that copy differs from ours the
    // backend is invisible here and setBackend fails, which we report rather than half-use it.
    if (!(await tf.setBackend('tensorflow'))) return null;
    await tf.ready();
    return 'tensorflow (tfjs-node, native TensorFlow)';
  } catch {
    return null;
  }
}

async function tryWasm(): Promise<string | null> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    // Node has no page URL to resolve the .wasm files against: point at the package's own copies.
    if (existsSync(join(dist, 'tfjs-backend-wasm-simd.wasm'))) wasm.setWasmPaths(dist + '/');
    if (!(await tf.setBackend('wasm'))) return null;
    await tf.ready();
    // tfjs-backend-wasm's slow or missing kernels, replaced once, here where the backend is chosen.
    installTfjsPatches();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = wasm.getThreadsCount();
    // The threaded build needs a Worker made from a Blob URL, which Node's worker_threads refuses, so in
    // Node the wasm backend runs on one thread.
    return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
  } catch {
    return null;
  }
}

async function tryCpu(): Promise<string | null> {
  if (!(await tf.setBackend('cpu'))) return null;
  await tf.ready();
  return 'cpu (plain JavaScript: slow; install tfjs-node or keep the wasm backend)';
}

const TRY: Record<BackendName, () => Promise<string | null>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

async function choose(quiet: boolean): Promise<BackendChoice> {
  const forced = process.env.SOUNDLAB_BACKEND?.trim();
  let choice: BackendChoice | null = null;
  if (forced) {
    const name = (forced === 'node' || forced === 'tfjs-node' ? 'tensorflow' : forced) as BackendName;
    if (!KNOWN.includes(name)) {
      throw new BackendError(`SOUNDLAB_BACKEND=${forced}: unknown backend (use one of ${KNOWN.join(', ')})`);
    }
    const description = await TRY[name]();
    if (!description) {
      const hint = name === 'tensorflow' ? ' (is a real @tensorflow/tfjs-node installed? see README, "Model and training")' : '';
      throw new BackendError(`SOUNDLAB_BACKEND=${forced}: backend '${name}' failed to start${hint}`);
    }
    choice = { name, description: `${description} [SOUNDLAB_BACKEND]` };
  } else {
    for (const name of KNOWN) {
      const description = await TRY[name]();
      if (description) {
        choice = { name, description };
        break;
      }
    }
  }
  if (!choice) throw new BackendError('no TensorFlow.js backend could start (tried tensorflow, wasm, cpu)');
  // stderr, so that commands whose stdout is data (predict's CSV) stay clean.
  if (!quiet) console.error(`soundlab: TensorFlow.js backend: ${choice.description}`);
  return choice;
}

/**
 * Pick and initialise the TensorFlow.js backend once per process: a real tfjs-node if a user installed
 * it and it loads, else wasm (SIMD where the runtime has it), else cpu. `SOUNDLAB_BACKEND=tensorflow|wasm|cpu`
 * forces one (an error if it cannot start). Prints the choice once, to stderr, unless `quiet`.
 * Later calls return the first choice.
 */
export function selectBackend(opts: { quiet?: boolean } = {}): Promise<BackendChoice> {
  if (!chosen) {
    chosen = choose(opts.quiet ?? false);
    chosen.catch(() => {
      chosen = null;
    });
  }
  return chosen;
}
