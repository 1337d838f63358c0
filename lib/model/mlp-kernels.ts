// Hand-assembled WebAssembly SIMD kernels over one heap for the MLP's training step: SGEMM, Adam, ReLU backward.
//
// Why our own kernels instead of tfjs-backend-wasm's: at batch 32 each tfjs kernel call costs more in
// tensor bookkeeping than in arithmetic, and XNNPACK re-packs a weight matrix whenever its buffer changes
// (every step, in training). Here everything lives in one WebAssembly memory (`KernelHeap`) laid out
// once, and a kernel is one call with pointers and strides: no allocation, no packing. The bytes are
// written with the tiny assembler in lib/util/wasm.ts (why not a toolchain: see there).
//
// `gemm` computes C = A·B (+ bias, then ReLU if asked) with A read through arbitrary row and column
// strides, so the same code does the three products of a Dense layer's step:
//   forward     Z = H·W + b          A = H (strides ld, 1)
//   weight grad dW = Hᵀ·dZ           A = Hᵀ (strides 1, ld): H read down its columns
//   input grad  dHᵀ = W·dZᵀ          A = W, B = dZᵀ (a small transpose of the batch's dZ), i.e. dH = dZ·Wᵀ
// B and C are row-major. The register block is 4 rows × 8 columns (8 f32x4 accumulators, one broadcast
// A value times two B vectors per row per k), so m is rounded up to 4 rows and n to 8 columns: the
// caller's buffers must have those rows/columns (zero-padded operands give zero-padded results).
// `adam` is the optimiser's update, four weights at a time; `reluGrad` the backward pass through
// ReLU + Dropout. Where WebAssembly SIMD is unavailable, JavaScript loops compute the same (same
// rounding up of the sizes); `haveSimdGemm` tells which.
import {
  assembleModule, addTo, BLOCK, BR_IF, doWhileCount, ELSE, END, F32, F32_ADD, F32_CONST, F32_GT, F32_LOAD,
  F32_MUL, F32_STORE, F32X4_ADD, F32X4_DIV, F32X4_MAX, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, F32X4_SUB, get, I32,
  I32_ADD, I32_AND, I32_CONST, I32_EQZ, I32_MUL, IF, mem, SELECT, set, tee, V128, V128_LOAD, V128_LOAD32_SPLAT,
  V128_STORE, VOID, zeroV128,
} from '../util/wasm';

/** Rows per register block (m is rounded up to this). */
export const GEMM_ROWS = 4;
/** Columns per register block (n is rounded up to this). */
export const GEMM_COLS = 8;

/** `a` rounded up to a multiple of `b`. */
export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;

// Parameters (all i32; pointers and strides in bytes) and locals of `gemm`, by index.
const M4 = 0, N8 = 1, K = 2, A = 3, A_ROW = 4, A_COL = 5, B = 6, LDB = 7, C = 8, LDC = 9, BIAS = 10, FLAGS = 11;
const IB = 12, JB = 13, KK = 14, PA0 = 15, PA1 = 16, PA2 = 17, PA3 = 18, PB = 19, PC = 20, A_BLOCK = 21, C_BLOCK = 22,
  B_BLOCK = 23, BIAS_P = 24;
const ACC = [25, 26, 27, 28, 29, 30, 31, 32]; // row r uses ACC[2r] (columns 0–3) and ACC[2r + 1] (4–7)
const B0 = 33, B1 = 34, S = 35;
const FLAG_BIAS = 1, FLAG_RELU = 2;

/** Skip `body` entirely unless local `counter` > 0; then run it `counter` times. */
const repeat = (counter: number, body: number[]) => [
  BLOCK, VOID, ...get(counter), I32_EQZ, BR_IF, 0, ...doWhileCount(counter, body), END,
];
/** if (flags & bit) { then } else { otherwise } */
const ifFlag = (bit: number, then: number[], otherwise: number[] = []) => [
  ...get(FLAGS), I32_CONST, bit, I32_AND, IF, VOID, ...then, ...(otherwise.length ? [ELSE, ...otherwise] : []), END,
];
/** acc[2r], acc[2r+1] += splat(*pa) · (b0, b1) */
const rowMulAdd = (r: number, pa: number) => [
  ...get(pa), ...V128_LOAD32_SPLAT, ...mem(0), ...set(S),
  ...get(ACC[2 * r]), ...get(S), ...get(B0), ...F32X4_MUL, ...F32X4_ADD, ...set(ACC[2 * r]),
  ...get(ACC[2 * r + 1]), ...get(S), ...get(B1), ...F32X4_MUL, ...F32X4_ADD, ...set(ACC[2 * r + 1]),
];

