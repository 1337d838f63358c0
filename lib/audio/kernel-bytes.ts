// The bytes of the resampler's WebAssembly kernel (kernels/resample.wasm), read from disk. In the web
// page's bundle, kernel-bytes.browser.ts replaces this module and inlines the same file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function resampleKernelBytes(): Uint8Array {
  return readFileSync(join(__dirname, 'kernels', 'resample.wasm'));
}
