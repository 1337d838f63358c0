// Sweeps: expansion, resume (a finished run is not recomputed), the HTML table and the plot.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../lib/data/dataset';
import {
  bestRecord,
  expandSweep,
  labelledItems,
  readSweepConfig,
  readSweepResults,
  runSweep,
  SweepConfigError,
  type LabelledItem,
  type SweepConfig,
} from '../../lib/experiments';
import { sweepFigure, sweepTableHtml, writeSweepReport } from '../../lib/plot/sweep';
import { makeTinyFoldDataset } from './tiny-folds';

const tmp = mkdtempSync(join(tmpdir(), 'soundlab-sweep-'));
let items: LabelledItem[];
beforeAll(async () => {
  await tf.setBackend('cpu');
  items = labelledItems(loadDataset(makeTinyFoldDataset(join(tmp, 'us8k'), 2, 4)));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('expandSweep', () => {
  it('grid: every combination, minus those that differ only in parameters the model ignores', () => {
    const runs = expandSweep({ grid: { model: ['baseline', 'mlp'], epochs: [1, 2], dropout: [0.2, 0.5] } });
    // baseline ignores epochs and dropout: 1 run; mlp: 4.
    expect(runs.filter((r) => r.model === 'baseline')).toHaveLength(1);
    expect(runs.filter((r) => r.model === 'mlp').map((r) => [r.epochs, r.dropout])).toEqual([[1, 0.2], [1, 0.5], [2, 0.2], [2, 0.5]]);
  });
  it('random: the asked number of distinct, seeded draws', () => {
    const config: SweepConfig = { search: 'random', trials: 5, seed: 3, grid: { model: ['mlp'], epochs: [1, 2, 3, 4], learningRate: [0.001, 0.01], hiddenUnits: [[16], [32, 32]] } };
    const a = expandSweep(config);
    expect(a).toHaveLength(5);
    expect(new Set(a.map((r) => JSON.stringify([r.epochs, r.learningRate, r.hiddenUnits]))).size).toBe(5);
    expect(expandSweep(config)).toEqual(a);
    expect(expandSweep({ ...config, seed: 4 })).not.toEqual(a);
  });
  it('names the bad parameter of a sweep file', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ grid: { epochz: [1] } }));
    expect(() => readSweepConfig(file)).toThrow(SweepConfigError);
    expect(() => readSweepConfig(file)).toThrow(/bad\.json: unknown parameter 'epochz'/);
  });
});

describe('runSweep', () => {
  it('logs one JSON line per run and, run again, skips the finished runs', async () => {
    const out = join(tmp, 'results.jsonl');
    const config: SweepConfig = { grid: { model: ['baseline', 'mlp'], epochs: [1, 2] }, fixed: { hiddenUnits: [8], batchSize: 8 }, split: { testFold: 2 } };
    const quiet = { out, log: () => undefined, cacheDir: join(tmp, 'cache'), workers: 0 };
    const first = await runSweep(items, 'tiny', config, quiet);
    expect([first.ran, first.skipped]).toEqual([3, 0]);
    const lines = readSweepResults(out);
    expect(lines).toHaveLength(3);
    for (const r of lines) {
      expect(r.split).toBe('fold2');
      expect(r.testCount).toBe(12);
      expect(typeof r.metrics.accuracy).toBe('number');
      expect(r.seed).toBe(0);
      expect(JSON.parse(readFileSync(join(tmp, r.report), 'utf8')).hash).toBe(r.hash);
    }
    const second = await runSweep(items, 'tiny', config, quiet);
    expect([second.ran, second.skipped]).toEqual([0, 3]);
    expect(readSweepResults(out)).toHaveLength(3);
    // A wider grid runs only what is new.
    const third = await runSweep(items, 'tiny', { ...config, grid: { ...config.grid, epochs: [1, 2, 3] } }, quiet);
    expect([third.ran, third.skipped]).toEqual([1, 3]);
    // A torn last line (interrupted write) is ignored, not fatal.
    writeFileSync(out, readFileSync(out, 'utf8') + '{"hash":"abc", "par');
    expect(readSweepResults(out)).toHaveLength(4);
    expect(third.best?.hash).toBe(bestRecord(third.records)?.hash);
  });
  it('renders a sortable table with the best run marked and linked, and a parallel-coordinates figure', () => {
    const records = readSweepResults(join(tmp, 'results.jsonl'));
    const best = bestRecord(records)!;
    const html = sweepTableHtml(records);
    expect(html.match(/<tr class="best">/g)).toHaveLength(1);
    expect(html).toContain(`<td>★</td><td><code>${best.hash}</code>`);
    expect(html).toContain(`href="${best.report}"`);
    expect(html).toContain("addEventListener('click'");
    const fig = sweepFigure(records);
    const trace = fig.data[0] as { type: string; dimensions: { label: string; values: number[] }[] };
    expect(trace.type).toBe('parcoords');
    expect(trace.dimensions.map((d) => d.label)).toEqual(['model', 'epochs', 'accuracy']);
    expect(trace.dimensions[2].values).toEqual(records.map((r) => Math.round(r.metrics.accuracy * 10000) / 10000));
    const page = join(tmp, 'report.html');
    writeSweepReport(records, page);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('Best run ★');
    expect(text).toContain('Plotly.newPlot');
    // Offline: plotly is embedded (its own source mentions URLs, so look outside the bundle) and nothing is fetched.
    expect(text).toContain('id="soundlab-plotly-bundle"');
    const outside = text.replace(/<script id="soundlab-plotly-bundle">[\s\S]*?<\/script>/, '');
    expect(outside).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*href="https?:|src="https?:/);
  });
});
