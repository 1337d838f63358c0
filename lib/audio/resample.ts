// Band-limited sinc resampling: a port of resampy ≥ 0.3's `kaiser_fast`, the resampler behind librosa.load(res_type='kaiser_fast').
//
// resampy computes, for every output sample, two wings of a windowed-sinc filter read from a table
// with linear interpolation between entries. The weights depend only on where the output falls
// between input samples, and that position repeats with period target/gcd(source, target) outputs
// (1 for 44100→22050, 147 for 48000→22050, 441 for 8000→22050). So we compute each phase's taps once,
// exactly as resampy would, and then every output is a plain dot product over a contiguous run of
// input samples. Same numbers, a fraction of the work.

import { reserve, simdKernel } from './simd';
import type { SimdKernel } from './simd';

/** resampy's `kaiser_fast` filter parameters (resampy/filters.py docstring, from its create_filter.py search). */
export const KAISER_FAST = {
  /** Zero crossings of the sinc kept on each side. */
  numZeros: 24,
  /** log2 of the table entries per zero crossing (2^9 = 512). */
  precision: 9,
  /** Roll-off frequency as a fraction of Nyquist. */
  rolloff: 0.868212,
  /** Kaiser window shape parameter. */
  beta: 9.90322,
} as const;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for |x| ≲ 30). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** numpy's normalised sinc: sin(πx)/(πx), 1 at 0. */
const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

/**
 * The right wing of resampy's interpolation filter, built as `filters.sinc_window` builds it with a
 * Kaiser window: `rolloff · sinc(rolloff · linspace(0, numZeros, n+1)) · kaiser(2n+1, beta)[n:]`,
 * n = numZeros · 2^precision. Length n + 1 (12289 for kaiser_fast).
 */
export function sincWindow(
  numZeros: number = KAISER_FAST.numZeros,
  precision: number = KAISER_FAST.precision,
  rolloff: number = KAISER_FAST.rolloff,
  beta: number = KAISER_FAST.beta,
): Float64Array {
  const perCrossing = 2 ** precision;
  const n = perCrossing * numZeros;
  const win = new Float64Array(n + 1);
  const i0Beta = besselI0(beta);
  for (let j = 0; j <= n; j++) {
    const r = j / n;
    const taper = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    win[j] = taper * rolloff * sinc(rolloff * (j / perCrossing));
  }
  return win;
}

let kaiserFastWindow: Float64Array | null = null;
const kaiserFast = () => (kaiserFastWindow ??= sincWindow());

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/**
 * Where resampy's loop puts output `t`: the input index `n` just before it and the two wings' table
 * offsets and interpolation factors, computed with the same floating-point steps as resampy's
 * `resample_f` so that table indices come out identical.
 */
interface TapPosition {
  n: number;
  leftOffset: number;
  leftEta: number;
  rightOffset: number;
  rightEta: number;
}

/** The filter prepared for one rate pair: scaled table, its deltas, and resampy's step sizes. */
interface Plan {
  win: Float64Array;
  delta: Float64Array;
  numTable: number;
  scale: number;
  timeIncrement: number;
  indexStep: number;
  /** Full wing lengths (taps left of and including n, taps right of n) away from the signal's edges. */
  leftTaps: number;
  rightTaps: number;
}

function makePlan(sourceRate: number, targetRate: number): Plan {
  const sampleRatio = targetRate / sourceRate;
  const base = kaiserFast();
  // resampy scales the whole table by the ratio when downsampling (keeps unity passband gain).
  const win = sampleRatio < 1 ? base.map((v) => v * sampleRatio) : base;
  const delta = new Float64Array(win.length);
  for (let i = 0; i < win.length - 1; i++) delta[i] = win[i + 1] - win[i];
  const numTable = 2 ** KAISER_FAST.precision;
  const scale = Math.min(1, sampleRatio);
  const indexStep = Math.trunc(scale * numTable);
  // The longest wing over all positions is at offset 0.
  const taps = Math.floor(win.length / indexStep);
  return { win, delta, numTable, scale, timeIncrement: 1 / sampleRatio, indexStep, leftTaps: taps, rightTaps: taps };
}

