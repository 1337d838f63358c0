// wasm-bytes.ts for the web page's bundle: the same files, inlined by esbuild (lib/web/export.ts).
import pffftGlue from '@echogarden/pffft-wasm/simd?text';
import pffftWasm from '@echogarden/pffft-wasm/simd?wasm';
import stftKernel from './kernels/stft.wasm';

export const pffftGlueText = (): string => pffftGlue;
export const pffftWasmBytes = (): Uint8Array => pffftWasm;
export const stftKernelBytes = (): Uint8Array => stftKernel;
