// `npm run bench [-- section...]`: the speed figures the README quotes, measured on real clips.
// Each section is a module in scripts/bench/ exporting `run(): Promise<void>` that prints its own figures.
import { resolve } from 'node:path';

const SECTIONS: Record<string, string> = {
  // name: module path relative to this file (one line per section)
  audio: './bench/audio',
  pipeline: './bench/pipeline',
  'features-core': './bench/features-core',
  train: './bench/train',
  cnn: './bench/cnn',
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: npm run bench [-- SECTION...]\nSections: ${Object.keys(SECTIONS).join(', ')} (default: all)`);
    return;
  }
  const wanted = args.length ? args : Object.keys(SECTIONS);
  for (const name of wanted) {
    const modulePath = SECTIONS[name];
    if (!modulePath) throw new Error(`unknown bench section '${name}' (known: ${Object.keys(SECTIONS).join(', ')})`);
    console.log(`\n== bench: ${name} ==`);
    const mod = (await import(resolve(__dirname, modulePath))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
