// A hand-assembled WebAssembly SIMD kernel for the resampler's dot products (f32x4, two accumulators).
//
// Why hand-assembled bytes: resampling is a dot product of ~100 taps per output sample, and plain JS
// loops run it at about one multiply-add per cycle at best; 128-bit SIMD does four. The tfjs wasm
// backend has such kernels but only behind an asynchronous backend set-up, and loadAudioSync (used
// in worker threads) must stay synchronous; a toolchain (wabt, AssemblyScript) would add a build
// step or a dependency for forty bytes of code. So the module is spelled out below, instruction by
// instruction (with the small assembler in lib/util/wasm.ts), and compiled synchronously at first use. Where WebAssembly SIMD is missing, the
// resampler falls back to JS loops (same numbers up to float32 rounding).

import {
  BLOCK, BR, BR_IF, END, F32_ADD, F32_STORE, F32X4_ADD, F32X4_EXTRACT_LANE, F32X4_MUL, I32, I32_CONST, I32_EQZ,
  I32_SUB, LOOP, V128, V128_LOAD, VOID, addTo, assembleModule, doWhileCount, get, i32, mem, set, zeroV128,
} from '../util/wasm';

/** The one exported function: `run(kPtr, xPtr, taps8, xStride, count, outPtr, outStride)`, see `dotRuns`. */
type RunFn = (kPtr: number, xPtr: number, taps8: number, xStrideBytes: number, count: number, outPtr: number, outStrideBytes: number) => void;

// Parameters and locals of `run`, by index.
const K_PTR = 0, X_PTR = 1, TAPS8 = 2, X_STRIDE = 3, COUNT = 4, OUT_PTR = 5, OUT_STRIDE = 6;
const J = 7, KP = 8, XP = 9, ACC0 = 10, ACC1 = 11;

/** acc += k[kp + offset .. +4] * x[xp + offset .. +4] */
const mulAdd = (acc: number, offset: number) => [
  ...get(acc),
  ...get(KP), ...V128_LOAD, ...mem(offset),
  ...get(XP), ...V128_LOAD, ...mem(offset),
  ...F32X4_MUL, ...F32X4_ADD, ...set(acc),
];

const body = [
  BLOCK, VOID,
  LOOP, VOID,
  // while (count != 0)
  ...get(COUNT), I32_EQZ, BR_IF, 1,
  ...zeroV128, ...set(ACC0), ...zeroV128, ...set(ACC1),
  ...get(K_PTR), ...set(KP), ...get(X_PTR), ...set(XP), ...get(TAPS8), ...set(J),
  // eight taps per turn, two independent accumulators
  ...doWhileCount(J, [
    ...mulAdd(ACC0, 0), ...mulAdd(ACC1, 16),
    ...addTo(KP, i32(32)), ...addTo(XP, i32(32)),
  ]),
  // *out = lane0 + lane1 + lane2 + lane3 of (acc0 + acc1)
  ...get(OUT_PTR),
  ...get(ACC0), ...get(ACC1), ...F32X4_ADD, ...set(ACC0),
  ...get(ACC0), ...F32X4_EXTRACT_LANE, 0, ...get(ACC0), ...F32X4_EXTRACT_LANE, 1, F32_ADD,
  ...get(ACC0), ...F32X4_EXTRACT_LANE, 2, F32_ADD, ...get(ACC0), ...F32X4_EXTRACT_LANE, 3, F32_ADD,
  F32_STORE, 0x02, 0x00,
  ...addTo(OUT_PTR, get(OUT_STRIDE)), ...addTo(X_PTR, get(X_STRIDE)),
  ...get(COUNT), I32_CONST, 1, I32_SUB, ...set(COUNT),
  BR, 0,
  END,
  END,
];

/** `run` takes 7 i32 parameters and has 3 i32 and 2 v128 locals. */
const moduleBytes = () => assembleModule([{ name: 'run', params: 7, locals: [[3, I32], [2, V128]], body }]);

/** The compiled kernel and its memory, or null where WebAssembly SIMD is unavailable. */
export interface SimdKernel {
  run: RunFn;
  memory: WebAssembly.Memory;
}

let kernel: SimdKernel | null | undefined;

/** The SIMD kernel, compiled on first use; null when this runtime cannot run it. */
export function simdKernel(): SimdKernel | null {
  if (kernel === undefined) {
    try {
      const bytes = moduleBytes();
      if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) {
        kernel = null;
      } else {
        const memory = new WebAssembly.Memory({ initial: 1 });
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
        kernel = { run: instance.exports.run as RunFn, memory };
      }
    } catch {
      kernel = null;
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