// for each block of 4 rows, for each block of 8 columns: 8 accumulators, summed over k, stored once.
const body = [
  ...get(K), I32_EQZ, BR_IF, 0,
  ...get(A), ...set(A_BLOCK), ...get(C), ...set(C_BLOCK), ...get(M4), ...set(IB),
  ...repeat(IB, [
    ...get(B), ...set(B_BLOCK), ...get(C_BLOCK), ...set(PC), ...get(BIAS), ...set(BIAS_P), ...get(N8), ...set(JB),
    ...repeat(JB, [
      // Accumulators start at the bias (or zero).
      ...ifFlag(
        FLAG_BIAS,
        [0, 1, 2, 3].flatMap((r) => [
          ...get(BIAS_P), ...V128_LOAD, ...mem(0), ...set(ACC[2 * r]),
          ...get(BIAS_P), ...V128_LOAD, ...mem(16), ...set(ACC[2 * r + 1]),
        ]),
        ACC.flatMap((acc) => [...zeroV128, ...set(acc)]),
      ),
      ...get(A_BLOCK), ...tee(PA0), ...get(A_ROW), I32_ADD, ...tee(PA1), ...get(A_ROW), I32_ADD, ...tee(PA2),
      ...get(A_ROW), I32_ADD, ...set(PA3),
      ...get(B_BLOCK), ...set(PB), ...get(K), ...set(KK),
      ...doWhileCount(KK, [
        ...get(PB), ...V128_LOAD, ...mem(0), ...set(B0),
        ...get(PB), ...V128_LOAD, ...mem(16), ...set(B1),
        ...rowMulAdd(0, PA0), ...rowMulAdd(1, PA1), ...rowMulAdd(2, PA2), ...rowMulAdd(3, PA3),
        ...addTo(PA0, get(A_COL)), ...addTo(PA1, get(A_COL)), ...addTo(PA2, get(A_COL)), ...addTo(PA3, get(A_COL)),
        ...addTo(PB, get(LDB)),
      ]),
      ...ifFlag(FLAG_RELU, ACC.flatMap((acc) => [...get(acc), ...zeroV128, ...F32X4_MAX, ...set(acc)])),
      // Store the 4 × 8 block (PA0 is free now: it walks down C's rows).
      ...get(PC), ...set(PA0),
      ...[0, 1, 2, 3].flatMap((r) => [
        ...get(PA0), ...get(ACC[2 * r]), ...V128_STORE, ...mem(0),
        ...get(PA0), ...get(ACC[2 * r + 1]), ...V128_STORE, ...mem(16),
        ...addTo(PA0, get(LDC)),
      ]),
      ...addTo(PC, [I32_CONST, 32]), ...addTo(B_BLOCK, [I32_CONST, 32]), ...addTo(BIAS_P, [I32_CONST, 32]),
    ]),
    ...addTo(A_BLOCK, [...get(A_ROW), I32_CONST, 4, I32_MUL]),
    ...addTo(C_BLOCK, [...get(LDC), I32_CONST, 4, I32_MUL]),
  ]),
];