function tapPosition(plan: Plan, t: number): TapPosition {
  const timeRegister = t * plan.timeIncrement;
  const n = Math.trunc(timeRegister);
  const frac = plan.scale * (timeRegister - n);
  const leftIndex = frac * plan.numTable;
  const leftOffset = Math.trunc(leftIndex);
  const rightIndex = (plan.scale - frac) * plan.numTable;
  const rightOffset = Math.trunc(rightIndex);
  return { n, leftOffset, leftEta: leftIndex - leftOffset, rightOffset, rightEta: rightIndex - rightOffset };
}

/**
 * Fills `kernel` (length leftTaps + rightTaps) with the weights of output position `pos`, laid out
 * over input indices n − leftTaps + 1 … n + rightTaps in increasing order; taps beyond a wing's
 * length (resampy's (nwin − offset) // index_step) are zero.
 */
function fillKernel(plan: Plan, pos: TapPosition, kernel: Float64Array): void {
  const { win, delta, indexStep, leftTaps } = plan;
  const nwin = win.length;
  kernel.fill(0);
  const iMax = Math.floor((nwin - pos.leftOffset) / indexStep);
  for (let i = 0; i < iMax; i++) {
    const k = pos.leftOffset + i * indexStep;
    kernel[leftTaps - 1 - i] = win[k] + pos.leftEta * delta[k];
  }
  const kMax = Math.floor((nwin - pos.rightOffset) / indexStep);
  for (let k = 0; k < kMax; k++) {
    const j = pos.rightOffset + k * indexStep;
    kernel[leftTaps + k] = win[j] + pos.rightEta * delta[j];
  }
}

/** One output from a kernel, clipping taps that fall outside the signal (as resampy's min() bounds do). */
function dotClipped(x: Float32Array, kernel: Float64Array, start: number): number {
  const from = Math.max(0, -start);
  const to = Math.min(kernel.length, x.length - start);
  let acc = 0;
  for (let j = from; j < to; j++) acc += kernel[j] * x[start + j];
  return acc;
}

/** Above this many distinct phases, caching a kernel per phase costs more than it saves. */
const MAX_CACHED_PHASES = 4096;

/** Which inner loop computes the dot products: WebAssembly SIMD (float32 lanes) or plain JS (float64). */
export type ResampleEngine = 'simd' | 'js';

/** The taps of every phase of one rate pair, and where each phase's first output sits. */
interface PhaseTable {
  plan: Plan;
  /** Outputs per period (target / gcd) and input samples per period (source / gcd). */
  phases: number;
  advance: number;
  kernelLength: number;
  /** phases × kernelLength, float64, for the JS loops. */
  kernels: Float64Array;
  /** phases × stride, float32, zero-padded to a multiple of 8 taps, for the SIMD kernel. */
  kernels32: Float32Array;
  stride: number;
  firstN: Int32Array;
  firstLeft: Int32Array;
  firstRight: Int32Array;
  /**
   * 1 for phases whose exact position lies so close to a sample or table-entry boundary that
   * floating-point time (t · timeIncrement) may fall on the other side of it in later periods.
   */
  mayDrift: Uint8Array;
}

/** Inputs longer than this get every output checked for drift (the margins below assume less). */
const DRIFT_MARGIN_MAX_INPUT = 1e8;

/**
 * Which phases can drift. Exact position of phase p: p·source/target = q + rem/target input samples.
 * Float time t·timeIncrement is off by at most a few ulps of t·timeIncrement (≤ 1e-7 samples below
 * 1e8 samples), so a phase whose sample and table-index boundaries are farther than that is safe.
 * When timeIncrement is a dyadic rational (phases a power of two, e.g. 44100→22050), t·timeIncrement
 * is exact and nothing drifts.
 */
