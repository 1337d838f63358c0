// `soundlab export-web`: a static folder that classifies audio in the browser with a saved model —
// index.html, one JavaScript bundle (lib's decoding, resampling and features + TensorFlow.js), the model.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readModelForWeb } from './model-dir';
import { WASM_BACKEND_FILES, type SiteBackend } from './backends';

/** The page's sources: the bundle's entry point and the HTML template. */
export const PAGE_DIR = join(__dirname, 'page');
export const BUNDLE_FILE = 'soundlab.js';

/** Where tfjs-backend-wasm keeps its .wasm files. */
const WASM_BACKEND_DIST = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

/**
 * The backend a model's page runs on unless told otherwise (measured, README): wasm for the CNN (a patch
 * takes ~15 ms there against ~0.5 s on cpu), cpu for the MLP and the GRU (a millisecond or two either way,
 * and cpu also works from file://).
 */
export function defaultBackend(kind: string): SiteBackend {
  return kind === 'cnn' ? 'wasm' : 'cpu';
}

/** Node's built-in modules: the page must import none (esbuild fails the build when one is reached). */
const NODE_ONLY = /^(node:|fs$|path$|os$|crypto$|child_process$|worker_threads$|url$)/;

/** What export-web wrote and how big it is. */
export interface WebExport {
  outDir: string;
  /** Bytes of soundlab.js (minified), index.html, model.js (weights inlined as base64) and the model's own files. */
  bundleBytes: number;
  htmlBytes: number;
  modelJsBytes: number;
  modelFilesBytes: number;
  /** The TensorFlow.js backend the page runs on, and the bytes of its .wasm files copied beside it (0 for cpu). */
  backend: SiteBackend;
  wasmBytes: number;
  /** The bundle's largest inputs by package / lib folder, bytes of minified output. */
  bundleParts: { part: string; bytes: number }[];
  files: string[];
}

/** The package or lib folder an esbuild input belongs to, for the size breakdown. */
function partOf(input: string): string {
  const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const lib = input.match(/lib\/([^/]+)\//);
  return lib ? `lib/${lib[1]}` : input;
}

/**
 * Bundles `entry` (default lib/web/page/main.ts) and everything it imports into one minified browser script.
 * Returns its text and the size of each part. Throws esbuild's error when lib code on the way imports a Node-only module.
 */
export async function bundlePage(entry: string = join(PAGE_DIR, 'main.ts')): Promise<{ code: Uint8Array; parts: { part: string; bytes: number }[] }> {
  // Required at run time: esbuild is only needed by this command, not by the rest of lib.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife', // a classic <script>: module scripts are refused from file:// pages
    platform: 'browser',
    target: ['chrome100', 'firefox100'],
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    loader: { '.wasm': 'binary' },
    // lib reads process.env for opt-outs (SOUNDLAB_FFT=js, …): in the page there is no environment.
    define: { 'process.env': '{}' },
    plugins: [
      {
        // A lib module with a sibling `<name>.browser.ts` is replaced by it in the bundle, as a package's
        // "browser" field does: the seam where a module that reads a file in Node (a WebAssembly kernel's
        // bytes) gets them inlined instead (`import bytes from './kernel.wasm'`, loader 'binary').
        name: 'browser-twins',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (args.importer.includes('node_modules') || args.importer.endsWith('.browser.ts')) return undefined;
            const twin = `${resolve(args.resolveDir, args.path).replace(/\.ts$/, '')}.browser.ts`;
            return existsSync(twin) ? { path: twin } : undefined;
          });
          // `import text from 'module?text'`: a file's contents as a string (e.g. an emscripten glue file to parse);
          // `import bytes from 'module?wasm'`: the .wasm file beside it with the same name (emscripten's layout).
          // Resolved as Node resolves them, so a package's "exports" map applies.
          build.onResolve({ filter: /\?(text|wasm)$/ }, (args) => {
            const [specifier, kind] = args.path.split('?');
            const file = require.resolve(specifier, { paths: [args.resolveDir] });
            return { path: kind === 'wasm' ? file.replace(/\.[cm]?js$/, '.wasm') : file, namespace: `soundlab-${kind}` };
          });
          build.onLoad({ filter: /.*/, namespace: 'soundlab-text' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
          build.onLoad({ filter: /.*/, namespace: 'soundlab-wasm' }, (args) => ({ contents: readFileSync(args.path), loader: 'binary' }));
        },
      },
      {
        // lib/model imports '@tensorflow/tfjs' (everything); the page needs core + layers on the cpu backend only.
        name: 'tfjs-core-layers',
        setup(build) {
          build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: join(PAGE_DIR, 'tf.ts') }));
        },
      },
      {
        name: 'no-node-builtins',
        setup(build) {
          // Only lib's own files are checked: packages map their optional Node imports away through their
          // package.json "browser" field (seedrandom's crypto), which esbuild honours.
          build.onResolve({ filter: NODE_ONLY }, (args) =>
            args.importer.includes('node_modules')
              ? undefined
              : { errors: [{ text: `the web page must not import the Node-only module '${args.path}' (imported by ${args.importer})` }] },
          );
        },
      },
    ],
  });
  const out = result.outputFiles[0];
  const sizes = new Map<string, number>();
  for (const o of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) sizes.set(partOf(input), (sizes.get(partOf(input)) ?? 0) + bytesInOutput);
  }
  const parts = [...sizes].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { code: out.contents, parts };
}

