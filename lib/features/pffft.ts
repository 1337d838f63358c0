// PFFFT's real FFT (WebAssembly SIMD build of @echogarden/pffft-wasm), instantiated synchronously.
//
// Why not the package's own loader: it is an ES module whose factory is asynchronous (it awaits the
// wasm fetch), while our feature functions are synchronous and run under CommonJS (tsx, workers). The
// module only needs three imports, so we instantiate pffft.wasm ourselves. Emscripten minifies the
// export names (`k` is pffft_new_setup, …) and they can change with any rebuild, so the mapping is read
// from the package's own glue code rather than hard-coded; if anything is off (no SIMD in this engine,
// a different build), `loadPffft()` returns null and the STFT falls back to fft.js.
import { pffftGlueText, pffftWasmBytes } from './wasm-bytes';

/** PFFFT's enum pffft_transform_t (pffft.h); the kernel passes PFFFT_FORWARD (0) itself. */
const PFFFT_REAL = 0;

/** The C functions we call, by their C names (pointers and sizes are i32 byte offsets / counts). */
export interface PffftExports {
  pffft_new_setup(n: number, transform: number): number;
  pffft_destroy_setup(setup: number): void;
  /** Ordered output for a real transform: [X0.re, X(n/2).re, X1.re, X1.im, …, X(n/2−1).re, X(n/2−1).im]. */
  pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  pffft_aligned_malloc(bytes: number): number;
  pffft_aligned_free(ptr: number): void;
  pffft_simd_size(): number;
}

export interface Pffft {
  exports: PffftExports;
  memory: WebAssembly.Memory;
  /** A PFFFT_REAL setup for size n (a multiple of 32 for the SIMD build), created once per size. */
  realSetup(n: number): number;
}

const NEEDED = ['pffft_new_setup', 'pffft_destroy_setup', 'pffft_transform_ordered', 'pffft_aligned_malloc', 'pffft_aligned_free', 'pffft_simd_size'] as const;

/**
 * Reads the export/import names out of the emscripten glue: lines such as
 * `_pffft_new_setup=Module["_pffft_new_setup"]=(a0,a1)=>(… wasmExports["k"])(a0,a1)` and
 * `var wasmImports={a:___assert_fail,c:__emscripten_memcpy_js,b:_emscripten_resize_heap}`.
 */
export function parseGlue(glue: string): { exports: Record<string, string>; imports: Record<string, string>; memory: string; ctors: string } {
  const exports: Record<string, string> = {};
  for (const m of glue.matchAll(/Module\["_(\w+)"\]=[^;]*?wasmExports\["(\w+)"\]/g)) exports[m[1]] = m[2];
  const imports: Record<string, string> = {};
  const table = /wasmImports=\{([^}]*)\}/.exec(glue);
  for (const entry of table ? table[1].split(',') : []) {
    const [short, long] = entry.split(':');
    if (short && long) imports[long.trim()] = short.trim();
  }
  const memory = /wasmMemory=wasmExports\["(\w+)"\]/.exec(glue)?.[1] ?? '';
  const ctors = /___wasm_call_ctors=wasmExports\["(\w+)"\]/.exec(glue)?.[1] ?? '';
  return { exports, imports, memory, ctors };
}

function instantiate(): Pffft {
  const glue = parseGlue(pffftGlueText());
  const bytes = pffftWasmBytes();
  const module = new WebAssembly.Module(bytes);
  let memory: WebAssembly.Memory | null = null;
  const env: Record<string, (...args: number[]) => number | void> = {};
  const importName = (c: string) => {
    const short = glue.imports[c];
    if (!short) throw new Error(`pffft glue has no import ${c}`);
    return short;
  };
  env[importName('___assert_fail')] = () => {
    throw new Error('pffft: assertion failed inside the WebAssembly module');
  };
  env[importName('__emscripten_memcpy_js')] = (dest, src, num) => {
    const heap = new Uint8Array(memory!.buffer);
    heap.copyWithin(dest, src, src + num);
  };
  env[importName('_emscripten_resize_heap')] = (requested) => {
    const have = memory!.buffer.byteLength;
    const pages = Math.ceil((requested - have) / 65536);
    try {
      memory!.grow(Math.max(pages, 1));
      return 1;
    } catch {
      return 0;
    }
  };
  const instance = new WebAssembly.Instance(module, { a: env });
  const raw = instance.exports as Record<string, unknown>;
  memory = raw[glue.memory] as WebAssembly.Memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('pffft: memory export not found');
  (raw[glue.ctors] as () => void)();
  const exports = {} as Record<string, unknown>;
  for (const name of NEEDED) {
    const fn = raw[glue.exports[name]];
    if (typeof fn !== 'function') throw new Error(`pffft: export ${name} not found`);
    exports[name] = fn;
  }
  const typed = exports as unknown as PffftExports;
  if (typed.pffft_simd_size() !== 4) throw new Error('pffft: not the 4-lane SIMD build');
  const setups = new Map<number, number>();
  return {
    exports: typed,
    memory,
    realSetup(n: number): number {
      let s = setups.get(n);
      if (s === undefined) {
        s = typed.pffft_new_setup(n, PFFFT_REAL);
        if (!s) throw new Error(`pffft: no real setup for n=${n}`);
        setups.set(n, s);
      }
      return s;
    },
  };
}

let loaded: Pffft | null | undefined;
let loadError = '';

/**
 * The PFFFT module, instantiated on first use; null when WebAssembly SIMD or the package is not
 * available here (see pffftUnavailableReason). `SOUNDLAB_FFT=js` forces null, for comparisons.
 */
export function loadPffft(): Pffft | null {
  if (loaded !== undefined) return loaded;
  if (process.env.SOUNDLAB_FFT === 'js') {
    loadError = 'disabled by SOUNDLAB_FFT=js';
    loaded = null;
    return loaded;
  }
  try {
    loaded = instantiate();
  } catch (err) {
    loadError = err instanceof Error ? err.message : String(err);
    loaded = null;
  }
  return loaded;
}

/** Why loadPffft() returned null ('' when it did not). */
export function pffftUnavailableReason(): string {
  loadPffft();
  return loadError;
}

/** PFFFT's real transform needs n to be a multiple of 32 with the SIMD build (and factors 2, 3, 5). */
export function pffftSupportsSize(n: number): boolean {
  if (n < 32 || n % 32 !== 0) return false;
  let m = n / 32;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}
