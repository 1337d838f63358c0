import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleWat, kernelBuilds, kernelSources } from '../../scripts/build-kernels';

const ROOT = resolve(__dirname, '../..');

/** Every .wasm under lib/ (the committed binaries). */
function committedBinaries(dir = join(ROOT, 'lib')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? committedBinaries(join(dir, e.name)) : e.name.endsWith('.wasm') ? [join(dir, e.name)] : [],
  );
}

describe('WebAssembly kernels: readable source and committed binary', () => {
  const sources = kernelSources(ROOT);
  const builds = kernelBuilds(ROOT);

  it('finds the MLP, resampler and STFT kernel sources', () => {
    expect(sources.map((p) => relative(ROOT, p))).toEqual(['lib/audio/kernels/resample.wat', 'lib/features/kernels/stft.wat', 'lib/model/kernels/mlp.wat']);
  });

  // Edit a .wat, run `npm run build-kernels`, commit both: this fails when only one of them changed.
  it('builds the MLP kernel also as a shared-memory variant (its helper thread)', () => {
    expect(builds.filter((b) => b.shared).map((b) => relative(ROOT, b.wasm))).toEqual(['lib/model/kernels/mlp.shared.wasm']);
  });

  it.each(builds.map((b) => [relative(ROOT, b.wasm), b] as const))('%s rebuilds from its .wat, byte for byte', async (name, { wat, wasm, shared }) => {
    expect(existsSync(wasm), `${name}: not committed (run npm run build-kernels)`).toBe(true);
    const rebuilt = await assembleWat(wat, { shared });
    expect(Buffer.from(rebuilt).equals(readFileSync(wasm)), `${name} is stale (run npm run build-kernels)`).toBe(true);
  });

  it('every committed .wasm under lib/ has its .wat source', () => {
    const binaries = committedBinaries().map((p) => relative(ROOT, p)).sort();
    expect(binaries).toEqual(builds.map((b) => relative(ROOT, b.wasm)).sort());
  });
});
