// How fast the exported MLP runs on TensorFlow.js's cpu and wasm backends in headless Chromium, and what
// wasm adds to the bundle: the measurement behind export-web's choice of the cpu backend (README, "The
// model in a web page"). Not a test (timings are never asserted): `npx tsx test/web/backend-bench.ts [soundlab train
// options]`, e.g. `-- --model cnn --epochs 1` for the SB-CNN (default: the tutorial's MLP, 20 epochs).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePage } from '../../lib/web/export';
import { serveSite } from '../../lib/web/serve';
import { launchChromium, trainAndExport } from './site';

const WASM_DIST = join(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist');

async function main(): Promise<void> {
  const trainArgs = process.argv.slice(2).filter((a) => a !== '--');
  const site = await trainAndExport(trainArgs.length ? trainArgs : undefined);
  const dir = join(site.tmp, 'bench');
  mkdirSync(dir);
  const { code, parts } = await bundlePage(join(__dirname, 'backend-bench-page.ts'));
  writeFileSync(join(dir, 'bench.js'), code);
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copyFileSync(join(WASM_DIST, f), join(dir, f));
  copyFileSync(join(site.siteDir, 'model.js'), join(dir, 'model.js'));
  writeFileSync(join(dir, 'index.html'), '<link rel="icon" href="data:,"><script src="model.js"></script><script src="bench.js"></script>');
  console.log(`page bundle (cpu backend): ${site.exported.bundleBytes} bytes; with the wasm backend too: ${code.byteLength} bytes`);
  console.log(parts.slice(0, 5).map((p) => `  ${p.part} ${p.bytes}`).join('\n'));
  const server = await serveSite(dir, { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    const rows = await page.evaluate(() => (window as unknown as { bench: () => Promise<unknown[]> }).bench());
    console.table(rows);
  } finally {
    await browser.close();
    await server.close();
    rmSync(site.tmp, { recursive: true, force: true });
  }
}

void main();
