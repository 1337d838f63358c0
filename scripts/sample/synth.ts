// Synthetic urban sounds for the ten UrbanSound8K classes: what data.sample/ is made of (seeded, deterministic).
//
// Each class has a plausible acoustic signature (a siren sweeps, a jackhammer hammers at 15–25 Hz, …) with
// per-clip random pitch, timing and level, so a model can learn the classes from MFCCs but not trivially.
// All synthesis runs in float64 and never writes a partial above 0.45·sampleRate (no aliasing at 8–11 kHz).
import { gaussianRandom, randomInt, type Rng, uniform } from '../../lib/util/random';

/** The ten UrbanSound8K classes, in classID order (0 = air_conditioner … 9 = street_music). */
export const URBANSOUND_CLASSES = [
  'air_conditioner',
  'car_horn',
  'children_playing',
  'dog_bark',
  'drilling',
  'engine_idling',
  'gun_shot',
  'jackhammer',
  'siren',
  'street_music',
] as const;
export type UrbanSoundClass = (typeof URBANSOUND_CLASSES)[number];

const TWO_PI = 2 * Math.PI;

/** Sum of harmonics k·f0(t) with amplitudes amps[k-1], phase-accumulated so f0 may vary per sample. */
function harmonicTone(out: Float64Array, sampleRate: number, f0: (i: number) => number, amps: number[], gain: (i: number) => number = () => 1, start = 0, end = out.length): void {
  const nyquistGuard = 0.45 * sampleRate;
  let phase = 0;
  for (let i = start; i < end; i++) {
    const f = f0(i);
    phase += (TWO_PI * f) / sampleRate;
    if (phase > 1e6) phase -= TWO_PI * Math.floor(phase / TWO_PI);
    // sin((k+1)·φ) by the Chebyshev recurrence: one sin and one cos per sample instead of one sin per harmonic.
    const s1 = Math.sin(phase);
    const twoCos = 2 * Math.cos(phase);
    let prev = 0;
    let cur = s1;
    let s = 0;
    for (let k = 0; k < amps.length; k++) {
      if ((k + 1) * f > nyquistGuard) break;
      s += amps[k] * cur;
      const next = twoCos * cur - prev;
      prev = cur;
      cur = next;
    }
    out[i] += gain(i) * s;
  }
}

/** White gaussian noise. */
function whiteNoise(rng: Rng, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = gaussianRandom(rng);
  return x;
}

/** One-pole low-pass at cutoffHz (in place). */
function lowpass(x: Float64Array, sampleRate: number, cutoffHz: number): Float64Array {
  const a = Math.exp((-TWO_PI * Math.min(cutoffHz, 0.45 * sampleRate)) / sampleRate);
  let y = 0;
  for (let i = 0; i < x.length; i++) {
    y = (1 - a) * x[i] + a * y;
    x[i] = y;
  }
  return x;
}

