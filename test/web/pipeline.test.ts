// The page's pipeline in Node: lib's loader on bytes in memory, the feature kinds, the header rate hints,
// the bundle's guard against Node-only imports, and the static server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudioAsync, loadAudio, loadAudioSync } from '../../lib/audio';
import { extractFeatures } from '../../lib/features/extract';
import { resolveModelParams } from '../../lib/model/registry';
import type { Standardizer } from '../../lib/model/scaler';
import { bundlePage } from '../../lib/web/export';
import { nativeRateHint } from '../../lib/web/page/webaudio';
import { clipFeature, clipLogMel, clipProbabilities, loadClipBytes, modelInputRows, type SiteFeatures } from '../../lib/web/pipeline';
import { MIME_TYPES, resolveRequestPath, serveSite, type SiteServer } from '../../lib/web/serve';
import { sniffContainer } from '../../lib/audio';
import { exportSummary } from '../../lib/cli/export-web';
import { runServe } from '../../lib/cli/serve';
import { ROOT, TEST_CLIPS } from './site';

const TONE = (ext: string) => join(ROOT, 'test/audio/data', `tone.${ext}`);
const MFCC_MEAN: SiteFeatures = { kind: 'mfccMean', sampleRate: 22050, nMfcc: 40, nMels: 128, frames: 128, patchHop: 0 };
const noOther = async () => {
  throw new Error('not reached for WAV files');
};

describe("the page's pipeline on bytes (lib/web/pipeline.ts)", () => {
  it('loads WAV bytes exactly as loadAudioSync loads the file (every encoding of Test/)', async () => {
    for (const file of TEST_CLIPS.slice(0, 12)) {
      const fromBytes = await loadClipBytes(readFileSync(file), 'x.wav', 22050, noOther);
      const fromFile = loadAudioSync(file);
      expect(fromBytes.sampleRate).toBe(22050);
      expect(Buffer.from(fromBytes.samples.buffer).equals(Buffer.from(fromFile.samples.buffer))).toBe(true);
    }
  });

  it('hands other containers to the given decoder, then mixes down and resamples as loadAudio does', async () => {
    const bytes = readFileSync(TONE('flac'));
    const seen: string[] = [];
    const viaHook = await loadClipBytes(bytes, 'tone.flac', 22050, (b, name, container) => {
      seen.push(`${name} ${container}`);
      return decodeAudioAsync(b, name);
    });
    const viaNode = await loadAudio(TONE('flac'));
    expect(seen).toEqual(['tone.flac flac']);
    expect(Array.from(viaHook.samples)).toEqual(Array.from(viaNode.samples));
  });

  it("throws the command line's AudioDecodeError for a corrupt WAV", async () => {
    const corrupt = join(ROOT, 'data.sample/Train/142.wav');
    const expected = await loadAudio(corrupt).then(() => null, (e: AudioDecodeError) => e.reason);
    const got = await loadClipBytes(readFileSync(corrupt), '142.wav', 22050, noOther).then(() => null, (e: unknown) => e);
    expect(got).toBeInstanceOf(AudioDecodeError);
    expect((got as AudioDecodeError).message).toBe(`142.wav: ${expected}`);
  });

  it("computes extractFeatures' rows bit for bit (mfccMean, mfcc, logmel patches)", async () => {
    const files = TEST_CLIPS.slice(0, 6);
    const kinds: SiteFeatures[] = [MFCC_MEAN, { ...MFCC_MEAN, kind: 'mfcc', nMfcc: 13 }, { ...MFCC_MEAN, kind: 'logmel', nMels: 64, frames: 16, patchHop: 8 }];
    for (const f of kinds) {
      const node = await extractFeatures(files, { kind: f.kind, nMfcc: f.nMfcc, nMels: f.nMels, frames: f.frames, patchHop: f.patchHop, cache: false, workers: 0, progress: false });
      for (const [k, file] of files.entries()) {
        const audio = await loadClipBytes(readFileSync(file), file, f.sampleRate, noOther);
        const row = clipFeature(clipLogMel(audio.samples, f), f);
        expect(row.shape, `${f.kind} ${file}`).toEqual(node.shapes[k]);
        expect(Array.from(row.data), `${f.kind} ${file}`).toEqual(Array.from(node.X[k]));
      }
    }
  });

  it("makes the network's inputs as soundlab predict does: one scaled row for the MLP, one per patch for a CNN", () => {
    const mlp = resolveModelParams({ model: 'mlp', nMfcc: 2 });
    const columns: Standardizer = { axis: 'column', mean: [2, 3], std: [1, 2] };
    const vector = { data: Float32Array.of(1, 2), shape: [2] };
    expect(modelInputRows(vector, { params: mlp, standardizer: columns })).toEqual([Float32Array.of(-1, -0.5)]);
    expect(modelInputRows(vector, { params: mlp, standardizer: null })).toEqual([Float32Array.of(1, 2)]);
    const cnn = resolveModelParams({ model: 'cnn', nMels: 2, frames: 2 });
    const channel: Standardizer = { axis: 'channel', mean: [1], std: [2] };
    const twoPatches = { data: Float32Array.from({ length: 8 }, (_, k) => k), shape: [2, 2, 2] };
    expect(modelInputRows(twoPatches, { params: cnn, standardizer: channel })).toEqual([Float32Array.of(-0.5, 0, 0.5, 1), Float32Array.of(1.5, 2, 2.5, 3)]);
  });

  it("averages a clip's patch probabilities", () => {
    expect(clipProbabilities([Float32Array.of(0.2, 0.8), Float32Array.of(0.6, 0.4)])).toEqual(Float32Array.of(0.4, 0.6));
    expect(clipProbabilities([Float32Array.of(0.3, 0.7)])).toEqual(Float32Array.of(0.3, 0.7));
  });
});

