// The model-kind registry: each entry's features, standardizer, input shape and network agree with each other.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CNN_DEFAULTS, RNN_DEFAULTS, TRAIN_DEFAULTS } from '../../lib/defaults';
import { fitInputStandardizer, MODEL_KINDS, MODEL_REGISTRY, modelKind, networkInputs, NETWORK_KINDS, resolveModelParams, type ShapedRow } from '../../lib/model/registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const small = { nMfcc: 6, nMels: 8, frames: 4, hiddenUnits: [5], cnnFilters: [2], denseUnits: 3, cnnPadding: 'same' as const, rnnUnits: 3 };

/** A clip's feature row as extractFeatures shapes it for this kind: MFCC means, 2 log-mel patches, a 7-frame MFCC matrix. */
function clipRow(kind: string, seed: number): ShapedRow {
  const shape = kind === 'mlp' ? [6] : kind === 'cnn' ? [2, 8, 4] : [6, 7];
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, k) => Math.sin(seed * 7 + k) * 10 + k), shape };
}

describe('MODEL_REGISTRY', () => {
  it('lists the networks; the baseline is a model kind without an entry', () => {
    expect(NETWORK_KINDS).toEqual(['mlp', 'cnn', 'rnn']);
    expect(MODEL_KINDS).toEqual(['baseline', 'mlp', 'cnn', 'rnn']);
    expect(() => modelKind('baseline')).toThrow(/unknown network 'baseline' \(known: mlp, cnn, rnn\)/);
    expect(() => resolveModelParams({ model: 'svm' as 'mlp' })).toThrow(/unknown model 'svm'/);
  });

  it('takes per-kind defaults from lib/defaults.ts', () => {
    expect(resolveModelParams({ model: 'mlp' })).toMatchObject({ epochs: TRAIN_DEFAULTS.epochs, dropout: TRAIN_DEFAULTS.dropout, standardize: true });
    expect(resolveModelParams({ model: 'cnn' })).toMatchObject({ epochs: CNN_DEFAULTS.epochs, batchSize: CNN_DEFAULTS.batchSize, dropout: CNN_DEFAULTS.dropout });
    expect(resolveModelParams({ model: 'rnn' })).toMatchObject({ epochs: RNN_DEFAULTS.epochs, dropout: RNN_DEFAULTS.dropout });
    expect(resolveModelParams({ model: 'rnn', dropout: 0.1 }).dropout).toBe(0.1);
  });

  it("the CNN's early stopping: off by default (no clip held out), its settings part of a run's identity only when on", () => {
    const off = resolveModelParams({ model: 'cnn' });
    const on = resolveModelParams({ model: 'cnn', earlyStoppingSplit: 0.15 });
    expect(off.earlyStoppingSplit).toBe(CNN_DEFAULTS.earlyStoppingSplit);
    expect(MODEL_REGISTRY.cnn.trainer!.validationSplit(off)).toBe(0);
    expect(MODEL_REGISTRY.cnn.trainer!.validationSplit(on)).toBe(0.15);
    expect(MODEL_REGISTRY.cnn.relevantParams(off)).not.toHaveProperty('patience');
    expect(MODEL_REGISTRY.cnn.relevantParams(on)).toMatchObject({ earlyStoppingSplit: 0.15, patience: CNN_DEFAULTS.patience, monitor: CNN_DEFAULTS.monitor });
    expect(() => resolveModelParams({ model: 'cnn', earlyStoppingSplit: 1 })).toThrow(/earlyStoppingSplit must be in \[0, 1\) \(0: no early stopping\), got 1/);
    // Irrelevant to the other kinds.
    expect(MODEL_REGISTRY.mlp.relevantParams(resolveModelParams({ model: 'mlp', earlyStoppingSplit: 0.15 }))).not.toHaveProperty('earlyStoppingSplit');
  });

  it.each(NETWORK_KINDS)('%s: feature rows → standardised network inputs of inputShape that the built network accepts', (kind) => {
    const p = resolveModelParams({ model: kind, ...small });
    const entry = MODEL_REGISTRY[kind];
    const rows = [0, 1, 2, 3].map((s) => clipRow(kind, s));
    const s = fitInputStandardizer(p, rows);
    // MLP per column; CNN one channel; RNN one per MFCC coefficient.
    expect(s?.mean).toHaveLength(kind === 'mlp' ? 6 : kind === 'cnn' ? 1 : 6);
    const train = networkInputs(p, s, rows, 'first');
    const all = networkInputs(p, s, rows, 'all');
    expect(train.perClip).toEqual([1, 1, 1, 1]);
    expect(all.perClip).toEqual(kind === 'cnn' ? [2, 2, 2, 2] : [1, 1, 1, 1]);
    const size = entry.inputShape(p).reduce((a, b) => a * b, 1);
    for (const r of all.rows) expect(r).toHaveLength(size);
    // Standardised on the training inputs: their mean is 0 per column / channel.
    const mean = train.rows.reduce((a, r) => a + r.reduce((x, v) => x + v, 0), 0) / (train.rows.length * size);
    if (kind !== 'rnn') expect(mean).toBeCloseTo(0, 5); // the RNN's sequences are padded / cropped to `frames`
    const model = entry.build(p, 3);
    expect(model.inputs[0].shape).toEqual([null, ...entry.inputShape(p)]);
    const x = tf.tensor(Float32Array.from(all.rows.flatMap((r) => Array.from(r))), [all.rows.length, ...entry.inputShape(p)]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([all.rows.length, 3]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('standardize: false feeds the raw rows', () => {
    const p = resolveModelParams({ model: 'mlp', ...small, standardize: false });
    const rows = [clipRow('mlp', 1)];
    expect(fitInputStandardizer(p, rows)).toBeNull();
    expect(Array.from(networkInputs(p, null, rows, 'all').rows[0])).toEqual(Array.from(rows[0].data));
  });
});
