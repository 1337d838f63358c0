// The resampler's WebAssembly SIMD dot-product kernel (source: kernels/resample.wat), loaded synchronously.
//
// Why a kernel: resampling is a dot product of ~100 taps per output sample, and plain JS loops run it at
// about one multiply-add per cycle at best; 128-bit SIMD does four. Why our own: the tfjs wasm backend has
// such kernels but only behind an asynchronous set-up, and loadAudioSync (used in worker threads) must
// stay synchronous. The source is WebAssembly text, assembled by `npm run build-kernels` into
// kernels/resample.wasm (committed). Where WebAssembly SIMD is missing, the resampler runs its JS twin
// (same numbers up to float32 rounding).
import { resampleKernelBytes } from './kernel-bytes';

/** The one exported function: `run(kPtr, xPtr, taps8, xStride, count, outPtr, outStride)`, see kernels/resample.wat. */
type RunFn = (kPtr: number, xPtr: number, taps8: number, xStrideBytes: number, count: number, outPtr: number, outStrideBytes: number) => void;

/** The compiled kernel and its memory, or null where WebAssembly SIMD is unavailable. */
export interface SimdKernel {
  run: RunFn;
  memory: WebAssembly.Memory;
}

let kernel: SimdKernel | null | undefined;

/** The SIMD kernel, compiled on first use; null when this runtime cannot run it. */
export function simdKernel(): SimdKernel | null {
  if (kernel === undefined) {
    const bytes = resampleKernelBytes();
    // validate() is false where the runtime lacks SIMD: then the resampler's JS loops run.
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) {
      kernel = null;
    } else {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
      kernel = { run: instance.exports.run as RunFn, memory };
    }
  }
  return kernel;
}

/** Makes the kernel's memory at least `bytes` long and returns a fresh Float32Array view of it. */
export function reserve(k: SimdKernel, bytes: number): Float32Array {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return new Float32Array(k.memory.buffer);
}
