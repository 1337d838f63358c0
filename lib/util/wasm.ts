// A tiny WebAssembly assembler: opcodes, LEB128 and module sections, for hand-written SIMD kernels.
//
// Why not a toolchain (wabt, AssemblyScript, emscripten): our kernels are a few hundred bytes, and a
// toolchain would add a build step or a dependency for them. Instead a kernel is written as arrays of
// opcodes (readable with the names below) and assembled into a module at first use, synchronously.
// Only the instructions our kernels use are named here; see the WebAssembly core and SIMD specifications.

export const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
export const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
export const F32_LOAD = 0x2a, F32_STORE = 0x38, F32_CONST = 0x43, F32_GT = 0x5e, F32_ADD = 0x92, F32_MUL = 0x94, SELECT = 0x1b;
export const I32_CONST = 0x41, I32_EQZ = 0x45, I32_AND = 0x71, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c;
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

const SIMD = 0xfd;
export const V128_LOAD = [SIMD, 0x00], V128_LOAD32_SPLAT = [SIMD, 0x09], V128_STORE = [SIMD, 0x0b], V128_CONST = [SIMD, 0x0c];
export const F32X4_SPLAT = [SIMD, 0x13], F32X4_EXTRACT_LANE = [SIMD, 0x1f];
export const F32X4_ADD = [SIMD, 0xe4, 0x01], F32X4_SUB = [SIMD, 0xe5, 0x01], F32X4_MUL = [SIMD, 0xe6, 0x01];
export const F32X4_DIV = [SIMD, 0xe7, 0x01], F32X4_MAX = [SIMD, 0xe9, 0x01], F32X4_SQRT = [SIMD, 0xe3, 0x01];

export const get = (i: number): number[] => [LOCAL_GET, i];
export const set = (i: number): number[] => [LOCAL_SET, i];
export const tee = (i: number): number[] => [LOCAL_TEE, i];
/** memarg of a load/store: alignment hint 0 (unaligned access is allowed) and a constant byte offset. */
export const mem = (offset: number): number[] => [0x00, ...leb(offset)];
export const zeroV128 = [...V128_CONST, ...new Array<number>(16).fill(0)];
/** local += (value left by `step`) */
export const addTo = (local: number, step: number[]): number[] => [...get(local), ...step, I32_ADD, ...set(local)];
/** i32.const n (signed LEB128; our constants are small and non-negative). */
export const i32 = (n: number): number[] => {
  if (n < 0 || n > 0x3fffffff) throw new RangeError(`lib/util/wasm.ts: constant ${n} out of the range this helper encodes`);
  const out = leb(n);
  // A non-negative signed LEB128 must not end with bit 6 set (it would read as negative).
  if (out[out.length - 1] & 0x40) {
    out[out.length - 1] |= 0x80;
    out.push(0);
  }
  return [I32_CONST, ...out];
};
/** `body` repeated while local `counter` (decremented each turn) is non-zero; runs at least once. */
export const doWhileCount = (counter: number, body: number[]): number[] => [
  LOOP, VOID, ...body, ...get(counter), I32_CONST, 1, I32_SUB, ...tee(counter), BR_IF, 0, END,
];

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

/** One function of a module: its name (exported), parameter count (all i32), locals and body. */
export interface WasmFunction {
  name: string;
  params: number;
  /** Local groups after the parameters, e.g. [[3, I32], [8, V128]]. */
  locals: Array<[number, number]>;
  /** Instructions, without the final `end`. */
  body: number[];
}

/**
 * The bytes of a module whose functions take only i32 parameters and return nothing, and which imports
 * its memory as `env.mem` (so the caller owns and sizes it).
 */
export function assembleModule(functions: WasmFunction[]): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...leb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const codes = functions.map((f) => {
    const code = [...leb(f.locals.length), ...f.locals.flatMap(([count, type]) => [...leb(count), type]), ...f.body, END];
    return [...leb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...leb(functions.length), ...types]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]), // import memory, min 1 page
    ...section(3, [...leb(functions.length), ...functions.map((_, i) => i)]),
    ...section(7, [...leb(functions.length), ...functions.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [...leb(functions.length), ...codes.flat()]),
  ]);
}