describe('nativeRateHint: the rate a compressed file declares, so decodeAudioData does not resample', () => {
  it('reads FLAC, Ogg Vorbis and AIFF headers (files made by sox at 16 kHz)', () => {
    for (const ext of ['flac', 'ogg', 'aiff']) {
      const bytes = readFileSync(TONE(ext));
      expect(nativeRateHint(bytes, sniffContainer(bytes)), ext).toBe(16000);
    }
  });

  it('reads an MPEG frame header after an ID3 tag, and knows Opus decodes at 48 kHz', () => {
    // ID3v2 header with a 4-byte tag body, then an MPEG-1 Layer III frame header at 44.1 kHz (index 0) and one at 32 kHz (index 2).
    const id3 = [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4];
    expect(nativeRateHint(Uint8Array.from([...id3, 0xff, 0xfb, 0x90, 0x00]), 'mp3')).toBe(44100);
    expect(nativeRateHint(Uint8Array.from([0xff, 0xfb, 0x98, 0x00]), 'mp3')).toBe(32000);
    expect(nativeRateHint(Uint8Array.from([0xff, 0xf3, 0x98, 0x00]), 'mp3')).toBe(16000); // MPEG-2
    expect(nativeRateHint(new Uint8Array(4), 'opus')).toBe(48000);
    expect(nativeRateHint(Uint8Array.from([0xff, 0xfb, 0x9c, 0x00]), 'mp3')).toBeNull(); // reserved rate index
  });
});

