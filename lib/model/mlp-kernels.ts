// The MLP training step's WebAssembly SIMD kernels (source: kernels/mlp.wat) over one heap, with their plain-JS twins.
//
// Why our own kernels instead of tfjs-backend-wasm's: at batch 32 each tfjs kernel call costs more in
// tensor bookkeeping than in arithmetic, and XNNPACK re-packs a weight matrix whenever its buffer changes
// (every step, in training). Here everything lives in one WebAssembly memory (`KernelHeap`) laid out
// once, and a kernel is one call with pointers and strides: no allocation, no packing.
//
// The kernels are WebAssembly text (kernels/mlp.wat: `gemm`, `adam`, `reluGrad`, `dropout`, each commented), assembled
// by `npm run build-kernels` into kernels/mlp.wasm, which is committed and loaded here. `gemm` computes
// C = A·B (+ bias, then ReLU if asked) with A read through arbitrary row and column strides, so the same
// code does the three products of a Dense layer's step:
//   forward     Z = H·W + b          A = H (strides ld, 1)
//   weight grad dW = Hᵀ·dZ           A = Hᵀ (strides 1, ld): H read down its columns
//   input grad  dHᵀ = W·dZᵀ          A = W, B = dZᵀ (a small transpose of the batch's dZ), i.e. dH = dZ·Wᵀ
// Its register block is 4 rows × 8 columns, so m is rounded up to 4 rows and n to 8 columns: the caller's
// buffers must have those rows/columns (zero-padded operands give zero-padded results). Where WebAssembly
// SIMD is unavailable, the JavaScript twins compute the same (same rounding up of the sizes; Adam's twin is
// `adamUpdate` in adam.ts); `haveSimdGemm` tells which.
// With `threads: 2` the heap is a shared memory and large calls are cut into chunks that a helper thread
// takes too (lib/model/mlp-threads.ts); every element is still computed by one call's instructions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adamUpdate, type AdamStepConstants } from './adam';
import { advanceState, maskConstants, type DropoutMaskStream } from './dropout';
import { SHARED_MEMORY_MAX_PAGES } from './kernels/shared-memory';
import { kernelThread, OP, type KernelThread } from './mlp-threads';

/** Rows per register block (m is rounded up to this). */
export const GEMM_ROWS = 4;
/** Columns per register block (n is rounded up to this). */
export const GEMM_COLS = 8;

/** `a` rounded up to a multiple of `b`. */
export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;

/** `gemm`'s flags (see kernels/mlp.wat). */
const FLAG_BIAS = 1, FLAG_RELU = 2;

type ReluGradFn = (size: number, units: number, rows: number, ld: number, dhT: number, dz: number, dzT: number,
  act: number, db: number, constants: number) => void;

type DropoutFn = (rows: number, units: number, state: number, threshold: number, scaleBits: number, post: number,
  out: number, ld: number, mask: number) => number;

type AdamFn = (count4: number, w: number, m: number, v: number, g: number, constants: number) => void;

type GemmFn = (m4: number, n8: number, k: number, a: number, aRow: number, aCol: number, b: number, ldb: number,
  c: number, ldc: number, bias: number, flags: number) => void;

/** Path of the assembled kernels (committed; rebuilt from mlp.wat by `npm run build-kernels`). */
const MLP_KERNELS_WASM = join(__dirname, 'kernels', 'mlp.wasm');
/** The same kernels over a shared memory (the build's `variant: shared` of mlp.wat), for the helper thread. */
const MLP_KERNELS_SHARED_WASM = join(__dirname, 'kernels', 'mlp.shared.wasm');

/**
 * The bytes of kernels/mlp.wasm (or its shared-memory variant). The one place the files are read: a browser
 * bundle replaces this function (e.g. with bytes inlined by the bundler).
 */
function loadMlpKernelBytes(shared = false): Uint8Array {
  return readFileSync(shared ? MLP_KERNELS_SHARED_WASM : MLP_KERNELS_WASM);
}

let compiled: WebAssembly.Module | null | undefined;
let compiledShared: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = loadMlpKernelBytes();
    // validate() is false where the runtime lacks SIMD: then the JavaScript twins run.
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The shared-memory module, or null where this runtime lacks SIMD or shared WebAssembly memory. */
function sharedModule(): WebAssembly.Module | null {
  if (compiledShared === undefined) {
    compiledShared = null;
    if (simdModule() && typeof SharedArrayBuffer === 'function') {
      const bytes = loadMlpKernelBytes(true);
      if (WebAssembly.validate(bytes)) compiledShared = new WebAssembly.Module(bytes);
    }
  }
  return compiledShared;
}

