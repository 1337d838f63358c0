// Patches to tfjs-backend-wasm 4.22 that soundlab's training needs: a fast path for transposed matrix
// products (every Dense layer's backward pass) and the convolution-network gradients the backend lacks
// or runs as slow loops. selectBackend installs them once, when it picks wasm; nothing else registers kernels.
import * as tf from '@tensorflow/tfjs';
import { CnnConfigError } from './cnn';

/**
 * Install every patch below on the wasm backend (no-op on other backends; safe to call again).
 * Called by selectBackend; call it yourself only after `tf.setBackend('wasm')` without selectBackend.
 */
export function installTfjsPatches(): void {
  installTransposedMatMulFix();
  installWasmConvGradients();
}

// The kernels as tfjs-backend-wasm registered them, while our replacements are installed.
const originalMatMulKernels = new Map<string, tf.KernelConfig>();

/**
 * tfjs-backend-wasm 4.22 multiplies a transposed operand (`matMul(a, b, true, false)` /
 * `(false, true)`) with a plain blocked triple loop instead of XNNPACK, about 4–10× slower (for
 * 32×256·256×256 here: ~1.1 ms against ~0.3 ms), and every Dense layer's backward pass asks for exactly
 * those products (dW = xᵀ·dy, dx = dy·Wᵀ). Re-register BatchMatMul and _FusedMatMul for wasm so that a
 * transposed operand is first transposed by the backend's own Transpose kernel and the product then runs
 * on XNNPACK. Same values (up to float summation order), same shapes. No-op on other backends.
 */
