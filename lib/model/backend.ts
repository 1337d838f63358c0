// Which TensorFlow.js backend runs the models: a user-installed tfjs-node, else WebAssembly (SIMD), else plain JS.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

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
    installTransposedMatMulFix();
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

// The kernels as tfjs-backend-wasm registered them, while our replacements are installed.
const originalMatMulKernels = new Map<string, tf.KernelConfig>();

/**
 * tfjs-backend-wasm 4.22 multiplies a transposed operand (`matMul(a, b, true, false)` /
 * `(false, true)`) with a plain blocked triple loop instead of XNNPACK, about 4–10× slower (for
 * 32×256·256×256 here: ~1.1 ms against ~0.3 ms), and every Dense layer's backward pass asks for exactly
 * those products (dW = xᵀ·dy, dx = dy·Wᵀ). Re-register BatchMatMul and _FusedMatMul for wasm so that a
 * transposed operand is first transposed by the backend's own Transpose kernel and the product then runs
 * on XNNPACK. Same values (up to float summation order), same shapes. No-op on other backends.
 */
export function installTransposedMatMulFix(): void {
  if (originalMatMulKernels.size || tf.getBackend() !== 'wasm') return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } & tf.NamedAttrMap;
      const inputs = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo } & tf.NamedTensorInfoMap;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as tf.KernelBackend;
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const rank = t.shape.length;
        const perm = [...Array(rank).keys()];
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const size = (t: tf.TensorInfo) => t.shape.reduce((x, y) => x * y, 1);
      const batchOfOne = (t: tf.TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);
      // a·bᵀ with a large b (dx = dy·Wᵀ in a Dense layer's backward pass): XNNPACK repacks its second
      // operand on every call, so compute (b·aᵀ)ᵀ instead — it packs the small aᵀ, not the big b.
      if (
        kernelName === 'BatchMatMul' &&
        attrs.transposeB &&
        !attrs.transposeA &&
        batchOfOne(inputs.a) &&
        batchOfOne(inputs.b) &&
        size(inputs.b) > 2 * size(inputs.a)
      ) {
        const aT = swapLast(inputs.a);
        let outT: tf.TensorInfo | null = null;
        try {
          outT = original.kernelFunc({ inputs: { a: inputs.b, b: aT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
          return swapLast(outT);
        } finally {
          backend.disposeData(aT.dataId);
          if (outT) backend.disposeData(outT.dataId);
        }
      }
      const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
      try {
        return original.kernelFunc({
          inputs: { ...inputs, a, b },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
      }
    };
    originalMatMulKernels.set(kernelName, original);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
}

/** Put tfjs-backend-wasm's own matmul kernels back (for benchmarks comparing both). */
export function uninstallTransposedMatMulFix(): void {
  for (const [kernelName, original] of originalMatMulKernels) {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(original);
  }
  originalMatMulKernels.clear();
}
