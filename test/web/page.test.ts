// The exported page in headless Chromium: same features and classes as the command line for data.sample's
// Test/ clips, nothing requested beyond localhost, the microphone classified live from Chromium's fake device.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, encodeWav, loadAudio, loadAudioSync } from '../../lib/audio';
import { extractFeatures } from '../../lib/features/extract';
import { serveSite, type SiteServer } from '../../lib/web/serve';
import type { PageState } from '../../lib/web/page/main';
import { HAVE_CHROMIUM, launchChromium, ROOT, TEST_CLIPS, trainAndExport, type TrainedSite } from './site';

/** The committed screenshot (README); rewritten only when missing or with SOUNDLAB_UPDATE_SCREENSHOT=1, so a test run leaves the tree clean. */
const SCREENSHOT = join(ROOT, 'docs/web-page.png');
const CORRUPT = join(ROOT, 'data.sample/Train/142.wav');

const describeBrowser = HAVE_CHROMIUM ? describe : describe.skip;

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

const pageState = (page: Page) => page.evaluate(() => window.soundlab as PageState);

async function openSite(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.soundlab?.ready || window.soundlab?.error, undefined, { timeout: 60_000 });
  const state = await pageState(page);
  expect(state.error).toBeUndefined();
  expect(state.ready).toBe(true);
}

async function classifyInPage(page: Page, files: string[]): Promise<PageState> {
  const before = (await pageState(page)).clips.length;
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => window.soundlab.clips.length === n, before + files.length, { timeout: 120_000 });
  return pageState(page);
}

