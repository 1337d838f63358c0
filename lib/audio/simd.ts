// A hand-assembled WebAssembly SIMD kernel for the resampler's dot products (f32x4, two accumulators).
//
// Why hand-assembled bytes: resampling is a dot product of ~100 taps per output sample, and plain JS
// loops run it at about one multiply-add per cycle at best; 128-bit SIMD does four. The tfjs wasm
// backend has such kernels but only behind an asynchronous backend set-up, and loadAudioSync (used
// in worker threads) must stay synchronous; a toolchain (wabt, AssemblyScript) would add a build
// step or a dependency for forty bytes of code. So the module is spelled out below, instruction by
// instruction, and compiled synchronously at first use. Where WebAssembly SIMD is missing, the
// resampler falls back to JS loops (same numbers up to float32 rounding).

/** The one exported function: `run(kPtr, xPtr, taps8, xStride, count, outPtr, outStride)`, see `dotRuns`. */
type RunFn = (kPtr: number, xPtr: number, taps8: number, xStrideBytes: number, count: number, outPtr: number, outStrideBytes: number) => void;

// Opcodes used (WebAssembly core + SIMD proposal, all in Node ≥ 16).
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_CONST = 0x41, I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b, F32_ADD = 0x92, F32_STORE = 0x38;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00], V128_CONST = [SIMD, 0x0c], F32X4_EXTRACT_LANE = [SIMD, 0x1f];
const F32X4_ADD = [SIMD, 0xe4, 0x01], F32X4_MUL = [SIMD, 0xe6, 0x01];
const I32 = 0x7f, V128 = 0x7b;

// Parameters and locals of `run`, by index.
const K_PTR = 0, X_PTR = 1, TAPS8 = 2, X_STRIDE = 3, COUNT = 4, OUT_PTR = 5, OUT_STRIDE = 6;
const J = 7, KP = 8, XP = 9, ACC0 = 10, ACC1 = 11;

const get = (i: number) => [LOCAL_GET, i];
const set = (i: number) => [LOCAL_SET, i];
/** memarg: alignment hint 0 (unaligned loads are allowed), byte offset < 128. */
const mem = (offset: number) => [0x00, offset];
const zeroV128 = [...V128_CONST, ...new Array<number>(16).fill(0)];
const addTo = (local: number, step: number[]) => [...get(local), ...step, I32_ADD, ...set(local)];

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
  LOOP, VOID,
  ...mulAdd(ACC0, 0), ...mulAdd(ACC1, 16),
  ...addTo(KP, [I32_CONST, 32]), ...addTo(XP, [I32_CONST, 32]),
  ...get(J), I32_CONST, 1, I32_SUB, LOCAL_TEE, J, BR_IF, 0,
  END,
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
  END, // function
];

const leb = (n: number) => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

function moduleBytes(): Uint8Array {
  const locals = [2, 3, I32, 2, V128]; // two groups: 3 × i32, 2 × v128
  const code = [...locals, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]), // type: (7 × i32) → ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory, at least 1 page
    ...section(7, [2, ...name('run'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...leb(code.length), ...code]),
  ]);
}

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
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
        kernel = { run: instance.exports.run as RunFn, memory: instance.exports.mem as WebAssembly.Memory };
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