/** RBJ band-pass biquad (constant 0 dB peak gain) at centreHz with quality q; returns a new array. */
function bandpass(x: Float64Array, sampleRate: number, centreHz: number, q: number): Float64Array {
  const f = Math.min(centreHz, 0.45 * sampleRate);
  const w0 = (TWO_PI * f) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const b0 = alpha / a0, b2 = -alpha / a0, a1 = (-2 * Math.cos(w0)) / a0, a2 = (1 - alpha) / a0;
  const y = new Float64Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

function rms(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

function addScaled(out: Float64Array, x: Float64Array, gain: number, offset = 0): void {
  for (let i = 0; i < x.length && i + offset < out.length; i++) if (i + offset >= 0) out[i + offset] += gain * x[i];
}

/** Smooth on/off envelope: linear ramps of rampSeconds at both ends of [start, end). */
function gate(i: number, start: number, end: number, ramp: number): number {
  if (i < start || i >= end) return 0;
  return Math.min(1, (i - start) / ramp, (end - i) / ramp);
}

/** Formant-filtered glottal-like pulse train: the source for barks and voices. */
function voiced(rng: Rng, sampleRate: number, n: number, f0: (i: number) => number, formants: Array<[number, number]>, breathiness: number): Float64Array {
  const src = new Float64Array(n);
  // Sawtooth-ish harmonic source with 1/k roll-off, plus breath noise.
  const amps = Array.from({ length: 30 }, (_, k) => 1 / (k + 1));
  harmonicTone(src, sampleRate, f0, amps);
  const noise = whiteNoise(rng, n);
  for (let i = 0; i < n; i++) src[i] += breathiness * noise[i];
  const out = new Float64Array(n);
  for (const [centre, q] of formants) addScaled(out, bandpass(src, sampleRate, centre, q), 1);
  return out;
}

type Synth = (rng: Rng, sampleRate: number, n: number) => Float64Array;

const SYNTHS: Record<UrbanSoundClass, Synth> = {
  air_conditioner(rng, sr, n) {
    const out = lowpass(whiteNoise(rng, n), sr, uniform(rng, 800, 3000));
    const hum = uniform(rng, 50, 120);
    const fan = uniform(rng, 150, 420);
    const humLevel = uniform(rng, 0.5, 2);
    harmonicTone(out, sr, () => hum, [humLevel, humLevel * 0.5, humLevel * 0.3]);
    const fanLevel = uniform(rng, 0.3, 1);
    const wobble = uniform(rng, 0.3, 1.5);
    harmonicTone(out, sr, (i) => fan * (1 + 0.004 * Math.sin((TWO_PI * wobble * i) / sr)), [fanLevel, 0.6 * fanLevel, 0.4 * fanLevel, 0.2 * fanLevel]);
    return out;
  },

  car_horn(rng, sr, n) {
    const out = new Float64Array(n);
    const f1 = uniform(rng, 340, 470);
    const ratio = uniform(rng, 1.2, 1.3); // roughly a major third: the classic two-tone horn
    const amps = Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 1 : 0.5) / (k + 1));
    const honks = rng() < 0.6 ? 1 : randomInt(rng, 2, 4);
    let t = randomInt(rng, 0, Math.floor(0.2 * n));
    for (let h = 0; h < honks && t < n; h++) {
      const len = honks === 1 ? n - t - randomInt(rng, 0, Math.floor(0.2 * n)) : randomInt(rng, Math.floor(0.12 * sr), Math.floor(0.35 * sr));
      const end = Math.min(n, t + Math.max(len, Math.floor(0.1 * sr)));
      const ramp = 0.01 * sr;
      const s = t;
      harmonicTone(out, sr, () => f1, amps, (i) => gate(i, s, end, ramp), s, end);
      harmonicTone(out, sr, () => f1 * ratio, amps, (i) => 0.8 * gate(i, s, end, ramp), s, end);
      t = end + randomInt(rng, Math.floor(0.05 * sr), Math.floor(0.2 * sr));
    }
    return out;
  },

  children_playing(rng, sr, n) {
    const out = new Float64Array(n);
    const voices = randomInt(rng, 2, 5);
    for (let v = 0; v < voices; v++) {
      const f0Base = uniform(rng, 230, 420);
      const vibratoHz = uniform(rng, 4, 8);
      // Syllables: formants jump every 80–250 ms, loudness follows the syllable.
      const bounds: number[] = [0];
      while (bounds[bounds.length - 1] < n) bounds.push(bounds[bounds.length - 1] + randomInt(rng, Math.floor(0.08 * sr), Math.floor(0.25 * sr)));
      const seg = (i: number) => {
        let k = 0;
        while (bounds[k + 1] <= i) k++;
        return k;
      };
      const pitchJumps = bounds.map(() => uniform(rng, 0.85, 1.35));
      const f0 = (i: number) => f0Base * pitchJumps[seg(i)] * (1 + 0.03 * Math.sin((TWO_PI * vibratoHz * i) / sr));
      const src = voiced(rng, sr, n, f0, [[uniform(rng, 600, 1000), 4], [uniform(rng, 1500, 2600), 6], [uniform(rng, 2800, 3600), 8]], 0.4);
      const loud = bounds.map(() => (rng() < 0.25 ? 0 : uniform(rng, 0.3, 1)));
      const level = uniform(rng, 0.5, 1);
      for (let i = 0; i < n; i++) {
        const k = seg(i);
        const ramp = Math.min(1, (i - bounds[k]) / (0.02 * sr), (bounds[k + 1] - i) / (0.02 * sr));
        out[i] += level * loud[k] * ramp * src[i];
      }
    }
    return out;
  },

  dog_bark(rng, sr, n) {
    const out = new Float64Array(n);
    const barks = randomInt(rng, 1, 4);
    const f0Base = uniform(rng, 280, 650);
    const formants: Array<[number, number]> = [[uniform(rng, 500, 900), 3], [uniform(rng, 1200, 1900), 5], [uniform(rng, 2400, 3200), 6]];
    let t = randomInt(rng, 0, Math.floor(0.25 * n));
    for (let b = 0; b < barks && t < n; b++) {
      const len = randomInt(rng, Math.floor(0.08 * sr), Math.floor(0.2 * sr));
      const f0Start = f0Base * uniform(rng, 0.9, 1.15);
      const glide = uniform(rng, 0.55, 0.8);
      const bark = voiced(rng, sr, len, (i) => f0Start * (1 - (1 - glide) * (i / len)), formants, 0.8);
      const attack = 0.008 * sr;
      for (let i = 0; i < len; i++) bark[i] *= Math.min(1, i / attack) * Math.exp((-4 * i) / len);
      addScaled(out, bark, uniform(rng, 0.6, 1), t);
      t += len + randomInt(rng, Math.floor(0.08 * sr), Math.floor(0.3 * sr));
    }
    return out;
  },

  drilling(rng, sr, n) {
    const out = new Float64Array(n);
    const f0 = uniform(rng, 600, 1500);
    const amHz = uniform(rng, 25, 60);
    const fmHz = uniform(rng, 5, 12);
    const amps = [1, 0.8, 0.6, 0.5, 0.35, 0.25, 0.2, 0.15];
    const start = rng() < 0.5 ? 0 : randomInt(rng, 0, Math.floor(0.25 * n));
    harmonicTone(out, sr, (i) => f0 * (1 + 0.01 * Math.sin((TWO_PI * fmHz * i) / sr)), amps,
      (i) => gate(i, start, n, 0.03 * sr) * (0.65 + 0.35 * Math.sin((TWO_PI * amHz * i) / sr)), start, n);
    const grind = bandpass(whiteNoise(rng, n), sr, uniform(rng, 2000, 4000), 2);
    for (let i = start; i < n; i++) out[i] += 0.6 * grind[i] * (0.5 + 0.5 * Math.sin((TWO_PI * amHz * i) / sr));
    return out;
  },

  engine_idling(rng, sr, n) {
    const firing = uniform(rng, 22, 55);
    // Many harmonics with a low-pass roll-off: the pulse train of the cylinders firing.
    const amps = Array.from({ length: 40 }, (_, k) => Math.exp(-k / uniform(rng, 6, 14)) * (k % 2 === 1 ? 0.6 : 1));
    const out = new Float64Array(n);
    const wobbleHz = uniform(rng, 0.5, 2);
    const depth = uniform(rng, 0.15, 0.4);
    harmonicTone(out, sr, (i) => firing * (1 + 0.01 * Math.sin((TWO_PI * 0.7 * wobbleHz * i) / sr)), amps, (i) => 1 - depth + depth * Math.sin((TWO_PI * wobbleHz * i) / sr));
    const rumble = lowpass(whiteNoise(rng, n), sr, uniform(rng, 150, 400));
    addScaled(out, rumble, uniform(rng, 1, 3));
    return out;
  },

  gun_shot(rng, sr, n) {
    const out = new Float64Array(n);
    const shots = rng() < 0.7 ? 1 : randomInt(rng, 2, 4);
    let t = randomInt(rng, 0, Math.floor(0.3 * n));
    for (let s = 0; s < shots && t < n; s++) {
      const len = n - t;
      const crack = whiteNoise(rng, len);
      const tauCrack = uniform(rng, 0.004, 0.02) * sr;
      const tail = lowpass(whiteNoise(rng, len), sr, uniform(rng, 1000, 3000));
      const tauTail = uniform(rng, 0.1, 0.35) * sr;
      const tailLevel = uniform(rng, 0.1, 0.3);
      const thumpHz = uniform(rng, 60, 120);
      for (let i = 0; i < len; i++) {
        const thump = Math.sin((TWO_PI * thumpHz * i) / sr) * Math.exp(-i / (3 * tauCrack));
        crack[i] = crack[i] * Math.exp(-i / tauCrack) + 0.8 * thump + tailLevel * tail[i] * Math.exp(-i / tauTail) * Math.min(1, i / (0.01 * sr));
      }
      addScaled(out, crack, uniform(rng, 0.7, 1), t);
      t += randomInt(rng, Math.floor(0.12 * sr), Math.floor(0.4 * sr));
    }
    return out;
  },

  jackhammer(rng, sr, n) {
    const out = new Float64Array(n);
    const rateHz = uniform(rng, 15, 25);
    const ring = [uniform(rng, 900, 1800), uniform(rng, 2200, 3500)];
    const tau = uniform(rng, 0.008, 0.02) * sr;
    const hitLen = Math.floor(5 * tau);
    const period = sr / rateHz;
    const hitFilterHz = uniform(rng, 1000, 3000);
    const start = rng() < 0.6 ? 0 : randomInt(rng, 0, Math.floor(0.3 * n));
    // A pause in the middle sometimes: operators lift the hammer.
    const pauseAt = rng() < 0.3 ? randomInt(rng, Math.floor(0.3 * n), Math.floor(0.7 * n)) : n;
    const pauseLen = Math.floor(uniform(rng, 0.1, 0.25) * sr);
    for (let t = start; t < n; t += period * (1 + 0.05 * gaussianRandom(rng))) {
      const at = Math.floor(t);
      if (at >= pauseAt && at < pauseAt + pauseLen) continue;
      const hit = bandpass(whiteNoise(rng, hitLen), sr, hitFilterHz, 1.5);
      for (let i = 0; i < hitLen; i++) {
        const decay = Math.exp(-i / tau);
        hit[i] = 3 * hit[i] * decay + decay * (0.5 * Math.sin((TWO_PI * ring[0] * i) / sr) + 0.3 * Math.sin((TWO_PI * ring[1] * i) / sr));
      }
      addScaled(out, hit, uniform(rng, 0.7, 1), at);
    }
    const motor = lowpass(whiteNoise(rng, n), sr, 300);
    addScaled(out, motor, 0.5);
    return out;
  },

  siren(rng, sr, n) {
    const out = new Float64Array(n);
    const kind = rng();
    const low = uniform(rng, 550, 800);
    const high = low * uniform(rng, 1.6, 2.2);
    let f0: (i: number) => number;
    if (kind < 0.5) {
      // Wail: a slow sweep up and down; the clip catches part of a cycle.
      const rate = uniform(rng, 0.3, 0.8);
      const phase = uniform(rng, 0, TWO_PI);
      f0 = (i) => low + (high - low) * 0.5 * (1 + Math.sin((TWO_PI * rate * i) / sr + phase));
    } else if (kind < 0.8) {
      // Yelp: fast sweeps.
      const rate = uniform(rng, 2.5, 5);
      f0 = (i) => low + (high - low) * (((rate * i) / sr) % 1);
    } else {
      // Hi-lo two-tone.
      const rate = uniform(rng, 1, 2);
      f0 = (i) => (Math.floor((2 * rate * i) / sr) % 2 === 0 ? low : high);
    }
    const doppler = uniform(rng, -0.5, 0.5);
    harmonicTone(out, sr, (i) => f0(i) * (1 + 0.01 * doppler * (i / n)), [1, 0.4, 0.25, 0.12, 0.06], (i) => 1 + doppler * (i / n - 0.5));
    return out;
  },

  street_music(rng, sr, n) {
    const out = new Float64Array(n);
    const tonic = uniform(rng, 110, 260);
    const scale = [0, 2, 4, 7, 9, 12, 14, 16]; // major pentatonic over two octaves
    const noteSeconds = uniform(rng, 0.12, 0.3);
    const plucked = rng() < 0.6;
    const amps = plucked ? [1, 0.7, 0.5, 0.35, 0.25, 0.15, 0.1] : [1, 0.5, 0.3, 0.2];
    let t = randomInt(rng, 0, Math.floor(0.1 * sr));
    while (t < n) {
      const len = Math.floor(noteSeconds * sr * uniform(rng, 0.8, 1.5));
      const f = tonic * 2 ** (scale[randomInt(rng, 0, scale.length)] / 12);
      const end = Math.min(n, t + len);
      const s = t;
      const decay = plucked ? (0.25 * len) : 3 * len;
      harmonicTone(out, sr, () => f, amps, (i) => Math.min(1, (i - s) / (0.005 * sr)) * Math.exp(-(i - s) / decay), s, end);
      // A bass note under every other melody note.
      if (rng() < 0.5) harmonicTone(out, sr, () => tonic / 2, [0.6, 0.3], (i) => Math.min(1, (i - s) / (0.01 * sr)) * Math.exp(-(i - s) / (2 * len)), s, end);
      t = end;
    }
    return out;
  },
};