describeBrowser('the exported web page (headless Chromium)', () => {
  let site: TrainedSite;
  let server: SiteServer;

  beforeAll(async () => {
    site = await trainAndExport();
    server = await serveSite(site.siteDir, { port: 0 });
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    if (site) rmSync(site.tmp, { recursive: true, force: true });
  });

  it('is one bundle under 3 MB besides the weights, with the model beside it', () => {
    expect(site.exported.bundleBytes).toBeLessThan(3 * 1024 * 1024);
    expect(site.exported.files).toEqual(['index.html', 'soundlab.js', 'model.js', 'model/model.json', 'model/soundlab.json', 'model/weights.bin']);
    // lib's own pipeline is in the bundle, not a browser substitute
    const parts = site.exported.bundleParts.map((p) => p.part);
    expect(parts).toEqual(expect.arrayContaining(['lib/audio', 'lib/features', 'lib/web', '@tensorflow/tfjs-core']));
  });

  it("classifies the 40 Test/ clips with the command line's features (within 1e-5) and classes, and the CLI's decode error", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await openSite(page, server.url);
      const state = await classifyInPage(page, [...TEST_CLIPS, CORRUPT]);
      // The resampler's WebAssembly SIMD kernel (kernels/resample.wasm, inlined in the bundle) runs in the page too.
      expect(state.resampler).toBe('simd');
      // …and so does the STFT on PFFFT's WebAssembly SIMD build, as in Node (the features below are bit-identical).
      expect(state.fft).toBe('wasm');

      expect(state.clips).toHaveLength(41);
      let worst = 0;
      for (const clip of state.clips.slice(0, 40)) {
        expect(clip.error, clip.name).toBeUndefined();
        const cli = site.truth.features[clip.name];
        expect(clip.features, clip.name).toHaveLength(cli.length);
        cli.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - clip.features![j]))));
        expect(clip.label, clip.name).toBe(site.truth.predictions.get(clip.name)!.label);
        expect(clip.probability!).toBeCloseTo(site.truth.predictions.get(clip.name)!.probability, 3);
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      expect(state.clips.map((c) => c.name)).toEqual([...TEST_CLIPS, CORRUPT].map((f) => basename(f)));

      // The deliberately corrupt clip: the page says what the command line says.
      const reason = await loadAudio(CORRUPT).then(
        () => 'decoded',
        (err: unknown) => (err instanceof AudioDecodeError ? err.reason : String(err)),
      );
      expect(state.clips[40].error).toBe(`142.wav: ${reason}`);
      expect(await page.locator('tr.failed').count()).toBe(1);
      expect(await page.locator('#messages').textContent()).toContain(reason);

      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it("decodes FLAC and Ogg with the browser at the file's own rate, then lib's resampler: FLAC's MFCC means as Node's", async () => {
    const files = ['flac', 'ogg', 'aiff'].map((ext) => join(ROOT, 'test/audio/data', `tone.${ext}`));
    const node = await extractFeatures(files, { cache: false, workers: 0, progress: false });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await openSite(page, server.url);
      const [flac, ogg, aiff] = (await classifyInPage(page, files)).clips;
      // FLAC is lossless: only the decoders' integer scaling differs (audio-decode's 1/32767 against 1/32768).
      const flacDiff = Math.max(...flac.features!.map((v, j) => Math.abs(v - node.X[0][j])));
      expect(flacDiff).toBeLessThan(0.01);
      // Chromium's Vorbis decoder drops the last 160 of the 4000 frames that audio-decode (and libsndfile) return,
      // so a 0.25-s clip's MFCC mean moves by several units: only that it decodes and classifies is checked here.
      expect(ogg.error).toBeUndefined();
      expect(ogg.features).toHaveLength(40);
      // Chromium has no AIFF decoder: the page says so in the command line's words for an undecodable container.
      expect(aiff.error).toMatch(/^tone\.aiff: cannot decode aiff audio: /);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('works opened from file:// too (no server), with the same classes', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await openSite(page, pathToFileURL(join(site.siteDir, 'index.html')).href);
      const few = TEST_CLIPS.slice(0, 5);
      const state = await classifyInPage(page, few);
      expect(state.clips.map((c) => c.label)).toEqual(few.map((f) => site.truth.predictions.get(basename(f))!.label));
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('classifies files dropped on the drop zone', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await openSite(page, server.url);
      const two = TEST_CLIPS.slice(0, 2);
      const files = two.map((f) => ({ name: basename(f), base64: readFileSync(f).toString('base64') }));
      // A real DataTransfer holding File objects, dispatched as the browser dispatches a drop.
      const transfer = await page.evaluateHandle((list) => {
        const dt = new DataTransfer();
        for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: 'audio/wav' }));
        return dt;
      }, files);
      await page.dispatchEvent('#drop', 'dragover', { dataTransfer: transfer });
      expect(await page.locator('#drop.over').count()).toBe(1);
      await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
      await page.waitForFunction(() => window.soundlab.clips.length === 2, undefined, { timeout: 60_000 });
      const state = await pageState(page);
      expect(state.clips.map((c) => c.label)).toEqual(two.map((f) => site.truth.predictions.get(basename(f))!.label));
      expect(await page.locator('#clips tbody tr svg.bars').count()).toBe(2);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('says so when the microphone is refused', async () => {
    // A fake device but no auto-accepted prompt: headless Chromium denies the permission.
    const browser = await launchChromium(['--use-fake-device-for-media-stream']);
    try {
      const page = await browser.context.newPage();
      await openSite(page, server.url);
      await page.click('#mic');
      await page.waitForFunction(() => window.soundlab.micMessage !== undefined, undefined, { timeout: 30_000 });
      expect((await pageState(page)).micMessage).toMatch(/^The microphone was refused\. Allow microphone access/);
      expect(await page.locator('#mic-status.error').count()).toBe(1);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("classifies the fake microphone's looped clip live as the command line classifies the file", async () => {
    // The clip the model is surest of, written as 16-bit PCM at its own rate for Chromium's fake capture device (which loops it).
    const [name, truth] = [...site.truth.predictions].sort((a, b) => b[1].probability - a[1].probability)[0];
    const native = loadAudioSync(join(ROOT, 'data.sample/Test', name), { sampleRate: null });
    const micClip = join(site.tmp, 'mic.wav');
    writeFileSync(micClip, encodeWav([native.samples], native.sampleRate));
    const browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${micClip}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
    try {
      const page = await browser.context.newPage();
      await openSite(page, server.url);
      await page.click('#mic');
      // Ten half-second ticks: by then the 4-s window holds nothing but the looped clip.
      await page.waitForFunction(() => window.soundlab.live.length >= 10 || /refused|could not/.test(window.soundlab.micMessage ?? ''), undefined, { timeout: 60_000 });
      const state = await pageState(page);
      expect(state.micMessage).toMatch(/^Listening at \d+ Hz/);
      // The clip really arrives (a silent or beeping fake device would not have its loudness)…
      const clipRms = rms(native.samples);
      for (const l of state.live.slice(-3)) expect(Math.abs(l.rms - clipRms) / clipRms).toBeLessThan(0.2);
      // …and is classified as the command line classifies the file.
      const last = state.live.slice(-3).map((l) => l.label);
      expect(last, `live classes ${state.live.map((l) => l.label).join(', ')}`).toEqual([truth.label, truth.label, truth.label]);
      expect(await page.locator('#live-top').getAttribute('data-class')).toBe(truth.label);

      // The screenshot for the README: live panel and a table of clips.
      await classifyInPage(page, TEST_CLIPS.slice(0, 6));
      const shot = existsSync(SCREENSHOT) && process.env.SOUNDLAB_UPDATE_SCREENSHOT !== '1' ? join(site.tmp, 'web-page.png') : SCREENSHOT;
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: shot });
    } finally {
      await browser.close();
    }
  }, 180_000);
});

