// The exported page: classify dropped / picked audio files and the microphone with the exported model,
// using lib's own decoding, resampling and features (lib/web/pipeline.ts) — no network, no CDN.
import { AudioDecodeError } from '../../audio/errors';
import { resample } from '../../audio/resample';
import { simdKernel } from '../../audio/simd';
import { defaultFftEngine } from '../../features/stft';
import type { FeatureMatrix } from '../../features/matrix';
import { clipFeature, clipLogMel, clipProbabilities, loadClipBytes, modelInputRows, topIndex, type SiteModelInfo } from '../pipeline';
import { backendName, loadNetwork, probabilities, type ExportedModel } from './network';
import { decodeWithWebAudio } from './webaudio';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** One classified (or refused) file, as the table shows it; `features` is the feature row before scaling. */
export interface ClipResult {
  name: string;
  label?: string;
  probability?: number;
  probabilities?: number[];
  features?: number[];
  error?: string;
}

/** One live classification of the microphone's last window. */
export interface LiveResult {
  seconds: number;
  /** Root mean square of the window classified (at the model's rate), to tell sound from silence. */
  rms: number;
  label: string;
  probability: number;
  probabilities: number[];
}

/** The page's state, on `window.soundlab` for people poking at it in the console (and for the tests). */
export interface PageState {
  ready: boolean;
  error?: string;
  backend?: string;
  /** Whether lib's resampler runs its WebAssembly SIMD kernel here ('simd') or its JS twin ('js'). */
  resampler?: 'simd' | 'js';
  /** Whether lib's STFT runs on PFFFT's WebAssembly SIMD build ('wasm') or on fft.js ('js'). */
  fft?: 'wasm' | 'js';
  clips: ClipResult[];
  /** Files picked or dropped and not yet classified. */
  pending: number;
  live: LiveResult[];
  micMessage?: string;
}

declare global {
  interface Window {
    SOUNDLAB_MODEL?: ExportedModel;
    soundlab: PageState;
  }
}

const state: PageState = { ready: false, clips: [], pending: 0, live: [] };
window.soundlab = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SVG = 'http://www.w3.org/2000/svg';
/** One colour per class (Tableau 10), in class order. */
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const colour = (i: number) => COLOURS[i % COLOURS.length];

let info: SiteModelInfo;
let network: LayersModel;

function message(text: string, kind: 'error' | 'info' = 'error'): void {
  const p = document.createElement('p');
  p.className = kind;
  p.textContent = text;
  $('messages').append(p);
}

/** A horizontal bar per class, its probability as the bar's length; the top class drawn darker. */
function barChart(probs: ArrayLike<number>): SVGSVGElement {
  const rowHeight = 12;
  const labelWidth = 120;
  const barWidth = 150;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(labelWidth + barWidth + 40));
  svg.setAttribute('height', String(rowHeight * info.classes.length));
  svg.setAttribute('class', 'bars');
  const top = topIndex(probs);
  info.classes.forEach((name, i) => {
    const y = i * rowHeight;
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', String(labelWidth - 4));
    label.setAttribute('y', String(y + rowHeight - 3));
    label.setAttribute('text-anchor', 'end');
    label.textContent = name;
    const bar = document.createElementNS(SVG, 'rect');
    bar.setAttribute('x', String(labelWidth));
    bar.setAttribute('y', String(y + 1));
    bar.setAttribute('height', String(rowHeight - 2));
    bar.setAttribute('width', String(Math.max(0.5, probs[i] * barWidth)));
    bar.setAttribute('fill', colour(i));
    bar.setAttribute('opacity', i === top ? '1' : '0.55');
    const value = document.createElementNS(SVG, 'text');
    value.setAttribute('x', String(labelWidth + probs[i] * barWidth + 3));
    value.setAttribute('y', String(y + rowHeight - 3));
    value.textContent = `${(100 * probs[i]).toFixed(0)} %`;
    svg.append(label, bar, value);
  });
  return svg;
}

function addRow(result: ClipResult): void {
  const tr = document.createElement('tr');
  tr.dataset.file = result.name;
  const cells = [result.name, result.label ?? '—', result.probability !== undefined ? `${(100 * result.probability).toFixed(1)} %` : ''];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  const chart = document.createElement('td');
  if (result.probabilities) {
    tr.dataset.class = result.label;
    chart.append(barChart(result.probabilities));
  } else {
    tr.className = 'failed';
    chart.textContent = result.error ?? '';
  }
  tr.append(chart);
  $('clips').querySelector('tbody')!.append(tr);
  $('clips').hidden = false;
}

