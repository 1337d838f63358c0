// kernel-bytes.ts for the web page's bundle: the same kernels/resample.wasm, inlined by esbuild.
import resampleWasm from './kernels/resample.wasm';

export function resampleKernelBytes(): Uint8Array {
  return resampleWasm;
}
