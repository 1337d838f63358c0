import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/util/random';
import { buildMlp, selectBackend, toCategorical } from '../../lib/model';
import { adamStepConstants, adamUpdate } from '../../lib/model/adam';
import { GEMM_COLS, GEMM_ROWS, haveSimdGemm, KernelHeap, roundUp } from '../../lib/model/mlp-kernels';
import { expectFastPathMatchesAutodiff } from './fast-vs-autodiff';

/** Naive triple loop in float64: C = op(A)·op(B) (+ bias) (ReLU), on dense row-major arrays. */
function naive(m: number, n: number, k: number, at: (i: number, p: number) => number, bt: (p: number, j: number) => number,
  bias: Float32Array | null, relu: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      c[i * n + j] = relu ? Math.max(s, 0) : s;
    }
  }
  return c;
}

function random(size: number, rng: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

// The SIMD kernel where this runtime has it, and always the JavaScript fallback.
const variants = [...(haveSimdGemm() ? [true] : []), false];

describe.each(variants)('KernelHeap.gemm (simd: %s)', (simd) => {
  // Odd sizes: none of m, n, k is a multiple of the 4 × 8 register block.
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [7, 13, 11], [33, 10, 27], [5, 37, 64]];

  it('C = A·B + bias, ReLU fused, matches a naive loop on the logical region and leaves zero padding zero', () => {
    const rng = mulberry32(1);
    for (const [m, n, k] of shapes) {
      for (const [useBias, relu] of [[false, false], [true, true], [true, false]] as const) {
        const ld = roundUp(n, GEMM_COLS);
        const mr = roundUp(m, GEMM_ROWS);
        const A = random(m * k, rng);
        const B = random(k * n, rng);
        const bias = random(n, rng);
        const heap = new KernelHeap(10, { simd });
        const a = 0, b = a + mr * k, c = b + k * ld, bi = c + mr * ld;
        heap.grow(bi + ld);
        const h = heap.f32;
        h.set(A, a);
        for (let p = 0; p < k; p++) h.set(B.subarray(p * n, (p + 1) * n), b + p * ld);
        h.set(bias, bi);
        heap.gemm(m, n, k, a, k, 1, b, ld, c, ld, useBias ? bi : -1, relu);
        const want = naive(m, n, k, (i, p) => A[i * k + p], (p, j) => B[p * n + j], useBias ? bias : null, relu);
        let err = 0;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(heap.f32[c + i * ld + j] - want[i * n + j]));
        expect(err, `${m}×${n}×${k}`).toBeLessThan(1e-5 * k);
        // Zero-padded B columns and bias give zero (or ReLU(0)) padded columns.
        for (let i = 0; i < m; i++) for (let j = n; j < ld; j++) expect(heap.f32[c + i * ld + j]).toBe(0);
      }
    }
  });

  it('C = Aᵀ·B (A read down its columns) and C = A·Bᵀ (as (B·Aᵀ)ᵀ) match a naive loop', () => {
    const rng = mulberry32(2);
    for (const [m, n, k] of shapes) {
      // Aᵀ·B: the stored matrix is k × m (ld = roundUp(m, 8)), read with strides (1, ld).
      const ldA = roundUp(m, GEMM_COLS);
      const ld = roundUp(n, GEMM_COLS);
      const At = random(k * m, rng);
      const B = random(k * n, rng);
      const heap = new KernelHeap(10, { simd });
      const a = 0, b = a + k * ldA, c = b + k * ld;
      heap.grow(c + roundUp(m, GEMM_ROWS) * ld);
      for (let p = 0; p < k; p++) heap.f32.set(At.subarray(p * m, (p + 1) * m), a + p * ldA);
      for (let p = 0; p < k; p++) heap.f32.set(B.subarray(p * n, (p + 1) * n), b + p * ld);
      heap.gemm(m, n, k, a, 1, ldA, b, ld, c, ld);
      const want = naive(m, n, k, (i, p) => At[p * m + i], (p, j) => B[p * n + j], null, false);
      let err = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(heap.f32[c + i * ld + j] - want[i * n + j]));
      expect(err, `ᵀ ${m}×${n}×${k}`).toBeLessThan(1e-5 * k);

      // A·Bᵀ with A m × k and B n × k: computed as Cᵀ = B·Aᵀ, Aᵀ stored k × roundUp(m, 8).
      const A2 = random(m * k, rng);
      const B2 = random(n * k, rng);
      const ldT = roundUp(m, GEMM_COLS);
      const h2 = new KernelHeap(10, { simd });
      const bb = 0, aT = bb + roundUp(n, GEMM_ROWS) * k, cT = aT + k * ldT;
      h2.grow(cT + roundUp(n, GEMM_ROWS) * ldT);
      h2.f32.set(B2, bb);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) h2.f32[aT + p * ldT + i] = A2[i * k + p];
      h2.gemm(n, m, k, bb, k, 1, aT, ldT, cT, ldT);
      const want2 = naive(m, n, k, (i, p) => A2[i * k + p], (p, j) => B2[j * k + p], null, false);
      let err2 = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) err2 = Math.max(err2, Math.abs(h2.f32[cT + j * ldT + i] - want2[i * n + j]));
      expect(err2, `Bᵀ ${m}×${n}×${k}`).toBeLessThan(1e-5 * k);
    }
  });

  it('reluGradient: d = act > 0 ? dhᵀ·scale : 0, written row-major and transposed, summed per column', () => {
    const rng = mulberry32(4);
    const [size, units, rows, ld] = [7, 13, 8, 16];
    const heap = new KernelHeap(2000, { simd });
    const h = heap.f32;
    const dhT = 0, act = 200, dz = 400, dzT = 600, db = 800;
    for (let i = 0; i < 400; i++) h[i] = rng() - 0.5; // dhT and act: about half the units active
    for (let c = 0; c < units; c++) h[db + c] = 0.25; // accumulates onto what is there
    heap.reluGradient(size, units, rows, ld, dhT, dz, dzT, act, 2, db, 900);
    for (let c = 0; c < units; c++) {
      let sum = 0.25;
      for (let r = 0; r < size; r++) {
        const want = h[act + r * ld + c] > 0 ? Math.fround(h[dhT + c * rows + r] * 2) : 0;
        expect(h[dz + r * ld + c]).toBe(want);
        expect(h[dzT + c * rows + r]).toBe(want);
        sum += want;
      }
      expect(h[db + c]).toBeCloseTo(sum, 6);
    }
  });

  it('adam (the kernel) matches adamUpdate (its plain-JS twin) to float32 rounding, over several steps', () => {
    const rng = mulberry32(3);
    const n = 12;
    const heap = new KernelHeap(5 * n + 8, { simd });
    const h = heap.f32;
    // The twin's own copies of w, m, v; the moments start at zero as in training.
    const w = random(n, rng);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    h.set(w, 0);
    const settings = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    for (let t = 1; t <= 5; t++) {
      const g = random(n, rng);
      // Some tiny gradients, where √v is near ε and where ε is added matters.
      for (let i = 0; i < n; i += 3) g[i] *= 1e-6;
      h.set(g, 3 * n);
      const k = adamStepConstants(settings, t);
      heap.adam(n, 0, n, 2 * n, 3 * n, k, 4 * n);
      adamUpdate(w, m, v, g, k);
      for (let i = 0; i < n; i++) {
        // float32 arithmetic vs float64: a few ulps, relative (the floors cover m's cancellation near 0).
        expect(Math.abs(h[n + i] - m[i]), `m, step ${t}`).toBeLessThanOrEqual(1e-6 * Math.abs(m[i]) + 2e-8);
        expect(Math.abs(h[2 * n + i] - v[i]), `v, step ${t}`).toBeLessThanOrEqual(1e-6 * v[i] + 1e-10);
        expect(Math.abs(h[i] - w[i]), `w, step ${t}`).toBeLessThan(1e-6);
      }
    }
  });
});

