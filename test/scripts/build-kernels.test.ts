import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleWat, kernelSources, wasmPathOf } from '../../scripts/build-kernels';

const ROOT = resolve(__dirname, '../..');

/** Every .wasm under lib/ (the committed binaries). */
function committedBinaries(dir = join(ROOT, 'lib')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? committedBinaries(join(dir, e.name)) : e.name.endsWith('.wasm') ? [join(dir, e.name)] : [],
  );
}

describe('WebAssembly kernels: readable source and committed binary', () => {
  const sources = kernelSources(ROOT);

  it('finds the MLP, resampler and STFT kernel sources', () => {
    expect(sources.map((p) => relative(ROOT, p))).toEqual(['lib/audio/kernels/resample.wat', 'lib/features/kernels/stft.wat', 'lib/model/kernels/mlp.wat']);
  });

  // Edit a .wat, run `npm run build-kernels`, commit both: this fails when only one of them changed.
  it.each(sources.map((p) => relative(ROOT, p)))('%s rebuilds to the committed .wasm, byte for byte', async (wat) => {
    const path = join(ROOT, wat);
    expect(existsSync(wasmPathOf(path)), `${wat}: no committed .wasm (run npm run build-kernels)`).toBe(true);
    const rebuilt = await assembleWat(path);
    expect(Buffer.from(rebuilt).equals(readFileSync(wasmPathOf(path))), `${wat}: the committed .wasm is stale (run npm run build-kernels)`).toBe(true);
  });

  it('every committed .wasm under lib/ has its .wat source', () => {
    const binaries = committedBinaries().map((p) => relative(ROOT, p)).sort();
    expect(binaries).toEqual(sources.map((p) => relative(ROOT, wasmPathOf(p))).sort());
  });
});
