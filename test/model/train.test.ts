import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/util/random';
import {
  buildMlp,
  DropoutMaskStream,
  formatEpochLine,
  installTransposedMatMulFix,
  selectBackend,
  toCategorical,
  train,
  TrainError,
  uninstallTransposedMatMulFix,
  useSeededDropout,
} from '../../lib/model';
import { expectFastPathMatchesAutodiff, weightsOf } from './fast-vs-autodiff';

/** A small learnable problem: class = which of 4 input quarters has the largest sum, plus noise. */
function problem(n: number, seed: number): { X: Float32Array[]; y: Float32Array[] } {
  const rng = mulberry32(seed);
  const X: Float32Array[] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = Math.floor(rng() * 4);
    const row = new Float32Array(16);
    for (let j = 0; j < 16; j++) row[j] = rng() - 0.5 + (Math.floor(j / 4) === cls ? 0.8 : 0);
    X.push(row);
    ids.push(cls);
  }
  return { X, y: toCategorical(ids, 4) };
}


beforeAll(async () => {
  await selectBackend({ quiet: true });
});

describe('train', () => {
  it('computes what tfjs model.fit computes (no dropout, no shuffle): same weights and loss after 2 epochs', async () => {
    const { X, y } = problem(200, 1);
    const ours = buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [32, 32], dropout: 0, seed: 5 });
    const theirs = buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [32, 32], dropout: 0, seed: 5 });
    const h = await train(ours, X, y, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
    const xt = tf.tensor2d(X.flatMap((r) => Array.from(r)), [200, 16]);
    const yt = tf.tensor2d(y.flatMap((r) => Array.from(r)), [200, 4]);
    const fit = await theirs.fit(xt, yt, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
    const a = await weightsOf(ours);
    const b = await weightsOf(theirs);
    let maxDiff = 0;
    a.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i][j])))));
    expect(maxDiff).toBeLessThan(1e-4);
    // Keras averages the batch losses weighted by batch size, as we do.
    expect(h.loss[1]).toBeCloseTo(fit.history.loss[1] as number, 4);
    expect(h.acc[1]).toBeCloseTo(fit.history.acc[1] as number, 4);
    tf.dispose([xt, yt]);
  });

  it('the direct-kernel step (fast path) computes what the autodiff step computes, dropout included', async () => {
    const { X, y } = problem(256, 6);
    const build = () => buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [48, 24], seed: 3 });
    const { fast, slow } = await expectFastPathMatchesAutodiff(build, X, y, { epochs: 3, seed: 11 });
    expect(fast.acc).toEqual(slow.acc);
  });

  it('same seed → same history and weights; another seed → different', async () => {
    const { X, y } = problem(300, 2);
    const run = async (seed: number) => {
      const m = buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [64, 64], seed });
      const h = await train(m, X, y, { epochs: 3, seed, validationSplit: 0.2, verbose: 0 });
      return { h, w: await weightsOf(m) };
    };
    const r1 = await run(7);
    const r2 = await run(7);
    const r3 = await run(8);
    expect(r2.h.loss).toEqual(r1.h.loss);
    expect(r2.h.acc).toEqual(r1.h.acc);
    expect(r2.h.valLoss).toEqual(r1.h.valLoss);
    expect(r2.w).toEqual(r1.w);
    expect(r3.h.loss).not.toEqual(r1.h.loss);
  });

  it('learns, reports validation, prints Keras-shaped lines, and stops when a callback says so', async () => {
    const { X, y } = problem(400, 3);
    const lines: string[] = [];
    const m = buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [64, 64], seed: 0 });
    const h = await train(m, X, y, {
      epochs: 30,
      validationSplit: 0.25,
      log: (l) => lines.push(l),
      callbacks: { onEpochEnd: (_e, logs) => (logs.val_acc as number) < 0.95 },
    });
    expect(h.epoch.length).toBeLessThan(30);
    expect(h.valAcc[h.valAcc.length - 1]).toBeGreaterThanOrEqual(0.95);
    expect(h.loss[h.loss.length - 1]).toBeLessThan(h.loss[0]);
    expect(lines[0]).toMatch(/^Epoch 1\/30 - \d+\.\ds - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/);
    expect(lines.length).toBe(h.epoch.length);
  });

  it('does not leak tensors over a run', async () => {
    const { X, y } = problem(100, 4);
    const m = buildMlp({ inputSize: 16, classCount: 4, hiddenUnits: [8], seed: 0 });
    await train(m, X, y, { epochs: 1, verbose: 0 }); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    await train(m, X, y, { epochs: 2, validationData: [X, y], verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an uncompiled model and mismatched rows with a clear message', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await expect(train(m, [[1, 2, 3]], [[1, 0]])).rejects.toThrow(/not compiled/);
    const c = buildMlp({ inputSize: 3, classCount: 2, hiddenUnits: [4] });
    await expect(train(c, [[1, 2, 3]], [[1, 0], [0, 1]])).rejects.toThrow(TrainError);
    await expect(train(c, [[1, 2, 3], [1, 2]], [[1, 0], [0, 1]])).rejects.toThrow(/row 1 has 2 values/);
  });

  it('formats the epoch line exactly like the tutorial shows', () => {
    expect(formatEpochLine(2, 10, 0.42, { loss: 1.72964, acc: 0.50333, val_loss: 1.41271, val_acc: 0.61444 })).toBe(
      'Epoch 3/10 - 0.4s - loss: 1.7296 - acc: 0.5033 - val_loss: 1.4127 - val_acc: 0.6144',
    );
  });
});