/** Chunks a large kernel call is cut into when a helper thread shares it (see lib/model/mlp-threads.ts). */
const CHUNKS = 4;

/** `total` items cut into at most `parts` consecutive non-empty ranges [start, count], as even as can be. */
export function chunkRanges(total: number, parts: number = CHUNKS): Array<[number, number]> {
  const n = Math.min(parts, total);
  const out: Array<[number, number]> = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.round(((i + 1) * total) / n);
    out.push([start, end - start]);
    start = end;
  }
  return out;
}

/** A float32's bits as an i32 (kernel arguments are i32: see lib/model/mlp-threads.ts). */
const SCALE_BITS = new Float32Array(1);
const SCALE_BITS_I32 = new Int32Array(SCALE_BITS.buffer);

/** Multiply-adds below which a product is not split over two threads (the hand-over costs ~1–2 µs). */
const SPLIT_MIN_MACS = 32_768;

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
  private wasmDropout: DropoutFn | null = null;
  /** The helper thread that takes chunks of each large kernel call (lib/model/mlp-threads.ts), or null. */
  private readonly thread: KernelThread | null = null;

  /**
   * @param floats initial size in floats (zero-filled).
   * @param opts.simd false forces the JavaScript loops (for tests); default: SIMD when available.
   * @param opts.threads 2 splits large kernel calls with a helper thread (same results, bit for bit) where
   * the runtime has shared WebAssembly memory and worker threads and the machine two cores; default 1.
   */
  constructor(floats: number, opts: { simd?: boolean; threads?: number } = {}) {
    const module = opts.simd === false ? null : simdModule();
    this.simd = module !== null;
    const shared = module && (opts.threads ?? 1) >= 2 && floats * 4 <= SHARED_MEMORY_MAX_PAGES * 65536 ? sharedModule() : null;
    this.thread = shared ? kernelThread(shared) : null;
    if (module) {
      const pages = Math.max(1, Math.ceil((floats * 4) / 65536));
      this.memory = this.thread
        ? new WebAssembly.Memory({ initial: pages, maximum: SHARED_MEMORY_MAX_PAGES, shared: true })
        : new WebAssembly.Memory({ initial: pages });
      const instance = new WebAssembly.Instance(this.thread ? shared! : module, { env: { mem: this.memory } });
      this.wasmGemm = instance.exports.gemm as GemmFn;
      this.wasmAdam = instance.exports.adam as AdamFn;
      this.wasmReluGrad = instance.exports.reluGrad as ReluGradFn;
      this.wasmDropout = instance.exports.dropout as DropoutFn;
      this.f32 = new Float32Array(this.memory.buffer);
    } else {
      this.f32 = new Float32Array(floats);
    }
  }

  /** Whether this heap splits kernel calls with a helper thread (the helper starts in the background). */
  get threaded(): boolean {
    return this.thread !== null;
  }

  /** The helper thread, bound to this heap's memory, if it is running; else null (compute alone). */
  private helper(): KernelThread | null {
    const t = this.thread;
    if (!t || !t.ready) return null;
    t.bind(this.memory!);
    return t;
  }

  /** Make the heap hold at least `floats` floats, keeping its contents. */
  grow(floats: number): void {
    if (floats <= this.f32.length) return;
    if (this.thread && floats * 4 > SHARED_MEMORY_MAX_PAGES * 65536) {
      throw new RangeError(`lib/model/mlp-kernels.ts: the MLP step needs ${Math.ceil((floats * 4) / 2 ** 20)} MiB, more than a shared heap's ${SHARED_MEMORY_MAX_PAGES / 16} MiB: use a smaller batch or SOUNDLAB_MLP_THREADS=1`);
    }
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
   * With a helper thread, a large product is cut into chunks of C's columns (or of its rows when it has one
   * column block) that both threads compute.
   */
  gemm(m: number, n: number, k: number, a: number, aRow: number, aCol: number, b: number, ldb: number,
    c: number, ldc: number, bias = -1, relu = false): void {
    const m4 = Math.ceil(m / GEMM_ROWS);
    const n8 = Math.ceil(n / GEMM_COLS);
    const flags = (bias >= 0 ? FLAG_BIAS : 0) | (relu ? FLAG_RELU : 0);
    if (this.wasmGemm) {
      const args = [m4, n8, k, a * 4, aRow * 4, aCol * 4, b * 4, ldb * 4, c * 4, ldc * 4, Math.max(bias, 0) * 4, flags];
      const helper = m4 * n8 * k * GEMM_ROWS * GEMM_COLS >= SPLIT_MIN_MACS && (n8 >= 2 || m4 >= 2) ? this.helper() : null;
      if (!helper) {
        this.wasmGemm(...(args as Parameters<GemmFn>));
        return;
      }
      // Chunks of C's column blocks (with B's columns and the bias), or of its row blocks (with A's rows).
      // Every element of C is computed exactly as by one call.
      const byColumns = n8 >= 2;
      const chunks = chunkRanges(byColumns ? n8 : m4).map(([from, count]) => {
        const chunk = [...args];
        if (byColumns) {
          const shift = from * GEMM_COLS * 4;
          chunk[1] = count;
          chunk[6] += shift;
          chunk[8] += shift;
          chunk[10] += shift;
        } else {
          chunk[0] = count;
          chunk[3] += from * GEMM_ROWS * args[4];
          chunk[8] += from * GEMM_ROWS * args[9];
        }
        return chunk;
      });
      helper.run(OP.gemm, chunks, this.wasmGemm as (...a: number[]) => void);
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
      const helper = size * units >= SPLIT_MIN_MACS / 8 && units >= 2 ? this.helper() : null;
      if (helper) {
        // Chunks of the units (columns of dz, act and db; rows of dhT and dzT).
        const chunks = chunkRanges(units).map(([c, count]) =>
          [size, count, rows * 4, ld * 4, (dhT + c * rows) * 4, (dz + c) * 4, (dzT + c * rows) * 4, (act + c) * 4, (db + c) * 4, scratch * 4]);
        helper.run(OP.reluGrad, chunks, this.wasmReluGrad as (...a: number[]) => void);
        return;
      }
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
   * Dropout with the stream's next masks: for r < rows, c < units, m = the stream's next mask value (row by
   * row), mask[r·units + c] = m and out[r, c] = post[r, c] · m (post and out with row stride ld; offsets in
   * floats). The `dropout` kernel draws the same values as `stream.fill` (units even; odd counts use it).
   */
  dropout(rows: number, units: number, ld: number, post: number, out: number, mask: number, stream: DropoutMaskStream, rate: number): void {
    const h = this.f32;
    const kernel = this.wasmDropout;
    if (kernel && units % 2 === 0) {
      const { scale, threshold } = maskConstants(rate);
      SCALE_BITS[0] = scale;
      const scaleBits = SCALE_BITS_I32[0];
      stream.drawWith(rows * units, (state) => {
        const at = (r: number, n: number): number[] =>
          [n, units, advanceState(state, (r * units) / 2) | 0, threshold, scaleBits, (post + r * ld) * 4, (out + r * ld) * 4, ld * 4, (mask + r * units) * 4];
        const helper = rows * units >= SPLIT_MIN_MACS / 4 && rows >= 2 ? this.helper() : null;
        // Chunks of rows, each starting from its own place in the stream (draws are independent given their index).
        if (helper) helper.run(OP.dropout, chunkRanges(rows).map(([r, n]) => at(r, n)), kernel as (...a: number[]) => void);
        else kernel(...(at(0, rows) as Parameters<DropoutFn>));
      });
      return;
    }
    stream.fill(h.subarray(mask, mask + rows * units), rows * units, rate);
    for (let r = 0; r < rows; r++) {
      const o = r * ld;
      const mo = mask + r * units - o;
      for (let c = o; c < o + units; c++) h[out + c] = h[post + c] * h[mo + c];
    }
  }

  /**
   * One Adam update of `count` weights at `w` (a multiple of 4), their moments at `m` and `v` and gradients
   * at `g` (offsets in floats): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − stepSize·m / (√(v·invC2) + ε).
   * `scratch` is 8 floats of the heap the kernel reads the constants from. The SIMD kernel computes in
   * float32, its twin `adamUpdate` in float64 (both store float32): results agree to float32 rounding.
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
      const count4 = Math.ceil(count / 4);
      const helper = count >= SPLIT_MIN_MACS / 4 ? this.helper() : null;
      if (helper) {
        // Chunks of the weights (groups of 4).
        const chunks = chunkRanges(count4).map(([from, n4]) => [n4, (w + 4 * from) * 4, (m + 4 * from) * 4, (v + 4 * from) * 4, (g + 4 * from) * 4, scratch * 4]);
        helper.run(OP.adam, chunks, this.wasmAdam as (...a: number[]) => void);
        return;
      }
      this.wasmAdam(count4, w * 4, m * 4, v * 4, g * 4, scratch * 4);
      return;
    }
    adamUpdate(h.subarray(w, w + count), h.subarray(m, m + count), h.subarray(v, v + count), h.subarray(g, g + count), k);
  }
}

/** The JavaScript twin of the `gemm` kernel (rows and columns already rounded up). */
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