function driftingPhases(plan: Plan, sourceRate: number, targetRate: number, phases: number, advance: number): Uint8Array {
  const mayDrift = new Uint8Array(phases);
  const exactTime = (phases & (phases - 1)) === 0 && plan.timeIncrement === advance / phases;
  if (exactTime) return mayDrift;
  const near = (v: number, margin: number) => Math.abs(v - Math.round(v)) < margin;
  for (let p = 0; p < phases; p++) {
    const rem = (p * sourceRate) % targetRate;
    const frac = rem / targetRate;
    const left = plan.scale * frac * plan.numTable;
    const right = (plan.scale - plan.scale * frac) * plan.numTable;
    if (rem === 0 || near(frac, 1e-6) || near(left, 1e-3) || near(right, 1e-3)) mayDrift[p] = 1;
  }
  return mayDrift;
}

/** Phase tables by "source→target"; a featurizer loops over a handful of rate pairs, so a few are kept. */
const tables = new Map<string, PhaseTable>();
const MAX_TABLES = 16;

function phaseTable(sourceRate: number, targetRate: number): PhaseTable | null {
  if (!Number.isInteger(sourceRate) || !Number.isInteger(targetRate)) return null;
  const g = gcd(sourceRate, targetRate);
  const phases = targetRate / g;
  if (phases > MAX_CACHED_PHASES) return null;
  const key = `${sourceRate}→${targetRate}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const plan = makePlan(sourceRate, targetRate);
  const kernelLength = plan.leftTaps + plan.rightTaps;
  const stride = Math.ceil(kernelLength / 8) * 8;
  const kernels = new Float64Array(phases * kernelLength);
  const kernels32 = new Float32Array(phases * stride);
  const firstN = new Int32Array(phases);
  const firstLeft = new Int32Array(phases);
  const firstRight = new Int32Array(phases);
  for (let p = 0; p < phases; p++) {
    // Each phase's taps as resampy computes them for the phase's first output, t = p.
    const pos = tapPosition(plan, p);
    const kernel = kernels.subarray(p * kernelLength, (p + 1) * kernelLength);
    fillKernel(plan, pos, kernel);
    kernels32.set(kernel, p * stride);
    firstN[p] = pos.n;
    firstLeft[p] = pos.leftOffset;
    firstRight[p] = pos.rightOffset;
  }
  const advance = sourceRate / g;
  const mayDrift = driftingPhases(plan, sourceRate, targetRate, phases, advance);
  const table: PhaseTable = {
    plan, phases, advance, kernelLength, kernels, kernels32, stride, firstN, firstLeft, firstRight, mayDrift,
  };
  if (tables.size >= MAX_TABLES) tables.clear();
  tables.set(key, table);
  return table;
}

/** Range [lo, hi] of m for which output p + m·phases has all its taps inside the signal. */
function interiorRange(table: PhaseTable, p: number, nIn: number, computed: number): [number, number] {
  const { phases, advance, kernelLength, firstN } = table;
  const leftTaps = table.plan.leftTaps;
  const count = Math.floor((computed - 1 - p) / phases) + 1;
  const lo = Math.max(0, Math.ceil((leftTaps - 1 - firstN[p]) / advance));
  const hi = Math.min(count - 1, Math.floor((nIn - kernelLength - firstN[p] + leftTaps - 1) / advance));
  return [lo, hi];
}

/**
 * Input samples per SIMD pass (64 KB). Small enough that a window and all phase kernels stay in
 * cache while every phase runs over it (48000→22050 reads each window 147 times; one pass over a
 * whole 4-s clip per phase took twice as long), and WebAssembly memory, which never shrinks, stays
 * small whatever the file length.
 */
const SIMD_WINDOW_SAMPLES = 1 << 14;

/**
 * Interior outputs through the SIMD kernel: per phase, one strided run of dot products (the inputs of
 * successive outputs of a phase start `advance` samples apart), window by window over the signal.
 */
function bulkSimd(simd: SimdKernel, table: PhaseTable, x: Float32Array, y: Float32Array, computed: number): void {
  const { phases, advance, stride, firstN } = table;
  const leftTaps = table.plan.leftTaps;
  const nIn = x.length;
  // A window covers `periods` periods of outputs and every input sample their taps reach.
  const periods = Math.max(1, Math.floor(SIMD_WINDOW_SAMPLES / advance));
  const windowLength = periods * advance + stride;
  const outputsPerWindow = periods * phases;
  const xAt = phases * stride;
  const outAt = xAt + windowLength;
  const mem = reserve(simd, (outAt + outputsPerWindow) * 4);
  mem.set(table.kernels32, 0);
  const lo = new Float64Array(phases);
  const hi = new Float64Array(phases);
  for (let p = 0; p < phases && p < computed; p++) [lo[p], hi[p]] = interiorRange(table, p, nIn, computed);
  for (let m0 = 0; m0 * phases < computed; m0 += periods) {
    // Input index of the window's first sample: the first tap of phase 0's first output (firstN[0] = 0).
    const windowStart = m0 * advance - leftTaps + 1;
    const from = Math.max(0, windowStart);
    const to = Math.min(nIn, windowStart + windowLength);
    // Samples outside the signal (and under the zero padding taps) must read as finite zeros.
    const outputs = Math.min(outputsPerWindow, computed - m0 * phases);
    mem.fill(0, xAt, xAt + Math.max(0, from - windowStart));
    if (to > from) mem.set(x.subarray(from, to), xAt + (from - windowStart));
    mem.fill(0, xAt + Math.max(0, to - windowStart), xAt + windowLength);
    mem.fill(0, outAt, outAt + outputs);
    for (let p = 0; p < phases && p < computed; p++) {
      const first = Math.max(lo[p], m0);
      const last = Math.min(hi[p], m0 + periods - 1);
      if (first > last) continue;
      const local = firstN[p] + first * advance - leftTaps + 1 - windowStart;
      simd.run(p * stride * 4, (xAt + local) * 4, stride / 8, advance * 4, last - first + 1,
        (outAt + p + (first - m0) * phases) * 4, phases * 4);
    }
    y.set(mem.subarray(outAt, outAt + outputs), m0 * phases);
  }
}

/** Interior outputs with JS loops in float64 (where WebAssembly SIMD is unavailable). */
function bulkJs(table: PhaseTable, x: Float32Array, y: Float32Array, computed: number): void {
  const { phases, advance, kernelLength, kernels, firstN } = table;
  const leftTaps = table.plan.leftTaps;
  for (let p = 0; p < phases && p < computed; p++) {
    const [lo, hi] = interiorRange(table, p, x.length, computed);
    const k0 = p * kernelLength;
    for (let m = lo; m <= hi; m++) {
      const start = firstN[p] + m * advance - leftTaps + 1;
      let acc = 0;
      for (let j = 0; j < kernelLength; j++) acc += kernels[k0 + j] * x[start + j];
      y[p + m * phases] = acc;
    }
  }
}

/**
 * The outputs the bulk pass does not cover, one by one with their own taps: those near the edges
 * (taps clipped, as resampy's min() bounds do), and any whose floating-point time lands a hair on the
 * other side of a sample or table entry than its phase's first output did (resampy then reads other
 * table entries, and so do we). Only phases that can drift are checked output by output.
 */
function fixUp(table: PhaseTable, x: Float32Array, y: Float32Array, computed: number): void {
  const { plan, phases, advance, kernelLength, firstN, firstLeft, firstRight, mayDrift } = table;
  const { timeIncrement, scale, numTable, leftTaps } = plan;
  const nIn = x.length;
  const checkAll = nIn > DRIFT_MARGIN_MAX_INPUT;
  const spare = new Float64Array(kernelLength);
  const recompute = (t: number) => {
    const pos = tapPosition(plan, t);
    fillKernel(plan, pos, spare);
    y[t] = dotClipped(x, spare, pos.n - leftTaps + 1);
  };
  for (let p = 0; p < phases && p < computed; p++) {
    const [lo, hi] = interiorRange(table, p, nIn, computed);
    const count = Math.floor((computed - 1 - p) / phases) + 1;
    if (!checkAll && !mayDrift[p]) {
      for (let m = 0; m < Math.min(lo, count); m++) recompute(p + m * phases);
      for (let m = Math.max(hi + 1, lo, 0); m < count; m++) recompute(p + m * phases);
      continue;
    }
    const left = firstLeft[p];
    const right = firstRight[p];
    for (let m = 0; m < count; m++) {
      const t = p + m * phases;
      const timeRegister = t * timeIncrement;
      const nFloat = Math.trunc(timeRegister);
      const frac = scale * (timeRegister - nFloat);
      if (m >= lo && m <= hi && nFloat === firstN[p] + m * advance &&
          Math.trunc(frac * numTable) === left && Math.trunc((scale - frac) * numTable) === right) continue;
      recompute(t);
    }
  }
}

/** Every output with its own taps: for rate pairs with too many phases to tabulate. */
function direct(plan: Plan, x: Float32Array, y: Float32Array, computed: number): void {
  const kernel = new Float64Array(plan.leftTaps + plan.rightTaps);
  for (let t = 0; t < computed; t++) {
    const pos = tapPosition(plan, t);
    fillKernel(plan, pos, kernel);
    y[t] = dotClipped(x, kernel, pos.n - plan.leftTaps + 1);
  }
}

/**
 * Resamples a signal from `sourceRate` to `targetRate` (both in Hz) with resampy's `kaiser_fast`
 * filter, as `librosa.resample(x, orig_sr, target_sr, res_type='kaiser_fast')` does (librosa 0.10,
 * resampy ≥ 0.3): output length ceil(n · targetRate / sourceRate); resampy computes the first
 * floor(n · targetRate / sourceRate) samples and librosa pads with zeros to that length.
 * Returns a copy of `x` when the rates are equal. Float32 in and out; the dot products run in
 * WebAssembly SIMD where available (float32 accumulation, as resampy's float32 output buffer does).
 */
export function resample(x: Float32Array, sourceRate: number, targetRate: number): Float32Array {
  return resampleWith(x, sourceRate, targetRate, simdKernel() ? 'simd' : 'js');
}

/** `resample` with the inner loop chosen explicitly (for tests and benchmarks). */
export function resampleWith(x: Float32Array, sourceRate: number, targetRate: number, engine: ResampleEngine): Float32Array {
  if (!(sourceRate > 0) || !(targetRate > 0) || !Number.isFinite(sourceRate) || !Number.isFinite(targetRate)) {
    throw new RangeError(`resample: sample rates must be positive (got ${sourceRate} → ${targetRate})`);
  }
  if (sourceRate === targetRate) return x.slice();
  const outLength = Math.ceil(x.length * (targetRate / sourceRate));
  const y = new Float32Array(outLength);
  // resampy's own length: exact integer floor (its fix for float round-off, resampy #111).
  const computed = Math.min(outLength, Math.floor((x.length * targetRate) / sourceRate));
  if (computed <= 0) return y;
  const table = phaseTable(sourceRate, targetRate);
  if (!table || table.phases > computed) {
    direct(table?.plan ?? makePlan(sourceRate, targetRate), x, y, computed);
    return y;
  }
  const simd = engine === 'simd' ? simdKernel() : null;
  if (simd) bulkSimd(simd, table, x, y, computed);
  else bulkJs(table, x, y, computed);
  fixUp(table, x, y, computed);
  return y;
}
