// `soundlab export-web --model DIR --out SITE`: a static web page that classifies audio files and the microphone with a saved model.
import { relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { positiveNumber } from './options';
import { exportWebSite, type WebExport } from '../web/export';
import type { SiteBackend } from '../web/backends';
import { consoleIo, type CliIo } from './io';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** The command's summary: what was written, the bundle size and its largest parts. */
export function exportSummary(r: WebExport): string[] {
  const rel = relative(process.cwd(), r.outDir);
  const where = rel === '' ? '.' : rel.startsWith('..') ? r.outDir : rel;
  return [
    `site written to ${where}/: ${r.files.join(', ')}`,
    `bundle soundlab.js ${kb(r.bundleBytes)} (minified; ${r.bundleParts.slice(0, 4).map((p) => `${p.part} ${kb(p.bytes)}`).join(', ')}), ` +
      `index.html ${kb(r.htmlBytes)}, model.js ${kb(r.modelJsBytes)} (weights inlined), model/ ${kb(r.modelFilesBytes)}` +
      (r.backend === 'wasm' ? `, TensorFlow.js wasm backend files ${kb(r.wasmBytes)}` : ''),
    r.backend === 'wasm'
      ? `serve it (the wasm backend is fetched over http): soundlab serve ${where}`
      : `open ${where}/index.html in a browser (works from file://), or: soundlab serve ${where}`,
  ];
}

interface ExportWebOptions {
  model: string;
  out: string;
  windowSeconds?: number;
  backend?: SiteBackend;
}

export async function runExportWeb(opts: ExportWebOptions, io: CliIo = consoleIo): Promise<WebExport> {
  const result = await exportWebSite(opts.model, opts.out, {
    ...(opts.windowSeconds !== undefined ? { windowSeconds: opts.windowSeconds } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
  });
  exportSummary(result).forEach((l) => io.out(l));
  return result;
}

export function register(program: Command): void {
  program
    .command('export-web')
    .description(
      'Write a static web page that classifies dropped audio files and the microphone with a model written by `soundlab train`, ' +
        "in the browser, with soundlab's own decoding, resampling and features (one JavaScript bundle, no network).",
    )
    .requiredOption('--model <model_dir>', 'a model directory written by `soundlab train --out`')
    .requiredOption('--out <site_dir>', 'folder to write the site into (created)')
    .option('--backend <name>', 'TensorFlow.js backend of the page: cpu (works from file://) or wasm (needs http; default for the CNN)', (v: string) => {
      if (v !== 'cpu' && v !== 'wasm') throw new InvalidArgumentError(`--backend must be cpu or wasm, got '${v}'`);
      return v;
    })
    .option('--window-seconds <s>', 'seconds of microphone audio classified each time (default: 4, an UrbanSound8K clip)', positiveNumber('--window-seconds'))
    .action(async (opts: ExportWebOptions) => {
      await runExportWeb(opts);
    });
}
