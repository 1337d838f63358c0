// Band-limited sinc resampling: a port of resampy ≥ 0.3's `kaiser_fast`, the resampler behind librosa.load(res_type='kaiser_fast').
//
// resampy computes, for every output sample, two wings of a windowed-sinc filter read from a table
// with linear interpolation between entries. The weights depend only on where the output falls
// between input samples, and that position repeats with period target/gcd(source, target) outputs
// (1 for 44100→22050, 147 for 48000→22050, 441 for 8000→22050). So we compute each phase's taps once,
// exactly as resampy would, and then every output is a plain dot product over a contiguous run of
// input samples. Same numbers, a fraction of the work.

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

/**
 * Resamples a signal from `sourceRate` to `targetRate` (both in Hz) with resampy's `kaiser_fast`
 * filter, as `librosa.resample(x, orig_sr, target_sr, res_type='kaiser_fast')` does (librosa 0.10,
 * resampy ≥ 0.3): output length ceil(n · targetRate / sourceRate); resampy computes the first
 * floor(n · targetRate / sourceRate) samples and librosa pads with zeros to that length.
 * Returns a copy of `x` when the rates are equal. Accumulates in float64, returns float32.
 */
export function resample(x: Float32Array, sourceRate: number, targetRate: number): Float32Array {
  if (!(sourceRate > 0) || !(targetRate > 0)) {
    throw new RangeError(`resample: sample rates must be positive (got ${sourceRate} → ${targetRate})`);
  }
  if (sourceRate === targetRate) return x.slice();
  const nIn = x.length;
  const outLength = Math.ceil(nIn * (targetRate / sourceRate));
  const y = new Float32Array(outLength);
  // resampy's own length: exact integer floor (its fix for float round-off, resampy #111).
  const computed = Math.min(outLength, Math.floor((nIn * targetRate) / sourceRate));
  if (computed <= 0) return y;

  const plan = makePlan(sourceRate, targetRate);
  const kernelLength = plan.leftTaps + plan.rightTaps;
  const integerRates = Number.isInteger(sourceRate) && Number.isInteger(targetRate);
  const g = integerRates ? gcd(sourceRate, targetRate) : 1;
  const phases = integerRates ? targetRate / g : Infinity;
  const advance = integerRates ? sourceRate / g : 0;

  if (phases > MAX_CACHED_PHASES || phases > computed) {
    const kernel = new Float64Array(kernelLength);
    for (let t = 0; t < computed; t++) {
      const pos = tapPosition(plan, t);
      fillKernel(plan, pos, kernel);
      y[t] = dotClipped(x, kernel, pos.n - plan.leftTaps + 1);
    }
    return y;
  }

  // One kernel per phase, computed from the phase's first output (t = p).
  const kernels: Float64Array[] = [];
  const positions: TapPosition[] = [];
  for (let p = 0; p < phases; p++) {
    const pos = tapPosition(plan, p);
    const kernel = new Float64Array(kernelLength);
    fillKernel(plan, pos, kernel);
    kernels.push(kernel);
    positions.push(pos);
  }
  const spare = new Float64Array(kernelLength);
  const leftTaps = plan.leftTaps;
  for (let p = 0; p < phases; p++) {
    const kernel = kernels[p];
    const base = positions[p];
    for (let m = 0, t = p; t < computed; m++, t += phases) {
      const pos = tapPosition(plan, t);
      const start = pos.n - leftTaps + 1;
      // Floating-point time can land a hair on the other side of a table entry in a later period;
      // then resampy reads other entries, and so do we.
      const same = pos.n === base.n + m * advance && pos.leftOffset === base.leftOffset && pos.rightOffset === base.rightOffset;
      let k = kernel;
      if (!same) {
        fillKernel(plan, pos, spare);
        k = spare;
      }
      if (start < 0 || start + kernelLength > nIn) {
        y[t] = dotClipped(x, k, start);
        continue;
      }
      let acc = 0;
      for (let j = 0; j < kernelLength; j++) acc += k[j] * x[start + j];
      y[t] = acc;
    }
  }
  return y;
}