/** One file: lib's loader on its bytes, the model's feature, the network. Decoding errors become the row's message. */
async function classifyFile(file: File): Promise<ClipResult> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const audio = await loadClipBytes(bytes, file.name, info.features.sampleRate, decodeWithWebAudio);
    const feature = clipFeature(clipLogMel(audio.samples, info.features), info.features);
    const probs = clipProbabilities(probabilities(network, modelInputRows(feature, info), info.inputShape));
    const top = topIndex(probs);
    return { name: file.name, label: info.classes[top], probability: probs[top], probabilities: Array.from(probs), features: Array.from(feature.data) };
  } catch (err: unknown) {
    // AudioDecodeError's message is "<file>: <reason>", the command line's text.
    const text = err instanceof AudioDecodeError ? err.message : `${file.name}: ${err instanceof Error ? err.message : String(err)}`;
    return { name: file.name, error: text };
  }
}

async function classifyFiles(files: readonly File[]): Promise<void> {
  state.pending += files.length;
  for (const file of files) {
    const result = await classifyFile(file);
    state.clips.push(result);
    state.pending--;
    addRow(result);
    if (result.error) message(result.error);
  }
}

// ---- microphone -------------------------------------------------------------------------------------

/** Mixes each block of the input to mono (the mean of its channels, as lib's toMono) and posts it. */
const TAP_WORKLET = `
class SoundlabTap extends AudioWorkletProcessor {
  process(inputs) {
    const channels = inputs[0];
    if (channels && channels.length) {
      const out = new Float32Array(channels[0].length);
      for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i];
      if (channels.length > 1) for (let i = 0; i < out.length; i++) out[i] /= channels.length;
      this.port.postMessage(out, [out.buffer]);
    }
    return true;
  }
}
registerProcessor('soundlab-tap', SoundlabTap);
`;

/** The last `capacity` samples of the microphone at the context's rate. */
class Ring {
  private readonly data: Float32Array;
  private write = 0;
  filled = 0;
  constructor(readonly capacity: number) {
    this.data = new Float32Array(capacity);
  }
  push(block: Float32Array): void {
    for (let i = 0; i < block.length; i++) {
      this.data[this.write] = block[i];
      this.write = (this.write + 1) % this.capacity;
    }
    this.filled = Math.min(this.capacity, this.filled + block.length);
  }
  /** The buffered samples, oldest first. */
  last(): Float32Array {
    const out = new Float32Array(this.filled);
    const start = (this.write - this.filled + this.capacity) % this.capacity;
    for (let i = 0; i < this.filled; i++) out[i] = this.data[(start + i) % this.capacity];
    return out;
  }
}

let micRunning = false;

function micStatus(text: string, kind: 'error' | 'info' = 'info'): void {
  state.micMessage = text;
  const p = $('mic-status');
  p.textContent = text;
  p.className = kind;
}

/** Why getUserMedia failed, in words a user can act on. */
function micRefusal(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'The microphone was refused. Allow microphone access for this page in the browser (the icon in the address bar) and press the button again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Plug one in and press the button again.';
  if (name === 'NotReadableError') return 'The microphone is busy or cannot be read (another program may be using it).';
  return `The microphone could not be opened: ${err instanceof Error ? err.message : String(err)}`;
}

async function connectTap(context: AudioContext, source: MediaStreamAudioSourceNode, onBlock: (b: Float32Array) => void): Promise<void> {
  const sink = context.createGain();
  sink.gain.value = 0; // processing nodes must reach the destination to run; silent so nothing echoes
  sink.connect(context.destination);
  try {
    const url = URL.createObjectURL(new Blob([TAP_WORKLET], { type: 'text/javascript' }));
    await context.audioWorklet.addModule(url);
    const tap = new AudioWorkletNode(context, 'soundlab-tap');
    tap.port.onmessage = (e: MessageEvent<Float32Array>) => onBlock(e.data);
    source.connect(tap).connect(sink);
  } catch {
    // No AudioWorklet (older browsers, some file:// setups): the ScriptProcessor does the same, on the main thread.
    const proc = context.createScriptProcessor(2048, source.channelCount || 1, 1);
    proc.onaudioprocess = (e) => {
      const n = e.inputBuffer.numberOfChannels;
      const out = new Float32Array(e.inputBuffer.length);
      for (let c = 0; c < n; c++) {
        const ch = e.inputBuffer.getChannelData(c);
        for (let i = 0; i < out.length; i++) out[i] += ch[i];
      }
      if (n > 1) for (let i = 0; i < out.length; i++) out[i] /= n;
      onBlock(out);
    };
    source.connect(proc).connect(sink);
  }
}

