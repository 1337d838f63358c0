// The tutorial's Keras MLP: Dense 256 → ReLU → Dropout 0.5 → Dense 256 → ReLU → Dropout 0.5 → Dense → softmax.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../util/random';
import { TRAIN_DEFAULTS } from '../defaults';

export interface MlpOptions {
  /** Features per sample (40 MFCC means in the tutorial). */
  inputSize: number;
  /** Classes (softmax units). */
  classCount: number;
  /** Units of each hidden Dense layer (default TRAIN_DEFAULTS.hiddenUnits = [256, 256]). */
  hiddenUnits?: readonly number[];
  /** Dropout rate after each hidden layer (default TRAIN_DEFAULTS.dropout = 0.5). */
  dropout?: number;
  /** Adam learning rate (default TRAIN_DEFAULTS.learningRate = 0.001, Keras's). */
  learningRate?: number;
  /** Seed of the weight initialisers (default TRAIN_DEFAULTS.seed = 0): same seed → same initial weights. */
  seed?: number;
}

/**
 * The tutorial's model, compiled as `model.compile(loss='categorical_crossentropy', metrics=['accuracy'],
 * optimizer='adam')`: per hidden layer Dense(units) → Activation('relu') → Dropout(rate), then
 * Dense(classCount) → Activation('softmax'). Weights start Glorot-uniform, biases zero (Keras's
 * defaults), each layer's initialiser seeded from `seed`. Adam: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7
 * (Keras's defaults). Input [batch, inputSize] → output [batch, classCount] probabilities.
 */
export function buildMlp(opts: MlpOptions): tf.Sequential {
  const hiddenUnits = opts.hiddenUnits ?? TRAIN_DEFAULTS.hiddenUnits;
  const rate = opts.dropout ?? TRAIN_DEFAULTS.dropout;
  const seed = opts.seed ?? TRAIN_DEFAULTS.seed;
  const model = tf.sequential({ name: 'mlp' });
  const init = (i: number) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, `dense${i}`) });
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        kernelInitializer: init(i),
        ...(i === 0 ? { inputShape: [opts.inputSize] } : {}),
      }),
    );
    model.add(tf.layers.activation({ activation: 'relu' }));
    if (rate > 0) model.add(tf.layers.dropout({ rate, seed: deriveSeed(seed, `dropout${i}`) }));
  });
  model.add(tf.layers.dense({ units: opts.classCount, kernelInitializer: init(hiddenUnits.length), ...(hiddenUnits.length === 0 ? { inputShape: [opts.inputSize] } : {}) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  compileClassifier(model, opts.learningRate);
  return model;
}

/**
 * Compile a classifier the tutorial's way, Keras `compile(loss='categorical_crossentropy',
 * metrics=['accuracy'], optimizer=Adam(lr, 0.9, 0.999, 1e-7))` — the MLP, the CNN and the RNN alike,
 * so `train` runs every model the same way. Default learning rate TRAIN_DEFAULTS.learningRate (0.001).
 */
export function compileClassifier(model: tf.LayersModel, learningRate: number = TRAIN_DEFAULTS.learningRate): void {
  model.compile({
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    optimizer: tf.train.adam(learningRate, 0.9, 0.999, 1e-7),
  });
}
