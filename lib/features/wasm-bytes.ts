// The files the WebAssembly STFT needs, read from disk: PFFFT's emscripten glue (parsed for its export
// names) and module, and kernels/stft.wasm. In the web page's bundle, wasm-bytes.browser.ts replaces this
// module and inlines the same files (lib/web/export.ts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pffftGlueFile = () => require.resolve('@echogarden/pffft-wasm/simd');

export function pffftGlueText(): string {
  return readFileSync(pffftGlueFile(), 'utf8');
}

export function pffftWasmBytes(): Uint8Array {
  return readFileSync(join(dirname(pffftGlueFile()), 'pffft.wasm'));
}

/** kernels/stft.wasm (assembled from kernels/stft.wat by `npm run build-kernels`). */
export function stftKernelBytes(): Uint8Array {
  return readFileSync(join(__dirname, 'kernels', 'stft.wasm'));
}