/**
 * Synthesise one clip of a class, normalised to RMS 1 (before any noise).
 * @param className one of URBANSOUND_CLASSES.
 * @param rng seeded uniform generator (consumed).
 * @param sampleRate Hz; partials above 0.45·sampleRate are left out.
 * @param frameCount length in samples.
 * @returns mono float64 samples.
 */
export function synthesizeClass(className: UrbanSoundClass, rng: Rng, sampleRate: number, frameCount: number): Float64Array {
  const synth = SYNTHS[className];
  if (!synth) throw new RangeError(`unknown class '${className}'`);
  const x = synth(rng, sampleRate, frameCount);
  const r = rms(x);
  if (r > 0) for (let i = 0; i < x.length; i++) x[i] /= r;
  return x;
}

export interface SyntheticClipOptions {
  /** Signal-to-background-noise ratio range in dB (default [3, 25]). */
  snrDb?: [number, number];
  /** Probability of a faint sound of another class in the background, like UrbanSound8K's salience 2 (default 0.25). */
  distractorProbability?: number;
  /** Peak level range of the final clip (default [0.15, 0.9]). */
  peakRange?: [number, number];
}

/**
 * A realistic clip: the class's sound, a street background (brownish noise at a random SNR), sometimes a faint
 * sound of another class, a random overall gain; mono, or stereo with a small inter-channel delay and gain.
 * @returns `channelCount` Float32Arrays of `frameCount` samples, peak within `peakRange`.
 */