describe('seeded dropout', () => {
  it('drops the given fraction, scales the kept units by 1/keep, and changes mask every batch', () => {
    const s = new DropoutMaskStream(1);
    const a = s.mask(20000, 0.5);
    const b = s.mask(20000, 0.5);
    const kept = a.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([2]));
    expect(kept.length / a.length).toBeGreaterThan(0.49);
    expect(kept.length / a.length).toBeLessThan(0.51);
    expect(b).not.toEqual(a);
    expect(new DropoutMaskStream(1).mask(20000, 0.5)).toEqual(a);
    const r = new DropoutMaskStream(2).mask(20000, 0.2);
    expect(r.filter((v) => v !== 0).length / r.length).toBeCloseTo(0.8, 1);
    expect(r.find((v) => v !== 0)).toBeCloseTo(1.25, 6);
  });

  it('is active only in training calls and restored afterwards', () => {
    const m = buildMlp({ inputSize: 4, classCount: 2, hiddenUnits: [512], seed: 0 });
    const x = tf.ones([1, 4]);
    const restore = useSeededDropout(m, new DropoutMaskStream(3));
    const dropoutLayer = m.layers[2];
    const h = tf.ones([1, 1000]);
    const trained = (dropoutLayer.apply(h, { training: true }) as tf.Tensor).dataSync();
    const zeros = trained.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
    expect(Array.from((dropoutLayer.apply(h, { training: false }) as tf.Tensor).dataSync()).every((v) => v === 1)).toBe(true);
    restore();
    expect(Object.prototype.hasOwnProperty.call(dropoutLayer, 'call')).toBe(false);
    tf.dispose([x, h]);
  });
});

describe('wasm transposed matmul fix', () => {
  it('gives the exact product (checked in plain JS) for every transpose combination and shape kind, fused with bias + relu too', () => {
    if (tf.getBackend() !== 'wasm') return;
    installTransposedMatMulFix();
    const rng = mulberry32(9);
    // [m, k, n]: a square-ish case, and a small-a / large-b case (dx = dy·Wᵀ, computed as (W·dyᵀ)ᵀ).
    for (const [m, k, n] of [[32, 48, 40], [4, 48, 200]]) {
      const A = Float32Array.from({ length: m * k }, () => rng() - 0.5);
      const B = Float32Array.from({ length: k * n }, () => rng() - 0.5);
      const bias = Float32Array.from({ length: n }, () => rng() - 0.5);
      const expected = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let q = 0; q < k; q++) sum += A[i * k + q] * B[q * n + j];
          expected[i * n + j] = sum;
        }
      const a = tf.tensor2d(A, [m, k]);
      const b = tf.tensor2d(B, [k, n]);
      const biasT = tf.tensor1d(bias);
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as [boolean, boolean][]) {
        const x = ta ? tf.transpose(a) : a;
        const y = tb ? tf.transpose(b) : b;
        const plain = tf.matMul(x, y, ta, tb);
        expect(plain.shape).toEqual([m, n]);
        const values = plain.dataSync();
        const fused = tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: biasT, activation: 'relu' }).dataSync();
        for (let i = 0; i < m * n; i++) {
          expect(Math.abs(values[i] - expected[i])).toBeLessThan(1e-5);
          expect(Math.abs(fused[i] - Math.max(0, expected[i] + bias[i % n]))).toBeLessThan(1e-5);
        }
      }
      tf.dispose([a, b, biasT]);
    }
  });

  it('tfjs-backend-wasm 4.22 itself gets a transposed fused product with a bias wrong (why the fix also matters for correctness)', () => {
    if (tf.getBackend() !== 'wasm') return;
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const bias = tf.tensor1d([10, 20]);
    uninstallTransposedMatMulFix();
    const broken = Array.from(tf.fused.matMul({ a, b, transposeA: true, bias }).dataSync());
    installTransposedMatMulFix();
    const fixed = Array.from(tf.fused.matMul({ a, b, transposeA: true, bias }).dataSync());
    // aᵀ·I = [[1, 3], [2, 4]]; + bias per column = [[11, 23], [12, 24]].
    expect(fixed).toEqual([11, 23, 12, 24]);
    expect(broken).not.toEqual(fixed);
    tf.dispose([a, b, bias]);
  });
});
