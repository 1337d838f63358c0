// Preloaded into the tslab kernel: makes tslab type-check cells and lib/ with the project's compiler settings.
//
// Why: tslab compiles with its own fixed options — not strict, and only the ES lib (no DOM types) — and
// offers no way to change them. lib/ is written and checked under tsconfig.json (strict, lib DOM), and
// strict-only narrowing (e.g. on `ok: true | false` unions) or DOM globals (WebAssembly.Memory) are errors
// under tslab's options. Loaded with `node --require` before tslab, this wraps the compiler tslab
// requires so that its watch host gets tsconfig.json's strictness flags and libs on top of tslab's own
// (and no directory watches: see quietDirectoryWatches).
import Module = require('module');
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type CompilerOptions = Record<string, unknown> & { lib?: string[] };

/** The members of `strict` that tslab's options allow (alwaysStrict clashes with its noImplicitUseStrict). */
const STRICT_FLAGS = [
  'noImplicitAny',
  'strictNullChecks',
  'strictFunctionTypes',
  'strictBindCallApply',
  'strictPropertyInitialization',
  'noImplicitThis',
  'useUnknownInCatchVariables',
];

/**
 * What to add to tslab's compiler options for a project whose tsconfig.json `compilerOptions` are given:
 * each strict flag when `strict` is on, and the project's `lib` entries as `lib.<name>.d.ts` file names
 * (the form tslab passes them in).
 */
export function projectCompilerOverrides(tsconfigCompilerOptions: { strict?: boolean; lib?: string[] }): { flags: Record<string, boolean>; libFiles: string[] } {
  const flags: Record<string, boolean> = {};
  if (tsconfigCompilerOptions.strict) for (const f of STRICT_FLAGS) flags[f] = true;
  const libFiles = (tsconfigCompilerOptions.lib ?? []).map((l) => `lib.${l.toLowerCase()}.d.ts`);
  return { flags, libFiles };
}

/** Merges the overrides into tslab's options: tslab's own lib entries are kept, the project's added. */
export function mergeCompilerOptions(tslabOptions: CompilerOptions, overrides: ReturnType<typeof projectCompilerOverrides>): CompilerOptions {
  const lib = [...new Set([...(tslabOptions.lib ?? []), ...overrides.libFiles])];
  return { ...tslabOptions, ...overrides.flags, lib };
}

function readTsconfig(root: string): { strict?: boolean; lib?: string[] } {
  try {
    const text = readFileSync(join(root, 'tsconfig.json'), 'utf8');
    return (JSON.parse(text) as { compilerOptions?: { strict?: boolean; lib?: string[] } }).compilerOptions ?? {};
  } catch {
    return {}; // no readable tsconfig: tslab's own options stay as they are
  }
}

/**
 * Turns off the compiler's directory watching on tslab's `system`. tslab drives the watch compiler with
 * a one-slot fake timer and throws "Unexpected pending rebuildTimer" (failing the next cell) when a
 * directory event — any file created under the project or node_modules, e.g. reports/ or a cache being
 * written — schedules a second rebuild. File watches stay, so editing a lib/ file still recompiles it.
 */
export function quietDirectoryWatches(system: unknown): void {
  if (system && typeof system === 'object') {
    (system as { watchDirectory?: unknown }).watchDirectory = () => ({ close: () => undefined });
  }
}

let lastKernelOptions: CompilerOptions | undefined;

/**
 * The options tslab's last converter was created with, after the merge above: exactly what the kernel
 * type-checks cells with (undefined until tslab has created a converter in this process). The notebook
 * checker reads them here instead of restating tslab's list.
 */
export function kernelCompilerOptions(): CompilerOptions | undefined {
  return lastKernelOptions;
}

/** Installs the wrapper (idempotent). Call before tslab loads its compiler. */
export function installTslabCompilerOptions(root: string = process.cwd()): void {
  const overrides = projectCompilerOverrides(readTsconfig(root));
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown; __soundlabPatched?: boolean };
  if (loader.__soundlabPatched) return;
  loader.__soundlabPatched = true;
  const originalLoad = loader._load;
  let wrapped: unknown;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    const loaded = originalLoad.call(this, request, parent, isMain);
    if (request !== '@tslab/typescript-for-tslab') return loaded;
    if (!wrapped) {
      const ts = loaded as { createWatchCompilerHost: (...args: unknown[]) => unknown };
      // The compiler's exports are non-configurable getters, so wrap the module object instead of patching it.
      wrapped = new Proxy(ts, {
        get(target, prop, receiver) {
          if (prop !== 'createWatchCompilerHost') return Reflect.get(target, prop, receiver);
          return (rootFiles: unknown, options: CompilerOptions, system: unknown, ...rest: unknown[]) => {
            quietDirectoryWatches(system);
            lastKernelOptions = mergeCompilerOptions(options, overrides);
            return target.createWatchCompilerHost(rootFiles, lastKernelOptions, system, ...rest);
          };
        },
      });
    }
    return wrapped;
  };
}

installTslabCompilerOptions();
