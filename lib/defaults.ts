// Every default parameter of the pipeline, in one place, each as librosa / Keras / the tutorial has it.

/** Audio loading: `librosa.load(path)` resamples to 22050 Hz mono with `res_type='kaiser_fast'`. */
export const AUDIO_DEFAULTS = {
  /** Target sample rate in Hz; `null` keeps the file's own rate (librosa `sr=None`). */
  sampleRate: 22050 as number | null,
  /** Mix down to one channel (mean of the channels). */
  mono: true,
} as const;

/** Spectral features: librosa 0.10's defaults for stft / melspectrogram / power_to_db / mfcc. */
export const FEATURE_DEFAULTS = {
  sampleRate: 22050,
  /** FFT size in samples (librosa `n_fft`). */
  nFft: 2048,
  /** Hop between frames in samples (librosa `hop_length`). */
  hopLength: 512,
  /** Pad the signal by nFft/2 on both sides so frame t is centred on sample t·hopLength. */
  center: true,
  /** Number of mel bands (librosa `n_mels`). */
  nMels: 128,
  /** Lowest mel band edge in Hz. */
  fmin: 0,
  /** Highest mel band edge in Hz; `null` means sampleRate / 2. */
  fmax: null as number | null,
  /** powerToDb reference, floor and dynamic range. */
  refPower: 1.0,
  aminPower: 1e-10,
  topDb: 80 as number | null,
  /** Number of MFCCs: the tutorial asks for 40 (librosa's own default is 20). */
  nMfcc: 40,
} as const;

/** Training: the tutorial's Keras `fit(X, y, batch_size=32, epochs=5)` with Adam and Dropout(0.5). */
export const TRAIN_DEFAULTS = {
  epochs: 5,
  batchSize: 32,
  hiddenUnits: [256, 256] as readonly number[],
  dropout: 0.5,
  learningRate: 0.001,
  validationSplit: 0.2,
  seed: 0,
  /**
   * Threads of the MLP's hand-written training step: 2 splits each large matrix product, ReLU gradient and
   * Adam update with a helper thread (lib/model/mlp-threads.ts), giving the same weights bit for bit as 1.
   * One core, or SOUNDLAB_MLP_THREADS=1 in the environment, means one thread.
   */
  threads: 2,
} as const;

/** Augmentation (lib/augment): ranges as Salamon & Bello 2017 used them where they used the deformation. */
export const AUGMENT_DEFAULTS = {
  /** Time shift: largest shift either way, seconds. */
  maxShiftSeconds: 0.5,
  /** Time stretch factors drawn uniformly from this range (SB-CNN: 0.81, 0.93, 1.07, 1.23). */
  stretchRates: [0.81, 1.23] as readonly [number, number],
  /** Pitch shift drawn uniformly from ±this many semitones (SB-CNN PS1: ±1, ±2). */
  maxSemitones: 2,
  /** Additive white noise SNR, dB. */
  snrDb: 20,
  /** SpecAugment masks: widest time mask (frames) and frequency mask (mel bands). */
  maxTimeMaskFrames: 20,
  maxFreqMaskBands: 15,
  /** Augmented copies made of each training clip. */
  copies: 1,
} as const;

/** The SB-CNN (Salamon & Bello 2017) on log-mel patches, and the small GRU over MFCC frames. */
export const CNN_DEFAULTS = {
  /** Patch: mel bands × frames (128 frames ≈ 3 s at 22050 Hz, hop 512). */
  nMels: 128,
  frames: 128,
  /** Filters of the three 5×5 conv layers, units of the dense layer. */
  filters: [24, 48, 48] as readonly number[],
  denseUnits: 64,
  kernelSize: 5,
  /** Max-pool after conv 1 and 2: (4 mel bands × 2 frames). */
  poolSize: [4, 2] as readonly [number, number],
  dropout: 0.5,
  l2: 0.001,
  /**
   * Training budget of a CNN run (lib/model/registry.ts reads these), apart from the tutorial MLP's: it
   * learns from a fresh random 128-frame crop of each clip per epoch (Salamon & Bello 2017), so it
   * needs many more epochs than the MLP's 5. Sized for this project's check: three UrbanSound8K folds
   * (2 148 clips) trained and scored in under 20 minutes on 2 cores, features included (30 epochs ×
   * 2 148 crops at ~70 patches/s ≈ 15 min). `--epochs` overrides the budget.
   */
  epochs: 30,
  batchSize: 32,
  learningRate: 0.001,
  /**
   * Early stopping (off by default): the fraction of the training clips held out — whole recordings when
   * the dataset knows them (`fsID`), class by class — and watched after every epoch; training stops when
   * `monitor` has not improved for `patience` epochs and the best epoch's weights are restored (Keras
   * `EarlyStopping(restore_best_weights=True)`). 0 (the default) trains the whole epoch budget on every
   * clip and keeps the weights' moving average (emaMomentum). Why off: on fold 2 → fold 1 (README,
   * "Train on fold 2, test on fold 1") early stopping on 15 % of the clips scored 35.0 % over three
   * seeds (a few held-out recordings chose epochs 11–33 at random), the whole budget on every clip 48.6 %.
   * `--early-stopping 0.15` turns it on, for datasets with enough recordings to validate on.
   */
  earlyStoppingSplit: 0,
  /** What early stopping watches: the validation accuracy of the weights' moving average (see emaMomentum). */
  monitor: 'val_acc' as 'val_acc' | 'val_loss',
  /** Epochs without a better `monitor` before stopping (Keras EarlyStopping `patience`). */
  patience: 8,
  /**
   * Epochs before early stopping starts watching (Keras EarlyStopping `start_from_epoch`): the moving
   * average trails the weights by a few epochs, and in the first ones a held-out accuracy that peaks by
   * chance (a few classes right) would be kept over the better model that follows.
   */
  startFromEpoch: 10,
  /**
   * SpecAugment masks on each training crop, drawn afresh every epoch: one time mask of up to this many
   * frames and one frequency mask of up to this many mel bands (false: none).
   */
  specAugment: { timeMaskFrames: 20, freqMaskBands: 15 } as { timeMaskFrames: number; freqMaskBands: number } | false,
  /**
   * Moving average of the weights after every step (Keras `Adam(use_ema=True, ema_momentum=0.99)`):
   * the final model, validation and early stopping use it (0: off).
   */
  emaMomentum: 0.99,
} as const;

export const RNN_DEFAULTS = {
  /** MFCC frames per clip (padded/cropped; 128 ≈ 3 s at 22050 Hz, hop 512) and coefficients per frame. */
  frames: 128,
  nMfcc: 40,
  /** 'gru' or 'lstm'; units of the recurrent layer. */
  cell: 'gru' as 'gru' | 'lstm',
  units: 64,
  dropout: 0.3,
  /** Training budget of an RNN run (lib/model/registry.ts reads these). */
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
} as const;