describe('adamUpdate (the plain-JS Adam shared by HostAdam and the kernels\' fallback)', () => {
  it('follows tf.train.adam step for step (weights to 1e-6 after 5 steps)', () => {
    const rng = mulberry32(12);
    const n = 10;
    const settings = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const w = random(n, rng);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const variable = tf.variable(tf.tensor1d(Float32Array.from(w))); // a copy: w changes below
    const optimizer = tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
    const start = Float32Array.from(w);
    for (let t = 1; t <= 5; t++) {
      const g = random(n, rng);
      adamUpdate(w, m, v, g, adamStepConstants(settings, t));
      tf.tidy(() => optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(g) }]));
    }
    const theirs = variable.dataSync() as Float32Array;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(w[i] - theirs[i])).toBeLessThan(1e-6);
      expect(Math.abs(w[i] - start[i])).toBeGreaterThan(1e-3); // five steps of about lr each: it moved
    }
    optimizer.dispose();
    variable.dispose();
  });
});

describe('fast path on odd widths and a partial last batch', () => {
  beforeAll(async () => {
    await selectBackend({ quiet: true });
  });

  it('computes what the autodiff step computes (13 → 37 → 19 → 5, 203 rows, batch 32, dropout)', async () => {
    const rng = mulberry32(9);
    const X = Array.from({ length: 203 }, () => random(13, rng));
    const y = toCategorical(X.map((r) => (r[0] > 0 ? 1 : 0) + (r[1] > 0 ? 2 : 0) + (r[2] > 0.5 ? 1 : 0)), 5);
    const build = () => buildMlp({ inputSize: 13, classCount: 5, hiddenUnits: [37, 19], seed: 4 });
    const { fast, slow } = await expectFastPathMatchesAutodiff(build, X, y, { epochs: 3, seed: 2 });
    expect(fast.acc).toEqual(slow.acc);
  });

  it('handles a linear hidden layer with dropout and a layer without bias like the autodiff step', async () => {
    const rng = mulberry32(10);
    const X = Array.from({ length: 150 }, () => random(11, rng));
    const y = toCategorical(X.map((r) => (r[3] > 0 ? 1 : 0) + (r[4] > 0 ? 1 : 0)), 3);
    const build = () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 9, inputShape: [11], activation: 'linear', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.dropout({ rate: 0.3 }));
      m.add(tf.layers.dense({ units: 21, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      m.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.01, 0.9, 0.999, 1e-7) });
      return m;
    };
    await expectFastPathMatchesAutodiff(build, X, y, { epochs: 3, batchSize: 16, seed: 5 });
  });
});