describe('the bundle', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(ROOT, '.web-entry-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses lib code that reaches a Node-only module, naming it', async () => {
    const entry = join(tmp, 'entry.ts');
    writeFileSync(entry, "import { loadAudio } from '../lib/audio/load';\nconsole.log(loadAudio);\n");
    await expect(bundlePage(entry)).rejects.toThrow(/Node-only module 'node:fs'/);
  });

  it('replaces a lib module by its .browser.ts twin and inlines .wasm bytes and ?text files', async () => {
    writeFileSync(join(tmp, 'bytes.ts'), "import { readFileSync } from 'node:fs';\nexport const kernelBytes = () => readFileSync('k.wasm');\n");
    writeFileSync(join(tmp, 'bytes.browser.ts'), "import k from './k.wasm';\nimport glue from './glue.js?text';\nexport const kernelBytes = () => k;\nexport const glueText = glue;\n");
    writeFileSync(join(tmp, 'k.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    writeFileSync(join(tmp, 'glue.js'), 'var Module = "glue marker";');
    const entry = join(tmp, 'twin-entry.ts');
    writeFileSync(entry, "import { glueText, kernelBytes } from './bytes';\n(globalThis as any).out = Array.from(kernelBytes());\n(globalThis as any).glue = glueText;\n");
    const { code } = await bundlePage(entry);
    const text = Buffer.from(code).toString('utf8');
    expect(text).not.toContain('readFileSync');
    const sandbox: { out?: number[]; glue?: string } = {};
    new Function('globalThis', text)(sandbox);
    expect(sandbox.out).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(sandbox.glue).toBe('var Module = "glue marker";');
  });

  it("bundles the page's own entry without any", async () => {
    const { code, parts } = await bundlePage();
    expect(code.byteLength).toBeGreaterThan(100_000);
    expect(parts.some((p) => p.part.startsWith('node:'))).toBe(false);
  });
});

describe('serveSite', () => {
  let dir: string;
  let server: SiteServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soundlab-serve-'));
    writeFileSync(join(dir, 'index.html'), '<p>hi</p>');
    writeFileSync(join(dir, 'k.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d));
    server = await serveSite(dir, { port: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string) =>
    new Promise<{ status: number; type?: string; body: string }>((done, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      });
      req.on('error', fail);
      req.end();
    });

  it('serves index.html for / and WebAssembly as application/wasm', async () => {
    expect(await get('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<p>hi</p>' });
    expect(await get('/k.wasm')).toMatchObject({ status: 200, type: 'application/wasm' });
    expect(MIME_TYPES['.js']).toMatch(/^text\/javascript/);
  });

  it('answers 404 for a missing file and 403 for paths out of the folder', async () => {
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/../etc/passwd')).status).toBe(403);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(403);
    expect(resolveRequestPath('/site', '/a/../b.js')).toBe('/site/b.js');
    expect(resolveRequestPath('/site', '/..%2fx')).toBeNull();
  });
});

describe('the commands', () => {
  it('serve refuses a folder without index.html, naming the command that writes one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'soundlab-empty-'));
    try {
      await expect(runServe(empty, { port: 0, host: '127.0.0.1' })).rejects.toThrow(/no index\.html \(write a site with `soundlab export-web --model DIR --out /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('export-web says what it wrote, the sizes and how to open it (file:// for cpu, serve for wasm)', () => {
    const base = {
      outDir: join(process.cwd(), 'site'), bundleBytes: 741_434, htmlBytes: 3000, modelJsBytes: 425_000, modelFilesBytes: 321_000, wasmBytes: 0,
      backend: 'cpu' as const, bundleParts: [{ part: '@tensorflow/tfjs-layers', bytes: 208_378 }], files: ['index.html', 'soundlab.js'],
    };
    const cpu = exportSummary(base);
    expect(cpu[0]).toBe('site written to site/: index.html, soundlab.js');
    expect(cpu[1]).toMatch(/^bundle soundlab\.js 724 KB \(minified; @tensorflow\/tfjs-layers 203 KB\), index\.html 3 KB, model\.js 415 KB/);
    expect(cpu[2]).toMatch(/works from file:\/\//);
    const wasm = exportSummary({ ...base, backend: 'wasm', wasmBytes: 735_000 });
    expect(wasm[1]).toMatch(/TensorFlow\.js wasm backend files 718 KB$/);
    expect(wasm[2]).toBe('serve it (the wasm backend is fetched over http): soundlab serve site');
  });
});