export function installTransposedMatMulFix(): void {
  if (originalMatMulKernels.size || tf.getBackend() !== 'wasm') return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) continue;
    const kernelFunc: tf.KernelFunc = (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } & tf.NamedAttrMap;
      const inputs = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo } & tf.NamedTensorInfoMap;
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const backend = args.backend as tf.KernelBackend;
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const rank = t.shape.length;
        const perm = [...Array(rank).keys()];
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const size = (t: tf.TensorInfo) => t.shape.reduce((x, y) => x * y, 1);
      const batchOfOne = (t: tf.TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);
      // a·bᵀ with a large b (dx = dy·Wᵀ in a Dense layer's backward pass): XNNPACK repacks its second
      // operand on every call, so compute (b·aᵀ)ᵀ instead — it packs the small aᵀ, not the big b.
      if (
        kernelName === 'BatchMatMul' &&
        attrs.transposeB &&
        !attrs.transposeA &&
        batchOfOne(inputs.a) &&
        batchOfOne(inputs.b) &&
        size(inputs.b) > 2 * size(inputs.a)
      ) {
        const aT = swapLast(inputs.a);
        let outT: tf.TensorInfo | null = null;
        try {
          outT = original.kernelFunc({ inputs: { a: inputs.b, b: aT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
          return swapLast(outT);
        } finally {
          backend.disposeData(aT.dataId);
          if (outT) backend.disposeData(outT.dataId);
        }
      }
      const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
      try {
        return original.kernelFunc({
          inputs: { ...inputs, a, b },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
      }
    };
    originalMatMulKernels.set(kernelName, original);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
}

/** Put tfjs-backend-wasm's own matmul kernels back (for benchmarks comparing both). */
export function uninstallTransposedMatMulFix(): void {
  for (const [kernelName, original] of originalMatMulKernels) {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(original);
  }
  originalMatMulKernels.clear();
}

let convGradientInstalled = false;

/**
 * Fast convolution gradients for the wasm backend, which CNN training cannot do without.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel at all ("Kernel 'Conv2DBackpropFilter'
 * not registered for backend 'wasm'"), and its `Conv2DBackpropInput` is a plain loop: measured here on
 * SB-CNN's three layers for a batch of 32, input gradients took 8.3 s and (through the 3-D kernel)
 * filter gradients 33 s, against 0.8 s for the forward pass, which runs in XNNPACK. Both gradients of a
 * stride-1 convolution are themselves convolutions, so they are registered here as the wasm
 * `Conv2D` (XNNPACK) plus a pad / reverse / transpose:
 * - input gradient: dy padded by (k − 1 − forward pad) on each side, convolved ('valid') with the
 *   filter rotated 180° and its in/out channels swapped;
 * - filter gradient: x (padded like the forward pass) as [C, H, W, N] convolved ('valid') with dy as
 *   [H', W', N, F] — batch becomes the channel summed over — giving [C, kh, kw, F], transposed to
 *   [kh, kw, C, F].
 * Measured: 1.4 s and 1.7 s for the same batch. Same sums, in another order (float32 rounding aside);
 * test/model/cnn.test.ts checks both against the cpu backend. Strided or dilated convolutions keep
 * the original input-gradient kernel (and have no filter gradient on wasm, as before).
 * No-op on other backends; installed by selectBackend (installTfjsPatches); safe to call again.
 */
export function installWasmConvGradients(): void {
  if (convGradientInstalled || tf.getBackend() !== 'wasm') return;
  const kernel = (name: string) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new CnnConfigError(`the wasm backend has no '${name}' kernel`);
    return k;
  };
  const conv2d = kernel('Conv2D');
  const pad = kernel('PadV2');
  const reverse = kernel('Reverse');
  const transpose = kernel('Transpose');
  const originalInput = tf.getKernel('Conv2DBackpropInput', 'wasm');

  type Attrs = {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dilations?: number | [number, number];
  };
  const run = (k: tf.KernelConfig, backend: tf.KernelBackend, inputs: tf.NamedTensorInfoMap, attrs: object) =>
    k.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const convInfo = (xShape: number[], filterShape: number[], a: Attrs) =>
    tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast',
    );
  const unitStride = (info: tf.backend_util.Conv2DInfo, a: Attrs) =>
    a.dataFormat === 'NHWC' && info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  const valid = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };

  const inputGradient: tf.KernelFunc = (args) => {
    const backend = args.backend as tf.KernelBackend;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo } & tf.NamedTensorInfoMap;
    const a = args.attrs as unknown as Attrs & { inputShape: number[] };
    const info = convInfo(a.inputShape, filter.shape, a);
    if (!unitStride(info, a)) {
      if (!originalInput) throw new CnnConfigError('no Conv2DBackpropInput kernel for a strided convolution on wasm');
      return originalInput.kernelFunc(args);
    }
    const [kh, kw] = filter.shape;
    const p = info.padInfo;
    const temps: tf.TensorInfo[] = [];
    try {
      const dyp = run(pad, backend, { x: dy }, { paddings: [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]], constantValue: 0 });
      temps.push(dyp);
      const flipped = run(reverse, backend, { x: filter }, { dims: [0, 1] });
      temps.push(flipped);
      const swapped = run(transpose, backend, { x: flipped }, { perm: [0, 1, 3, 2] });
      temps.push(swapped);
      return run(conv2d, backend, { x: dyp, filter: swapped }, valid);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };

  const filterGradient: tf.KernelFunc = (args) => {
    const backend = args.backend as tf.KernelBackend;
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo } & tf.NamedTensorInfoMap;
    const a = args.attrs as unknown as Attrs & { filterShape: number[] };
    const info = convInfo(x.shape, a.filterShape, a);
    if (!unitStride(info, a)) throw new CnnConfigError('filter gradients of strided or dilated convolutions are not available on wasm');
    const p = info.padInfo;
    const temps: tf.TensorInfo[] = [];
    try {
      let xp = x;
      if (p.top || p.bottom || p.left || p.right) {
        xp = run(pad, backend, { x }, { paddings: [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]], constantValue: 0 });
        temps.push(xp);
      }
      const xt = run(transpose, backend, { x: xp }, { perm: [3, 1, 2, 0] });
      temps.push(xt);
      const dyt = run(transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] });
      temps.push(dyt);
      const r = run(conv2d, backend, { x: xt, filter: dyt }, valid);
      temps.push(r);
      return run(transpose, backend, { x: r }, { perm: [1, 2, 0, 3] });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };

  // The wasm backend's own typed views of tensor memory (BackendWasm.makeOutput / typedArrayFromHeap).
  type WasmBackend = tf.KernelBackend & {
    makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  };
  const originalPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');
  const originalSum = tf.getKernel('Sum', 'wasm');

  // MaxPoolGrad for SB-CNN's non-overlapping pools (stride = window, no padding): each window's dy
  // goes to its first maximal input (row-major order, as tfjs's reference maxPoolPositions picks),
  // everything else is 0. The backend's generic kernel took ~1 s per batch of 16 on conv 1's
  // [16, 124, 124, 24] map, the slowest kernel of the whole step; this loop reads each input once.
  const poolGradient: tf.KernelFunc = (args) => {
    const backend = args.backend as WasmBackend;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo } & tf.NamedTensorInfoMap;
    const a = args.attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown; dimRoundingMode?: string };
    const [fh, fw] = typeof a.filterSize === 'number' ? [a.filterSize, a.filterSize] : a.filterSize;
    const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    const padless = a.pad === 'valid' || a.pad === 0;
    if (!originalPoolGrad || input.dtype !== 'float32' || fh !== sh || fw !== sw || !padless || input.shape.length !== 4) {
      if (!originalPoolGrad) throw new CnnConfigError('the wasm backend has no MaxPoolGrad kernel');
      return originalPoolGrad.kernelFunc(args);
    }
    const [n, h, w, c] = input.shape;
    const [, oh, ow] = dy.shape;
    const dxInfo = backend.makeOutput(input.shape, 'float32');
    // Views taken after the allocation, which may grow (and so move) the wasm heap.
    maxPoolGradNonOverlapping(backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(dxInfo), [n, h, w, c], [oh, ow], [fh, fw]);
    return dxInfo;
  };

  // Sum over every axis but the last (a bias gradient: dy summed over batch, height and width).
  // The backend first transposes the whole [16, 124, 124, 24] map to reduce along the inner axis;
  // here one pass adds each row of C values into float64 accumulators.
  const sum: tf.KernelFunc = (args) => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: tf.TensorInfo } & tf.NamedTensorInfoMap;
    const a = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(a.axis, x.shape).sort((p, q) => p - q);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((ax, i) => ax === i);
    if (!originalSum) throw new CnnConfigError('the wasm backend has no Sum kernel');
    if (!leading || x.dtype !== 'float32') return originalSum.kernelFunc(args);
    const c = x.shape[rank - 1];
    const out = backend.makeOutput(a.keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c], 'float32');
    sumLeadingAxes(backend.typedArrayFromHeap(x), c, backend.typedArrayFromHeap(out));
    return out;
  };

  if (originalPoolGrad) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: poolGradient });
  if (originalSum) tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({ kernelName: 'Sum', backendName: 'wasm', kernelFunc: sum });
  if (originalInput) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: inputGradient });
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: filterGradient });
  convGradientInstalled = true;
}

