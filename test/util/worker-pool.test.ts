import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPool } from '../../lib/util/worker-pool';

const WORKER = join(__dirname, 'square-worker.ts');

interface Out { square: number; threadId: number }

async function run(items: number[], workers: number, workerModule = WORKER, chunkSize?: number) {
  const results = new Map<number, Out>();
  const crashed = new Map<number, string>();
  const report = await runPool<number, Out>({
    items, workerModule, workers, chunkSize,
    inline: (x) => ({ square: x * x, threadId: 0 }),
    onResult: (i, r) => {
      expect(results.has(i)).toBe(false); // each item answered once
      results.set(i, r);
    },
    onCrash: (i, reason) => crashed.set(i, reason),
  });
  return { results, crashed, report };
}

describe('runPool', () => {
  it('answers every item once, on several worker threads, with its index', async () => {
    const items = Array.from({ length: 60 }, (_, i) => i + 1);
    const { results, report } = await run(items, 2);
    expect(results.size).toBe(60);
    for (let i = 0; i < 60; i++) expect(results.get(i)?.square).toBe((i + 1) ** 2);
    const threads = new Set([...results.values()].map((r) => r.threadId));
    expect(threads.has(0)).toBe(false); // nothing ran inline
    expect(threads.size).toBe(2);
    expect(report).toEqual({ workersStarted: 2, crashes: 0, inlineItems: 0 });
  });

  it('runs inline with workers: 0', async () => {
    const { results, report } = await run([2, 3], 0);
    expect(results.get(1)).toEqual({ square: 9, threadId: 0 });
    expect(report.inlineItems).toBe(2);
    expect(report.workersStarted).toBe(0);
  });

  it('survives a worker that dies: the others in its chunk are retried, the culprit reported', async () => {
    const items = [1, 2, 3, -1, 5, 6, 7, 8, 9, 10];
    const { results, crashed, report } = await run(items, 2, WORKER, 4);
    expect([...crashed.keys()]).toEqual([3]);
    expect(crashed.get(3)).toMatch(/worker crashed twice.*exit code 9/);
    expect(results.size).toBe(9);
    for (const [i, r] of results) expect(r.square).toBe(items[i] ** 2);
    expect(report.crashes).toBe(2); // first in its chunk, then alone
  });

  it('finishes inline when workers cannot start', async () => {
    const { results, report } = await run([1, 2, 3, 4], 2, join(__dirname, 'no-such-worker.ts'));
    expect(results.size).toBe(4);
    expect(results.get(3)).toEqual({ square: 16, threadId: 0 });
    expect(report.inlineItems).toBe(4);
  });
});
