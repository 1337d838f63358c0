import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMlp, selectBackend, train } from '../../lib/model';
import { adamStepConstants } from '../../lib/model/adam';
import { DropoutMaskStream } from '../../lib/model/dropout';
import { chunkRanges, haveSimdGemm, KernelHeap } from '../../lib/model/mlp-kernels';
import { closeKernelThread, CONTROL, kernelThreadCounts, takeChunk } from '../../lib/model/mlp-threads';
import { mulberry32 } from '../../lib/util/random';

/** Wait until the helper thread runs its loop (it starts in the background). */
async function helperReady(heap: KernelHeap): Promise<void> {
  const started = Date.now();
  // A product big enough to be split: once the helper has taken a chunk of one, it is running.
  while (!kernelThreadCounts()?.helper && Date.now() - started < 20_000) {
    heap.gemm(32, 256, 256, 0, 256, 1, 10_000, 256, 80_000, 256);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const N = 200_000;

function filled(threads: number): KernelHeap {
  const heap = new KernelHeap(N, { threads });
  for (let i = 0; i < N; i++) heap.f32[i] = Math.sin(i * 0.37) * 0.1;
  return heap;
}

/** The same contents in a one-thread heap and a two-thread heap (its helper running). */
async function twoHeaps(): Promise<[KernelHeap, KernelHeap]> {
  const one = filled(1);
  const two = filled(2);
  await helperReady(two);
  two.f32.set(one.f32.subarray(0, N));
  return [one, two];
}

const k = adamStepConstants({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 3);

describe.runIf(haveSimdGemm())('MLP step on two threads (lib/model/mlp-threads.ts)', () => {
  beforeAll(async () => {
    await selectBackend({ quiet: true });
  });
  afterAll(async () => {
    await closeKernelThread();
  });

  it('chunkRanges cuts a count into consecutive non-empty ranges covering it', () => {
    expect(chunkRanges(10, 4)).toEqual([[0, 3], [3, 2], [5, 3], [8, 2]]);
    expect(chunkRanges(2, 4)).toEqual([[0, 1], [1, 1]]);
    expect(chunkRanges(1, 4)).toEqual([[0, 1]]);
  });

  it('takeChunk hands out each chunk once, and none of a job that is no longer current', () => {
    const c = new Int32Array(CONTROL.size);
    c[CONTROL.chunks] = 2;
    c[CONTROL.next] = 7 << 8; // job 7 posted
    expect([takeChunk(c, 7), takeChunk(c, 7), takeChunk(c, 7)]).toEqual([0, 1, -1]);
    // A late thread still on job 6 gets nothing from job 7.
    c[CONTROL.next] = 7 << 8;
    expect(takeChunk(c, 6)).toBe(-1);
    // While the next job is written (`next` closed), a late thread on job 7 must not see its index 2 below the
    // new job's larger chunk count.
    c[CONTROL.next] = -1;
    c[CONTROL.chunks] = 4;
    expect(takeChunk(c, 7)).toBe(-1);
  });

  it('every split kernel call leaves the heap exactly as one thread does', async () => {
    const [one, two] = await twoHeaps();
    const streams = [new DropoutMaskStream(5), new DropoutMaskStream(5)];
    const ops: Array<[string, (h: KernelHeap, i: number) => void]> = [
      ['forward (split by columns)', (h) => h.gemm(32, 256, 256, 0, 256, 1, 10_000, 256, 80_000, 256, 90_000, true)],
      // Two chunks, then four: a late helper must not take a chunk of the next job before it is written.
      ['softmax layer forward (2 chunks)', (h) => h.gemm(32, 10, 256, 0, 256, 1, 10_000, 16, 95_000, 16, 99_000)],
      ['weight gradient', (h) => h.gemm(256, 256, 32, 0, 1, 256, 80_000, 256, 100_000, 256)],
      // One column block: split by rows.
      ['narrow product (split by rows)', (h) => h.gemm(256, 8, 256, 10_000, 256, 1, 170_000, 8, 190_000, 8)],
      ['input gradient', (h) => h.gemm(256, 32, 256, 10_000, 256, 1, 170_000, 32, 180_000, 32)],
      ['ReLU gradient', (h) => {
        h.f32.fill(0, 199_000, 199_256);
        h.reluGradient(32, 256, 32, 256, 180_000, 120_000, 170_000, 80_000, 2, 199_000, 199_999);
      }],
      ['Adam', (h) => h.adam(40_000, 10_000, 50_000, 90_000, 130_000, k, 199_990)],
      ['dropout', (h, i) => h.dropout(27, 256, 264, 80_000, 60_000, 20_000, streams[i], 0.5)],
    ];
    for (let rep = 0; rep < 400; rep++) {
      for (const [name, op] of ops) {
        op(one, 0);
        op(two, 1);
        const a = one.f32;
        const b = two.f32;
        let first = -1;
        for (let i = 0; i < N && first < 0; i++) if (!Object.is(a[i], b[i])) first = i;
        expect(first, `${name}, round ${rep}: first difference at float ${first}`).toBe(-1);
      }
    }
    expect(kernelThreadCounts()!.helper).toBeGreaterThan(0);
  });

  it('jobs of two chunks then four, back to back, never mix (a late helper takes no chunk of a job being written)', async () => {
    const [one, two] = await twoHeaps();
    for (let rep = 0; rep < 20_000; rep++) {
      for (const h of [one, two]) {
        h.gemm(8, 16, 256, 0, 256, 1, 10_000, 16, 95_000, 16); // 2 chunks of 1 column block
        h.adam(8_192, 100_000, 110_000, 120_000, 130_000, k, 199_990); // 4 chunks
      }
    }
    let first = -1;
    for (let i = 0; i < N && first < 0; i++) if (!Object.is(one.f32[i], two.f32[i])) first = i;
    expect(first).toBe(-1);
  });

  it('the dropout kernel draws the stream’s masks (and leaves the stream where fill would)', () => {
    for (const units of [256, 10, 6]) {
      const heap = new KernelHeap(20_000);
      const rows = 5;
      const ld = units + 3;
      for (let i = 0; i < 20_000; i++) heap.f32[i] = i % 7 - 3;
      const kernelStream = new DropoutMaskStream(11);
      const jsStream = new DropoutMaskStream(11);
      heap.dropout(rows, units, ld, 0, 5_000, 10_000, kernelStream, 0.3);
      const want = jsStream.mask(rows * units, 0.3);
      expect(Array.from(heap.f32.subarray(10_000, 10_000 + rows * units))).toEqual(Array.from(want));
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < units; c++) expect(heap.f32[5_000 + r * ld + c]).toBe(Math.fround(heap.f32[r * ld + c] * want[r * units + c]));
      }
      expect(Array.from(kernelStream.mask(8, 0.3))).toEqual(Array.from(jsStream.mask(8, 0.3)));
    }
  });

  it('training on two threads gives the same weights as on one, bit for bit', async () => {
    const rng = mulberry32(1);
    const rows = 700;
    const X = tf.tensor2d(Float32Array.from({ length: rows * 40 }, () => rng() * 2 - 1), [rows, 40]);
    const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: rows }, () => Math.floor(rng() * 10)), 'int32'), 10).toFloat();
    const weightsAfter = async (threads: number) => {
      const model = buildMlp({ inputSize: 40, classCount: 10, seed: 3 });
      // Separate train() calls: each lays out a new heap (a new shared memory for the helper to bind).
      for (let e = 0; e < 3; e++) await train(model, X, y, { epochs: 1, seed: e, verbose: 0, threads });
      const w = model.getWeights().map((t) => Array.from(t.dataSync()));
      model.dispose();
      return w;
    };
    const one = await weightsAfter(1);
    for (let run = 0; run < 4; run++) expect(await weightsAfter(2)).toEqual(one);
    tf.dispose([X, y]);
  });
});
