// SB-CNN: layer shapes, the wasm convolution gradients against the cpu backend, and learning real sounds.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from '../../lib/features/extract';
import { buildCnn, CnnConfigError } from '../../lib/model/cnn';
import { stratifiedSplit } from '../../lib/model/splits';
import { fitStandardizer, standardize } from '../../lib/model/scaler';
import { installTfjsPatches, installWasmConvGradients } from '../../lib/model/tfjs-patches';
import { stack, train } from '../../lib/model/train';
import { describeWithFixtures, fixture } from '../fixtures';

describe('buildCnn', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it('has the SB-CNN stack and shapes on a 128 × 128 patch', () => {
    const model = buildCnn({ classCount: 10 });
    const shapes = model.layers.map((l) => [l.name, JSON.stringify(l.outputShape)]);
    expect(shapes).toEqual([
      ['conv1', '[null,124,124,24]'],
      ['pool1', '[null,31,62,24]'],
      ['conv2', '[null,27,58,48]'],
      ['pool2', '[null,6,29,48]'],
      ['conv3', '[null,2,25,48]'],
      ['flatten', '[null,2400]'],
      ['dropout1', '[null,2400]'],
      ['dense1', '[null,64]'],
      ['dropout2', '[null,64]'],
      ['output', '[null,10]'],
    ]);
    expect(model.countParams()).toBe(24 * 26 + 48 * (25 * 24 + 1) + 48 * (25 * 48 + 1) + 64 * 2401 + 10 * 65);
    model.dispose();
  });
  it('names the layer a too-small patch cannot pass, and works with same padding', () => {
    expect(() => buildCnn({ classCount: 3, nMels: 40, frames: 40 })).toThrow(CnnConfigError);
    expect(() => buildCnn({ classCount: 3, nMels: 40, frames: 40 })).toThrow(/conv layer 3/);
    const small = buildCnn({ classCount: 3, nMels: 40, frames: 40, padding: 'same', filters: [4, 8, 8] });
    expect(small.outputShape).toEqual([null, 3]);
    small.dispose();
  });
  it('same seed → same initial weights; another seed → different', () => {
    const w = (seed: number) => {
      const m = buildCnn({ classCount: 3, nMels: 32, frames: 32, padding: 'same', filters: [4], seed });
      const v = Array.from(m.getWeights()[0].dataSync());
      m.dispose();
      return v;
    };
    expect(w(1)).toEqual(w(1));
    expect(w(1)).not.toEqual(w(2));
  });
});

describe('wasm convolution gradients (installWasmConvGradients)', () => {
  async function grads(backend: string, pad: 'valid' | 'same'): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    await tf.ready();
    installWasmConvGradients();
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 11 * 3 }, (_, i) => Math.sin(i * 0.37)), [2, 9, 11, 3]);
    const w = tf.tensor4d(Float32Array.from({ length: 5 * 5 * 3 * 4 }, (_, i) => Math.cos(i * 0.11)), [5, 5, 3, 4]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad))));
    const [dx, dw] = g([x, w]);
    const out = [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
    tf.dispose([x, w, dx, dw]);
    return out;
  }
  it.each(['valid', 'same'] as const)("match the cpu backend's (%s padding)", async (pad) => {
    const cpu = await grads('cpu', pad);
    const wasm = await grads('wasm', pad);
    for (let k = 0; k < 2; k++) {
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < cpu[k].length; i++) {
        worst = Math.max(worst, Math.abs(cpu[k][i] - wasm[k][i]));
        scale = Math.max(scale, Math.abs(cpu[k][i]));
      }
      expect(cpu[k].length).toBe(k === 0 ? 2 * 9 * 11 * 3 : 5 * 5 * 3 * 4);
      expect(worst / scale).toBeLessThan(1e-5);
    }
  });
});