describeBrowser('the exported page with the CNN and the GRU (headless Chromium)', () => {
  // Small, quick networks: what matters is that the page makes their inputs (log-mel patches averaged per
  // clip, scaled per channel; MFCC sequences scaled per coefficient) exactly as `soundlab predict` does.
  const kinds: [string, string[]][] = [
    ['cnn', ['--model', 'cnn', '--frames', '32', '--epochs', '2']],
    ['rnn', ['--model', 'rnn', '--frames', '32', '--epochs', '3']],
  ];
  for (const [kind, args] of kinds) {
    it(`${kind}: the 40 Test/ clips get soundlab predict's classes and probabilities`, async () => {
      const trained = await trainAndExport(args);
      const server = await serveSite(trained.siteDir, { port: 0 });
      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await openSite(page, server.url);
        const state = await classifyInPage(page, TEST_CLIPS);
        // The CNN runs on the wasm backend (its .wasm files served beside the page), the GRU on cpu.
        expect(state.backend).toBe(kind === 'cnn' ? 'wasm' : 'cpu');
        for (const clip of state.clips) {
          const cli = trained.truth.predictions.get(clip.name)!;
          expect(clip.error, clip.name).toBeUndefined();
          expect(clip.label, clip.name).toBe(cli.label);
          expect(clip.probability!, clip.name).toBeCloseTo(cli.probability, 3);
        }
        expect(state.clips).toHaveLength(40);
        if (kind === 'cnn') {
          // From file:// the wasm backend cannot be fetched: the page says so and classifies on cpu, with the same classes.
          const local = await browser.context.newPage();
          await openSite(local, pathToFileURL(join(trained.siteDir, 'index.html')).href);
          const few = await classifyInPage(local, TEST_CLIPS.slice(0, 3));
          expect(few.backend).toBe('cpu');
          expect(await local.locator('#messages').textContent()).toContain('cannot load from a file:// page');
          expect(few.clips.map((c) => c.label)).toEqual(state.clips.slice(0, 3).map((c) => c.label));
        }
      } finally {
        await browser.close();
        await server.close();
        rmSync(trained.tmp, { recursive: true, force: true });
      }
    }, 600_000);
  }
});