// Adam over four floats at a time: adam(count4, w, m, v, g, constants), pointers in bytes. `constants` holds
// β₁, 1−β₁, β₂, 1−β₂, lr/(1−β₁ᵗ), 1/(1−β₂ᵗ), ε (tf.train.adam's formula with folded bias corrections).
const N4 = 0, W_P = 1, M_P = 2, V_P = 3, G_P = 4, CONSTS = 5;
const [BETA1, BETA1C, BETA2, BETA2C, STEP, INV_C2, EPS, GV, MV, VV] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const mul = (x: number[], y: number[]) => [...x, ...y, ...F32X4_MUL];
const add = (x: number[], y: number[]) => [...x, ...y, ...F32X4_ADD];
const load = (ptr: number) => [...get(ptr), ...V128_LOAD, ...mem(0)];
const adamBody = [
  ...get(N4), I32_EQZ, BR_IF, 0,
  ...[BETA1, BETA1C, BETA2, BETA2C, STEP, INV_C2, EPS].flatMap((local, i) => [
    ...get(CONSTS), F32_LOAD, ...mem(4 * i), ...F32X4_SPLAT, ...set(local),
  ]),
  ...doWhileCount(N4, [
    ...load(G_P), ...set(GV),
    // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
    ...get(M_P), ...add(mul(get(BETA1), load(M_P)), mul(get(BETA1C), get(GV))), ...tee(MV), ...V128_STORE, ...mem(0),
    ...get(V_P), ...add(mul(get(BETA2), load(V_P)), mul(get(BETA2C), mul(get(GV), get(GV)))), ...tee(VV), ...V128_STORE, ...mem(0),
    // w ← w − (lr/c1)·m / (√(v/c2) + ε)
    ...get(W_P), ...load(W_P),
    ...mul(get(STEP), get(MV)), ...add([...mul(get(VV), get(INV_C2)), ...F32X4_SQRT], get(EPS)), ...F32X4_DIV,
    ...F32X4_SUB, ...V128_STORE, ...mem(0),
    ...[W_P, M_P, V_P, G_P].flatMap((ptr) => addTo(ptr, [I32_CONST, 16])),
  ]),
];

// The gradient below a ReLU layer, from dhᵀ (see KernelHeap.reluGradient):
// reluGrad(size, units, rowsBytes, ldBytes, dhT, dz, dzT, act, db, constants), pointers in bytes.
const R_SIZE = 0, R_UNITS = 1, R_ROWS = 2, R_LD = 3, R_DHT = 4, R_DZ = 5, R_DZT = 6, R_ACT = 7, R_DB = 8, R_CONSTS = 9;
const R_R = 10, R_C = 11, R_PT = 12, R_PZT = 13, R_PO = 14, R_PD = 15, R_PB = 16, R_D = 17, R_SCALE = 18;
const F32_ZERO = [F32_CONST, 0, 0, 0, 0];
const f32At = (ptr: number) => [...get(ptr), F32_LOAD, ...mem(0)];
const reluGradBody = [
  ...get(R_SIZE), I32_EQZ, BR_IF, 0, ...get(R_UNITS), I32_EQZ, BR_IF, 0,
  ...f32At(R_CONSTS), ...set(R_SCALE), ...get(R_SIZE), ...set(R_R),
  ...doWhileCount(R_R, [
    ...get(R_DHT), ...set(R_PT), ...get(R_DZT), ...set(R_PZT), ...get(R_ACT), ...set(R_PO), ...get(R_DZ), ...set(R_PD),
    ...get(R_DB), ...set(R_PB), ...get(R_UNITS), ...set(R_C),
    ...doWhileCount(R_C, [
      // d = act > 0 ? dh·scale : 0
      ...f32At(R_PT), ...get(R_SCALE), F32_MUL, ...F32_ZERO, ...f32At(R_PO), ...F32_ZERO, F32_GT, SELECT, ...set(R_D),
      ...get(R_PD), ...get(R_D), F32_STORE, ...mem(0),
      ...get(R_PZT), ...get(R_D), F32_STORE, ...mem(0),
      ...get(R_PB), ...f32At(R_PB), ...get(R_D), F32_ADD, F32_STORE, ...mem(0),
      ...addTo(R_PT, get(R_ROWS)), ...addTo(R_PZT, get(R_ROWS)),
      ...addTo(R_PO, [I32_CONST, 4]), ...addTo(R_PD, [I32_CONST, 4]), ...addTo(R_PB, [I32_CONST, 4]),
    ]),
    ...addTo(R_DHT, [I32_CONST, 4]), ...addTo(R_DZT, [I32_CONST, 4]),
    ...addTo(R_ACT, get(R_LD)), ...addTo(R_DZ, get(R_LD)),
  ]),
];