describe('wasm max-pool and bias gradients (installWasmConvGradients)', () => {
  // A conv layer's output through ReLU, a 4×2 max-pool (SB-CNN's) and a bias: the gradients of x and
  // of the bias go through MaxPoolGrad and Sum over the leading axes, both replaced on wasm.
  async function grads(backend: string, h: number, w: number): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    await tf.ready();
    installWasmConvGradients();
    // Distinct values (no ties inside a window), positive and negative.
    const x = tf.tensor4d(Float32Array.from({ length: 2 * h * w * 5 }, (_, i) => Math.sin(i * 0.913) + i * 1e-6), [2, h, w, 5]);
    const b = tf.tensor1d([0.1, -0.2, 0.3, 0, 0.05]);
    const weights = tf.tensor4d(Float32Array.from({ length: 2 * Math.floor(h / 4) * Math.floor(w / 2) * 5 }, (_, i) => Math.cos(i * 0.7)), [2, Math.floor(h / 4), Math.floor(w / 2), 5]);
    const g = tf.grads((a: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(tf.add(a, bias)) as tf.Tensor4D, [4, 2], [4, 2], 'valid'), weights)));
    const [dx, db] = g([x, b]);
    const out = [(await dx.data()) as Float32Array, (await db.data()) as Float32Array];
    tf.dispose([x, b, weights, dx, db]);
    return out;
  }
  it.each([[12, 8], [13, 9]])("match the cpu backend's on a %i × %i map (with rows past the last window)", async (h, w) => {
    const cpu = await grads('cpu', h, w);
    const wasm = await grads('wasm', h, w);
    // The pool gradient only routes values: identical. The bias gradient sums them: same to rounding.
    expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]));
    expect(cpu[0].some((v) => v !== 0)).toBe(true);
    for (let k = 0; k < 5; k++) expect(wasm[1][k]).toBeCloseTo(cpu[1][k], 5);
  });
  it('sums over other axes as the backend did', async () => {
    await tf.setBackend('wasm');
    installWasmConvGradients();
    const x = tf.tensor3d(Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => i * 0.5), [3, 4, 5]);
    expect(Array.from(tf.sum(x, [0, 1]).dataSync())).toEqual([165, 171, 177, 183, 189].map((v) => v));
    expect(tf.sum(x, [0, 1], true).shape).toEqual([1, 1, 5]);
    expect(Array.from(tf.sum(x, 2).dataSync()).slice(0, 2)).toEqual([5, 17.5]);
    expect(tf.sum(x).dataSync()[0]).toBe(885);
    x.dispose();
  });
});

describeWithFixtures('SB-CNN learns real UrbanSound8K clips (fold-1 fixture, 4 classes)', () => {
  it('beats the 25% majority baseline clearly on held-out clips', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    // What selectBackend does on wasm (buildCnn registers no kernels): without it wasm has no filter gradient.
    installTfjsPatches();
    const dir = fixture('urbansound8k-fold1', 'audio');
    // classID 1 car_horn, 3 dog_bark, 6 gun_shot, 8 siren: 30 clips each.
    const files = readdirSync(dir).filter((f) => /^\d+-(1|3|6|8)-/.test(f)).sort();
    const labels = files.map((f) => f.split('-')[1]);
    const feats = await extractFeatures(files.map((f) => `${dir}/${f}`), { kind: 'logmel', nMels: 64, frames: 64, progress: false });
    expect(feats.skipped).toEqual([]);
    const split = stratifiedSplit(labels, { validationSplit: 0.25, seed: 1 });
    const s = fitStandardizer(split.train.map((i) => feats.X[i]), { axis: 'channel', channels: 1 });
    const X = standardize(feats.X, s);
    const classes = [...new Set(labels)].sort();
    const oneHot = (idx: number[]) => tf.oneHot(tf.tensor1d(idx.map((i) => classes.indexOf(labels[i])), 'int32'), classes.length);
    const model = buildCnn({ classCount: 4, nMels: 64, frames: 64, padding: 'same', filters: [8, 16, 16], denseUnits: 32, seed: 0 });
    const history = await train(model, stack(split.train.map((i) => X[i]), [64, 64, 1]), oneHot(split.train), { epochs: 12, batchSize: 16, seed: 0, verbose: 0 });
    expect(history.loss[history.loss.length - 1]).toBeLessThan(history.loss[0]);
    const pred = (model.predict(stack(split.test.map((i) => X[i]), [64, 64, 1])) as tf.Tensor).argMax(-1).dataSync();
    const acc = split.test.filter((i, k) => pred[k] === classes.indexOf(labels[i])).length / split.test.length;
    console.log(`[cnn test] 4-class fold-1 held-out accuracy ${(100 * acc).toFixed(1)}% (baseline 25%)`);
    expect(acc).toBeGreaterThanOrEqual(0.5);
    model.dispose();
  });
});
