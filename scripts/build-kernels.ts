// `npm run build-kernels`: assemble every WebAssembly text kernel (lib/**/kernels/*.wat) into the .wasm beside it.
//
// The .wasm files are committed so that running soundlab needs no toolchain; the pinned devDependency
// `wabt` turns the readable source into them, deterministically (test/scripts/build-kernels.test.ts rebuilds
// every .wat and checks the result is byte-identical to the committed binary).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { SHARED_MEMORY_MAX_PAGES } from '../lib/model/kernels/shared-memory';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
type WasmModule = ReturnType<Wabt['parseWat']>;

const ROOT = resolve(__dirname, '..');

/** Every kernel source under lib/, as absolute paths: files `*.wat` in folders named `kernels`. */
export function kernelSources(root = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.wat') && basename(dir) === 'kernels') found.push(path);
    }
  };
  walk(join(root, 'lib'));
  return found.sort();
}

/**
 * A kernel whose source has the line `;; variant: shared` is also built for threads, into `x.shared.wasm`:
 * the same text with its memory import `(import "env" "mem" (memory 1))` declared shared, with the maximum
 * lib/model/kernels/shared-memory.ts sets (SHARED_MEMORY_MAX_PAGES, 1 GiB). A shared memory must declare a
 * maximum (it cannot move when it grows), and a module that imports one cannot import a plain memory, so a
 * kernel that runs on one thread in one place (a browser page without cross-origin isolation) and on two in
 * another (Node) needs both binaries.
 */
const SHARED_MARKER = /^;; variant: shared$/m;
const MEMORY_IMPORT = '(import "env" "mem" (memory 1))';

/** One binary to build: the source, the binary's path, and whether it is the shared-memory variant. */
export interface KernelBuild {
  wat: string;
  wasm: string;
  shared: boolean;
}

/** Every binary built from the kernel sources under `root`: one per .wat, plus the shared variants. */
export function kernelBuilds(root = ROOT): KernelBuild[] {
  return kernelSources(root).flatMap((wat) => {
    const plain = { wat, wasm: wasmPathOf(wat), shared: false };
    return SHARED_MARKER.test(readFileSync(wat, 'utf8')) ? [plain, { wat, wasm: wat.replace(/\.wat$/, '.shared.wasm'), shared: true }] : [plain];
  });
}

/** The shared-memory variant's text: the one memory import, declared shared (see SHARED_MEMORY_MAX_PAGES). */
export function sharedVariant(text: string, watPath: string): string {
  if (text.split(MEMORY_IMPORT).length !== 2) throw new Error(`${relative(ROOT, watPath)}: a shared variant needs exactly one ${MEMORY_IMPORT}`);
  return text.replace(MEMORY_IMPORT, `(import "env" "mem" (memory 1 ${SHARED_MEMORY_MAX_PAGES} shared))`);
}

/** The binary of one .wat file: SIMD on, no name section (the same bytes on every run); `shared`: its threads variant. */
export async function assembleWat(watPath: string, opts: { shared?: boolean } = {}): Promise<Uint8Array> {
  const wabt = await (require('wabt') as () => Promise<Wabt>)();
  let module: WasmModule | undefined;
  try {
    const text = readFileSync(watPath, 'utf8');
    const features = { simd: true, threads: !!opts.shared };
    module = wabt.parseWat(watPath, opts.shared ? sharedVariant(text, watPath) : text, features);
    // wabt.js's validate takes the features too (its .d.ts omits the parameter); without them it validates
    // with the defaults, which refuse a shared memory.
    (module.validate as (features: object) => void)(features);
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } catch (err) {
    throw new Error(`${relative(ROOT, watPath)}: cannot assemble: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    module?.destroy();
  }
}

/** `x.wat` → `x.wasm`. */
export const wasmPathOf = (watPath: string): string => watPath.replace(/\.wat$/, '.wasm');

async function main(): Promise<void> {
  const builds = kernelBuilds();
  if (builds.length === 0) throw new Error(`no kernel sources (lib/**/kernels/*.wat) under ${ROOT}`);
  for (const { wat, wasm, shared } of builds) {
    const bytes = await assembleWat(wat, { shared });
    writeFileSync(wasm, bytes);
    console.log(`${relative(ROOT, wasm)}: ${bytes.length} bytes`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