type ReluGradFn = (size: number, units: number, rows: number, ld: number, dhT: number, dz: number, dzT: number,
  act: number, db: number, constants: number) => void;

type AdamFn = (count4: number, w: number, m: number, v: number, g: number, constants: number) => void;

type GemmFn = (m4: number, n8: number, k: number, a: number, aRow: number, aCol: number, b: number, ldb: number,
  c: number, ldc: number, bias: number, flags: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = assembleModule([
        { name: 'gemm', params: 12, locals: [[13, I32], [11, V128]], body },
        { name: 'adam', params: 6, locals: [[10, V128]], body: adamBody },
        { name: 'reluGrad', params: 10, locals: [[7, I32], [2, F32]], body: reluGradBody },
      ]);
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether this runtime runs the WebAssembly SIMD kernel (else KernelHeap uses the JavaScript loops). */
export function haveSimdGemm(): boolean {
  return simdModule() !== null;
}

/**
 * One float32 heap and the matrix product over it. Offsets, strides and sizes are in floats (elements).
 * The heap is a WebAssembly memory when SIMD is available, else a plain array (same layout, JS loops).
 */
export class KernelHeap {
  /** The heap as floats. Re-read after `grow` (growing replaces the buffer). */
  f32: Float32Array;
  readonly simd: boolean;
  private memory: WebAssembly.Memory | null = null;
  private wasmGemm: GemmFn | null = null;
  private wasmAdam: AdamFn | null = null;
  private wasmReluGrad: ReluGradFn | null = null;

  /**
   * @param floats initial size in floats (zero-filled).
   * @param opts.simd false forces the JavaScript loops (for tests); default: SIMD when available.
   */
  constructor(floats: number, opts: { simd?: boolean } = {}) {
    const module = opts.simd === false ? null : simdModule();
    this.simd = module !== null;
    if (module) {
      this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((floats * 4) / 65536)) });
      const instance = new WebAssembly.Instance(module, { env: { mem: this.memory } });
      this.wasmGemm = instance.exports.gemm as GemmFn;
      this.wasmAdam = instance.exports.adam as AdamFn;
      this.wasmReluGrad = instance.exports.reluGrad as ReluGradFn;
      this.f32 = new Float32Array(this.memory.buffer);
    } else {
      this.f32 = new Float32Array(floats);
    }
  }

  /** Make the heap hold at least `floats` floats, keeping its contents. */
  grow(floats: number): void {
    if (floats <= this.f32.length) return;
    if (this.memory) {
      this.memory.grow(Math.ceil((floats * 4 - this.memory.buffer.byteLength) / 65536));
      this.f32 = new Float32Array(this.memory.buffer);
    } else {
      const bigger = new Float32Array(floats);
      bigger.set(this.f32);
      this.f32 = bigger;
    }
  }

  /**
   * C = A·B (+ bias) (then ReLU), all in the heap. A is m × k, read at a + i·aRow + p·aCol; B is k × n
   * row-major with row stride ldb; C is m × n row-major with row stride ldc; bias (n floats) or -1.
   * Computes roundUp(m, 4) rows and roundUp(n, 8) columns: A, B, bias and C must have room for them.
   */
  gemm(m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, ldb: number,
    c: number, ldc: number, bias = -1, relu = false): void {
    const m4 = Math.ceil(m / GEMM_ROWS);
    const n8 = Math.ceil(n / GEMM_COLS);
    const flags = (bias >= 0 ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0);
    if (this.wasmGemm) {
      this.wasmGemm(m4, n8, k, a * 4, aRow * 4, aCol * 4, b * 4, ldb * 4, c * 4, ldc * 4, Math.max(bias, 0) * 4, flags);
    } else {
      gemmJs(this.f32, m4 * GEMM_ROWS, n8 * GEMM_COLS, k, a, aRow, aCol, b, ldb, c, ldc, bias, relu);
    }
  }

  /**
   * Back through a ReLU (and its Dropout) from dhᵀ: for r < size, c < units,
   *   d = act[r, c] > 0 ? dhT[c, r] · scale : 0,  dz[r, c] = dzT[c, r] = d,  db[c] += d.
   * `act` is the layer's output (after the mask: out > 0 ⇔ ReLU′ = 1 and the unit was kept, and a kept
   * unit's mask value is `scale`; scale 1 without dropout). dz and act have row stride ld, dhT and dzT
   * row stride rows. `scratch`: 1 float of the heap for the constant. Offsets in floats.
   */
  reluGradient(size: number, units: number, rows: number, ld: number, dhT: number, dz: number, dzT: number,
    act: number, scale: number, db: number, scratch: number): void {
    const h = this.f32;
    if (this.wasmReluGrad) {
      h[scratch] = scale;
      this.wasmReluGrad(size, units, rows * 4, ld * 4, dhT * 4, dz * 4, dzT * 4, act * 4, db * 4, scratch * 4);
      return;
    }
    const s = Math.fround(scale);
    for (let r = 0; r < size; r++) {
      const o = r * ld;
      for (let c = 0, t = r; c < units; c++, t += rows) {
        const d = h[act + o + c] > 0 ? h[dhT + t] * s : 0;
        h[dz + o + c] = d;
        h[dzT + t] = d;
        h[db + c] += d;
      }
    }
  }

  /**
   * One Adam update of `count` weights at `w` (a multiple of 4), their moments at `m` and `v` and gradients
   * at `g` (offsets in floats): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − stepSize·m / (√(v·invC2) + ε).
   * `scratch` is 8 floats of the heap the kernel reads the constants from. The SIMD kernel computes in
   * float32, the fallback in float64 (both store float32): results agree to float32 rounding.
   */
  adam(count: number, w: number, m: number, v: number, g: number, k: AdamStepConstants, scratch: number): void {
    const { beta1, beta2, stepSize, invC2, epsilon } = k;
    const h = this.f32;
    if (this.wasmAdam) {
      h[scratch] = beta1;
      h[scratch + 1] = 1 - beta1;
      h[scratch + 2] = beta2;
      h[scratch + 3] = 1 - beta2;
      h[scratch + 4] = stepSize;
      h[scratch + 5] = invC2;
      h[scratch + 6] = epsilon;
      this.wasmAdam(Math.ceil(count / 4), w * 4, m * 4, v * 4, g * 4, scratch * 4);
      return;
    }
    const b1c = 1 - beta1;
    const b2c = 1 - beta2;
    for (let i = 0; i < count; i++) {
      const gi = h[g + i];
      const mi = beta1 * h[m + i] + b1c * gi;
      const vi = beta2 * h[v + i] + b2c * gi * gi;
      h[m + i] = mi;
      h[v + i] = vi;
      h[w + i] -= (stepSize * mi) / (Math.sqrt(vi * invC2) + epsilon);
    }
  }
}

/** Adam's step size constants for one update, in the order the `adam` kernel reads them. */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** 1 / (1 − β₂ᵗ) */
  invC2: number;
  epsilon: number;
}

/** The JavaScript fallback of `KernelHeap.gemm` (rows and columns already rounded up). */
function gemmJs(h: Float32Array, m: number, n: number, k: number, a: number, aRow: number, aCol: number,
  b: number, ldb: number, c: number, ldc: number, bias: number, relu: boolean): void {
  for (let i = 0; i < m; i++) {
    const ci = c + i * ldc;
    for (let j = 0; j < n; j++) h[ci + j] = bias >= 0 ? h[bias + j] : 0;
    for (let p = 0; p < k; p++) {
      const s = h[a + i * aRow + p * aCol];
      const bp = b + p * ldb;
      for (let j = 0; j < n; j++) h[ci + j] += s * h[bp + j];
    }
    if (relu) for (let j = 0; j < n; j++) if (!(h[ci + j] > 0)) h[ci + j] = 0;
  }
}