/**
 * Max-pool gradient for windows that tile the input (stride = window, no padding), NHWC: for each
 * window and channel, dy goes to the first maximal input in row-major window order; rows and columns
 * past the last whole window, and every non-maximal input, get 0. `dx` is overwritten.
 */
export function maxPoolGradNonOverlapping(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  [n, h, w, c]: readonly number[],
  [oh, ow]: readonly number[],
  [fh, fw]: readonly number[],
): void {
  dx.fill(0);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = 0; r < fh; r++) {
          for (let s = 0; s < fw; s++) {
            const base = ((b * h + i * fh + r) * w + j * fw + s) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k];
              if (at[k] < 0 || v > best[k]) {
                best[k] = v;
                at[k] = base + k;
              }
            }
          }
        }
        const o = ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) dx[at[k]] += dy[o + k];
      }
    }
  }
}

/** Sum of the rows of a [rows, c] matrix (any leading shape flattened) into `out` (c values), float64 accumulators. */
export function sumLeadingAxes(x: Float32Array, c: number, out: Float32Array): void {
  const acc = new Float64Array(c);
  for (let base = 0; base < x.length; base += c) for (let k = 0; k < c; k++) acc[k] += x[base + k];
  for (let k = 0; k < c; k++) out[k] = acc[k];
}