async function startMicrophone(): Promise<void> {
  if (micRunning) return;
  if (!navigator.mediaDevices?.getUserMedia) {
    micStatus('This browser gives this page no microphone access (it needs http://localhost, https or a local file).', 'error');
    return;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (err: unknown) {
    micStatus(micRefusal(err), 'error');
    return;
  }
  micRunning = true;
  const context = new AudioContext();
  await context.resume();
  const ring = new Ring(Math.round(info.windowSeconds * context.sampleRate));
  await connectTap(context, context.createMediaStreamSource(stream), (b) => ring.push(b));
  micStatus(`Listening at ${context.sampleRate} Hz: every 0.5 s the last ${info.windowSeconds} s are resampled to ${info.features.sampleRate} Hz and classified.`);
  ($('mic') as HTMLButtonElement).textContent = 'Listening…';
  ($('mic') as HTMLButtonElement).disabled = true;
  $('live').hidden = false;
  const started = performance.now();
  setInterval(() => {
    if (ring.filled < 0.25 * context.sampleRate) return; // less than a quarter second: nothing to say yet
    const latest = resample(ring.last(), context.sampleRate, info.features.sampleRate);
    const logMel = clipLogMel(latest, info.features);
    const feature = clipFeature(logMel, info.features);
    const probs = clipProbabilities(probabilities(network, modelInputRows(feature, info), info.inputShape));
    const top = topIndex(probs);
    const live: LiveResult = { seconds: (performance.now() - started) / 1000, rms: rootMeanSquare(latest), label: info.classes[top], probability: probs[top], probabilities: Array.from(probs) };
    state.live.push(live);
    const topEl = $('live-top');
    topEl.textContent = `${live.label} (${(100 * live.probability).toFixed(0)} %)`;
    topEl.dataset.class = live.label;
    drawSpectrogram($<HTMLCanvasElement>('spectrogram'), logMel);
    drawHistory($<HTMLCanvasElement>('history'), state.live.slice(-HISTORY_TICKS));
  }, 500);
}

function rootMeanSquare(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return x.length ? Math.sqrt(sum / x.length) : 0;
}

/** A dB colour ramp from dark blue through teal to yellow (viridis' ends), for the spectrogram. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]))) as [number, number, number];
}

/** The window's log-mel spectrogram, low bands at the bottom, 80 dB below its peak drawn as the floor. */
function drawSpectrogram(canvas: HTMLCanvasElement, m: FeatureMatrix): void {
  if (m.nCols === 0) return;
  let max = -Infinity;
  for (const v of m.data) if (v > max) max = v;
  const image = new ImageData(m.nCols, m.nRows);
  for (let band = 0; band < m.nRows; band++) {
    const y = m.nRows - 1 - band;
    for (let t = 0; t < m.nCols; t++) {
      const [r, g, b] = ramp((m.data[band * m.nCols + t] - (max - 80)) / 80);
      const at = 4 * (y * m.nCols + t);
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  }
  const off = document.createElement('canvas');
  off.width = m.nCols;
  off.height = m.nRows;
  off.getContext('2d')!.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** Ticks of history shown: 60 half-seconds. */
const HISTORY_TICKS = 60;

/** Each class's probability over the last ticks, one line per class. */
function drawHistory(canvas: HTMLCanvasElement, live: readonly LiveResult[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#ddd';
  ctx.lineWidth = 1;
  for (const p of [0, 0.5, 1]) {
    ctx.beginPath();
    ctx.moveTo(0, (1 - p) * (height - 2) + 1);
    ctx.lineTo(width, (1 - p) * (height - 2) + 1);
    ctx.stroke();
  }
  const step = width / (HISTORY_TICKS - 1);
  info.classes.forEach((_, c) => {
    ctx.strokeStyle = colour(c);
    ctx.lineWidth = 2;
    ctx.beginPath();
    live.forEach((r, k) => {
      const x = width - (live.length - 1 - k) * step;
      const y = (1 - r.probabilities[c]) * (height - 2) + 1;
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
}

function legend(): void {
  const ul = $('legend');
  info.classes.forEach((name, i) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.style.background = colour(i);
    li.append(swatch, name);
    ul.append(li);
  });
}

// ---- start ------------------------------------------------------------------------------------------

async function start(): Promise<void> {
  const exported = window.SOUNDLAB_MODEL;
  if (!exported) throw new Error('model.js did not load (it must sit next to index.html)');
  info = exported.info;
  const loaded = await loadNetwork(exported);
  network = loaded.model;
  if (loaded.fallback) message(`Note: ${loaded.fallback}.`, 'info');
  state.backend = backendName();
  state.resampler = simdKernel() ? 'simd' : 'js';
  state.fft = defaultFftEngine();
  $('model').textContent =
    `Model “${info.source}”: ${info.classes.length} classes, ${info.features.kind} features at ${info.features.sampleRate} Hz` +
    `${info.features.kind === 'logmel' ? '' : ` (${info.features.nMfcc} MFCCs)`}, TensorFlow.js ${state.backend} backend, resampler ${state.resampler === 'simd' ? 'on WebAssembly SIMD' : 'in JavaScript'}, FFT ${state.fft === 'wasm' ? 'on PFFFT (WebAssembly SIMD)' : 'in JavaScript (fft.js)'}.`;
  legend();
  const input = $<HTMLInputElement>('files');
  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    void classifyFiles(files);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void classifyFiles(Array.from(e.dataTransfer?.files ?? []));
  });
  $('mic').addEventListener('click', () => void startMicrophone());
  state.ready = true;
  document.body.dataset.ready = 'true';
}

start().catch((err: unknown) => {
  state.error = err instanceof Error ? err.message : String(err);
  message(`The page could not start: ${state.error}`);
});
