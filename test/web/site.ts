// Shared by the web tests: a model trained on data.sample/ through the command line, the CLI's own
// features and predictions for Test/, the exported site, and headless Chromium with a fresh profile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../lib/notebook/browser';
import { exportWebSite, type WebExport } from '../../lib/web/export';

export const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/soundlab');
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

/** Runs `soundlab ARGS` in a child process; throws with its stderr when it fails. */
export function soundlab(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`soundlab ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** The 40 Test/ clips of data.sample/, sorted by name. */
export const TEST_CLIPS = readdirSync(join(ROOT, 'data.sample/Test'))
  .filter((f) => f.endsWith('.wav'))
  .sort()
  .map((f) => join(ROOT, 'data.sample/Test', f));

/** What the command line says about Test/: features per file name, predicted class and probability per file name. */
export interface CliTruth {
  features: Record<string, number[]>;
  predictions: Map<string, { label: string; probability: number }>;
}

/** A trained, exported model and what the CLI computes for Test/ with it. */
export interface TrainedSite {
  tmp: string;
  modelDir: string;
  siteDir: string;
  exported: WebExport;
  truth: CliTruth;
}

/**
 * Trains a model on data.sample/ with `soundlab train` (default the tutorial's MLP, 20 epochs, seed 0;
 * `trainArgs` for another), computes Test/'s features with `soundlab features` and its classes with
 * `soundlab predict`, and exports the site.
 */
export async function trainAndExport(trainArgs: string[] = ['--epochs', '20']): Promise<TrainedSite> {
  const tmp = mkdtempSync(join(tmpdir(), 'soundlab-web-'));
  const modelDir = join(tmp, 'model');
  soundlab(['train', '--data', join(ROOT, 'data.sample'), '--out', modelDir, '--seed', '0', ...trainArgs], tmp); // features cached in tmp/.soundlab-cache (the working directory)
  soundlab(['features', '--out', join(tmp, 'features.json'), '--no-progress', ...TEST_CLIPS], tmp);
  const csv = soundlab(['predict', '--model', modelDir, ...TEST_CLIPS], tmp);
  const predictions = new Map<string, { label: string; probability: number }>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [file, label, probability] = line.split(',');
    predictions.set(file.split('/').pop()!, { label, probability: Number(probability) });
  }
  const features = JSON.parse(readFileSync(join(tmp, 'features.json'), 'utf8')) as Record<string, number[]>;
  const siteDir = join(tmp, 'site');
  const exported = await exportWebSite(modelDir, siteDir);
  return { tmp, modelDir, siteDir, exported, truth: { features, predictions } };
}

/** Chromium (lib/notebook's path and flags: headless, offline) with a new temporary profile (removed by `close`); `extraFlags` e.g. the fake microphone. */
export async function launchChromium(extraFlags: string[] = []): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'soundlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, ...extraFlags],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
