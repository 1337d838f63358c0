// `npm run build-kernels`: assemble every WebAssembly text kernel (lib/**/kernels/*.wat) into the .wasm beside it.
//
// The .wasm files are committed so that running soundlab needs no toolchain; the pinned devDependency
// `wabt` turns the readable source into them, deterministically (test/scripts/build-kernels.test.ts rebuilds
// every .wat and checks the result is byte-identical to the committed binary).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

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

/** The binary of one .wat file: SIMD on, no name section (the same bytes on every run). */
export async function assembleWat(watPath: string): Promise<Uint8Array> {
  const wabt = await (require('wabt') as () => Promise<Wabt>)();
  let module: WasmModule | undefined;
  try {
    module = wabt.parseWat(watPath, readFileSync(watPath, 'utf8'), { simd: true });
    module.validate();
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
  const sources = kernelSources();
  if (sources.length === 0) throw new Error(`no kernel sources (lib/**/kernels/*.wat) under ${ROOT}`);
  for (const wat of sources) {
    const bytes = await assembleWat(wat);
    writeFileSync(wasmPathOf(wat), bytes);
    console.log(`${relative(ROOT, wasmPathOf(wat))}: ${bytes.length} bytes`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