export function synthesizeClip(className: UrbanSoundClass, rng: Rng, sampleRate: number, frameCount: number, channelCount = 1, options: SyntheticClipOptions = {}): Float32Array[] {
  const [snrLow, snrHigh] = options.snrDb ?? [3, 25];
  const [peakLow, peakHigh] = options.peakRange ?? [0.15, 0.9];
  const main = synthesizeClass(className, rng, sampleRate, frameCount);
  const mix = new Float64Array(frameCount);
  addScaled(mix, main, 1);
  if (rng() < (options.distractorProbability ?? 0.25)) {
    const others = URBANSOUND_CLASSES.filter((c) => c !== className);
    const other = others[randomInt(rng, 0, others.length)];
    addScaled(mix, synthesizeClass(other, rng, sampleRate, frameCount), 10 ** (-uniform(rng, 12, 20) / 20));
  }
  const background = lowpass(whiteNoise(rng, frameCount), sampleRate, uniform(rng, 200, 2000));
  const backgroundRms = rms(background);
  const noiseGain = backgroundRms > 0 ? 10 ** (-uniform(rng, snrLow, snrHigh) / 20) / backgroundRms : 0;
  addScaled(mix, background, noiseGain);

  const channels: Float64Array[] = [mix];
  for (let c = 1; c < channelCount; c++) {
    const delay = randomInt(rng, 0, Math.floor(0.0005 * sampleRate) + 1);
    const gain = uniform(rng, 0.75, 1);
    const extra = lowpass(whiteNoise(rng, frameCount), sampleRate, 1000);
    const extraGain = 0.3 * noiseGain;
    const ch = new Float64Array(frameCount);
    for (let i = 0; i < frameCount; i++) ch[i] = gain * (i >= delay ? mix[i - delay] : 0) + extraGain * extra[i];
    channels.push(ch);
  }
  let peak = 0;
  for (const ch of channels) for (let i = 0; i < frameCount; i++) peak = Math.max(peak, Math.abs(ch[i]));
  const scale = peak > 0 ? uniform(rng, peakLow, peakHigh) / peak : 0;
  return channels.map((ch) => Float32Array.from(ch, (v) => v * scale));
}
