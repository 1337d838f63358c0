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
} as const;
