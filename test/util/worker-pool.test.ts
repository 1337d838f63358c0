import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPool, WorkerPool } from '../../lib/util/worker-pool';

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

describe('WorkerPool', () => {
  const collect = async (pool: WorkerPool, items: number[], workers: number, context?: unknown) => {
    const results = new Map<number, Out>();
    const report = await pool.run<number, Out>({
      items, workers, context,
      inline: (x) => ({ square: x * x, threadId: 0 }),
      onResult: (i, r) => results.set(i, r),
      onCrash: (i, reason) => {
        throw new Error(`item ${i} crashed: ${reason}`);
      },
    });
    return { results, report };
  };

  it('keeps its threads between batches: the second batch starts none and runs on the same threads', async () => {
    const pool = new WorkerPool(WORKER);
    try {
      const first = await collect(pool, Array.from({ length: 40 }, (_, i) => i), 2);
      expect(first.report.workersStarted).toBe(2);
      expect(pool.size).toBe(2);
      const second = await collect(pool, [3, 4, 5, 6], 2, { offset: 1000 });
      expect(second.report.workersStarted).toBe(0);
      // The batch's context reaches the worker with every item.
      expect([...second.results.values()].map((r) => r.square).sort((a, b) => a - b)).toEqual([1009, 1016, 1025, 1036]);
      const threadsBefore = new Set([...first.results.values()].map((r) => r.threadId));
      for (const r of second.results.values()) expect(threadsBefore.has(r.threadId)).toBe(true);
      // A bigger batch grows the pool; a crash replaces the dead thread and the pool stays usable.
      const crashed = await pool.run<number, Out>({
        items: [1, -1, 2], workers: 2, chunkSize: 1, inline: (x) => ({ square: x, threadId: 0 }),
        onResult: () => undefined, onCrash: () => undefined,
      });
      expect(crashed.crashes).toBe(2);
      const after = await collect(pool, [7, 8], 2);
      expect([...after.results.values()].map((r) => r.square).sort((a, b) => a - b)).toEqual([49, 64]);
    } finally {
      await pool.close();
    }
    expect(pool.size).toBe(0);
    // Closed is not broken: the next batch starts threads again.
    const again = await collect(pool, [9], 1);
    expect(again.report.workersStarted).toBe(1);
    await pool.close();
  });

  it('runs overlapping batches one after the other, each with its own context', async () => {
    const pool = new WorkerPool(WORKER);
    try {
      const [a, b] = await Promise.all([collect(pool, [1, 2, 3], 2, { offset: 10 }), collect(pool, [1, 2, 3], 2, { offset: 20 })]);
      expect([...a.results.entries()].sort(([i], [j]) => i - j).map(([, r]) => r.square)).toEqual([11, 14, 19]);
      expect([...b.results.entries()].sort(([i], [j]) => i - j).map(([, r]) => r.square)).toEqual([21, 24, 29]);
    } finally {
      await pool.close();
    }
  });

  it('does not keep the process alive once a batch is done (idle threads are unref\'d)', () => {
    const script = `const { WorkerPool } = require(${JSON.stringify(join(__dirname, '../../lib/util/worker-pool.ts'))});` +
      `new WorkerPool(${JSON.stringify(WORKER)}).run({ items: [2, 3], workers: 2, inline: () => null, onResult: (i, r) => console.log(i, r.square), onCrash: () => {} })` +
      `.then((rep) => console.log('started', rep.workersStarted));`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    // A process held open by its threads would be killed at spawnSync's timeout: status null, not 0.
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/started 2/);
    expect(out.stdout).toMatch(/\b1 9\b/);
  });
});