/**
 * Writes the site for the model in `modelDir` into `outDir` (created; files of an earlier export are replaced):
 * index.html, soundlab.js, model.js (`window.SOUNDLAB_MODEL`: classes, feature parameters, standardiser,
 * topology and weights — a script, so the page also works opened from file://), model/ (the model's files as
 * saved) and, for the wasm backend (`opts.backend`, default defaultBackend(kind)), tfjs-backend-wasm's .wasm files.
 */
export async function exportWebSite(modelDir: string, outDir: string, opts: { windowSeconds?: number; backend?: SiteBackend } = {}): Promise<WebExport> {
  const model = await readModelForWeb(modelDir, opts);
  const backend = opts.backend ?? defaultBackend(model.info.params.model);
  const { code, parts } = await bundlePage();
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  rmSync(join(out, 'model'), { recursive: true, force: true });
  mkdirSync(join(out, 'model'));
  writeFileSync(join(out, BUNDLE_FILE), code);
  const html = readFileSync(join(PAGE_DIR, 'index.html'));
  writeFileSync(join(out, 'index.html'), html);
  const exported = {
    info: model.info,
    modelTopology: model.modelTopology,
    weightSpecs: model.weightSpecs,
    weightsBase64: Buffer.from(model.weights).toString('base64'),
    backend,
  };
  const modelJs = `// Written by soundlab export-web: the model the page classifies with.\nwindow.SOUNDLAB_MODEL = ${JSON.stringify(exported)};\n`;
  writeFileSync(join(out, 'model.js'), modelJs);
  let wasmBytes = 0;
  for (const f of WASM_BACKEND_FILES) {
    rmSync(join(out, f), { force: true });
    if (backend !== 'wasm') continue;
    copyFileSync(join(WASM_BACKEND_DIST, f), join(out, f));
    wasmBytes += statSync(join(out, f)).size;
  }
  let modelFilesBytes = 0;
  for (const f of model.files) {
    copyFileSync(f.path, join(out, 'model', f.name));
    modelFilesBytes += statSync(f.path).size;
  }
  return {
    outDir: out,
    bundleBytes: code.byteLength,
    htmlBytes: html.byteLength,
    modelJsBytes: Buffer.byteLength(modelJs),
    modelFilesBytes,
    backend,
    wasmBytes,
    bundleParts: parts,
    files: ['index.html', BUNDLE_FILE, 'model.js', ...model.files.map((f) => `model/${f.name}`), ...(backend === 'wasm' ? WASM_BACKEND_FILES : [])],
  };
}
